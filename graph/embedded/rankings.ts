/**
 * Reads derived from the in-memory index: item statistics, trending and fresh.
 * Trending and fresh are cached top-k lists (k >= 256), updated at read time by merging the items
 * touched since the previous read; a full top-k selection (O(items log k)) runs only after a
 * change that cannot be merged (an item's availability or createdAt changed).
 */
import type { ItemStats } from '../../domain/catalog';
import { REVENUE_COL, TREND_COL, TYPE_COUNT, type MemoryIndex } from './memory';
import { selectTop } from './topk';

/** Smallest ranking kept in a cache, so that small limits share one computation. */
const MIN_CACHED = 256;

/** Statistics of the known items among `ids`, decayed as of the newest stored event. */
export function itemStats(ix: MemoryIndex, ids: readonly string[]): Map<string, ItemStats> {
  const out = new Map<string, ItemStats>();
  const asOf = ix.latestTs;
  for (const id of ids) {
    const i = ix.items.get(id);
    if (i < 0 || out.has(id)) continue;
    const decayed = new Float64Array(TYPE_COUNT);
    ix.decayed.rowAt(i, asOf, decayed, TYPE_COUNT);
    out.set(id, {
      itemId: id,
      totals: ix.totals.slice(i * TYPE_COUNT, (i + 1) * TYPE_COUNT),
      decayed,
      decayedRevenue: ix.decayed.valueAt(i, REVENUE_COL, asOf),
      totalRevenue: ix.revenue[i] as number,
      users: ix.degree[i] as number,
      lastTs: ix.lastTs[i] as number,
    });
  }
  return out;
}

/**
 * A cached ranking: the best `k` eligible items by key (ties: smaller id first). Keys only grow
 * between resets (an interaction raises an item's trending key; a new item enters fresh), so the
 * new top k is always within cached ∪ touched, and merging the touched items keeps it exact.
 * A touched item can only enter when its key reaches the smallest cached key.
 */
class TopCache {
  private ids: number[] = [];
  private k = 0;
  /** True when `ids` holds every eligible item (so any limit can be served). */
  private complete = false;

  constructor(
    private readonly n: () => number,
    /** Eligibility; the key of an eligible item is > -Infinity. */
    private readonly eligible: (i: number) => boolean,
    private readonly key: (i: number) => number,
    private readonly name: (i: number) => string,
  ) {}

  /** The best `limit` ids given what changed since the last call (null: recompute). */
  top(limit: number, touched: number[] | null): number[] {
    if (touched === null || (limit > this.k && !this.complete)) this.recompute(Math.max(limit, MIN_CACHED));
    else if (touched.length > 0) this.merge(touched);
    return this.ids.slice(0, limit);
  }

  private recompute(k: number): void {
    const n = this.n();
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = this.eligible(i) ? this.key(i) : -Infinity;
    const before = (a: number, b: number): boolean => {
      const ka = keys[a] as number;
      const kb = keys[b] as number;
      return ka > kb || (ka === kb && this.name(a) < this.name(b));
    };
    this.k = k;
    this.ids = selectTop(n, k, (i) => (keys[i] as number) > -Infinity, before);
    this.complete = this.ids.length < k;
  }

  private merge(touched: number[]): void {
    // The entry bar is the smallest current key in the cache (cached keys may have grown).
    const keys = new Map<number, number>();
    let floor = Infinity;
    for (const i of this.ids) {
      const ki = this.key(i);
      keys.set(i, ki);
      if (ki < floor) floor = ki;
    }
    if (this.ids.length < this.k) floor = -Infinity;
    for (const i of touched) {
      if (keys.has(i) || !this.eligible(i)) continue;
      const ki = this.key(i);
      if (ki >= floor && ki > -Infinity) keys.set(i, ki);
    }
    if (keys.size === this.ids.length && !touched.some((i) => keys.has(i))) return;
    const all = [...keys.keys()].sort((a, b) => {
      const d = (keys.get(b) as number) - (keys.get(a) as number);
      if (d !== 0) return d;
      const na = this.name(a);
      const nb = this.name(b);
      return na < nb ? -1 : na > nb ? 1 : 0;
    });
    this.complete = this.complete && all.length <= this.k;
    this.ids = all.slice(0, this.k);
  }
}

export interface Rankings {
  trending(limit: number): string[];
  fresh(limit: number): string[];
}

/** Cached trending / fresh rankings over `ix` (ties: smaller id first). */
export function createRankings(ix: MemoryIndex): Rankings {
  const name = (i: number): string => ix.items.name(i);
  const trending = new TopCache(
    () => ix.items.size,
    (i) => ix.available[i] === 1 && ix.decayed.rankKey(i, TREND_COL) > -Infinity,
    (i) => ix.decayed.rankKey(i, TREND_COL),
    name,
  );
  const fresh = new TopCache(
    () => ix.items.size,
    (i) => ix.available[i] === 1,
    (i) => ix.createdAt[i] as number,
    name,
  );
  const names = (ids: number[]): string[] => ids.map(name);
  return {
    trending: (limit) => names(trending.top(Math.max(0, Math.floor(limit)), ix.trending.drain())),
    fresh: (limit) => names(fresh.top(Math.max(0, Math.floor(limit)), ix.freshness.drain())),
  };
}
