/**
 * `baseline/affinity`: how strongly the user has engaged with each candidate itself, recently.
 *
 *   score(c) = Σ over the user's interactions with c of typeWeight(type) · 2^(−age / halfLife)
 *
 * It is what makes re-targeting work (an item viewed twice yesterday and put in the cart is a
 * strong candidate) and is 0 for items the user never touched. Purchases carry no weight by
 * default: purchased items are excluded upstream, and a repeat purchase is not what it predicts.
 */
import { type EventType } from '../../domain/events';
import { defineScorer } from '../sdk/contract';

export interface AffinityOptions {
  /** Half-life of an interaction's weight. Default 2 days. */
  readonly halfLifeMs?: number;
  /** Weight per interaction type. Default: add_to_cart 3, wishlist 2, like 1.5, click 1, view 0.5, dwell 0.5, share 1, comment 1; others 0. */
  readonly typeWeights?: Partial<Record<EventType, number>>;
  /** Per-request deadline (ms). Default: the gateway's. */
  readonly timeoutMs?: number;
}

const DEFAULT_WEIGHTS: Partial<Record<EventType, number>> = {
  add_to_cart: 3,
  wishlist: 2,
  like: 1.5,
  click: 1,
  view: 0.5,
  dwell: 0.5,
  share: 1,
  comment: 1,
};

export function createAffinityScorer(opts: AffinityOptions = {}) {
  const halfLife = opts.halfLifeMs ?? 2 * 24 * 3600 * 1000;
  const weights = { ...DEFAULT_WEIGHTS, ...opts.typeWeights };
  return defineScorer({
    id: 'baseline/affinity',
    version: '1.0.0',
    features: ['user.history'] as const,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    async setup() {
      return {
        async score({ itemIds, features, now }) {
          const byItem = new Map<string, number>();
          for (const h of features['user.history']) {
            const w = weights[h.type] ?? 0;
            if (w === 0) continue;
            const age = Math.max(0, now - h.ts);
            byItem.set(h.itemId, (byItem.get(h.itemId) ?? 0) + w * Math.pow(2, -age / halfLife));
          }
          return Float32Array.from(itemIds, (id) => byItem.get(id) ?? 0);
        },
      };
    },
  });
}
