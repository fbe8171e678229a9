import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Interaction, ItemRecord, ItemStats } from '../sdk/records';
import { EVENT_TYPES } from '../sdk/records';
import { IRA_DIM, IRA_FEATURES, IRA_STATE_SLOTS, iraColumn, iraFeatureRows, pooledState, type IraFeatureInput } from './features';
import { HEURISTIC_WEIGHTS, heuristicQ } from './heuristic';

const NOW = Date.UTC(2026, 5, 1, 18, 0);
const MIN = 60_000;

function stats(id: string, counts: Partial<Record<string, number>>, o: { revenue?: number; users?: number; lastTs?: number } = {}): ItemStats {
  const decayed = new Float64Array(EVENT_TYPES.length);
  for (const [t, n] of Object.entries(counts)) decayed[EVENT_TYPES.indexOf(t as (typeof EVENT_TYPES)[number])] = n!;
  return { itemId: id, totals: Float64Array.from(decayed), decayed, decayedRevenue: o.revenue ?? 0, totalRevenue: o.revenue ?? 0, users: o.users ?? 0, lastTs: o.lastTs ?? 0 };
}
const item = (id: string, categories: string[], price: number | null, createdAt = NOW - 10 * 86_400_000): ItemRecord => ({ id, title: id, categories, brand: null, price, available: true, createdAt });

function input(over: Partial<IraFeatureInput> = {}): IraFeatureInput {
  const history: Interaction[] = [
    { itemId: 'h1', type: 'add_to_cart', ts: NOW - 5 * MIN, value: 0 },
    { itemId: 'a', type: 'click', ts: NOW - 20 * MIN, value: 0 },
    { itemId: 'h2', type: 'view', ts: NOW - 3 * 3_600_000, value: 0 },
  ];
  return {
    reading: { purchaseProb: 0.3, value: 999, horizonDays: 30, state: Float32Array.from([1, -2, 3]), version: 'test@1' },
    surface: 'cart',
    now: NOW,
    history,
    itemIds: ['a', 'b', 'c'],
    stats: [stats('a', { view: 100, click: 20, purchase: 5 }, { revenue: 500, users: 50, lastTs: NOW - 3_600_000 }), stats('b', { view: 10 }), null],
    meta: [item('a', ['shoes'], 100), item('b', ['hats'], 50), null],
    historyItems: new Map([
      ['h1', item('h1', ['shoes'], 80)],
      ['h2', item('h2', ['bags'], 120)],
    ]),
    ...over,
  };
}

const col = (rows: Float32Array, r: number, name: string): number => rows[r * IRA_DIM + iraColumn(name)]!;

describe('IRA features', () => {
  it('documents every column in the file header, with unique names', () => {
    const src = readFileSync(join(__dirname, 'features.ts'), 'utf8');
    const header = src.slice(0, src.indexOf('*/'));
    expect(new Set(IRA_FEATURES).size).toBe(IRA_FEATURES.length);
    for (const name of IRA_FEATURES) {
      const stem = name.replace(/_\d+$/, '_0..15').replace(/^ctx\.surface_(cart|product|search|other)$/, '_$1');
      expect(header).toContain(stem);
    }
    expect(() => iraColumn('nope')).toThrow(/no column/);
  });

  it('builds the user, context and candidate parts with the documented values', () => {
    const rows = iraFeatureRows(input());
    expect(rows.length).toBe(3 * IRA_DIM);
    // User part: the same on every row.
    for (let r = 0; r < 3; r++) {
      expect(col(rows, r, 'user.state_0')).toBe(1);
      expect(col(rows, r, 'user.state_1')).toBe(-2);
      expect(col(rows, r, 'user.state_3')).toBe(0);
      expect(col(rows, r, 'user.value')).toBeCloseTo(Math.log1p(999) / Math.log1p(1000), 6);
      expect(col(rows, r, 'user.purchase_prob')).toBeCloseTo(0.3, 6);
      expect(col(rows, r, 'user.value_missing')).toBe(0);
      expect(col(rows, r, 'ctx.surface_cart')).toBe(1);
      expect(col(rows, r, 'ctx.surface_home')).toBe(0);
      // 18:00 UTC.
      expect(col(rows, r, 'ctx.hour_sin')).toBeCloseTo(-1, 6);
      expect(col(rows, r, 'ctx.hour_cos')).toBeCloseTo(0, 6);
      // Session: the cart 5 min ago and the click 20 min ago (the view 3 h ago is another session).
      expect(col(rows, r, 'ctx.session_events')).toBeCloseTo(Math.log1p(2) / Math.log1p(50), 6);
      expect(col(rows, r, 'ctx.session_engaged')).toBeCloseTo(Math.log1p(1) / Math.log1p(50), 6);
      expect(col(rows, r, 'ctx.minutes_since_last')).toBeCloseTo(Math.log1p(5) / Math.log1p(43_200), 6);
      expect(col(rows, r, 'ctx.history_len')).toBeCloseTo(Math.log1p(3) / Math.log1p(200), 6);
    }
    // Candidate a: 120 traffic, 5 purchases, a click of the user 20 min ago, shares "shoes" with h1.
    expect(col(rows, 0, 'item.traffic')).toBeCloseTo(Math.log1p(120) / Math.log1p(1000), 6);
    expect(col(rows, 0, 'item.cvr')).toBeCloseTo(5.1 / 125, 6);
    expect(col(rows, 0, 'item.recency')).toBeCloseTo(Math.log1p(1) / Math.log1p(720), 6);
    expect(col(rows, 0, 'item.price_rel')).toBeCloseTo(Math.log(100 / 100) / 2, 6);
    expect(col(rows, 0, 'item.cat_affinity')).toBeCloseTo(1 / 3, 6);
    expect(col(rows, 0, 'item.seen')).toBeCloseTo(Math.log1p(1) / Math.log1p(10), 6);
    expect(col(rows, 0, 'base.affinity')).toBeCloseTo(Math.log1p(Math.pow(2, -20 / (2 * 24 * 60))) / Math.log1p(10), 5);
    expect(col(rows, 0, 'base.commercial')).toBeCloseTo(1, 6);
    expect(col(rows, 0, 'base.popularity')).toBe(1);
    // Candidate b: cheaper than the history's mean price 100, no shared category.
    expect(col(rows, 1, 'item.price_rel')).toBeCloseTo(Math.log(0.5) / 2, 6);
    expect(col(rows, 1, 'item.cat_affinity')).toBe(0);
    expect(col(rows, 1, 'base.popularity')).toBe(0.5);
    // Candidate c: no stats, no record.
    expect(col(rows, 2, 'item.no_stats')).toBe(1);
    expect(col(rows, 2, 'item.recency')).toBe(1);
    expect(col(rows, 2, 'item.price_missing')).toBe(1);
    expect(col(rows, 2, 'item.age')).toBe(1);
    expect(col(rows, 2, 'base.popularity')).toBe(0);
    for (const v of rows) expect(Number.isFinite(v)).toBe(true);
  });

  it('flags a missing reading, maps unknown surfaces to other, and handles an empty history', () => {
    const rows = iraFeatureRows(input({ reading: null, surface: 'somewhere', history: [], utcOffsetMinutes: 6 * 60 }));
    expect(col(rows, 0, 'user.value_missing')).toBe(1);
    expect(col(rows, 0, 'user.value')).toBe(0);
    expect(col(rows, 0, 'ctx.surface_other')).toBe(1);
    expect(col(rows, 0, 'ctx.minutes_since_last')).toBe(1);
    expect(col(rows, 0, 'ctx.session_events')).toBe(0);
    expect(col(rows, 0, 'item.cat_affinity')).toBe(0);
    // 18:00 UTC + 6 h = midnight local.
    expect(col(rows, 0, 'ctx.hour_sin')).toBeCloseTo(0, 6);
    expect(col(rows, 0, 'ctx.hour_cos')).toBeCloseTo(1, 6);
    expect(() => iraFeatureRows(input({ stats: [] }))).toThrow(/align/);
  });

  it('pools a long state into 16 slots by contiguous means', () => {
    const long = Float32Array.from({ length: 32 }, (_, j) => j / 4);
    const p = pooledState(long);
    expect(p.length).toBe(IRA_STATE_SLOTS);
    for (let k = 0; k < 16; k++) expect(p[k]).toBeCloseTo((2 * k + 0.5) / 4, 6);
    expect(Array.from(pooledState([100, -100]).subarray(0, 3))).toEqual([10, -10, 0]);
  });

  it('version 0 is the documented linear function of the baseline signals', () => {
    const rows = iraFeatureRows(input());
    const q = heuristicQ(rows, 3);
    for (let r = 0; r < 3; r++) {
      const want = Object.entries(HEURISTIC_WEIGHTS).reduce((s, [name, w]) => s + w * col(rows, r, name), 0);
      expect(q[r]).toBeCloseTo(want, 6);
    }
    expect(q[0]!).toBeGreaterThan(q[1]!);
  });
});
