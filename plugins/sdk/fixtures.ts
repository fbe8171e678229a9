/**
 * Synthetic, seeded feature values for scorer tests and the conformance suite. Shapes match
 * exactly what the pipeline hands a scorer.
 */
import { EVENT_TYPES, type EventType, type Interaction, type ItemRecord, type ItemStats } from './records';
import { mulberry32 } from './random';
import type { FeatureValues } from './features';

/** Seeded uniform [0, 1) generator (mulberry32). */
export const seededRandom = mulberry32;

export interface FixtureOptions {
  /** Candidates. Default 50. */
  readonly n?: number;
  /** History rows (0 = cold user). Default 20. */
  readonly history?: number;
  /** PRNG seed. Default 1. */
  readonly seed?: number;
  /** Fraction of candidates with no stats / no co-interaction. Default 0.2. */
  readonly sparsity?: number;
  /** Data time (ms). Default 2024-01-01. */
  readonly now?: number;
}

export interface Fixture {
  readonly userId: string;
  readonly itemIds: string[];
  readonly features: FeatureValues;
  readonly now: number;
}

export function makeFeatureFixture(opts: FixtureOptions = {}): Fixture {
  const n = opts.n ?? 50;
  const rnd = seededRandom(opts.seed ?? 1);
  const now = opts.now ?? Date.UTC(2024, 0, 1);
  const sparsity = opts.sparsity ?? 0.2;
  const itemIds = Array.from({ length: n }, (_, i) => `item-${i}`);
  const day = 24 * 3600 * 1000;
  const types: EventType[] = ['view', 'click', 'add_to_cart', 'purchase', 'like', 'wishlist'];
  const history: Interaction[] = Array.from({ length: opts.history ?? 20 }, (_, i) => ({
    // Half the history touches candidates (re-targeting), half touches other items (the seeds).
    itemId: i % 2 === 0 ? `item-${i}` : `seen-${i % 7}`,
    type: types[Math.floor(rnd() * types.length)]!,
    ts: now - i * 3600 * 1000,
    value: rnd() < 0.2 ? 10 + rnd() * 90 : 0,
  }));
  const meta: (ItemRecord | null)[] = itemIds.map((id, i) =>
    rnd() < sparsity / 2
      ? null
      : {
          id,
          title: `Item ${i}`,
          categories: [`cat-${i % 5}`],
          brand: i % 3 === 0 ? null : `brand-${i % 4}`,
          price: i % 4 === 0 ? null : 5 + rnd() * 200,
          available: true,
          createdAt: now - rnd() * 60 * day,
        },
  );
  const stats: (ItemStats | null)[] = itemIds.map((itemId) => {
    if (rnd() < sparsity) return null;
    const totals = new Float64Array(EVENT_TYPES.length);
    const decayed = new Float64Array(EVENT_TYPES.length);
    for (let t = 0; t < EVENT_TYPES.length; t++) {
      totals[t] = Math.floor(rnd() * 100);
      decayed[t] = totals[t]! * rnd();
    }
    const totalRevenue = totals[3]! * (10 + rnd() * 50);
    return { itemId, totals, decayed, decayedRevenue: totalRevenue * rnd(), totalRevenue, users: Math.floor(rnd() * 200), lastTs: now - rnd() * 10 * day };
  });
  const seeds = Array.from({ length: 7 }, (_, i) => `seen-${i}`);
  // History items' records: the candidates' own, plus the seeds in a hierarchy under `cat-root`.
  const historyItems = new Map<string, ItemRecord>();
  for (const h of history) {
    const k = itemIds.indexOf(h.itemId);
    const rec = k >= 0 ? meta[k] : { id: h.itemId, title: h.itemId, categories: [`cat-${h.itemId.length % 5}`], brand: null, price: 20, available: true, createdAt: now - 30 * day };
    if (rec) historyItems.set(h.itemId, rec);
  }
  const ancestors = new Map<string, readonly string[]>(Array.from({ length: 5 }, (_, c) => [`cat-${c}`, ['cat-root', `cat-${c}`]] as const));
  const retrievers = ['recent', 'neighbourhood', 'category', 'trending', 'fresh'];
  const ranks = retrievers.map(() => Int32Array.from(itemIds, () => (rnd() < 0.5 ? Math.floor(rnd() * n) : -1)));
  const firstStage = { scorerIds: ['fixture/a', 'fixture/b'], columns: [Float32Array.from(itemIds, () => rnd()), rnd() < 0.5 ? null : Float32Array.from(itemIds, () => rnd() * 10)] };
  const rows = itemIds.map(() => (rnd() < sparsity ? null : Float32Array.from(seeds, () => Math.floor(rnd() * 5))));
  // Drawn last, so the values above stay what they were before this feature existed.
  const p = rnd();
  const value: FeatureValues['user.value'] =
    history.length === 0
      ? null
      : {
          value: p * 120,
          valueUnit: 'spend',
          expectedSpend: p * 120,
          expectedPurchases: p * 2,
          expectedEvents: 5 + p * 40,
          purchaseProbability: p,
          horizonDays: 30,
          segment: p > 0.5 ? 'high' : 'growing',
          modelVersion: 'duve/value@fixture',
          lastEventAt: now - 3600 * 1000,
        };
  return {
    userId: 'fixture-user',
    itemIds,
    now,
    features: {
      'user.profile': { id: 'fixture-user', demographics: {}, preferences: [] },
      'user.history': history,
      'item.meta': meta,
      'item.stats': stats,
      'pair.coInteraction': {
        seeds: history.length === 0 ? [] : seeds,
        seedAgeMs: Float64Array.from(seeds, (_, i) => i * 3600 * 1000),
        seedType: Uint8Array.from(seeds, (_, i) => i % 4),
        seedDegree: Float64Array.from(seeds, () => 5 + Math.floor(rnd() * 50)),
        rows: history.length === 0 ? rows.map(() => null) : rows,
        degree: Float64Array.from(itemIds, () => 5 + Math.floor(rnd() * 200)),
      },
      'user.historyItems': historyItems,
      'category.ancestors': ancestors,
      'pair.retrieval': { retrievers, ranks },
      'scores.firstStage': firstStage,
      'user.value': value,
    },
  };
}
