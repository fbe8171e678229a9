import { mulberry32 } from '../../ml/random';
import { topKByDot, topKExcept } from './topk';

describe('topKByDot', () => {
  it('equals a full sort on random tables, for every k, with skipped rows and ties broken by row', () => {
    const rng = mulberry32(2);
    for (const [n, d] of [
      [1, 3],
      [50, 5],
      [300, 16],
    ] as const) {
      // Values on a coarse grid so ties happen.
      const items = Float32Array.from({ length: n * d }, () => Math.round(rng() * 4) / 4);
      const user = Float32Array.from({ length: d }, () => Math.round(rng() * 4) / 4);
      const dot = (r: number): number => {
        let s = 0;
        for (let k = 0; k < d; k++) s += user[k]! * items[r * d + k]!;
        return Math.fround(s);
      };
      const skip = (r: number): boolean => r % 7 === 3;
      const all = Array.from({ length: n }, (_, r) => r)
        .filter((r) => !skip(r))
        .sort((a, b) => dot(b) - dot(a) || a - b);
      for (const k of [0, 1, 3, 10, n + 5]) {
        const got = topKByDot(user, items, d, k, skip);
        expect(Array.from(got.rows)).toEqual(all.slice(0, k));
        got.scores.forEach((s, i) => expect(s).toBeCloseTo(dot(got.rows[i]!), 5));
        const except = new Set(Array.from({ length: n }, (_, r) => r).filter(skip));
        expect(Array.from(topKExcept(user, items, d, k, except).rows)).toEqual(all.slice(0, k));
      }
    }
  });
});
