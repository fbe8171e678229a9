import { combineSummaries, createRunningStats, summarize } from './running-stats';

/** NIST StRD univariate "NumAcc" data: `first`, then 500 pairs (first − 0.1, first + 0.1). */
function numAcc(first: number): number[] {
  const values = [first];
  for (let i = 0; i < 500; i++) values.push(first - 0.1, first + 0.1);
  return values;
}

describe('summarize (Welford)', () => {
  it('reproduces NIST StRD NumAcc1 (certified mean 10000002, sd 1)', () => {
    // NIST Statistical Reference Datasets, Univariate Summary Statistics, NumAcc1: 10000001, 10000003, 10000002.
    const s = summarize([10000001, 10000003, 10000002]);
    expect(s.n).toBe(3);
    expect(s.mean).toBe(10000002);
    expect(s.variance).toBeCloseTo(1, 12);
  });

  it('keeps the variance of NIST StRD NumAcc3/NumAcc4 (mean 1e6/1e7 + 0.2, sd 0.1)', () => {
    // NIST StRD NumAcc3 and NumAcc4 (1001 values, certified sd 0.1): the one-pass Σx² − n·mean² formula
    // loses every digit here (it returns a negative variance for NumAcc4); Welford keeps 9.
    for (const first of [1000000.2, 10000000.2]) {
      const s = summarize(numAcc(first));
      expect(s.n).toBe(1001);
      expect(s.mean).toBeCloseTo(first, 6);
      expect(Math.sqrt(s.variance)).toBeCloseTo(0.1, 7);
    }
  });

  it('gives NaN mean for no data and NaN variance for one value', () => {
    expect(summarize([])).toEqual({ mean: NaN, variance: NaN, n: 0 });
    expect(summarize([4])).toEqual({ mean: 4, variance: NaN, n: 1 });
  });

  it('rejects non-finite observations', () => {
    const stats = createRunningStats();
    expect(() => stats.push(NaN)).toThrow(RangeError);
    expect(() => stats.push(Infinity)).toThrow(RangeError);
  });
});

describe('combineSummaries', () => {
  it('equals the summary of the concatenated data', () => {
    // Hand-worked: [1, 2, 3] has mean 2, variance 1; [10, 20] has mean 15, variance 50;
    // together [1, 2, 3, 10, 20]: mean 36/5 = 7.2, Σ(x − 7.2)² = 38.44 + 27.04 + 17.64 + 7.84 + 163.84 = 254.8,
    // variance 254.8/4 = 63.7.
    const c = combineSummaries(summarize([1, 2, 3]), summarize([10, 20]));
    expect(c.n).toBe(5);
    expect(c.mean).toBeCloseTo(7.2, 12);
    expect(c.variance).toBeCloseTo(63.7, 12);
  });

  it('handles empty and one-observation sides', () => {
    const ab = summarize([5, 7]);
    expect(combineSummaries(summarize([]), ab)).toEqual(ab);
    expect(combineSummaries(ab, summarize([]))).toEqual(ab);
    // [5, 7] + [9]: mean 7, Σ(x − 7)² = 4 + 0 + 4 = 8, variance 4.
    const c = combineSummaries(ab, summarize([9]));
    expect(c.mean).toBeCloseTo(7, 12);
    expect(c.variance).toBeCloseTo(4, 12);
  });
});
