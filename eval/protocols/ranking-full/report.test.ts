import { metricsWidth, writeUserMetrics } from '../../metrics/ranking';
import { historySegments, metricRows, round6 } from './report';

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
      result: { values, top },
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
