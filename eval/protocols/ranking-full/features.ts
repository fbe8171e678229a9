/**
 * The features a scorer may declare under `ranking/full`, built from the train split the way the
 * gateway's store would answer for the same data after `cli import gowalla`:
 *
 * - `item.stats`: per item, totals[click] = its train interactions (one click per (user, item)
 *   pair); `decayed` = `totals` because every event carries the same timestamp (the split has
 *   none, the importer stamps GOWALLA_TS), so data time equals event time and no decay applies;
 *   `users` = the same count (pairs are distinct); revenue 0; items without train interactions
 *   are null (the store has no stats for them). Built once per worker and shared by every user.
 * - `item.meta`: null for every item (the split has no catalogue); shared.
 * - `user.profile`: null (no user records).
 * - `user.history`: the user's train items as `click` interactions at GOWALLA_TS.
 * - `pair.coInteraction`: not offered (a neighbourhood walk per user over the full catalogue is
 *   not what the gateway computes); declaring it fails the run before any user is scored.
 */
import type { ItemStats } from '../../../domain/catalog';
import { EVENT_TYPES, eventTypeIndex, type Interaction } from '../../../domain/events';
import type { FeatureKey, FeatureValues } from '../../../plugins/sdk/features';
import type { Csr } from '../../datasets/gowalla';

/** 2010-10-01T00:00:00Z, the timestamp ingest/import/gowalla.ts gives every Gowalla event. */
export const GOWALLA_DATA_TS = Date.UTC(2010, 9, 1);

export const RANKING_FULL_FEATURES: readonly FeatureKey[] = ['item.stats', 'item.meta', 'user.profile', 'user.history'];

const CLICK = eventTypeIndex('click');

/** ItemStats per item (null when the item has no train interactions). */
export function itemStatsFromTrain(train: Csr, itemIds: readonly string[], ts: number): Array<ItemStats | null> {
  const counts = new Float64Array(itemIds.length);
  for (const i of train.items) counts[i] = counts[i]! + 1;
  return itemIds.map((itemId, i) => {
    const n = counts[i]!;
    if (n === 0) return null;
    const totals = new Float64Array(EVENT_TYPES.length);
    totals[CLICK] = n;
    return { itemId, totals, decayed: totals, decayedRevenue: 0, totalRevenue: 0, users: n, lastTs: ts };
  });
}

/** Builds the declared features: item-level ones once, user-level ones per call. */
export interface FeatureSource {
  forUser(user: number): Partial<FeatureValues>;
}

export function createFeatureSource(needed: ReadonlySet<FeatureKey>, train: Csr, itemIds: readonly string[], ts: number): FeatureSource {
  for (const k of needed) {
    if (!RANKING_FULL_FEATURES.includes(k)) throw new Error(`ranking/full cannot provide feature "${k}" (offered: ${RANKING_FULL_FEATURES.join(', ')})`);
  }
  const shared: Partial<FeatureValues> = {};
  if (needed.has('item.stats')) shared['item.stats'] = itemStatsFromTrain(train, itemIds, ts);
  if (needed.has('item.meta')) shared['item.meta'] = itemIds.map(() => null);
  if (needed.has('user.profile')) shared['user.profile'] = null;
  const history = needed.has('user.history');
  return {
    forUser(user) {
      if (!history) return shared;
      const h: Interaction[] = [];
      for (let p = train.indptr[user]!; p < train.indptr[user + 1]!; p++) h.push({ itemId: itemIds[train.items[p]!]!, type: 'click', ts, value: 0 });
      return { ...shared, 'user.history': h };
    },
  };
}
