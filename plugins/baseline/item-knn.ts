/**
 * `baseline/item-knn`: item-to-item co-interaction similarity over the user's recent items.
 *
 *   sim(s, c)  = co(s, c) / sqrt(deg(s) · deg(c))               (cosine on binary user vectors)
 *   score(c)   = Σ_s w(s) · sim(s, c)
 *   w(s)       = typeWeight(strongest interaction with s) · 2^(−age(s) / halfLife)
 *
 * co-counts come from the store's sampled neighbourhood walk (see GraphStore.neighbourhood),
 * so similarities are estimates bounded by the walk's caps.
 */
import { EVENT_TYPES, type EventType } from '../../domain/events';
import { defineScorer } from '../sdk/contract';

export interface ItemKnnOptions {
  /** Half-life of a seed's influence. Default 3 days. */
  readonly halfLifeMs?: number;
  /** Weight of a seed by the strongest interaction the user had with it. Default: purchase 3, add_to_cart 2.5, wishlist 2, like 1.5, click 1, view 0.5, others 1. */
  readonly typeWeights?: Partial<Record<EventType, number>>;
  /** Per-request deadline (ms). Default: the gateway's. */
  readonly timeoutMs?: number;
}

const DEFAULT_TYPE_WEIGHTS: Partial<Record<EventType, number>> = {
  purchase: 3,
  add_to_cart: 2.5,
  wishlist: 2,
  like: 1.5,
  click: 1,
  view: 0.5,
};

export function createItemKnnScorer(opts: ItemKnnOptions = {}) {
  const halfLife = opts.halfLifeMs ?? 3 * 24 * 3600 * 1000;
  const weights = { ...DEFAULT_TYPE_WEIGHTS, ...opts.typeWeights };
  const typeWeight = EVENT_TYPES.map((t) => weights[t] ?? 1);
  return defineScorer({
    id: 'baseline/item-knn',
    version: '1.0.0',
    features: ['pair.coInteraction'] as const,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    async setup() {
      return {
        async score({ itemIds, features }) {
          const f = features['pair.coInteraction'];
          const k = f.seeds.length;
          const w = new Float64Array(k);
          for (let s = 0; s < k; s++) {
            const deg = f.seedDegree[s]!;
            w[s] = deg > 0 ? (typeWeight[f.seedType[s]!]! * Math.pow(2, -f.seedAgeMs[s]! / halfLife)) / Math.sqrt(deg) : 0;
          }
          const out = new Float32Array(itemIds.length);
          for (let i = 0; i < itemIds.length; i++) {
            const row = f.rows[i];
            if (!row) continue;
            let acc = 0;
            let maxCo = 0;
            for (let s = 0; s < k; s++) {
              acc += w[s]! * row[s]!;
              if (row[s]! > maxCo) maxCo = row[s]!;
            }
            // The walk may under-count degree; a degree below the co-count is impossible.
            const deg = Math.max(f.degree[i]!, maxCo, 1);
            out[i] = acc / Math.sqrt(deg);
          }
          return out;
        },
      };
    },
  });
}
