import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGE_CAP_DAYS, STANDARD_COLUMNS, columnLayout, columnValue, standardColumn, type ColumnFeatures } from './columns';
import { makeFeatureFixture } from './fixtures';
import { EVENT_TYPES, type ItemRecord, type ItemStats } from './records';

const NOW = Date.UTC(2024, 0, 10);
const DAY = 24 * 3600 * 1000;

function stats(itemId: string, counts: Partial<Record<(typeof EVENT_TYPES)[number], [number, number]>>, extra: Partial<ItemStats> = {}): ItemStats {
  const totals = new Float64Array(EVENT_TYPES.length);
  const decayed = new Float64Array(EVENT_TYPES.length);
  EVENT_TYPES.forEach((t, k) => {
    totals[k] = counts[t]?.[0] ?? 0;
    decayed[k] = counts[t]?.[1] ?? 0;
  });
  return { itemId, totals, decayed, decayedRevenue: 0, totalRevenue: 0, users: 0, lastTs: 0, ...extra };
}

const item = (id: string, categories: string[], price: number | null): ItemRecord => ({ id, title: id, categories, brand: null, price, available: true, createdAt: 0 });

/** Three candidates: a, b (no statistics, no record), c; a history of four rows over three distinct items. */
const features: ColumnFeatures = {
  'item.stats': [stats('a', { purchase: [3, 1.5], view: [10, 4] }, { users: 7, totalRevenue: 90, decayedRevenue: 30.5, lastTs: NOW - 2 * DAY }), null, stats('c', { click: [2, 0.25] })],
  'item.meta': [item('a', ['shoes'], 49.5), null, item('c', ['hats', 'shoes'], null)],
  'user.history': [
    { itemId: 'h1', type: 'view', ts: NOW - 1000, value: 0 },
    { itemId: 'h2', type: 'purchase', ts: NOW - 2000, value: 20 },
    { itemId: 'h1', type: 'click', ts: NOW - 3000, value: 0 },
    { itemId: 'h3', type: 'view', ts: NOW - 4000, value: 0 },
    { itemId: 'gone', type: 'view', ts: NOW - 5000, value: 0 },
  ],
  'user.historyItems': new Map([
    ['h1', item('h1', ['shoes'], 10)],
    ['h2', item('h2', ['hats', 'shoes'], 10)],
    ['h3', item('h3', ['bags'], 10)],
  ]),
  'pair.coInteraction': {
    seeds: ['h1', 'h2', 'h3'],
    seedAgeMs: new Float64Array(3),
    seedType: new Uint8Array(3),
    seedDegree: new Float64Array(3),
    rows: [Float32Array.from([2, 0, 5]), null, Float32Array.from([0, 0, 1])],
    degree: Float64Array.from([40, 0, 3]),
  },
  'pair.retrieval': { retrievers: ['recent', 'trending'], ranks: [Int32Array.from([0, -1, 3]), Int32Array.from([-1, 2, -1])] },
  'user.value': null,
};

const values = (name: string): number[] => [0, 1, 2].map((i) => columnValue(name, features, i, NOW));

describe('standard columns', () => {
  it.each([
    ['item.stats.purchase', [3, 0, 0]],
    ['item.stats.view.decayed', [4, 0, 0]],
    ['item.stats.click.decayed', [0, 0, 0.25]],
    ['item.stats.users', [7, 0, 0]],
    ['item.stats.revenue', [90, 0, 0]],
    ['item.stats.revenue.decayed', [30.5, 0, 0]],
    ['item.stats.ageDays', [2, AGE_CAP_DAYS, AGE_CAP_DAYS]],
    ['item.price', [49.5, 0, 0]],
    ['pair.co.sum', [7, 0, 1]],
    ['pair.co.max', [5, 0, 1]],
    ['pair.co.seeds', [2, 0, 1]],
    ['item.degree', [40, 0, 3]],
    // h1 and h2 have shoes; c has hats (h2) and shoes (h1, h2): h2 counted once.
    ['pair.category.overlap', [2 / 3, 0, 2 / 3]],
    ['user.history.length', [5, 5, 5]],
    ['user.value.purchaseProbability', [0, 0, 0]],
    ['pair.retrieval.recent.hit', [1, 0, 1]],
    ['pair.retrieval.trending.hit', [0, 1, 0]],
    ['pair.retrieval.fresh.hit', [0, 0, 0]],
  ])('%s', (name, expected) => {
    const got = values(name);
    expected.forEach((e, i) => expect(got[i]).toBeCloseTo(e, 9));
  });

  it('reads the DUVE state when present', () => {
    const f = { ...features, 'user.value': { ...makeFeatureFixture({ seed: 3 }).features['user.value']!, expectedSpend: 42.5, expectedPurchases: 1.5, purchaseProbability: 0.3 } };
    expect(columnValue('user.value.expectedSpend', f, 2, NOW)).toBe(42.5);
    expect(columnValue('user.value.expectedPurchases', f, 0, NOW)).toBe(1.5);
    expect(columnValue('user.value.purchaseProbability', f, 1, NOW)).toBeCloseTo(0.3, 9);
  });

  it('wraps any column in log1p', () => {
    expect(values('log1p(item.stats.users)')[0]).toBeCloseTo(Math.log(8), 9);
    values('log1p(pair.co.sum)').forEach((v, i) => expect(v).toBeCloseTo([Math.log1p(7), 0, Math.log1p(1)][i]!, 12));
    expect(standardColumn('log1p(pair.category.overlap)')?.features).toEqual(['user.history', 'user.historyItems', 'item.meta']);
    expect(standardColumn('log1p(nope)')).toBeUndefined();
    expect(standardColumn('log1p(log1p(item.price))')).toBeUndefined();
  });

  it('gives every column a finite, non-negative value on warm, sparse, cold and empty inputs', () => {
    const inputs: Array<[ColumnFeatures, number]> = [
      [makeFeatureFixture({ n: 40, seed: 5 }).features, 40],
      [makeFeatureFixture({ n: 40, seed: 6, sparsity: 0.9 }).features, 40],
      [makeFeatureFixture({ n: 40, seed: 7, history: 0 }).features, 40],
      [{}, 3],
    ];
    for (const [f, n] of inputs) {
      const t = columnLayout(STANDARD_COLUMNS.map((c) => c.name)).tensor(f, n, NOW);
      const bad = Array.from(t.data).findIndex((v) => !Number.isFinite(v) || v < 0);
      expect(bad).toBe(-1);
    }
  });

  it('builds a row-major [n, k] tensor and lists the features the columns read, once each', () => {
    const layout = columnLayout(['item.stats.purchase', 'pair.co.sum', 'log1p(item.stats.users)', 'pair.category.overlap']);
    expect(layout.features).toEqual(['item.stats', 'pair.coInteraction', 'user.history', 'user.historyItems', 'item.meta']);
    const t = layout.tensor(features, 3, NOW);
    expect(t.dims).toEqual([3, 4]);
    expect(Array.from(t.data.subarray(0, 4))).toEqual(Array.from(Float32Array.from([3, 7, Math.log(8), 2 / 3])));
    expect(Array.from(t.data.subarray(8, 12))).toEqual(Array.from(Float32Array.from([0, 1, 0, 2 / 3])));
  });

  it('refuses an unknown column with a RangeError naming its index and name', () => {
    expect(() => columnLayout(['item.price', 'item.stats.purchase', 'item.stats.bogus'])).toThrow(
      new RangeError('column 2 "item.stats.bogus" is not a standard column (see STANDARD_COLUMNS, or log1p(<column>))'),
    );
    expect(() => columnLayout([])).toThrow(RangeError);
  });

  it('has unique names, a doc line and at least one feature per column', () => {
    expect(new Set(STANDARD_COLUMNS.map((c) => c.name)).size).toBe(STANDARD_COLUMNS.length);
    for (const c of STANDARD_COLUMNS) {
      expect(c.doc.length).toBeGreaterThan(5);
      expect(c.features.length).toBeGreaterThan(0);
    }
  });

  it('is documented: every column appears in docs/writing-a-scorer.md', () => {
    const doc = readFileSync(join(__dirname, '../../docs/writing-a-scorer.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Standard columns'));
    expect(section.length).toBeLessThan(doc.length);
    const missing = STANDARD_COLUMNS.map((c) => c.name).filter((n) => !section.includes(`\`${n}\``));
    expect(missing).toEqual([]);
    expect(section).toContain('log1p(');
  });
});
