import { metricsWidth, writeUserMetrics } from '../../metrics/ranking';
import { coldItems } from './evaluate';
import { coldBucketSizes, historySegments, metricRows, round6 } from './report';

describe('historySegments', () => {
  it('turns bounds into labelled ranges', () => {
    expect(historySegments([10, 30]).map((s) => [s.label, s.min, s.max])).toEqual([
      ['history:1-10', 1, 10],
      ['history:11-30', 11, 30],
      ['history:31+', 31, Number.POSITIVE_INFINITY],
    ]);
    expect(() => historySegments([10, 5])).toThrow(RangeError);
  });
});

describe('metricRows', () => {
  it('averages users, counts coverage and reports segment rows at the largest K', () => {
    const ks = [1, 2];
    const w = metricsWidth(ks);
    const values = new Float64Array(2 * w);
    // user A: ranked [5, 6], relevant {5} -> recall@1 1, recall@2 1, ndcg 1, precision@1 1, @2 0.5.
    writeUserMetrics([5, 6], (i) => i === 5, 1, ks, values, 0);
    // user B: ranked [7, 5], relevant {5} -> recall@1 0, recall@2 1, ndcg@2 = 1/log2(3).
    writeUserMetrics([7, 5], (i) => i === 5, 1, ks, values, w);
    const top = Int32Array.of(5, 6, 7, 5); // coverageK 2: items {5, 6, 7} of 10
    const rows = metricRows({
      model: 'm',
      result: { values, top, cold: new Float64Array(2 * w).fill(Number.NaN) },
      ks,
      coverageK: 2,
      numItems: 10,
      historyLength: Int32Array.of(3, 40),
      segments: historySegments([10]),
      segmentMetrics: ['recall'],
    });
    const get = (metric: string, k: number, segment?: string) => rows.find((r) => r.metric === metric && r.k === k && r.segment === segment);
    expect(get('recall', 1)).toEqual({ model: 'm', metric: 'recall', k: 1, value: 0.5, n: 2 });
    expect(get('ndcg', 2)!.value).toBe(round6((1 + 1 / Math.log2(3)) / 2));
    expect(get('precision', 2)!.value).toBe(0.5);
    expect(get('coverage', 2)).toEqual({ model: 'm', metric: 'coverage', k: 2, value: 0.3, n: 2 });
    expect(get('recall', 2, 'history:1-10')).toEqual({ model: 'm', metric: 'recall', k: 2, segment: 'history:1-10', value: 1, n: 1 });
    expect(get('recall', 2, 'history:11+')!.n).toBe(1);
    expect(get('ndcg', 2, 'history:1-10')).toBeUndefined();
    expect(rows.filter((r) => r.segment !== undefined)).toHaveLength(2);
  });
});

describe('cold-start buckets', () => {
  it('marks the items with 1..coldMax train users', () => {
    // Train lists: u0 {0, 1}, u1 {1, 2}, u2 {1, 2}, u3 {1}; item 3 has none.
    const train = { indptr: Int32Array.of(0, 2, 4, 6, 7), items: Int32Array.of(0, 1, 1, 2, 1, 2, 1) };
    expect([...coldItems(train, 4, 2)]).toEqual([1, 0, 1, 0]);
    expect([...coldItems(train, 4, 4)]).toEqual([1, 1, 1, 0]);
  });

  it('reports cold users by train history and cold items from the cold matrix, with intervals', () => {
    const ks = [2];
    const w = metricsWidth(ks);
    const values = new Float64Array(3 * w);
    const cold = new Float64Array(3 * w).fill(Number.NaN);
    writeUserMetrics([5, 6], (i) => i === 5, 1, ks, values, 0); // user A, 2 train items: recall 1
    writeUserMetrics([7, 8], (i) => i === 5, 1, ks, values, w); // user B, 3 train items: recall 0
    writeUserMetrics([5, 9], (i) => i === 5 || i === 9, 2, ks, values, 2 * w); // user C, 40 train items: recall 1
    // Only C has a cold positive (9): ranked second, so recall 1 and NDCG 1/log2(3) against IDCG 1.
    writeUserMetrics([5, 9], (i) => i === 9, 1, ks, cold, 2 * w);
    const result = { values, top: Int32Array.of(5, 6, 7, 8, 5, 9), cold };
    const historyLength = Int32Array.of(2, 3, 40);
    const rows = metricRows({
      model: 'm',
      result,
      ks,
      coverageK: 2,
      numItems: 10,
      historyLength,
      segments: historySegments([10]),
      segmentMetrics: ['recall', 'ndcg'],
      coldMax: 3,
      bootstrap: { resamples: 200, seed: 3, metrics: ['recall', 'ndcg'] },
    });
    const get = (metric: string, segment: string) => rows.find((r) => r.metric === metric && r.segment === segment)!;
    expect(get('recall', 'cold-users:1-3')).toMatchObject({ value: 0.5, n: 2 });
    expect(get('recall', 'cold-users:1-3').ci).toEqual({ level: 0.95, lower: 0, upper: 1 });
    expect(get('recall', 'cold-items:1-3')).toMatchObject({ value: 1, n: 1 });
    expect(get('ndcg', 'cold-items:1-3').value).toBe(round6(1 / Math.log2(3)));
    expect(coldBucketSizes(result, w, historyLength, 3)).toEqual({ users: 2, itemUsers: 1 });
    // A bucket with no user has no rows.
    const none = metricRows({ model: 'm', result, ks, coverageK: 2, numItems: 10, historyLength: Int32Array.of(40, 40, 40), segments: [], segmentMetrics: ['recall'], coldMax: 3 });
    expect(none.filter((r) => r.segment === 'cold-users:1-3')).toHaveLength(0);
    expect(none.filter((r) => r.segment === 'cold-items:1-3')).toHaveLength(1);
  });
});
