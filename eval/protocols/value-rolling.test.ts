import type { EventType } from '../../domain/events';
import { mulberry32 } from '../../ml/random';
import { ROLLING_FIXTURE_START as START, ROLLING_FIXTURE_WINDOW as WINDOW, generateRollingEvents } from './value-rolling-fixtures';
import {
  bgNbdClassifier,
  cutFeatures,
  duveV1Classifier,
  groupByUser,
  rfmClassifier,
  rollingCuts,
  runValueRolling,
  scoreCut,
  type CutFeatures,
  type HyperParams,
  type RollingClassifier,
} from './value-rolling';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

const OPTS = { window: WINDOW, minHistoryDays: 2, stepHours: 12, horizonHours: 12, resamples: 50, progress: false } as const;

/** Records every call; scores by a fixed function of the history. */
function spy(id: string, role: 'candidate' | 'baseline', grid: HyperParams[] = [{}]) {
  const calls: Array<{ cut: number; maxTs: number; hp: HyperParams; catItems: number }> = [];
  const model: RollingClassifier = {
    info: { id, version: '1', role, params: {} },
    grid,
    score(f: CutFeatures, _ctx, hp) {
      let maxTs = Number.NEGATIVE_INFINITY;
      for (const evs of f.history.values()) for (const e of evs) maxTs = Math.max(maxTs, e.ts);
      calls.push({ cut: f.cut, maxTs, hp, catItems: f.categories.size });
      const k = hp.k ?? 1;
      return Float64Array.from(f.users, (u) => f.history.get(u)!.filter((e) => e.type === 'purchase').length * k + (k < 0 ? 0 : f.history.get(u)!.length * 0.01));
    },
  };
  return { model, calls };
}

describe('rollingCuts', () => {
  it('puts the validation cut before every test cut, with its label window ending at or before the first', () => {
    const s = rollingCuts(WINDOW, { minHistoryDays: 2, stepHours: 12, horizonHours: 12 });
    expect(s.validation).toBe(START + 2 * DAY);
    expect(s.tests[0]).toBe(s.validation + 12 * HOUR);
    for (const c of s.tests) {
      expect(c).toBeGreaterThan(s.validation);
      expect(c + 12 * HOUR).toBeLessThanOrEqual(WINDOW.end);
    }
    expect(s.tests).toHaveLength(7);
  });

  it('rejects a schedule with no test cut, naming the flag', () => {
    expect(() => rollingCuts(WINDOW, { minHistoryDays: 5.5, stepHours: 12, horizonHours: 12 })).toThrow(/--min-history-days/);
    expect(() => rollingCuts(WINDOW, { minHistoryDays: 2, stepHours: 0, horizonHours: 12 })).toThrow(/--step-hours/);
  });
});

describe('no label leaks into the features', () => {
  const events = generateRollingEvents(3);

  it('hands every model only events (and category rows) before the cut, validation calls first', async () => {
    const cand = spy('cand', 'candidate', [{ k: 1 }, { k: -1 }]);
    const base = spy('base', 'baseline');
    const r = await runValueRolling({ ...OPTS, events, models: [cand.model, base.model] });
    const s = rollingCuts(WINDOW, { minHistoryDays: 2, stepHours: 12, horizonHours: 12 });
    for (const c of [...cand.calls, ...base.calls]) expect(c.maxTs).toBeLessThan(c.cut);
    // Validation: both grid points at the validation cut, before any test cut call.
    expect(cand.calls.slice(0, 2).map((c) => c.cut)).toEqual([s.validation, s.validation]);
    expect(cand.calls.slice(2).map((c) => c.cut)).toEqual(s.tests);
    expect(base.calls.map((c) => c.cut)).toEqual(s.tests);
    // Categories seen grow with the cut and come from rows before it.
    const firstCats = cutFeatures(groupByUser(events), s.validation).categories;
    for (const [item, cat] of firstCats) expect(events.some((e) => e.itemId === item && e.categoryId === cat && e.ts < s.validation)).toBe(true);
    expect(r.dataset.stats.testCuts).toBe(7);
  });

  it('scores at a cut do not change when every event at or after it is rewritten (real models)', async () => {
    const log = groupByUser(events);
    const cut = START + 4 * DAY;
    const rng = mulberry32(99);
    const rewritten = events.map((e) => (e.ts >= cut ? { ...e, type: (rng() < 0.5 ? 'purchase' : 'wishlist') as EventType, itemId: `z${Math.floor(rng() * 9)}`, categoryId: 'cz' } : e));
    rewritten.push({ userId: 'u0', type: 'purchase', itemId: 'late', ts: cut, value: 0, categoryId: 'cz' });
    const a = cutFeatures(log, cut);
    const b = cutFeatures(groupByUser(rewritten), cut);
    expect(b.users).toEqual(a.users);
    expect([...b.categories]).toEqual([...a.categories]);
    const ctx = { windowStart: START, horizonMs: 12 * HOUR, seed: 1 };
    const models = [duveV1Classifier({ id: 'v1', decayMode: 'per-type', grid: [{ iterations: 15 }] }), rfmClassifier(), bgNbdClassifier()];
    for (const m of models) {
      const hp = m.grid[0]!;
      expect(Array.from(await scoreCut(m, b, ctx, hp))).toEqual(Array.from(await scoreCut(m, a, ctx, hp)));
    }
    // The labels do change (the rewrite is not a no-op).
    expect(rewritten.filter((e) => e.ts >= cut && e.type === 'purchase').length).not.toBe(events.filter((e) => e.ts >= cut && e.type === 'purchase').length);
  });

  it('the hyper-parameter choice does not depend on anything after the validation label window', async () => {
    const s = rollingCuts(WINDOW, { minHistoryDays: 2, stepHours: 12, horizonHours: 12 });
    const rng = mulberry32(5);
    const rewritten = events.map((e) => (e.ts >= s.tests[0]! ? { ...e, type: (rng() < 0.5 ? 'purchase' : 'view') as EventType } : e));
    const grid = [{ k: 1 }, { k: -1 }];
    const a = await runValueRolling({ ...OPTS, events, models: [spy('cand', 'candidate', grid).model, spy('base', 'baseline').model] });
    const b = await runValueRolling({ ...OPTS, events: rewritten, models: [spy('cand', 'candidate', grid).model, spy('base', 'baseline').model] });
    expect(a.models[0]!.params.chosen).toEqual(b.models[0]!.params.chosen);
    expect(a.models[0]!.params.validationGrid).toEqual(b.models[0]!.params.validationGrid);
    // ... while the test metrics do move.
    expect(a.metrics.find((m) => m.model === 'cand' && m.metric === 'auc' && m.segment === undefined)!.value).not.toBe(
      b.metrics.find((m) => m.model === 'cand' && m.metric === 'auc' && m.segment === undefined)!.value,
    );
  });
});

describe('runValueRolling', () => {
  it('pools (user, cut) rows, reports per-cut AUC and paired differences; a copy of the candidate differs by exactly 0', async () => {
    const events = generateRollingEvents(8, 50);
    const cand = spy('cand', 'candidate');
    const copy = spy('copy', 'baseline');
    const r = await runValueRolling({ ...OPTS, events, models: [cand.model, copy.model, rfmClassifier()] });
    const rows = r.metrics.filter((m) => m.segment?.startsWith('cut:') && m.model === 'cand');
    expect(rows.length).toBeGreaterThan(3);
    const pooled = r.metrics.find((m) => m.model === 'cand' && m.metric === 'auc' && m.segment === undefined)!;
    expect(pooled.n).toBe(r.dataset.stats.rows);
    expect(pooled.ci!.lower).toBeLessThanOrEqual(pooled.value);
    expect(pooled.ci!.upper).toBeGreaterThanOrEqual(pooled.value);
    const d = r.metrics.find((m) => m.model === 'copy' && m.metric === 'auc_diff')!;
    expect(d.value).toBe(0);
    expect(d.ci).toEqual({ level: 0.95, lower: 0, upper: 0 });
    expect(r.metrics.some((m) => m.model === 'baseline/rfm' && m.metric === 'auc_diff')).toBe(true);
    expect(r.metrics.some((m) => m.model === 'cand' && m.metric === 'auc_diff')).toBe(false);
    expect(r.notes.join(' ')).toMatch(/validation cut/);
  });

  it('needs exactly one candidate', async () => {
    await expect(runValueRolling({ ...OPTS, events: generateRollingEvents(1, 5), models: [spy('a', 'baseline').model] })).rejects.toThrow(/one candidate/);
  });
});
