/**
 * Candidate retrieval: the user's own recent items (re-targeting), graph neighbourhood
 * (co-interaction with the user's recent items), category affinity over the hierarchy, trending
 * and fresh items, merged under per-retriever quotas, minus purchased (outside replenishable
 * categories), excluded and unavailable items. One store call per retriever per request.
 */
import type { ItemRecord } from '../domain/catalog';
import type { GraphStore, Neighbourhood, UserProfile } from '../graph/port';
import type { ScorerRetriever } from '../plugins/sdk/retriever';
import { categoryAffinity } from './category-affinity';
import type { Strategy } from './strategy';

export type RetrieverId = 'recent' | 'neighbourhood' | 'category' | 'trending' | 'fresh' | 'embedding';

/** Every retriever, in the order `Candidates.ranks` lists them (`embedding` last: readers look retrievers up by name). */
export const RETRIEVERS: readonly RetrieverId[] = ['recent', 'neighbourhood', 'category', 'trending', 'fresh', 'embedding'];

/**
 * The strategy's embedding retriever (`candidates.embedding`): a scorer's retriever capability
 * (plugins/sdk/retriever.ts), resolved from the registry by the feed service, and whom it is for.
 */
export interface EmbeddingSource {
  readonly userId: string;
  readonly retriever: ScorerRetriever;
}

export interface Candidates {
  readonly itemIds: readonly string[];
  /** Which retrievers proposed each candidate (aligned with itemIds). */
  readonly sources: ReadonlyArray<readonly RetrieverId[]>;
  readonly meta: ReadonlyArray<ItemRecord | null>;
  /** The neighbourhood walk, reused by the co-interaction feature. */
  readonly neighbourhood: Neighbourhood | null;
  /** Per retriever (RETRIEVERS order): each candidate's 0-based rank in that retriever's list, -1 when absent. */
  readonly ranks: readonly Int32Array[];
  /** Catalogue records of the user's history items, when retrieval needed them (reused by features); null otherwise. */
  readonly historyItems: ReadonlyMap<string, ItemRecord> | null;
  /** Category chains (root first) known so far: those of history items when the category retriever or repurchase rule ran. */
  readonly ancestors: ReadonlyMap<string, readonly string[]>;
}

/** Distinct items of the user's history, newest first. */
export function recentDistinctItems(profile: UserProfile, max: number): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const h of profile.history) {
    if (seen.has(h.itemId)) continue;
    seen.add(h.itemId);
    out.push(h.itemId);
    if (out.length >= max) break;
  }
  return out;
}

/** True when a category (or one of its ancestors) is in the set. */
function inAny(categories: readonly string[], ancestors: ReadonlyMap<string, readonly string[]>, set: ReadonlySet<string>): boolean {
  for (const c of categories) for (const a of ancestors.get(c) ?? [c]) if (set.has(a)) return true;
  return false;
}

/** Each retriever's own list for a user, before merging, plus what was loaded on the way. */
export interface RetrieverLists {
  readonly lists: Readonly<Record<RetrieverId, readonly string[]>>;
  readonly neighbourhood: Neighbourhood | null;
  readonly historyItems: ReadonlyMap<string, ItemRecord> | null;
  readonly ancestors: Map<string, readonly string[]>;
}

/**
 * Run every enabled retriever. `neighbourLimit` caps the neighbourhood walk's kept neighbours
 * (default: the strategy's candidate count). The embedding retriever runs when the strategy
 * enables it and `embedding` is given; it is asked not to propose `excluded` items.
 */
export async function retrieverLists(
  store: GraphStore,
  strategy: Strategy,
  profile: UserProfile,
  neighbourLimit?: number,
  embedding?: EmbeddingSource,
  excluded: ReadonlySet<string> = new Set(),
): Promise<RetrieverLists> {
  const c = strategy.candidates;
  const seeds = c.neighbourhood ? recentDistinctItems(profile, c.neighbourhood.seeds) : [];
  // History items' records and their category chains: only the category retriever and the
  // repurchase rule need them here (a scorer that declares them gets them in loadFeatures).
  const needHierarchy = c.category !== null || c.repurchase !== null;
  const historyItems = needHierarchy ? await historyItemRecords(store, profile) : null;
  const ancestors = new Map<string, readonly string[]>();
  if (historyItems) {
    const cats = new Set<string>();
    for (const it of historyItems.values()) for (const cat of it.categories) cats.add(cat);
    if (cats.size > 0) for (const [k, v] of await store.categoryAncestors([...cats])) ancestors.set(k, v);
  }
  const affinity = c.category && historyItems ? categoryAffinity(profile.history, historyItems, ancestors, c.category.levels) : [];
  const topCategories = affinity.slice(0, c.category?.categories ?? 0).map((a) => a.category);
  const emb = c.embedding && embedding ? c.embedding : null;
  const [neighbourhood, trending, fresh, byCategory, embedded] = await Promise.all([
    c.neighbourhood && seeds.length > 0
      ? store.neighbourhood(seeds, { usersPerItem: c.neighbourhood.usersPerItem, itemsPerUser: c.neighbourhood.itemsPerUser, limit: neighbourLimit ?? c.max })
      : Promise.resolve(null),
    c.trending ? store.trending(c.trending.limit) : Promise.resolve([] as string[]),
    c.fresh ? store.fresh(c.fresh.limit) : Promise.resolve([] as string[]),
    c.category && topCategories.length > 0 ? store.categoryItems(topCategories, c.category.perCategory) : Promise.resolve(new Map<string, string[]>()),
    emb ? embedding!.retriever.retrieve({ userId: embedding!.userId, limit: emb.limit, exclude: excluded }) : Promise.resolve([] as readonly string[]),
  ]);
  // Interleave the categories' lists, strongest category first.
  const categoryList: string[] = [];
  const catLists = topCategories.map((cat) => byCategory.get(cat) ?? []);
  const seen = new Set<string>();
  const longest = catLists.reduce((m, l) => Math.max(m, l.length), 0);
  for (let r = 0; r < longest; r++) {
    for (const l of catLists) {
      const id = l[r];
      if (id !== undefined && !seen.has(id)) {
        seen.add(id);
        categoryList.push(id);
      }
    }
  }
  const nbRanked = neighbourhood ? rankNeighbours(neighbourhood) : [];
  const recent = c.recent ? recentDistinctItems(profile, c.recent.limit) : [];
  return { lists: { recent, neighbourhood: nbRanked, category: categoryList, trending, fresh, embedding: embedded }, neighbourhood, historyItems, ancestors };
}

/** Catalogue records of the items in the user's history (one store call). */
export async function historyItemRecords(store: GraphStore, profile: UserProfile): Promise<Map<string, ItemRecord>> {
  const ids = [...new Set(profile.history.map((h) => h.itemId))];
  return ids.length > 0 ? store.getItems(ids) : new Map<string, ItemRecord>();
}

/** Per retriever, each item's first position in that retriever's list (-1 when absent). */
function rankColumns(lists: RetrieverLists['lists'], itemIds: readonly string[]): Int32Array[] {
  return RETRIEVERS.map((r) => {
    const pos = new Map<string, number>();
    lists[r].forEach((id, k) => {
      if (!pos.has(id)) pos.set(id, k);
    });
    return Int32Array.from(itemIds, (id) => pos.get(id) ?? -1);
  });
}

/**
 * Candidates for a given set of items (offline scoring of fixed candidate sets): every item is
 * kept, with the sources and ranks the strategy's retrievers give it for this user.
 */
export async function candidatesFor(
  store: GraphStore,
  strategy: Strategy,
  profile: UserProfile,
  itemIds: readonly string[],
  neighbourLimit?: number,
  embedding?: EmbeddingSource,
): Promise<Candidates> {
  const r = await retrieverLists(store, strategy, profile, neighbourLimit, embedding);
  const items = await store.getItems(itemIds);
  const ranks = rankColumns(r.lists, itemIds);
  const sources = itemIds.map((_, i) => RETRIEVERS.filter((_, k) => ranks[k]![i]! >= 0));
  return { itemIds, sources, meta: itemIds.map((id) => items.get(id) ?? null), neighbourhood: r.neighbourhood, ranks, historyItems: r.historyItems, ancestors: r.ancestors };
}

/**
 * The strategy's candidates for the user. `embedding` serves the strategy's `candidates.embedding`
 * retriever (without it, or when the strategy does not enable it, that retriever proposes nothing).
 */
export async function retrieveCandidates(store: GraphStore, strategy: Strategy, profile: UserProfile, exclude: readonly string[] = [], embedding?: EmbeddingSource): Promise<Candidates> {
  const c = strategy.candidates;
  // Purchased items may come back only in replenishable categories; that needs their categories,
  // so they are admitted provisionally and checked once the candidates' records are loaded.
  const replenish = c.repurchase ? new Set(c.repurchase.categories) : null;
  const excluded = new Set(exclude);
  if (!replenish) for (const id of profile.purchased) excluded.add(id);
  const { lists, neighbourhood, historyItems, ancestors } = await retrieverLists(store, strategy, profile, undefined, embedding, excluded);
  const { recent, neighbourhood: nbRanked, category: categoryList, trending, fresh, embedding: embeddedList } = lists;
  const order: string[] = [];
  const sources = new Map<string, RetrieverId[]>();
  const add = (id: string, from: RetrieverId, cap: number): boolean => {
    if (excluded.has(id)) return false;
    const s = sources.get(id);
    if (s) {
      if (!s.includes(from)) s.push(from);
      return false;
    }
    if (order.length >= cap) return false;
    sources.set(id, [from]);
    order.push(id);
    return true;
  };
  // Quotas first (recent, neighbourhood, category, fresh), trending fills, then any neighbours and
  // category items left fill the rest.
  const recentCap = Math.round(c.max * (c.recent?.share ?? 0));
  for (const id of recent) add(id, 'recent', recentCap);
  const nbQuota = order.length + Math.round(c.max * (c.neighbourhood?.share ?? 0));
  let nbUsed = 0;
  for (; nbUsed < nbRanked.length && order.length < nbQuota; nbUsed++) add(nbRanked[nbUsed]!, 'neighbourhood', nbQuota);
  // The embedding retriever's quota (when enabled) comes after the neighbourhood's.
  const embQuota = Math.min(c.max, order.length + Math.round(c.max * (c.embedding?.share ?? 0)));
  let embUsed = 0;
  for (; embUsed < embeddedList.length && order.length < embQuota; embUsed++) add(embeddedList[embUsed]!, 'embedding', embQuota);
  const catQuota = Math.min(c.max, order.length + Math.round(c.max * (c.category?.share ?? 0)));
  let catUsed = 0;
  for (; catUsed < categoryList.length && order.length < catQuota; catUsed++) add(categoryList[catUsed]!, 'category', catQuota);
  const freshCap = Math.min(c.max, order.length + Math.round(c.max * (c.fresh?.share ?? 0)));
  for (const id of fresh) add(id, 'fresh', freshCap);
  for (const id of trending) add(id, 'trending', c.max);
  for (; nbUsed < nbRanked.length; nbUsed++) add(nbRanked[nbUsed]!, 'neighbourhood', c.max);
  for (; catUsed < categoryList.length; catUsed++) add(categoryList[catUsed]!, 'category', c.max);
  for (; embUsed < embeddedList.length; embUsed++) add(embeddedList[embUsed]!, 'embedding', c.max);
  // Record secondary sources for candidates that made it in through another retriever.
  for (const r of RETRIEVERS) for (const id of lists[r]) if (sources.has(id)) add(id, r, 0);

  const items = await store.getItems(order);
  if (replenish) {
    const cats = new Set<string>();
    for (const id of order) if (profile.purchased.has(id)) for (const cat of items.get(id)?.categories ?? []) if (!ancestors.has(cat)) cats.add(cat);
    if (cats.size > 0) for (const [k, v] of await store.categoryAncestors([...cats])) ancestors.set(k, v);
  }
  const itemIds: string[] = [];
  const srcOut: RetrieverId[][] = [];
  const meta: (ItemRecord | null)[] = [];
  for (const id of order) {
    const m = items.get(id) ?? null;
    if (m && !m.available) continue;
    if (replenish && profile.purchased.has(id) && !inAny(m?.categories ?? [], ancestors, replenish)) continue;
    itemIds.push(id);
    srcOut.push(sources.get(id)!);
    meta.push(m);
  }
  return { itemIds, sources: srcOut, meta, neighbourhood, ranks: rankColumns(lists, itemIds), historyItems, ancestors };
}

/** Neighbours by total co-count, descending; ties by id for determinism. */
export function rankNeighbours(n: Neighbourhood): string[] {
  const totals: Array<[string, number]> = [];
  for (const [id, row] of n.co) {
    let t = 0;
    for (let k = 0; k < row.length; k++) t += row[k]!;
    totals.push([id, t]);
  }
  totals.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return totals.map((t) => t[0]);
}
