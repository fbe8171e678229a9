/**
 * The next-category proxy of query suggestion (eval queries/next-category), pure parts.
 *
 * Categories stand in for queries: a category's pseudo-query text is its id without the source's
 * `<prefix>:` (Taobao `taobao:2520377` -> `2520377`), normalised like query text; the query–item
 * edges (LED_TO) are the item–category edges, counted by the interactions before the cut (as a
 * query's LED_TO counts its follow-ups); popularity is the interactions with the category's items
 * before the cut; a user's "searches" are the categories of their interactions before the cut.
 * The target of a user active at or after the cut is the category of their first interaction in
 * [cut, end); a target whose category was never used before the cut is not a known query (a miss).
 */
import { normaliseQuery } from '../../domain/events';
import type { LogRow } from '../datasets/event-log';
import type { QueryIndex } from '../../plugins/dpgcn/queries/query-index';
import type { UserSearchEntry } from '../../plugins/dpgcn/queries/snapshot';
import type { SuggestWeights } from '../../plugins/dpgcn/queries/rank';

/** The pseudo-query text of a category id. */
export function categoryText(categoryId: string): string {
  const colon = categoryId.indexOf(':');
  return normaliseQuery(colon >= 0 ? categoryId.slice(colon + 1) : categoryId);
}

export interface CategoryProxy {
  /** Pseudo-query text -> interactions with its items before the cut. */
  readonly counts: ReadonlyMap<string, number>;
  /** Pseudo-query text -> item -> interactions before the cut (the LED_TO analogue). */
  readonly ledTo: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Pseudo-query text -> category id. */
  readonly categoryOf: ReadonlyMap<string, string>;
  /** User -> their interactions' categories before the cut (text, ts). */
  readonly history: ReadonlyMap<string, readonly UserSearchEntry[]>;
  /** User -> the pseudo-query text of their first interaction in [cut, end). */
  readonly targets: ReadonlyMap<string, string>;
}

/** Impressions are not interactions (as in the store). Rows need not be in time order. */
export function buildCategoryProxy(rows: readonly LogRow[], cut: number, end: number): CategoryProxy {
  const itemCategory = new Map<string, string>();
  for (const r of rows) {
    const c = r.item?.categories[0];
    if (r.event.itemId !== null && c !== undefined && !itemCategory.has(r.event.itemId)) itemCategory.set(r.event.itemId, c);
  }
  const counts = new Map<string, number>();
  const ledTo = new Map<string, Map<string, number>>();
  const categoryOf = new Map<string, string>();
  const history = new Map<string, UserSearchEntry[]>();
  const first = new Map<string, { ts: number; text: string; line: number }>();
  for (const r of rows) {
    const e = r.event;
    if (e.itemId === null || e.type === 'impression' || e.type === 'search') continue;
    const c = itemCategory.get(e.itemId);
    if (c === undefined) continue;
    const text = categoryText(c);
    if (e.ts < cut) {
      categoryOf.set(text, c);
      counts.set(text, (counts.get(text) ?? 0) + 1);
      let m = ledTo.get(text);
      if (m === undefined) ledTo.set(text, (m = new Map()));
      m.set(e.itemId, (m.get(e.itemId) ?? 0) + 1);
      let h = history.get(e.userId);
      if (h === undefined) history.set(e.userId, (h = []));
      h.push({ text, ts: e.ts });
    } else if (e.ts < end) {
      const f = first.get(e.userId);
      if (f === undefined || e.ts < f.ts || (e.ts === f.ts && r.line < f.line)) first.set(e.userId, { ts: e.ts, text, line: r.line });
    }
  }
  return { counts, ledTo, categoryOf, history, targets: new Map([...first].map(([u, f]) => [u, f.text])) };
}

/** What a user brings to the ranking, precomputed once per user (dense over the index). */
export interface UserComponents {
  /** cos(user, query) per index position (0 without a vector on either side); null: no user vector. */
  readonly cos: Float64Array | null;
  /** Recency weight per position (rank.ts recencyWeights), one array per half-life setting. */
  readonly recent: readonly Float64Array[];
}

/**
 * 1-based rank of position `t` among [lo, hi) under rank.ts's score and tie order (a higher score
 * first, then the earlier position): the same rank rankQueries gives over a full scan.
 */
export function targetRank(index: QueryIndex, u: UserComponents, h: number, lo: number, hi: number, t: number, w: SuggestWeights): number {
  const cos = u.cos;
  const rec = u.recent[h]!;
  const pop = index.popularity;
  const score = (i: number): number => w.personal * (cos === null ? 0 : cos[i]!) + w.popular * pop[i]! + w.recent * rec[i]!;
  const st = score(t);
  let rank = 1;
  for (let i = lo; i < hi; i++) {
    const s = score(i);
    if (s > st || (s === st && i < t)) rank++;
  }
  return rank;
}
