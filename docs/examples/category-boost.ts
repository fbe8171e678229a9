/**
 * A TypeScript scorer: recent purchases' popularity plus a boost for candidates in the categories
 * of the items the user interacted with. `boost` and `purchasesOnly` come from the strategy entry
 * (`"settings": { "boost": 2 }`), per request.
 */
import { defineScorer, eventCount, type ScorerSettings } from '../../plugins/sdk';

/** Options fixed when the plugin is built; the strategy's settings are read per request. */
export interface CategoryBoostOptions {
  /** Boost per unit of category overlap when the strategy gives none. Default 1. */
  readonly defaultBoost?: number;
}

function numberSetting(settings: ScorerSettings | undefined, key: string, fallback: number): number {
  const v = settings?.[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`setting "${key}" must be a finite number`);
  return v;
}

export function createCategoryBoostScorer(opts: CategoryBoostOptions = {}) {
  return defineScorer({
    id: 'acme/category-boost',
    version: '1.0.0',
    features: ['user.history', 'user.historyItems', 'item.meta', 'item.stats'] as const,
    timeoutMs: 20,
    async setup(ctx) {
      ctx.logger.info({ defaultBoost: opts.defaultBoost ?? 1 }, 'category boost ready');
      return {
        async score({ itemIds, features, settings, signal }) {
          const boost = numberSetting(settings, 'boost', opts.defaultBoost ?? 1);
          const purchasesOnly = settings?.['purchasesOnly'] === true;
          // Categories of the user's history items (their own metadata, not only candidates').
          const liked = new Map<string, number>();
          for (const h of features['user.history']) {
            if (purchasesOnly && h.type !== 'purchase') continue;
            for (const c of features['user.historyItems'].get(h.itemId)?.categories ?? []) liked.set(c, (liked.get(c) ?? 0) + 1);
          }
          const total = [...liked.values()].reduce((a, b) => a + b, 0);
          const scores = new Float32Array(itemIds.length);
          for (let i = 0; i < itemIds.length; i++) {
            if (signal.aborted) break; // the deadline passed or the client went away: the answer is not used
            const popularity = Math.log1p(eventCount(features['item.stats'][i], 'purchase', 'decayed'));
            const overlap = total === 0 ? 0 : (features['item.meta'][i]?.categories ?? []).reduce((s, c) => s + (liked.get(c) ?? 0), 0) / total;
            scores[i] = popularity + boost * overlap;
          }
          return scores;
        },
      };
    },
  });
}
