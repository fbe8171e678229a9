/**
 * The heterogeneous graph a GraphStore holds, read into typed relations (ml/graph/typed.ts).
 * Node types, laid out in this order in one node space: user, item, query, category, term.
 *
 *   interacted   user–item          Σ over the pair's events: typeWeight(type)·2^(−age/halfLife)
 *   searched     user–query         Σ over the user's searches of the query: searchWeight·2^(−age/halfLife)
 *   led_to       query–item         Σ over the searches of the query that led to the item, same weight
 *   in_category  item–category      1 per leaf category of the item (ItemRecord.categories)
 *   child_of     category–category  1 per (category, parent) step of store.categoryAncestors chains
 *   has_term     item–term          1 per term of the item's title (termsOf, the store's query tokeniser)
 *   query_term   query–term         1 per term of the query text
 *
 * Ages are measured from the newest event read. With `trainEnd`, only events strictly before it
 * are read. Terms on fewer than `minTermNodes` items and queries are dropped (they connect nothing).
 * Ids are sorted within each type, so the same store gives the same graph whatever the scan order.
 */
import type { EventType } from '../../domain/events';
import { termsOf } from '../../domain/events';
import type { GraphStore } from '../../graph/port';
import { csrFromEdges } from '../graph/csr';
import type { RelationEdges } from '../graph/typed';
import type { GcnGraphData } from './objective';

const DAY = 24 * 3600 * 1000;

/** Node types of the store graph, in node-space order (users first, then items, as the loss expects). */
export const NODE_TYPES = ['user', 'item', 'query', 'category', 'term'] as const;
export type NodeTypeName = (typeof NODE_TYPES)[number];

/** Relations of the store graph. */
export const RELATIONS = ['interacted', 'searched', 'led_to', 'in_category', 'child_of', 'has_term', 'query_term'] as const;
export type RelationName = (typeof RELATIONS)[number];

/**
 * Weight of one event by type (types absent or 0 are not read): a purchase or cart add says more
 * than a view, as in plugins/baseline/affinity.ts; impressions and exits are not interest.
 */
export const DEFAULT_TYPE_WEIGHTS: Readonly<Partial<Record<EventType, number>>> = Object.freeze({
  purchase: 4,
  gift: 4,
  add_to_cart: 3,
  wishlist: 2,
  like: 2,
  share: 2,
  comment: 2,
  follow: 2,
  click: 1,
  ad_click: 1,
  selling_point_click: 1,
  replay: 1,
  view: 1,
  dwell: 1,
  host_mention: 1,
  scroll: 0.5,
});

export interface StoreGraphOptions {
  /** Exclusive end of the events read (ms). Default: every event. */
  readonly trainEnd?: number;
  /** Weight of an event by type. Default DEFAULT_TYPE_WEIGHTS. */
  readonly typeWeights?: Readonly<Partial<Record<EventType, number>>>;
  /** Half-life of an event's weight, counted back from the newest event read (ms). Default 14 days. */
  readonly halfLifeMs?: number;
  /** Weight of one search (searched and led_to edges) before decay. Default 1. */
  readonly searchWeight?: number;
  /** Relations read besides `interacted` (always read). Default: all of them. */
  readonly relations?: readonly Exclude<RelationName, 'interacted'>[];
  /** A term is kept when at least this many items and queries have it. Default 2. */
  readonly minTermNodes?: number;
  /** Rows per store page (scans) and ids per batch read (items, categories). Default 5000. */
  readonly pageSize?: number;
}

export interface StoreGraph {
  /** Ids of each node type, sorted; row r of a type is ids[type][r]. */
  readonly ids: Readonly<Record<NodeTypeName, readonly string[]>>;
  /** User -> interacted items (rows sorted): the positives of the loss. */
  readonly interactions: GcnGraphData;
  /** Edge weight of each entry of `interactions.items`. */
  readonly weights: Float32Array;
  /** Every other relation read (edge ids are rows of their types). */
  readonly side: readonly RelationEdges[];
  /** Newest event read (ms), the reference of the decay; 0 when none. */
  readonly refTs: number;
  /** Events read, and edges per relation after merging. */
  readonly counts: Readonly<Record<string, number>>;
}

/** Ids interned in first-seen order, then sorted (`finish` gives the old -> new index map). */
function interner() {
  const index = new Map<string, number>();
  const ids: string[] = [];
  return {
    id(s: string): number {
      let i = index.get(s);
      if (i === undefined) {
        i = ids.length;
        index.set(s, i);
        ids.push(s);
      }
      return i;
    },
    has: (s: string) => index.has(s),
    get size() {
      return ids.length;
    },
    finish(): { ids: string[]; remap: Int32Array } {
      const order = ids.map((_, i) => i).sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
      const remap = new Int32Array(ids.length);
      order.forEach((old, r) => (remap[old] = r));
      return { ids: order.map((i) => ids[i]!), remap };
    },
  };
}

/** Growable parallel edge arrays. */
function edgeBuffer() {
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  return {
    rows,
    cols,
    values,
    add(r: number, c: number, v = 1): void {
      rows.push(r);
      cols.push(c);
      values.push(v);
    },
  };
}

type Edges = ReturnType<typeof edgeBuffer>;

const remapped = (xs: readonly number[], remap: Int32Array): Int32Array => Int32Array.from(xs, (x) => remap[x]!);

/** Read the store's graph (see the module comment). Throws a RangeError on a bad option. */
export async function readStoreGraph(store: GraphStore, o: StoreGraphOptions = {}): Promise<StoreGraph> {
  const end = o.trainEnd ?? Infinity;
  const typeWeights = o.typeWeights ?? DEFAULT_TYPE_WEIGHTS;
  const halfLife = o.halfLifeMs ?? 14 * DAY;
  const searchWeight = o.searchWeight ?? 1;
  const wanted = new Set<RelationName>(['interacted', ...(o.relations ?? RELATIONS)]);
  const minTerm = o.minTermNodes ?? 2;
  const pageSize = o.pageSize ?? 5000;
  if (!(halfLife > 0)) throw new RangeError(`halfLifeMs must be positive (got ${halfLife})`);
  if (!(searchWeight >= 0 && Number.isFinite(searchWeight))) throw new RangeError(`searchWeight must be a finite non-negative number (got ${searchWeight})`);
  if (!(Number.isInteger(minTerm) && minTerm >= 1)) throw new RangeError(`minTermNodes must be a positive integer (got ${minTerm})`);
  if (!(Number.isInteger(pageSize) && pageSize >= 1)) throw new RangeError(`pageSize must be a positive integer (got ${pageSize})`);
  for (const [t, w] of Object.entries(typeWeights)) if (!(Number.isFinite(w) && w >= 0)) throw new RangeError(`typeWeights.${t} must be a finite non-negative number (got ${w})`);
  for (const r of wanted) if (!RELATIONS.includes(r)) throw new RangeError(`unknown relation "${r}" (known: ${RELATIONS.join(', ')})`);

  const users = interner();
  const items = interner();
  const queries = interner();
  // Raw events first (weights need the newest ts, known only at the end of the scans).
  const inter = { u: [] as number[], i: [] as number[], w: [] as number[], ts: [] as number[] };
  let refTs = 0;
  let events = 0;
  for await (const page of store.scanInteractions(pageSize)) {
    for (const e of page) {
      const w = typeWeights[e.type] ?? 0;
      if (!(e.ts < end) || !(w > 0)) continue;
      inter.u.push(users.id(e.userId));
      inter.i.push(items.id(e.itemId));
      inter.w.push(w);
      inter.ts.push(e.ts);
      if (e.ts > refTs) refTs = e.ts;
      events++;
    }
  }
  const srch = { u: [] as number[], q: [] as number[], i: [] as number[], ts: [] as number[] };
  let searches = 0;
  if (wanted.has('searched') || wanted.has('led_to') || wanted.has('query_term')) {
    for await (const page of store.scanSearches(pageSize)) {
      for (const s of page) {
        if (!(s.ts < end)) continue;
        srch.u.push(users.id(s.userId));
        srch.q.push(queries.id(s.query));
        srch.i.push(s.itemId !== null && wanted.has('led_to') ? items.id(s.itemId) : -1);
        srch.ts.push(s.ts);
        if (s.ts > refTs) refTs = s.ts;
        searches++;
      }
    }
  }
  const decay = (ts: number): number => Math.pow(2, -(refTs - ts) / halfLife);
  const U = users.finish();
  const I = items.finish();
  const Q = queries.finish();

  const ui = edgeBuffer();
  for (let k = 0; k < inter.u.length; k++) ui.add(U.remap[inter.u[k]!]!, I.remap[inter.i[k]!]!, inter.w[k]! * decay(inter.ts[k]!));
  const uiCsr = csrFromEdges(U.ids.length, I.ids.length, ui, { merge: 'sum' });

  const uq = edgeBuffer();
  const qi = edgeBuffer();
  for (let k = 0; k < srch.u.length; k++) {
    const w = searchWeight * decay(srch.ts[k]!);
    uq.add(U.remap[srch.u[k]!]!, Q.remap[srch.q[k]!]!, w);
    if (srch.i[k]! >= 0) qi.add(Q.remap[srch.q[k]!]!, I.remap[srch.i[k]!]!, w);
  }

  // Items' categories and title terms; categories' parents; query terms.
  const cats = interner();
  const terms = interner();
  const ic = edgeBuffer();
  const cc = edgeBuffer();
  const it = edgeBuffer();
  const qt = edgeBuffer();
  const needItems = wanted.has('in_category') || wanted.has('child_of') || wanted.has('has_term');
  if (needItems) {
    for (let b = 0; b < I.ids.length; b += pageSize) {
      const batch = I.ids.slice(b, b + pageSize);
      const recs = await store.getItems(batch);
      const leaves = new Set<string>();
      batch.forEach((id, k) => {
        const rec = recs.get(id);
        if (!rec) return;
        if (wanted.has('in_category') || wanted.has('child_of')) for (const c of rec.categories) leaves.add(c);
        if (wanted.has('in_category')) for (const c of rec.categories) ic.add(b + k, cats.id(c));
        if (wanted.has('has_term')) for (const t of termsOf(rec.title)) it.add(b + k, terms.id(t));
      });
      if (wanted.has('child_of') && leaves.size > 0) {
        const chains = await store.categoryAncestors([...leaves]);
        for (const chain of chains.values()) for (let k = 1; k < chain.length; k++) cc.add(cats.id(chain[k]!), cats.id(chain[k - 1]!));
      }
    }
  }
  if (wanted.has('query_term')) Q.ids.forEach((q, r) => termsOf(q).forEach((t) => qt.add(r, terms.id(t))));
  const C = cats.finish();
  const Traw = terms.finish();
  // Keep terms on at least minTerm distinct nodes (termsOf gives each term once per text, and
  // each item and query is read once, so an edge is a distinct node).
  const termNodes = new Int32Array(Traw.ids.length);
  for (const c of it.cols) termNodes[Traw.remap[c]!]!++;
  for (const c of qt.cols) termNodes[Traw.remap[c]!]!++;
  const termIds: string[] = [];
  const keep = new Int32Array(Traw.ids.length).fill(-1);
  Traw.ids.forEach((t, r) => {
    if (termNodes[r]! >= minTerm) keep[r] = termIds.push(t) - 1;
  });
  const termEdges = (e: Edges): Edges => {
    const out = edgeBuffer();
    for (let k = 0; k < e.rows.length; k++) {
      const t = keep[Traw.remap[e.cols[k]!]!]!;
      if (t >= 0) out.add(e.rows[k]!, t);
    }
    return out;
  };

  const side: RelationEdges[] = [];
  const counts: Record<string, number> = { events, searches, interacted: uiCsr.indices.length };
  // Weighted relations sum their events; the others are sets (a (child, parent) step seen in many chains is one edge of weight 1).
  const addRelation = (
    name: RelationName,
    src: NodeTypeName,
    dst: NodeTypeName,
    e: { rows: ArrayLike<number>; cols: ArrayLike<number>; values?: ArrayLike<number> },
    nSrc: number,
    nDst: number,
  ): void => {
    if (!wanted.has(name)) return;
    const m = csrFromEdges(nSrc, nDst, e, { merge: e.values === undefined ? 'max' : 'sum' });
    counts[name] = m.indices.length;
    if (m.indices.length === 0) return;
    const rows = new Int32Array(m.indices.length);
    for (let r = 0; r < nSrc; r++) rows.fill(r, m.indptr[r]!, m.indptr[r + 1]!);
    side.push({ name, src, dst, edges: { rows, cols: m.indices, values: m.values } });
  };
  addRelation('searched', 'user', 'query', uq, U.ids.length, Q.ids.length);
  addRelation('led_to', 'query', 'item', qi, Q.ids.length, I.ids.length);
  addRelation('in_category', 'item', 'category', { rows: ic.rows, cols: remapped(ic.cols, C.remap) }, I.ids.length, C.ids.length);
  addRelation('child_of', 'category', 'category', { rows: remapped(cc.rows, C.remap), cols: remapped(cc.cols, C.remap) }, C.ids.length, C.ids.length);
  const itKept = termEdges(it);
  const qtKept = termEdges(qt);
  addRelation('has_term', 'item', 'term', { rows: itKept.rows, cols: itKept.cols }, I.ids.length, termIds.length);
  addRelation('query_term', 'query', 'term', { rows: qtKept.rows, cols: qtKept.cols }, Q.ids.length, termIds.length);
  return {
    ids: { user: U.ids, item: I.ids, query: Q.ids, category: C.ids, term: termIds },
    interactions: { numUsers: U.ids.length, numItems: I.ids.length, indptr: uiCsr.indptr, items: uiCsr.indices },
    weights: uiCsr.values,
    side,
    refTs,
    counts,
  };
}
