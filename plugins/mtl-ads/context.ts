/**
 * The AdsFeatureContext of one `ads` request, built from the store with two batched reads (the
 * user's profile, then the categories of the items in it and of the candidates): user statistics
 * from the user's recent history (at most `historyLimit` interactions), item categories from the
 * catalogue. Query statistics are not kept by the store on the request path: `queryStats` answers
 * null (AMTDL then sees an unseen query; see README "Ads (MTL-ads)").
 */
import type { ItemRecord } from '../../domain/catalog';
import type { GraphStore } from '../../graph/port';
import type { AdsFeatureContext, AdsUserStats } from '../../ml/mtl/ads/types';

const CONVERSIONS = new Set(['add_to_cart', 'purchase']);

export async function requestFeatureContext(store: GraphStore, userId: string, candidates: ReadonlyMap<string, ItemRecord>, historyLimit = 200): Promise<AdsFeatureContext> {
  const profile = await store.userProfile(userId, historyLimit);
  const missing = [...new Set(profile.history.map((h) => h.itemId))].filter((id) => !candidates.has(id));
  const seen = missing.length > 0 ? await store.getItems(missing) : new Map<string, ItemRecord>();
  const categories = (itemId: string): readonly string[] => (candidates.get(itemId) ?? seen.get(itemId))?.categories ?? [];
  const history = profile.history;
  return {
    userStats(id: string, at: number): AdsUserStats | null {
      if (id !== userId) return null;
      let events = 0;
      let conversions = 0;
      const categoryCounts = new Map<string, number>();
      for (const h of history) {
        if (h.ts >= at || h.type === 'impression') continue;
        events++;
        if (CONVERSIONS.has(h.type)) conversions++;
        for (const c of categories(h.itemId)) categoryCounts.set(c, (categoryCounts.get(c) ?? 0) + 1);
      }
      return events === 0 ? null : { events, conversions, categoryCount: (c: string) => categoryCounts.get(c) ?? 0 };
    },
    queryStats: () => null,
    itemCategories: categories,
  };
}
