/** The bootstrap intervals of events/temporal's per-user metrics. Pure: no I/O. */
import { temporalMetricRows } from '../../eval/protocols/temporal-metrics';
import { userInterval } from '../../eval/protocols/temporal-intervals';
import type { UserWindow } from '../../eval/protocols/temporal-split';

describe('userInterval', () => {
  const values: number[] = Array.from({ length: 200 }, (_, i) => (i % 5 === 0 ? 1 : i % 7 === 0 ? 0.5 : 0));
  const mean = values.reduce((a, b) => a + b, 0) / values.length;

  it('is reproducible from the seed, brackets the mean, and narrows with more users', () => {
    const a = userInterval(values, null, { seed: 4, resamples: 500 })!;
    expect(userInterval(values, null, { seed: 4, resamples: 500 })).toEqual(a);
    expect(userInterval(values, null, { seed: 5, resamples: 500 })).not.toEqual(a);
    expect(a.level).toBe(0.95);
    expect(a.lower).toBeLessThan(mean);
    expect(a.upper).toBeGreaterThan(mean);
    const big = userInterval([...values, ...values, ...values, ...values], null, { seed: 4, resamples: 500 })!;
    expect(big.upper - big.lower).toBeLessThan(a.upper - a.lower);
  });

  it('resamples a weighted mean (GAUC) by user, and collapses on a constant', () => {
    const w = userInterval([0, 1], [1, 3], { seed: 1, resamples: 2000 })!;
    expect(w.lower).toBe(0);
    expect(w.upper).toBe(1);
    expect(userInterval([0.3, 0.3, 0.3], [1, 2, 3], { seed: 1 })).toEqual({ level: 0.95, lower: 0.3, upper: 0.3 });
    expect(userInterval([], null, { seed: 1 })).toBeNull();
  });
});

describe('temporalMetricRows with intervals', () => {
  const win = (p: string[], c: string[]): UserWindow => ({ purchased: new Set(p), clicked: new Set(c), touched: new Set([...p, ...c, 'n']) });
  const windows = new Map([
    ['u1', win(['a'], ['a', 'b'])],
    ['u2', win([], ['c'])],
    ['u3', win(['d'], ['d'])],
  ]);
  const lists = new Map([
    ['u1', ['a', 'x', 'b']],
    ['u2', ['y', 'c']],
    ['u3', ['z', 'w']],
  ]);
  const pairs = new Map([...windows].map(([u, w]) => [u, { itemIds: [...w.touched], scores: [...w.touched].map((_, i) => i) }] as const));
  const rows = temporalMetricRows({
    model: 'm',
    ks: [1, 2],
    segmentK: 2,
    windows,
    segmentOf: () => 'history:1-29',
    lists,
    pairs,
    catalogueSize: 10,
    trainUsers: 3,
    categories: () => [],
    interactedUsers: () => 1,
    intervals: { seed: 1, resamples: 300 },
  });

  it('puts an interval on the overall precision, NDCG and GAUC rows only, around the value', () => {
    const withCi = rows.filter((r) => r.ci !== undefined);
    expect(new Set(withCi.map((r) => r.metric))).toEqual(new Set(['precision', 'ndcg', 'gauc']));
    expect(withCi.every((r) => r.segment === undefined)).toBe(true);
    expect(rows.filter((r) => r.segment === undefined && ['precision', 'ndcg'].includes(r.metric)).every((r) => r.ci !== undefined)).toBe(true);
    for (const r of withCi) {
      expect(r.ci!.lower).toBeLessThanOrEqual(r.value);
      expect(r.ci!.upper).toBeGreaterThanOrEqual(r.value);
    }
    const p1 = rows.find((r) => r.metric === 'precision' && r.k === 1 && r.target === 'purchase')!;
    expect(p1.value).toBe(0.5);
    expect(p1.ci).toEqual({ level: 0.95, lower: 0, upper: 1 });
  });
});
