import { Registry, register as globalRegister } from 'prom-client';
import { ErrorCode } from '../errors/codes';
import type { ShadowObservation } from '../pipeline/shadow';
import { createAgreementRecorder } from './agreement';

function obs(patch: Partial<ShadowObservation> = {}): ShadowObservation {
  return { scorerId: 'acme/a', version: '1.0.0', strategyId: 'ltv', ok: true, code: null, ms: 5, rankCorrelation: 0.5, topNOverlap: 0.5, candidates: 10, ...patch };
}

const failed = (code: ErrorCode, patch: Partial<ShadowObservation> = {}): ShadowObservation => obs({ ok: false, code, rankCorrelation: null, topNOverlap: null, ...patch });

describe('createAgreementRecorder: stats', () => {
  it('averages correlation and overlap over the requests where they are defined, and counts failures by code', () => {
    const r = createAgreementRecorder();
    r.record(obs({ rankCorrelation: 0.9, topNOverlap: 1 }));
    r.record(obs({ rankCorrelation: 0.3, topNOverlap: 0.2 }));
    r.record(obs({ rankCorrelation: null, topNOverlap: 0.6 })); // a constant ranking: no correlation
    r.record(failed(ErrorCode.SCORER_TIMEOUT));
    r.record(failed(ErrorCode.SCORER_TIMEOUT));
    r.record(failed(ErrorCode.SCORER_BAD_OUTPUT));
    const [s, ...rest] = r.stats();
    expect(rest).toEqual([]);
    expect(s).toMatchObject({ scorerId: 'acme/a', version: '1.0.0', strategyId: 'ltv', requests: 6 });
    expect(s!.failures).toEqual({ SCORER_TIMEOUT: 2, SCORER_BAD_OUTPUT: 1 });
    expect(s!.meanRankCorrelation).toBeCloseTo(0.6, 12);
    expect(s!.meanTopNOverlap).toBeCloseTo(0.6, 12);
  });

  it('gives null means and percentiles before anything defines them', () => {
    const r = createAgreementRecorder();
    expect(r.stats()).toEqual([]);
    r.record(failed(ErrorCode.SCORER_FAILED, { ms: 3 }));
    expect(r.stats()[0]).toMatchObject({ requests: 1, meanRankCorrelation: null, meanTopNOverlap: null, p50Ms: 3, p95Ms: 3, failures: { SCORER_FAILED: 1 } });
  });

  it('keeps each scorer version and strategy apart, ordered by id, version, strategy, and filters by id', () => {
    const r = createAgreementRecorder();
    r.record(obs({ scorerId: 'acme/b', rankCorrelation: -1 }));
    r.record(obs({ scorerId: 'acme/a', version: '1.1.0', rankCorrelation: 0.2 }));
    r.record(obs({ scorerId: 'acme/a', version: '1.0.0', strategyId: 'ltv', rankCorrelation: 0.4 }));
    r.record(obs({ scorerId: 'acme/a', version: '1.0.0', strategyId: 'default', rankCorrelation: 0.8 }));
    expect(r.stats().map((s) => [s.scorerId, s.version, s.strategyId, s.requests, s.meanRankCorrelation])).toEqual([
      ['acme/a', '1.0.0', 'default', 1, 0.8],
      ['acme/a', '1.0.0', 'ltv', 1, 0.4],
      ['acme/a', '1.1.0', 'ltv', 1, 0.2],
      ['acme/b', '1.0.0', 'ltv', 1, -1],
    ]);
    expect(r.stats('acme/b').map((s) => s.meanRankCorrelation)).toEqual([-1]);
    expect(r.stats('acme/none')).toEqual([]);
  });

  it('returns copies: changing a returned failures record changes nothing inside', () => {
    const r = createAgreementRecorder();
    r.record(failed(ErrorCode.SCORER_FAILED));
    (r.stats()[0]!.failures as Record<string, number>).SCORER_FAILED = 99;
    expect(r.stats()[0]!.failures).toEqual({ SCORER_FAILED: 1 });
  });
});

describe('createAgreementRecorder: latency percentiles', () => {
  it('gives nearest-rank p50 and p95 (1..100 ms: 50 and 95; 1 and 2 ms: p50 1)', () => {
    const r = createAgreementRecorder();
    for (const ms of [...Array(100).keys()].map((i) => 100 - i)) r.record(obs({ ms }));
    expect(r.stats()[0]).toMatchObject({ p50Ms: 50, p95Ms: 95 });
    const two = createAgreementRecorder();
    two.record(obs({ ms: 2 }));
    two.record(obs({ ms: 1 }));
    expect(two.stats()[0]).toMatchObject({ p50Ms: 1, p95Ms: 2 });
  });

  it('counts only the last 1,000 requests', () => {
    const r = createAgreementRecorder();
    // 500 slow requests first, then 1,000 of 1..1000 ms that push every slow one out of the window.
    for (let i = 0; i < 500; i++) r.record(obs({ ms: 10_000 }));
    for (let ms = 1; ms <= 1000; ms++) r.record(obs({ ms }));
    expect(r.stats()[0]).toMatchObject({ requests: 1500, p50Ms: 500, p95Ms: 950 });
    // Half-way through the replacement the window holds 500 slow and 500 fast ones.
    const half = createAgreementRecorder();
    for (let i = 0; i < 1000; i++) half.record(obs({ ms: 10_000 }));
    for (let ms = 1; ms <= 500; ms++) half.record(obs({ ms }));
    expect(half.stats()[0]).toMatchObject({ p50Ms: 500, p95Ms: 10_000 });
  });
});

describe('createAgreementRecorder: Prometheus', () => {
  const labels = { scorer: 'acme/a', version: '1.0.0', strategy: 'ltv' };

  async function values(registry: Registry, name: string): Promise<Array<{ labels: Record<string, unknown>; value: number; metricName?: string }>> {
    const metric = registry.getSingleMetric(name);
    if (!metric) throw new Error(`metric ${name} is not registered`);
    return (await metric.get()).values as never;
  }

  it('counts requests by outcome and observes correlation and overlap per scorer version and strategy', async () => {
    const registry = new Registry();
    const r = createAgreementRecorder(registry);
    r.record(obs({ rankCorrelation: 0.9, topNOverlap: 1 }));
    r.record(obs({ rankCorrelation: 0.3, topNOverlap: 0.2 }));
    r.record(failed(ErrorCode.SCORER_TIMEOUT));
    r.record(obs({ strategyId: 'default', rankCorrelation: -0.6, topNOverlap: 0 }));

    const requests = await values(registry, 'recgate_shadow_requests_total');
    const count = (l: Record<string, string>): number | undefined => requests.find((v) => Object.entries(l).every(([k, x]) => v.labels[k] === x))?.value;
    expect(count({ ...labels, outcome: 'ok' })).toBe(2);
    expect(count({ ...labels, outcome: 'SCORER_TIMEOUT' })).toBe(1);
    expect(count({ ...labels, strategy: 'default', outcome: 'ok' })).toBe(1);
    expect(requests).toHaveLength(3);

    const corr = await values(registry, 'recgate_shadow_rank_correlation');
    const pick = (vs: typeof corr, suffix: string, l: Record<string, string | number>): number | undefined =>
      vs.find((v) => v.metricName === suffix && Object.entries(l).every(([k, x]) => v.labels[k] === x))?.value;
    expect(pick(corr, 'recgate_shadow_rank_correlation_count', labels)).toBe(2);
    expect(pick(corr, 'recgate_shadow_rank_correlation_sum', labels)).toBeCloseTo(1.2, 12);
    expect(pick(corr, 'recgate_shadow_rank_correlation_bucket', { ...labels, le: 0.5 })).toBe(1);
    expect(pick(corr, 'recgate_shadow_rank_correlation_bucket', { ...labels, le: 0.9 })).toBe(2);
    expect(pick(corr, 'recgate_shadow_rank_correlation_bucket', { ...labels, strategy: 'default', le: -0.5 })).toBe(1);

    const overlap = await values(registry, 'recgate_shadow_topn_overlap');
    expect(pick(overlap, 'recgate_shadow_topn_overlap_count', labels)).toBe(2);
    expect(pick(overlap, 'recgate_shadow_topn_overlap_sum', labels)).toBeCloseTo(1.2, 12);
    expect(pick(overlap, 'recgate_shadow_topn_overlap_bucket', { ...labels, le: 0.2 })).toBe(1);

    const text = await registry.getSingleMetricAsString('recgate_shadow_requests_total');
    expect(text).toContain('recgate_shadow_requests_total{scorer="acme/a",version="1.0.0",strategy="ltv",outcome="SCORER_TIMEOUT"} 1');
  });

  it('registers nothing in the global registry, so two recorders can live in one process', () => {
    const before = globalRegister.getMetricsAsArray().length;
    createAgreementRecorder();
    createAgreementRecorder(new Registry());
    createAgreementRecorder(new Registry());
    expect(globalRegister.getMetricsAsArray()).toHaveLength(before);
    expect(globalRegister.getSingleMetric('recgate_shadow_requests_total')).toBeUndefined();
  });
});
