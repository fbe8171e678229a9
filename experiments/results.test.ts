import type { Interaction } from '../domain/events';
import { attribute, DAY_MS, retention } from './metrics';
import type { Experiment } from './model';
import { experimentResults } from './results';
import type { Exposure } from './store';

const H = 3_600_000;
const t0 = Date.UTC(2026, 0, 5);
const x = (id: string, userId: string, variantKey: string, ts: number, itemIds: string[], latencyMs = 5, diversity = 1): Exposure => ({
  exposureId: id,
  userId,
  surface: 'home',
  ts,
  assignments: [{ experimentId: 'e1', variantKey }],
  strategyId: variantKey,
  strategyDigest: `${variantKey}@x`,
  scorerVersions: [],
  itemIds,
  latencyMs,
  diversity,
});
const ev = (type: Interaction['type'], itemId: string, ts: number, value = 0): Interaction => ({ type, itemId, ts, value });

const exposures = [
  x('a', 'c1', 'control', t0, ['i1', 'i2'], 4, 1),
  x('b', 'c2', 'control', t0, ['i3'], 8, 0.5),
  x('c', 't1', 'treat', t0, ['i1'], 6, 1),
  x('d', 't1', 'treat', t0 + H, ['i1'], 7, 1),
  x('e', 't2', 'treat', t0, ['i4', 'i5'], 6, 1),
  x('z', 'other', 'control', t0, ['i1'], 1, 1),
];
const other = exposures.findIndex((e) => e.exposureId === 'z');
exposures[other] = { ...exposures[other]!, assignments: [{ experimentId: 'e2', variantKey: 'control' }] };
const histories = new Map<string, Interaction[]>([
  ['c1', [ev('click', 'i1', t0 + H), ev('purchase', 'i2', t0 + 2 * H, 10), ev('click', 'i9', t0 + H), ev('view', 'i5', t0 + 8 * DAY_MS)]],
  ['c2', [ev('click', 'i3', t0 + 30 * H)]],
  ['t1', [ev('click', 'i1', t0 + 1.5 * H), ev('add_to_cart', 'i1', t0 + 1.6 * H), ev('purchase', 'i1', t0 + 2 * H, 30)]],
]);

describe('experiment metrics: attribution', () => {
  const [control, treat] = attribute({
    experimentId: 'e1',
    variantKeys: ['control', 'treat'],
    exposures,
    histories,
    windowMs: 24 * H,
    userValues: new Map([
      ['c1', 50],
      ['t1', 5],
    ]),
    highValueThreshold: 20,
  });

  it('counts only interactions with items shown within the window, once each', () => {
    const c1 = control!.users.find((u) => u.userId === 'c1')!;
    // i9 was never shown; the view is not an attributed type.
    expect(c1).toMatchObject({ exposures: 1, impressions: 2, clicks: 1, purchases: 1, gmv: 10, carts: 0 });
    // c2 clicked 30 h after the exposure: outside the 24 h window.
    expect(control!.users.find((u) => u.userId === 'c2')).toMatchObject({ impressions: 1, clicks: 0 });
    // Two exposures showed i1 before the click: it counts once.
    expect(treat!.users).toEqual([
      expect.objectContaining({ userId: 't1', exposures: 2, impressions: 2, clicks: 1, carts: 1, purchases: 1, gmv: 30 }),
      expect.objectContaining({ userId: 't2', exposures: 1, impressions: 2, clicks: 0, purchases: 0 }),
    ]);
    expect(control!.orderValues).toEqual([10]);
    // The exposure of another experiment is not this one's.
    expect(control!.users.map((u) => u.userId).sort()).toEqual(['c1', 'c2']);
    expect(control!.highValueUsers).toBe(1);
    expect(treat!.highValueUsers).toBe(0);
  });

  it('measures retention against eligibility at the data end', () => {
    // c1 came back 8 days later; c2 did not. At t0 + 10 d both are eligible for 7 d, none for 30 d.
    expect(retention(control!, 7, t0 + 10 * DAY_MS)).toEqual({ retained: 1, eligible: 2 });
    expect(retention(control!, 30, t0 + 10 * DAY_MS)).toEqual({ retained: 0, eligible: 0 });
    expect(retention(control!, 7, t0 + 6 * DAY_MS)).toEqual({ retained: 0, eligible: 0 });
  });
});

describe('experiment results', () => {
  const experiment: Experiment = {
    id: 'e1',
    name: 'n',
    hypothesis: '',
    surface: 'home',
    layer: null,
    status: 'running',
    variants: [
      { key: 'control', weight: 0.5, strategyId: 'default' },
      { key: 'treat', weight: 0.5, strategyId: 'ltv' },
    ],
    salt: 'e1',
    primaryMetrics: ['ctr', 'conversion_rate', 'gmv_per_impression'],
    guardrails: ['p99_latency_ms', 'diversity'],
    attributionWindowHours: 24,
    highValueThreshold: 20,
    createdAt: t0,
    startedAt: t0,
    stoppedAt: null,
  };
  const r = experimentResults({
    experiment,
    exposures,
    histories,
    userValues: new Map([
      ['c1', 50],
      ['t1', 5],
    ]),
    dataEnd: t0 + 10 * DAY_MS,
    resamples: 200,
    seed: 7,
  });

  it('reports per-variant metrics worked by hand', () => {
    const m = (variant: string, metric: string) => r.variants.find((v) => v.key === variant)!.metrics.find((x) => x.metric === metric)!;
    expect(m('control', 'ctr')).toEqual({ metric: 'ctr', value: 1 / 3, numerator: 1, denominator: 3 });
    expect(m('treat', 'ctr').value).toBe(0.25);
    expect(m('control', 'conversion_rate').value).toBe(0.5);
    expect(m('control', 'gmv_per_impression').value).toBeCloseTo(10 / 3, 12);
    expect(m('treat', 'aov').value).toBe(30);
    expect(m('treat', 'add_to_cart_rate').value).toBe(0.25);
    expect(m('control', 'p99_latency_ms').value).toBe(8);
    expect(m('control', 'diversity').value).toBe(0.75);
    expect(m('control', 'retention_7d')).toMatchObject({ value: 0.5, numerator: 1, denominator: 2 });
    expect(m('control', 'high_value_capture').value).toBe(0.5);
    expect(r.variants.map((v) => [v.key, v.users, v.exposures, v.impressions])).toEqual([
      ['control', 2, 2, 3],
      ['treat', 2, 3, 4],
    ]);
  });

  it('compares treatments with the control, adjusts across the family and checks the sample ratio', () => {
    expect(r.control).toBe('control');
    const ctr = r.comparisons.find((c) => c.metric === 'ctr')!;
    expect(ctr).toMatchObject({ variant: 'treat', control: 'control', test: 'delta' });
    expect(ctr.absoluteLift).toBeCloseTo(0.25 - 1 / 3, 12);
    expect(r.comparisons.find((c) => c.metric === 'conversion_rate')!.test).toBe('z');
    for (const c of r.comparisons) {
      expect(c.holmPValue).toBeGreaterThanOrEqual(c.pValue);
      expect(c.bonferroniPValue).toBeCloseTo(Math.min(1, c.pValue * r.comparisons.length), 12);
    }
    // Tested: the primary metrics and the diversity guardrail (Welch on 2 lists per arm); p99 latency is reported only.
    expect(r.comparisons.map((c) => c.metric).sort()).toEqual(['conversion_rate', 'ctr', 'diversity', 'gmv_per_impression']);
    expect(r.comparisons.find((c) => c.metric === 'gmv_per_impression')!.test).toBe('bootstrap');
    expect(r.srm.observed).toEqual([2, 2]);
    expect(r.srm.expected).toEqual([2, 2]);
    expect(r.srm.mismatch).toBe(false);
  });

  it('builds daily trajectories per variant', () => {
    const day0 = r.daily.filter((d) => d.day === t0);
    expect(day0.map((d) => [d.variant, d.exposures, d.impressions])).toEqual([
      ['control', 2, 3],
      ['treat', 3, 4],
    ]);
    expect(day0.find((d) => d.variant === 'treat')!.gmvPerImpression).toBe(7.5);
  });
});
