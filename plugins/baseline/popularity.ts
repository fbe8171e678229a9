/**
 * `baseline/popularity`: the same ranking for everyone, by how often each candidate was
 * interacted with.
 *
 *   score(c) = Σ_t totals_t(c)   over every event type t except `impression`
 *
 * (plain, undecayed counts; an impression is something shown, not something a user did).
 * A candidate without statistics scores 0. This is the non-personalised floor every
 * personalised model must beat.
 */
import { EVENT_TYPES, eventTypeIndex } from '../../domain/events';
import { defineScorer } from '../sdk/contract';

export interface PopularityOptions {
  /** Per-request deadline (ms). Default: the gateway's. */
  readonly timeoutMs?: number;
}

const IMPRESSION = eventTypeIndex('impression');

export function createPopularityScorer(opts: PopularityOptions = {}) {
  return defineScorer({
    id: 'baseline/popularity',
    version: '1.0.0',
    features: ['item.stats'] as const,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    async setup() {
      return {
        async score({ itemIds, features }) {
          const stats = features['item.stats'];
          const out = new Float32Array(itemIds.length);
          for (let i = 0; i < itemIds.length; i++) {
            const totals = stats[i]?.totals;
            if (!totals) continue;
            let sum = 0;
            for (let t = 0; t < EVENT_TYPES.length; t++) if (t !== IMPRESSION) sum += totals[t]!;
            out[i] = sum;
          }
          return out;
        },
      };
    },
  });
}
