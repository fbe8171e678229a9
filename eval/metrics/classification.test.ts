import { auc, averageRanks, gauc } from './classification';

describe('averageRanks', () => {
  it('gives tied values the mean of their ranks', () => {
    // sorted: 10 -> rank 1, the two 20s share ranks 2 and 3 -> 2.5 each, 30 -> 4
    expect(Array.from(averageRanks([20, 10, 30, 20]))).toEqual([2.5, 1, 4, 2.5]);
  });
});

describe('auc', () => {
  it('is the share of correctly ordered positive/negative pairs', () => {
    // positives 0.9, 0.7; negatives 0.8, 0.6. Pairs: 0.9>0.8 yes, 0.9>0.6 yes, 0.7>0.8 no, 0.7>0.6 yes -> 3/4.
    expect(auc([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0])).toBeCloseTo(0.75, 12);
  });

  it('counts a tie between a positive and a negative as 1/2', () => {
    // positives 1, 0.5; negatives 0.5, 0. Pairs: 1>0.5 (1), 1>0 (1), 0.5=0.5 (0.5), 0.5>0 (1) -> 3.5/4.
    expect(auc([1, 0.5, 0.5, 0], [true, true, false, false])).toBeCloseTo(0.875, 12);
    // all tied -> every pair is a tie -> 0.5
    expect(auc([0.3, 0.3, 0.3], [1, 0, 0])).toBeCloseTo(0.5, 12);
  });

  it('is 0 for a perfectly inverted ranking and NaN when a class is missing', () => {
    expect(auc([0.1, 0.2, 0.9], [1, 1, 0])).toBe(0);
    expect(auc([0.1, 0.2], [1, 1])).toBeNaN();
    expect(auc([], [])).toBeNaN();
  });

  it('rejects mismatched lengths and non-finite scores', () => {
    expect(() => auc([1, 2], [1])).toThrow(RangeError);
    expect(() => auc([Number.NaN, 1], [1, 0])).toThrow(/score 0/);
  });
});

describe('gauc', () => {
  it('weights each group AUC by its pairs and skips one-class groups', () => {
    // A: AUC 1 over 2 pairs; B: the positive is lowest -> AUC 0 over 3 pairs; C: all positive, skipped.
    // GAUC = (1*2 + 0*3) / 5 = 0.4
    const r = gauc([
      { scores: [0.9, 0.1], labels: [1, 0] },
      { scores: [0.2, 0.3, 0.4], labels: [1, 0, 0] },
      { scores: [0.5, 0.6], labels: [1, 1] },
    ]);
    expect(r.value).toBeCloseTo(0.4, 12);
    expect(r.groups).toBe(2);
    expect(r.pairs).toBe(5);
  });

  it('is NaN when no group has both classes', () => {
    const r = gauc([{ scores: [1], labels: [0] }]);
    expect(r.value).toBeNaN();
    expect(r.groups).toBe(0);
  });
});
