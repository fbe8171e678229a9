import type { GbdtModel } from '../gbdt';
import { mulberry32 } from '../random';
import { NOT_RETRIEVED, type LtrLists } from './lists';
import { choosePrune, prunedNdcg } from './prune';

/** Lists whose positives all sit in the top 30 by `score:good`; `score:bad` is noise; the model scores by good + small noise. */
function lists(groups: number, size: number): { lists: LtrLists; scores: Float32Array } {
  const rnd = mulberry32(3);
  const featureNames = ['score:good', 'score:bad', 'other'];
  const n = groups * size;
  const x = new Float32Array(n * 3);
  const y = new Float32Array(n);
  const scores = new Float32Array(n);
  for (let g = 0; g < groups; g++) {
    for (let r = 0; r < size; r++) {
      const i = g * size + r;
      const good = size - r; // rank r by good
      x[i * 3] = good;
      x[i * 3 + 1] = rnd();
      x[i * 3 + 2] = rnd();
      y[i] = r < 30 && rnd() < 0.3 ? 1 + Math.floor(rnd() * 3) : 0;
      scores[i] = (r < 30 ? y[i]! : 0) + 0.01 * rnd();
    }
    y[g * size] = 3; // every list has a positive
  }
  const meta = Array.from({ length: groups }, (_, g) => ({ userId: `u${g}`, cut: 0 }));
  return { lists: { featureNames, x, y, groups: Uint32Array.from({ length: groups }, () => size), meta, missedPositives: 0, positives: groups }, scores };
}

const modelOf = (scores: Float32Array): GbdtModel => ({ predict: () => scores }) as unknown as GbdtModel;

describe('choosing the second stage pruning on validation', () => {
  it('prunes by the score that keeps every positive, at the smallest size within the tolerance', () => {
    const { lists: l, scores } = lists(12, 200);
    const c = choosePrune(modelOf(scores), l, ['good', 'bad'], { tops: [50, 100], tolerance: 0.01 });
    expect(c.prune).toEqual({ scorerId: 'good', top: 50 });
    expect(c.tried.find((t) => t.scorerId === 'good' && t.top === 50)!.ndcg).toBeCloseTo(c.full, 12);
    // Pruning by noise loses positives, so it scores lower than scoring everything.
    expect(c.tried.find((t) => t.scorerId === 'bad' && t.top === 50)!.ndcg).toBeLessThan(c.full * 0.99);
  });

  it('keeps every candidate when each pruning loses more than the tolerance, and refuses a bad tolerance', () => {
    const { lists: l, scores } = lists(12, 200);
    const c = choosePrune(modelOf(scores), l, ['bad'], { tops: [50], tolerance: 0 });
    expect(c.prune).toBeNull();
    expect(() => choosePrune(modelOf(scores), l, ['bad'], { tolerance: 1 })).toThrow(/tolerance/);
  });

  it('leaves lists no longer than the cut unchanged', () => {
    const { lists: l, scores } = lists(4, 40);
    const col = 1;
    expect(prunedNdcg(scores, l, col, 40, 10)).toBe(prunedNdcg(scores, l, col, 1000, 10));
    expect(prunedNdcg(scores, l, col, 10, 10)).toBeLessThanOrEqual(prunedNdcg(scores, l, col, 40, 10));
  });

  it('counts the top K in the whole retrieved list when the lists carry pre-ranks', () => {
    // One list of 3 rows; the positive is first within the list by the column, but 60th in the retrieved list.
    const l: LtrLists = {
      featureNames: ['score:a', 'other'],
      x: Float32Array.from([9, 0, 1, 0, 2, 0]),
      y: Float32Array.from([1, 0, 0]),
      groups: Uint32Array.from([3]),
      meta: [{ userId: 'u', cut: 0 }],
      missedPositives: 0,
      positives: 1,
      preRanks: { a: Uint32Array.from([60, 3, NOT_RETRIEVED]) },
    };
    const scores = Float32Array.from([5, 1, 0]);
    // Within the list the positive is kept at top 2; counted in the retrieved list it is pruned at 50 and kept at 100.
    expect(prunedNdcg(scores, l, 0, 2, 10)).toBe(1);
    expect(prunedNdcg(scores, l, 0, 50, 10, 'a')).toBeLessThan(1);
    expect(prunedNdcg(scores, l, 0, 100, 10, 'a')).toBe(1);
    const c = choosePrune(modelOf(scores), l, ['a'], { tops: [50, 100], tolerance: 0 });
    expect(c.prune).toEqual({ scorerId: 'a', top: 100 });
  });
});
