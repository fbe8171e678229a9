import { mulberry32 } from '../../ml/random';
import { bgNbdGammaGammaRegressor, duveV1Regressor, originFeatures, originSpend, rollingOrigins, runValueRollingCdnow, type RollingPurchase, type RollingRegressor } from './value-rolling-cdnow';
import type { HyperParams } from './value-rolling';
import type { DuveEvent } from '../../ml/duve/state';

const DAY = 24 * 3600 * 1000;
const WEEK = 7 * DAY;
const START = Date.UTC(1997, 0, 1);

/**
 * A CDNOW-like cohort drawn from the BG/NBD story: first purchase in the first 6 weeks; while
 * alive, purchases at a rate λ ~ Gamma(1, 1.5) per week; after each purchase the customer drops out
 * with probability p ~ Beta(1, 3).
 */
function generate(seed: number, customers = 60, weeks = 40): RollingPurchase[] {
  const rng = mulberry32(seed);
  const out: RollingPurchase[] = [];
  for (let c = 1; c <= customers; c++) {
    const perWeek = -Math.log(1 - rng()) / 1.5;
    const drop = 1 - Math.pow(rng(), 1 / 3);
    const spend = 10 + rng() * 40;
    let day = START + Math.floor(rng() * 42) * DAY;
    while (day < START + weeks * WEEK) {
      out.push({ customerId: String(c), day, dollars: Math.round(spend * (0.5 + rng())) });
      if (rng() < drop) break;
      day += Math.max(1, Math.round((-Math.log(1 - rng()) / Math.max(perWeek, 1e-3)) * 7)) * DAY;
    }
  }
  // One purchase on the last day fixes the data end for every fixture.
  out.push({ customerId: '1', day: START + weeks * WEEK - DAY, dollars: 5 });
  return out;
}

const OPTS = { validationWeek: 10, firstWeek: 16, stepWeeks: 4, lastWeek: 30, holdoutWeeks: 10, resamples: 40, progress: false } as const;

function spy(id: string, role: 'candidate' | 'baseline', grid: HyperParams[] = [{}]) {
  const calls: Array<{ origin: number; holdoutMs: number; maxTs: number; hp: HyperParams }> = [];
  const model: RollingRegressor = {
    info: { id, version: '1', role, params: {} },
    grid,
    predictSpend(f, _o, hp) {
      let maxTs = Number.NEGATIVE_INFINITY;
      for (const evs of f.history.values()) for (const e of evs) maxTs = Math.max(maxTs, e.ts);
      calls.push({ origin: f.origin, holdoutMs: f.holdoutMs, maxTs, hp });
      const scale = hp.scale ?? 1;
      return Float64Array.from(f.customers, (c) => (f.history.get(c)!.reduce((s, e) => s + e.value, 0) * scale * f.holdoutMs) / (f.origin - f.calibrationStart));
    },
  };
  return { model, calls };
}

describe('rollingOrigins', () => {
  it('validation origin first, its holdout ending at the first test origin; every test holdout inside the data', () => {
    const end = START + 40 * WEEK;
    const s = rollingOrigins(START, end, { validationWeek: 10, firstWeek: 16, stepWeeks: 4, lastWeek: 30, holdoutWeeks: 10 });
    expect(s.validation.origin).toBe(START + 10 * WEEK);
    expect(s.validation.origin + s.validation.holdoutMs).toBe(s.tests[0]);
    expect(s.tests.map((t) => (t - START) / WEEK)).toEqual([16, 20, 24, 28]);
    for (const t of s.tests) expect(t + s.holdoutMs).toBeLessThanOrEqual(end);
  });

  it('rejects a validation origin after the first test origin and an empty schedule, naming the flag', () => {
    expect(() => rollingOrigins(START, START + 40 * WEEK, { validationWeek: 20, firstWeek: 16, stepWeeks: 4, lastWeek: 30, holdoutWeeks: 10 })).toThrow(/--validation-week/);
    expect(() => rollingOrigins(START, START + 20 * WEEK, { validationWeek: 10, firstWeek: 16, stepWeeks: 4, lastWeek: 30, holdoutWeeks: 10 })).toThrow(/--first-week/);
  });
});

describe('CDNOW rolling: no label leaks, validation first', () => {
  const purchases = generate(4);

  it('hands models only purchases before the origin; validation calls come first', async () => {
    const cand = spy('cand', 'candidate', [{ scale: 1 }, { scale: 0.5 }]);
    const base = spy('base', 'baseline');
    await runValueRollingCdnow({ ...OPTS, purchases, models: [cand.model, base.model] });
    for (const c of [...cand.calls, ...base.calls]) expect(c.maxTs).toBeLessThan(c.origin);
    const v = START + 10 * WEEK;
    expect(cand.calls.slice(0, 2).map((c) => c.origin)).toEqual([v, v]);
    expect(cand.calls[0]!.holdoutMs).toBe(6 * WEEK);
    expect(cand.calls.slice(2).every((c) => c.origin > v && c.holdoutMs === 10 * WEEK)).toBe(true);
    expect(base.calls.every((c) => c.origin > v)).toBe(true);
  });

  it('predictions at an origin do not change when every purchase at or after it is rewritten (real models)', async () => {
    const purchases = generate(21, 200);
    const origin = START + 20 * WEEK;
    const group = (ps: readonly RollingPurchase[]): Map<string, DuveEvent[]> => {
      const m = new Map<string, DuveEvent[]>();
      for (const p of ps) (m.get(p.customerId) ?? m.set(p.customerId, []).get(p.customerId)!).push({ type: 'purchase', itemId: 'cdnow:cds', ts: p.day, value: p.dollars });
      for (const l of m.values()) l.sort((a, b) => a.ts - b.ts);
      return m;
    };
    const rewritten = purchases.map((p) => (p.day >= origin ? { ...p, dollars: p.dollars * 7 + 1 } : p));
    rewritten.push({ customerId: '2', day: origin, dollars: 999 });
    const a = originFeatures(group(purchases), START, origin, 10 * WEEK);
    const b = originFeatures(group(rewritten), START, origin, 10 * WEEK);
    for (const m of [bgNbdGammaGammaRegressor(), duveV1Regressor({ id: 'v1', grid: [{ iterations: 15 }] })]) {
      expect(Array.from(await m.predictSpend(b, { seed: 1 }, m.grid[0]!))).toEqual(Array.from(await m.predictSpend(a, { seed: 1 }, m.grid[0]!)));
    }
    expect(Array.from(originSpend(group(rewritten), b.customers, origin, 10 * WEEK))).not.toEqual(Array.from(originSpend(group(purchases), a.customers, origin, 10 * WEEK)));
  });

  it('the settings chosen at validation ignore everything from the first test origin on', async () => {
    const first = START + 16 * WEEK;
    const rewritten = purchases.map((p) => (p.day >= first ? { ...p, dollars: p.dollars * 3 } : p));
    const grid = [{ scale: 1 }, { scale: 0.5 }, { scale: 2 }];
    const a = await runValueRollingCdnow({ ...OPTS, purchases, models: [spy('cand', 'candidate', grid).model, spy('base', 'baseline').model] });
    const b = await runValueRollingCdnow({ ...OPTS, purchases: rewritten, models: [spy('cand', 'candidate', grid).model, spy('base', 'baseline').model] });
    expect(a.models[0]!.params.chosen).toEqual(b.models[0]!.params.chosen);
    expect(a.models[0]!.params.validationGrid).toEqual(b.models[0]!.params.validationGrid);
    expect(a.metrics.find((m) => m.model === 'cand' && m.metric === 'mae' && m.segment === undefined)!.value).not.toBe(
      b.metrics.find((m) => m.model === 'cand' && m.metric === 'mae' && m.segment === undefined)!.value,
    );
  });
});

describe('runValueRollingCdnow', () => {
  it('four metrics with intervals, per-origin rows, paired differences (0 for a copy of the candidate)', async () => {
    const purchases = generate(9, 200);
    const r = await runValueRollingCdnow({ ...OPTS, purchases, models: [spy('cand', 'candidate').model, spy('copy', 'baseline').model, bgNbdGammaGammaRegressor()] });
    for (const metric of ['mae', 'rmse', 'spearman', 'top_decile_capture', 'bias']) {
      const row = r.metrics.find((m) => m.model === 'cand' && m.metric === metric && m.segment === undefined)!;
      expect(row.ci).toBeDefined();
      const d = r.metrics.find((m) => m.model === 'copy' && m.metric === `${metric}_diff`)!;
      expect(d.value).toBe(0);
      expect(d.ci).toEqual({ level: 0.95, lower: 0, upper: 0 });
      expect(r.metrics.some((m) => m.model === 'clv/bgnbd-gg' && m.metric === `${metric}_diff`)).toBe(true);
    }
    expect(r.metrics.filter((m) => m.model === 'cand' && m.metric === 'mae' && m.segment?.startsWith('origin:'))).toHaveLength(4);
    expect(r.dataset.stats.testRows).toBe(4 * r.dataset.stats.customers!);
  });
});
