/**
 * Candidate retrieval: the user's own recent items (re-targeting), graph neighbourhood
 * (co-interaction with the user's recent items), trending and fresh items, merged under per-retriever quotas, minus purchased and unavailable
 * items. One store call per retriever per request.
 */
import type { ItemRecord } from '../domain/catalog';
import type { GraphStore, Neighbourhood, UserProfile } from '../graph/port';
import type { Strategy } from './strategy';

export type RetrieverId = 'recent' | 'neighbourhood' | 'trending' | 'fresh';

export interface Candidates {
  readonly itemIds: readonly string[];
  /** Which retrievers proposed each candidate (aligned with itemIds). */
  readonly sources: ReadonlyArray<readonly RetrieverId[]>;
  readonly meta: ReadonlyArray<ItemRecord | null>;
  /** The neighbourhood walk, reused by the co-interaction feature. */
  readonly neighbourhood: Neighbourhood | null;
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

export async function retrieveCandidates(
  store: GraphStore,
  strategy: Strategy,
  profile: UserProfile,
  exclude: readonly string[] = [],
): Promise<Candidates> {
  const c = strategy.candidates;
  const seeds = c.neighbourhood ? recentDistinctItems(profile, c.neighbourhood.seeds) : [];
  const [neighbourhood, trending, fresh] = await Promise.all([
    c.neighbourhood && seeds.length > 0
      ? store.neighbourhood(seeds, { usersPerItem: c.neighbourhood.usersPerItem, itemsPerUser: c.neighbourhood.itemsPerUser, limit: c.max })
      : Promise.resolve(null),
    c.trending ? store.trending(c.trending.limit) : Promise.resolve([] as string[]),
    c.fresh ? store.fresh(c.fresh.limit) : Promise.resolve([] as string[]),
  ]);

  const nbRanked = neighbourhood ? rankNeighbours(neighbourhood) : [];
  const order: string[] = [];
  const sources = new Map<string, RetrieverId[]>();
  const excluded = exclude.length === 0 ? profile.purchased : new Set([...profile.purchased, ...exclude]);
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
  // Quotas first (recent, neighbourhood, fresh), trending fills, then any neighbours left fill the rest.
  const recent = c.recent ? recentDistinctItems(profile, c.recent.limit) : [];
  const recentCap = Math.round(c.max * (c.recent?.share ?? 0));
  for (const id of recent) add(id, 'recent', recentCap);
  const nbQuota = order.length + Math.round(c.max * (c.neighbourhood?.share ?? 0));
  let nbUsed = 0;
  for (; nbUsed < nbRanked.length && order.length < nbQuota; nbUsed++) add(nbRanked[nbUsed]!, 'neighbourhood', nbQuota);
  const freshCap = Math.min(c.max, order.length + Math.round(c.max * (c.fresh?.share ?? 0)));
  for (const id of fresh) add(id, 'fresh', freshCap);
  for (const id of trending) add(id, 'trending', c.max);
  for (; nbUsed < nbRanked.length; nbUsed++) add(nbRanked[nbUsed]!, 'neighbourhood', c.max);
  // Record secondary sources for candidates that made it in through another retriever.
  for (const id of trending) if (sources.has(id)) add(id, 'trending', 0);
  for (const id of fresh) if (sources.has(id)) add(id, 'fresh', 0);

  const items = await store.getItems(order);
  const itemIds: string[] = [];
  const srcOut: RetrieverId[][] = [];
  const meta: (ItemRecord | null)[] = [];
  for (const id of order) {
    const m = items.get(id) ?? null;
    if (m && !m.available) continue;
    itemIds.push(id);
    srcOut.push(sources.get(id)!);
    meta.push(m);
  }
  return { itemIds, sources: srcOut, meta, neighbourhood };
}

/** Neighbours by total co-count, descending; ties by id for determinism. */
function rankNeighbours(n: Neighbourhood): string[] {
  const totals: Array<[string, number]> = [];
  for (const [id, row] of n.co) {
    let t = 0;
    for (let k = 0; k < row.length; k++) t += row[k]!;
    totals.push([id, t]);
  }
  totals.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return totals.map((t) => t[0]);
}
