import { selectTop } from './topk';

describe('selectTop', () => {
  const scores = [5, 1, 9, 9, 3, 7, 2, 8, 6, 4, 0, 9];
  const before = (a: number, b: number): boolean => (scores[a] as number) > (scores[b] as number) || (scores[a] === scores[b] && a < b);

  it('returns the best k in order, ties by the given order', () => {
    expect(selectTop(scores.length, 4, () => true, before)).toEqual([2, 3, 11, 7]);
  });

  it('equals a full sort for every k, with a filter', () => {
    const include = (i: number): boolean => i % 3 !== 0;
    const sorted = scores
      .map((_, i) => i)
      .filter(include)
      .sort((a, b) => (before(a, b) ? -1 : 1));
    for (let k = 0; k <= scores.length + 1; k++) {
      expect(selectTop(scores.length, k, include, before)).toEqual(sorted.slice(0, k));
    }
  });
});
