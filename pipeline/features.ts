/**
 * Feature loading for one request: only the keys some scorer declared, each in one batched
 * store call (never one call per candidate).
 */
import { eventTypeIndex, type EventType } from '../domain/events';
import type { GraphStore, UserProfile } from '../graph/port';
import type { CoInteractionFeature, FeatureKey, FeatureValues } from '../plugins/sdk/features';
import type { UserValueState } from '../plugins/sdk/records';
import { RETRIEVERS, historyItemRecords, recentDistinctItems, type Candidates } from './candidates';

/** Interaction strength, used to pick the strongest type a user had with a seed item. */
const STRENGTH: Partial<Record<EventType, number>> = {
  purchase: 6,
  add_to_cart: 5,
  wishlist: 4,
  gift: 4,
  like: 3,
  share: 3,
  comment: 3,
  follow: 3,
  click: 2,
  ad_click: 2,
  selling_point_click: 2,
  view: 1,
};

export interface FeatureInput {
  readonly store: GraphStore;
  readonly needed: ReadonlySet<FeatureKey>;
  readonly profile: UserProfile;
  readonly candidates: Candidates;
  readonly now: number;
  readonly seeds: number;
  /**
   * The user's DUVE state, for `user.value`: the request's user id and a reader of its state
   * (the gateway's DUVE engine). Default none: `user.value` is null.
   */
  readonly userValue?: { readonly userId: string; readonly read: (userId: string) => Promise<UserValueState | null> } | undefined;
}

export async function loadFeatures(input: FeatureInput): Promise<Partial<FeatureValues>> {
  const { needed, profile, candidates } = input;
  const out: Partial<FeatureValues> = {};
  if (needed.has('user.profile')) out['user.profile'] = profile.user;
  if (needed.has('user.history')) out['user.history'] = profile.history;
  if (needed.has('item.meta')) out['item.meta'] = candidates.meta;
  if (needed.has('item.stats')) {
    const stats = await input.store.itemStats(candidates.itemIds);
    out['item.stats'] = candidates.itemIds.map((id) => stats.get(id) ?? null);
  }
  if (needed.has('pair.coInteraction')) out['pair.coInteraction'] = coInteraction(profile, candidates, input.now, input.seeds);
  const historyItems = needed.has('user.historyItems') || needed.has('category.ancestors') ? (candidates.historyItems ?? (await historyItemRecords(input.store, profile))) : null;
  if (historyItems && needed.has('user.historyItems')) out['user.historyItems'] = historyItems;
  if (needed.has('pair.retrieval')) out['pair.retrieval'] = { retrievers: RETRIEVERS, ranks: candidates.ranks };
  if (needed.has('user.value')) out['user.value'] = input.userValue ? await input.userValue.read(input.userValue.userId) : null;
  if (needed.has('category.ancestors')) {
    const missing = new Set<string>();
    const want = (cats: readonly string[]): void => {
      for (const c of cats) if (!candidates.ancestors.has(c)) missing.add(c);
    };
    for (const m of candidates.meta) if (m) want(m.categories);
    for (const m of historyItems!.values()) want(m.categories);
    const all = new Map(candidates.ancestors);
    if (missing.size > 0) for (const [k, v] of await input.store.categoryAncestors([...missing])) all.set(k, v);
    out['category.ancestors'] = all;
  }
  return out;
}

function coInteraction(profile: UserProfile, candidates: Candidates, now: number, maxSeeds: number): CoInteractionFeature {
  const nb = candidates.neighbourhood;
  const seeds = nb ? [...nb.seeds] : recentDistinctItems(profile, maxSeeds);
  const seedIndex = new Map(seeds.map((s, i) => [s, i]));
  const seedAgeMs = new Float64Array(seeds.length).fill(Number.POSITIVE_INFINITY);
  const seedType = new Uint8Array(seeds.length);
  const best = new Float64Array(seeds.length);
  for (const h of profile.history) {
    const k = seedIndex.get(h.itemId);
    if (k === undefined) continue;
    seedAgeMs[k] = Math.min(seedAgeMs[k]!, Math.max(0, now - h.ts));
    const strength = STRENGTH[h.type] ?? 0.5;
    if (strength > best[k]!) {
      best[k] = strength;
      seedType[k] = eventTypeIndex(h.type);
    }
  }
  for (let k = 0; k < seeds.length; k++) if (!Number.isFinite(seedAgeMs[k]!)) seedAgeMs[k] = 0;
  const seedDegree = Float64Array.from(seeds, (s) => nb?.degree.get(s) ?? 0);
  const rows = candidates.itemIds.map((id) => nb?.co.get(id) ?? null);
  const degree = Float64Array.from(candidates.itemIds, (id) => nb?.degree.get(id) ?? 0);
  return { seeds, seedAgeMs, seedType, seedDegree, rows, degree };
}
