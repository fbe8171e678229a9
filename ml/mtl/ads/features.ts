/**
 * AMTDL's extra user and query features, and two ways to build the context they read:
 * `createAdsFeatureContext` from in-memory events (evaluations, tests) and
 * `adsFeatureContextFromStore` from a GraphStore (serving, `train mtl-ads --from-store`).
 * Every statistic is "strictly before `at`", so a training example's features never see its own
 * outcome or anything later.
 */
import { normaliseQuery, termsOf, type EventType } from '../../../domain/events';
import type { GraphStore } from '../../../graph/port';
import type { AdsFeatureContext, AdsQueryStats, AdsUserStats } from './types';

/** Column names of the extra features, in input order. */
export const ADS_EXTRA_FEATURES: readonly string[] = [
  'user_log1p_events',
  'user_log1p_conversions',
  'user_conversion_rate',
  'user_item_category_share',
  'user_query_category_share',
  'query_log1p_count',
  'query_matches_item_category',
];

/** The extra features of one (user, query, item) as of `at`. */
export function adsExtraFeatures(row: { userId: string; query: string; itemId: string }, at: number, ctx: AdsFeatureContext, out = new Float32Array(ADS_EXTRA_FEATURES.length)): Float32Array {
  const u: AdsUserStats | null = ctx.userStats(row.userId, at);
  const query = normaliseQuery(row.query);
  const q: AdsQueryStats | null = query === '' ? null : ctx.queryStats(query, at);
  const cats = ctx.itemCategories(row.itemId);
  const queryCats = query === '' ? [] : [...new Set([query, ...termsOf(query)])];
  const events = u?.events ?? 0;
  let itemShare = 0;
  let queryShare = 0;
  if (u !== null) {
    for (const c of cats) itemShare = Math.max(itemShare, u.categoryCount(c) / (events + 1));
    for (const c of queryCats) queryShare = Math.max(queryShare, u.categoryCount(c) / (events + 1));
  }
  out[0] = Math.log1p(events);
  out[1] = Math.log1p(u?.conversions ?? 0);
  out[2] = (u?.conversions ?? 0) / (events + 1);
  out[3] = itemShare;
  out[4] = queryShare;
  out[5] = Math.log1p(q?.count ?? 0);
  out[6] = queryCats.some((c) => cats.includes(c)) ? 1 : 0;
  return out;
}

/** One interaction the context learns from (searches carry `query`). */
export interface AdsContextEvent {
  readonly userId: string;
  readonly type: EventType;
  readonly itemId: string | null;
  readonly ts: number;
  readonly query?: string | null;
}

const CONVERSIONS: ReadonlySet<EventType> = new Set(['add_to_cart', 'purchase']);

/** Count of sorted `ts` strictly below `at`. */
function before(ts: Float64Array, at: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sortedTimes(m: Map<string, number[]>): Map<string, Float64Array> {
  return new Map([...m].map(([k, v]) => [k, Float64Array.from(v).sort()]));
}

function push(m: Map<string, number[]>, key: string, ts: number): void {
  const l = m.get(key);
  if (l) l.push(ts);
  else m.set(key, [ts]);
}

/**
 * A context over in-memory events. Item events count towards the user (and towards the item's
 * categories); `search` events with a query count towards the query. `itemCategories` maps item
 * ids to category ids.
 */
export function createAdsFeatureContext(events: Iterable<AdsContextEvent>, itemCategories: ReadonlyMap<string, readonly string[]>): AdsFeatureContext {
  const userTs = new Map<string, number[]>();
  const convTs = new Map<string, number[]>();
  const catTs = new Map<string, number[]>();
  const queryTs = new Map<string, number[]>();
  for (const e of events) {
    if (e.type === 'search') {
      if (e.query) push(queryTs, normaliseQuery(e.query), e.ts);
      continue;
    }
    if (e.itemId === null) continue;
    push(userTs, e.userId, e.ts);
    if (CONVERSIONS.has(e.type)) push(convTs, e.userId, e.ts);
    for (const c of itemCategories.get(e.itemId) ?? []) push(catTs, `${e.userId}\u0000${c}`, e.ts);
  }
  const users = sortedTimes(userTs);
  const convs = sortedTimes(convTs);
  const cats = sortedTimes(catTs);
  const queries = sortedTimes(queryTs);
  const none = new Float64Array(0);
  return {
    userStats(userId, at) {
      const ts = users.get(userId);
      const n = ts ? before(ts, at) : 0;
      if (n === 0) return null;
      return {
        events: n,
        conversions: before(convs.get(userId) ?? none, at),
        categoryCount: (c) => before(cats.get(`${userId}\u0000${c}`) ?? none, at),
      };
    },
    queryStats(query, at) {
      const ts = queries.get(normaliseQuery(query));
      const n = ts ? before(ts, at) : 0;
      return n === 0 ? null : { count: n };
    },
    itemCategories: (itemId) => itemCategories.get(itemId) ?? [],
  };
}

/** Read every interaction, search and the interacted items' categories from a store (one pass each). */
export async function adsFeatureContextFromStore(store: GraphStore, o: { pageSize?: number } = {}): Promise<AdsFeatureContext> {
  const pageSize = o.pageSize ?? 50_000;
  const events: AdsContextEvent[] = [];
  const itemIds = new Set<string>();
  for await (const page of store.scanInteractions(pageSize)) {
    for (const e of page) {
      events.push({ userId: e.userId, type: e.type, itemId: e.itemId, ts: e.ts });
      itemIds.add(e.itemId);
    }
  }
  for await (const page of store.scanSearches(pageSize)) for (const s of page) events.push({ userId: s.userId, type: 'search', itemId: s.itemId, ts: s.ts, query: s.query });
  const categories = new Map<string, readonly string[]>();
  const ids = [...itemIds];
  for (let i = 0; i < ids.length; i += 1000) {
    for (const [id, item] of await store.getItems(ids.slice(i, i + 1000))) categories.set(id, item.categories);
  }
  return createAdsFeatureContext(events, categories);
}
