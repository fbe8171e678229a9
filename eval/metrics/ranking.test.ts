import { coverage, discounts, meanRows, metricColumn, metricsWidth, topKIndices, writeUserMetrics } from './ranking';

const metricsOf = (ranked: number[], relevant: number[], ks: number[]): Float64Array => {
  const out = new Float64Array(metricsWidth(ks));
  const rel = new Set(relevant);
  writeUserMetrics(ranked, (i) => rel.has(i), rel.size, ks, out);
  return out;
};

describe('topKIndices', () => {
  it('returns the k best, best first, ties to the lower index, skipping -Infinity', () => {
    //            0    1    2          3    4    5
    const s = [0.5, 0.9, -Infinity, 0.9, 0.1, 0.7];
    // Order by score: 1 (0.9), 3 (0.9, tie -> after 1), 5 (0.7), 0 (0.5), 4 (0.1); 2 is masked.
    expect(Array.from(topKIndices(s, 3))).toEqual([1, 3, 5]);
    expect(Array.from(topKIndices(s, 10))).toEqual([1, 3, 5, 0, 4]);
    expect(Array.from(topKIndices(s, 0))).toEqual([]);
  });

  it('keeps the earliest of many equal scores and treats NaN as masked', () => {
    expect(Array.from(topKIndices([2, 2, 2, 2], 2))).toEqual([0, 1]);
    expect(Array.from(topKIndices([Number.NaN, 1, 3], 3))).toEqual([2, 1]);
  });

  it('agrees with a full sort on random scores', () => {
    let x = 7;
    const s = Float32Array.from({ length: 500 }, () => ((x = (x * 1103515245 + 12345) % 2147483648) % 97) / 7);
    const sorted = Array.from(s.keys()).sort((a, b) => s[b]! - s[a]! || a - b);
    expect(Array.from(topKIndices(s, 20))).toEqual(sorted.slice(0, 20));
  });

  it('rejects a negative k', () => {
    expect(() => topKIndices([1], -1)).toThrow(RangeError);
  });
});

describe('writeUserMetrics', () => {
  it('matches a hand-computed case at K = 2 and K = 5', () => {
    // ranked: [10, 20, 30, 40, 50], relevant {20, 50, 99} (3 items, 99 never ranked).
    // K = 2: hits 1 (20 at rank 1). recall 1/3, precision 1/2, hit 1.
    //        DCG = 1/log2(3); IDCG over min(2, 3) = 2 ranks: 1 + 1/log2(3).
    // K = 5: hits 2 (20 at rank 1, 50 at rank 4). recall 2/3, precision 2/5, hit 1.
    //        DCG = 1/log2(3) + 1/log2(6); IDCG over 3 ranks: 1 + 1/log2(3) + 1/2.
    const out = metricsOf([10, 20, 30, 40, 50], [20, 50, 99], [2, 5]);
    const l3 = Math.log2(3);
    expect(out[0]).toBeCloseTo(1 / 3, 12);
    expect(out[1]).toBeCloseTo(1 / l3 / (1 + 1 / l3), 12);
    expect(out[2]).toBeCloseTo(0.5, 12);
    expect(out[3]).toBe(1);
    expect(out[4]).toBeCloseTo(2 / 3, 12);
    expect(out[5]).toBeCloseTo((1 / l3 + 1 / Math.log2(6)) / (1 + 1 / l3 + 0.5), 12);
    expect(out[6]).toBeCloseTo(0.4, 12);
    expect(out[7]).toBe(1);
  });

  it('caps IDCG at the number of relevant items: one relevant item at the top is NDCG 1', () => {
    // relevant {7}, ranked first: DCG = 1, IDCG over min(20, 1) = 1 rank = 1, so NDCG = 1.
    // precision@20 = 1/20; recall@20 = 1/1.
    const out = metricsOf([7, 1, 2], [7], [20]);
    expect(Array.from(out)).toEqual([1, 1, 1 / 20, 1]);
  });

  it('gives zeros when nothing relevant is in the top K, and precision divides by K on short lists', () => {
    // ranked [1, 2] with K = 5: relevant item 3 is missing -> all zeros.
    expect(Array.from(metricsOf([1, 2], [3], [5]))).toEqual([0, 0, 0, 0]);
    // ranked [3] with K = 5: one hit out of one relevant; precision = 1/5 (K, not the list length).
    expect(Array.from(metricsOf([3], [3], [5]))).toEqual([1, 1, 0.2, 1]);
  });

  it('only counts ranks below K', () => {
    // relevant 4 sits at rank 3 (0-based): outside K = 3, inside K = 4 with DCG 1/log2(5).
    const out = metricsOf([1, 2, 3, 4], [4], [3, 4]);
    expect(Array.from(out.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(out[5]).toBeCloseTo(1 / Math.log2(5), 12);
  });

  it('refuses a user with no relevant items', () => {
    expect(() => metricsOf([1], [], [5])).toThrow(RangeError);
  });
});

describe('layout and aggregation helpers', () => {
  it('names every column of the layout', () => {
    expect(metricsWidth([5, 10])).toBe(8);
    expect(metricColumn([5, 10], 0)).toEqual({ metric: 'recall', k: 5 });
    expect(metricColumn([5, 10], 5)).toEqual({ metric: 'ndcg', k: 10 });
    expect(() => metricColumn([5], 4)).toThrow(RangeError);
  });

  it('averages selected rows', () => {
    // rows: [1, 10], [2, 20], [4, 40]; select rows 0 and 2 -> means [2.5, 25] over n = 2.
    const { means, n } = meanRows(Float64Array.from([1, 10, 2, 20, 4, 40]), 2, (r) => r !== 1);
    expect(Array.from(means)).toEqual([2.5, 25]);
    expect(n).toBe(2);
    expect(meanRows(new Float64Array(0), 2).n).toBe(0);
  });

  it('computes discounts and coverage', () => {
    expect(Array.from(discounts(3))).toEqual([1, 1 / Math.log2(3), 0.5]);
    // 2 of 4 items covered.
    expect(coverage(Uint8Array.from([1, 0, 1, 0]), 4)).toBe(0.5);
    expect(coverage(new Uint8Array(0), 0)).toBe(0);
  });
});
