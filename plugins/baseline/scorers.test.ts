import { EVENT_TYPES, eventTypeIndex } from '../../domain/events';
import type { ItemStats } from '../../domain/catalog';
import type { CoInteractionFeature } from '../sdk/features';
import { createCommercialScorer } from './commercial';
import { createItemKnnScorer } from './item-knn';

const signal = new AbortController().signal;
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const ctx = { logger: silent, settings: {}, loadModel: () => Promise.reject(new Error('no models')) };

function stats(itemId: string, views: number, purchases: number, revenue: number, carts = 0): ItemStats {
  const d = new Float64Array(EVENT_TYPES.length);
  d[eventTypeIndex('view')] = views;
  d[eventTypeIndex('purchase')] = purchases;
  d[eventTypeIndex('add_to_cart')] = carts;
  return { itemId, totals: d, decayed: d, decayedRevenue: revenue, totalRevenue: revenue, users: views, lastTs: 0 };
}

describe('baseline/commercial', () => {
  it('matches the documented formula on a hand-worked case', async () => {
    const scorer = await createCommercialScorer({ alpha: 20, beta: 2, cartWeight: 0.3 }).setup(ctx);
    const s = [stats('a', 100, 5, 250, 10), stats('b', 10, 0, 0)];
    const meta = [null, { id: 'b', title: '', categories: [], brand: null, price: 40, available: true, createdAt: 0 }];
    const out = await scorer.score({ userId: 'u', itemIds: ['a', 'b'], features: { 'item.stats': s, 'item.meta': meta }, now: 0, signal });
    // Pool: traffic 110, intent 5 + 0.3*10 = 8 -> mu = 8/110; revenue 250 over 5 purchases -> pool AOV 50.
    const mu = 8 / 110;
    const a = Math.log1p(Math.log1p(100 + 8) * ((8 + 20 * mu) / (100 + 20)) * ((250 + 2 * 50) / (5 + 2)));
    const b = Math.log1p(Math.log1p(10) * ((0 + 20 * mu) / (10 + 20)) * ((0 + 2 * 40) / (0 + 2)));
    expect(out[0]).toBeCloseTo(a, 4);
    expect(out[1]).toBeCloseTo(b, 4);
  });

  it('smooths: one view and one sale does not beat a steady seller', async () => {
    const scorer = await createCommercialScorer().setup(ctx);
    const s = [stats('lucky', 1, 1, 30), stats('steady', 500, 40, 1200)];
    const out = await scorer.score({ userId: 'u', itemIds: ['lucky', 'steady'], features: { 'item.stats': s, 'item.meta': [null, null] }, now: 0, signal });
    expect(out[1]!).toBeGreaterThan(out[0]!);
  });
});

describe('baseline/item-knn', () => {
  it('computes recency- and type-weighted cosine similarity', async () => {
    const day = 24 * 3600 * 1000;
    const scorer = await createItemKnnScorer({ halfLifeMs: day, typeWeights: { purchase: 3, view: 0.5 } }).setup(ctx);
    const f: CoInteractionFeature = {
      seeds: ['s1', 's2'],
      seedAgeMs: Float64Array.from([0, day]),
      seedType: Uint8Array.from([eventTypeIndex('purchase'), eventTypeIndex('view')]),
      seedDegree: Float64Array.from([4, 9]),
      rows: [Float32Array.from([2, 3]), null, Float32Array.from([0, 1])],
      degree: Float64Array.from([16, 5, 1]),
    };
    const out = await scorer.score({ userId: 'u', itemIds: ['c1', 'c2', 'c3'], features: { 'pair.coInteraction': f }, now: 0, signal });
    const w1 = 3 / Math.sqrt(4);
    const w2 = (0.5 * 0.5) / Math.sqrt(9);
    expect(out[0]).toBeCloseTo((w1 * 2 + w2 * 3) / Math.sqrt(16), 5);
    expect(out[1]).toBe(0);
    expect(out[2]).toBeCloseTo((w2 * 1) / Math.sqrt(1), 5);
  });
});

describe('baseline/affinity', () => {
  it('sums type-weighted, half-life-decayed interactions per candidate', async () => {
    const { createAffinityScorer } = await import('./affinity');
    const day = 24 * 3600 * 1000;
    const scorer = await createAffinityScorer({ halfLifeMs: day }).setup(ctx);
    const now = 10 * day;
    const history = [
      { itemId: 'a', type: 'add_to_cart' as const, ts: now, value: 0 },
      { itemId: 'a', type: 'view' as const, ts: now - day, value: 0 },
      { itemId: 'b', type: 'purchase' as const, ts: now, value: 9 },
      { itemId: 'c', type: 'view' as const, ts: now - 2 * day, value: 0 },
    ];
    const out = await scorer.score({ userId: 'u', itemIds: ['a', 'b', 'c', 'd'], features: { 'user.history': history }, now, signal });
    expect(Array.from(out)).toEqual([3 + 0.5 * 0.5, 0, 0.5 * 0.25, 0].map((v) => expect.closeTo(v, 6)));
  });
});
