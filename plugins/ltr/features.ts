/**
 * The learned ranker's feature vector: one row per candidate, named columns, the same function
 * for training and serving (no skew). Missing values are NaN (the tree ensemble routes them).
 * Pure: no I/O.
 *
 * Groups (see LTR_BASE_FEATURES for the exact columns):
 * - `score:<id>`: every first-stage scorer's raw output (the strategy's other scorers);
 * - `item.*`: decayed and total statistics, conversion rates, price, age;
 * - `ui.*`: the user's own history with the item (counts by type, recency);
 * - `cat<k>.*`: the user's affinity with the item's category at level k above the leaf (0 = leaf),
 *   its share of the user's history, recency and the decayed affinity;
 * - `brand.share`, `price.rel`: the user's brand share and the price against the user's own;
 * - `co.*`: co-interaction strength with the user's recent items;
 * - `ret.<retriever>`: rank in each retriever's list;
 * - `user.*`: history length, breadth, recency, purchases.
 */
import { eventTypeIndex, type EventType } from '../../domain/events';
import type { FeatureRows } from '../sdk/features';

/** The feature keys the ranker reads. */
export const LTR_FEATURE_KEYS = ['user.history', 'user.historyItems', 'item.meta', 'item.stats', 'pair.coInteraction', 'pair.retrieval', 'category.ancestors', 'scores.firstStage'] as const;

export type LtrInput = FeatureRows<typeof LTR_FEATURE_KEYS>;

/** Category levels above the leaf that get their own affinity columns. */
export const CATEGORY_LEVELS = 3;
/** Retrievers with a rank column, in order. */
export const RANKED_RETRIEVERS = ['recent', 'neighbourhood', 'category', 'trending', 'fresh'] as const;

const HOUR = 3600 * 1000;
const VIEW = eventTypeIndex('view');
const CLICK = eventTypeIndex('click');
const CART = eventTypeIndex('add_to_cart');
const PURCHASE = eventTypeIndex('purchase');
const WISHLIST = eventTypeIndex('wishlist');

const ITEM_COLS = [
  'item.traffic.decayed',
  'item.cart.decayed',
  'item.purchase.decayed',
  'item.traffic.total',
  'item.cart.total',
  'item.purchase.total',
  'item.users',
  'item.cvr',
  'item.cartRate',
  'item.revenue.decayed',
  'item.hoursSinceLast',
  'item.ageHours',
  'item.price',
];
const UI_COLS = ['ui.views', 'ui.carts', 'ui.wishlists', 'ui.purchases', 'ui.events', 'ui.hoursSinceLast', 'ui.hoursSinceFirst', 'ui.decayed'];
const CAT_COLS = Array.from({ length: CATEGORY_LEVELS }, (_, k) => [`cat${k}.share`, `cat${k}.decayedShare`, `cat${k}.hoursSinceLast`, `cat${k}.items`, `cat${k}.carts`]).flat();
const OTHER_COLS = [
  'brand.share',
  'price.rel',
  'co.sum',
  'co.max',
  'co.cosine',
  'co.degree',
  ...RANKED_RETRIEVERS.map((r) => `ret.${r}`),
  'ret.count',
  'user.events',
  'user.items',
  'user.hoursSinceLast',
  'user.purchases',
  'user.carts',
];

/** Columns that do not depend on the first-stage scorers, in order. */
export const LTR_BASE_FEATURES: readonly string[] = [...ITEM_COLS, ...UI_COLS, ...CAT_COLS, ...OTHER_COLS];

/** Every column name for a given list of first-stage scorer ids. */
export function ltrFeatureNames(scorerIds: readonly string[]): string[] {
  return [...scorerIds.map((id) => `score:${id}`), ...LTR_BASE_FEATURES];
}

const log1p = Math.log1p;
const hours = (ms: number): number => log1p(Math.max(0, ms) / HOUR);

/** A user's events on one item, or (summed over its items) one category. */
interface Touch {
  count: number;
  decayed: number;
  last: number;
  first: number;
  /** View + click events. */
  traffic: number;
  carts: number;
  wishlists: number;
  purchases: number;
  /** Distinct history items (categories only). */
  items: number;
}

const newTouch = (): Touch => ({ count: 0, decayed: 0, last: -Infinity, first: Infinity, traffic: 0, carts: 0, wishlists: 0, purchases: 0, items: 0 });

/** Options of the featuriser; fixed per trained model (stored in its manifest). */
export interface LtrFeatureOptions {
  /** First-stage scorer ids, in column order. */
  readonly scorerIds: readonly string[];
  /** Half-life of the user's decayed affinities, ms. Default 3 days. */
  readonly halfLifeMs?: number;
}

/**
 * The feature matrix (row-major, n × d) for the candidates `itemIds`, as of `now`.
 * d = ltrFeatureNames(opts.scorerIds).length. With `rows` (indices into itemIds), only those
 * candidates get a row, in that order (rows.length × d): the per-row cost is paid only for them.
 */
export function ltrFeatures(input: LtrInput, itemIds: readonly string[], now: number, opts: LtrFeatureOptions, rows?: ArrayLike<number>): Float32Array {
  const n = rows ? rows.length : itemIds.length;
  if (rows) {
    for (let j = 0; j < rows.length; j++) {
      const i = rows[j]!;
      if (!Number.isInteger(i) || i < 0 || i >= itemIds.length) throw new RangeError(`ltrFeatures: rows[${j}] = ${i} is not a candidate index below ${itemIds.length}`);
    }
  }
  const names = ltrFeatureNames(opts.scorerIds);
  const d = names.length;
  const x = new Float32Array(n * d).fill(Number.NaN);
  const halfLife = opts.halfLifeMs ?? 72 * HOUR;
  const history = input['user.history'];
  const hItems = input['user.historyItems'];
  const anc = input['category.ancestors'];
  const chainOf = (cat: string): readonly string[] => anc.get(cat) ?? [cat];

  // Per-user aggregates, once per request: events by item first, then each distinct item's
  // totals added to every category on its chains (each category once per item).
  const byItem = new Map<string, Touch>();
  const byCat = new Map<string, Touch>();
  const byBrand = new Map<string, number>();
  let userLast = -Infinity;
  let purchases = 0;
  let carts = 0;
  let priceSum = 0;
  let priceN = 0;
  for (const h of history) {
    const ti = eventTypeIndex(h.type as EventType);
    const w = Math.exp((-Math.LN2 * Math.max(0, now - h.ts)) / halfLife);
    let t = byItem.get(h.itemId);
    if (!t) byItem.set(h.itemId, (t = newTouch()));
    t.count += 1;
    t.decayed += w;
    if (h.ts > t.last) t.last = h.ts;
    if (h.ts < t.first) t.first = h.ts;
    if (ti === VIEW || ti === CLICK) t.traffic += 1;
    else if (ti === CART) {
      t.carts += 1;
      carts += 1;
    } else if (ti === WISHLIST) t.wishlists += 1;
    else if (ti === PURCHASE) {
      t.purchases += 1;
      purchases += 1;
    }
    if (h.ts > userLast) userLast = h.ts;
  }
  const cats: string[] = [];
  for (const [itemId, t] of byItem) {
    const it = hItems.get(itemId);
    if (!it) continue;
    if (it.brand) byBrand.set(it.brand, (byBrand.get(it.brand) ?? 0) + t.count);
    if (it.price !== null && it.price > 0) {
      priceSum += t.count * Math.log(it.price);
      priceN += t.count;
    }
    cats.length = 0;
    for (const cat of it.categories) for (const c of chainOf(cat)) if (!cats.includes(c)) cats.push(c);
    for (const c of cats) {
      let ct = byCat.get(c);
      if (!ct) byCat.set(c, (ct = newTouch()));
      ct.count += t.count;
      ct.decayed += t.decayed;
      if (t.last > ct.last) ct.last = t.last;
      if (t.first < ct.first) ct.first = t.first;
      ct.carts += t.carts;
      ct.purchases += t.purchases;
      ct.items += 1;
    }
  }
  let totalDecayed = 0;
  for (const t of byItem.values()) totalDecayed += t.decayed;
  const H = history.length;
  const meanLogPrice = priceN > 0 ? priceSum / priceN : Number.NaN;

  const stats = input['item.stats'];
  const meta = input['item.meta'];
  const co = input['pair.coInteraction'];
  const ret = input['pair.retrieval'];
  const first = input['scores.firstStage'];
  const retIndex = RANKED_RETRIEVERS.map((r) => ret.retrievers.indexOf(r));
  const firstCols = opts.scorerIds.map((id) => {
    const k = first.scorerIds.indexOf(id);
    return k >= 0 ? (first.columns[k] ?? null) : null;
  });
  const seedW = new Float64Array(co.seeds.length);
  for (let s = 0; s < co.seeds.length; s++) seedW[s] = co.seedDegree[s]! > 0 ? 1 / Math.sqrt(co.seedDegree[s]!) : 0;

  // One writer for the whole matrix (not a closure per row): `pos` walks the row's columns.
  let pos = 0;
  const put = (v: number): void => {
    x[pos] = Number.isFinite(v) ? v : Number.NaN;
    pos += 1;
  };
  for (let j = 0; j < n; j++) {
    const i = rows ? rows[j]! : j;
    const row = j * d;
    pos = row;
    for (const col of firstCols) put(col ? col[i]! : Number.NaN);
    // item.*
    const s = stats[i];
    const m = meta[i];
    if (s) {
      const dTraffic = s.decayed[VIEW]! + s.decayed[CLICK]!;
      const tTraffic = s.totals[VIEW]! + s.totals[CLICK]!;
      put(log1p(dTraffic));
      put(log1p(s.decayed[CART]!));
      put(log1p(s.decayed[PURCHASE]!));
      put(log1p(tTraffic));
      put(log1p(s.totals[CART]!));
      put(log1p(s.totals[PURCHASE]!));
      put(log1p(s.users));
      put((s.totals[PURCHASE]! + 0.1) / (tTraffic + 10));
      put((s.totals[CART]! + 0.1) / (tTraffic + 10));
      put(log1p(s.decayedRevenue));
      put(s.lastTs > 0 ? hours(now - s.lastTs) : Number.NaN);
    } else pos += 11;
    put(m ? hours(now - m.createdAt) : Number.NaN);
    put(m && m.price !== null && m.price > 0 ? Math.log(m.price) : Number.NaN);
    // ui.*
    const t = byItem.get(itemIds[i]!);
    if (t) {
      put(t.traffic);
      put(t.carts);
      put(t.wishlists);
      put(t.purchases);
      put(t.count);
      put(hours(now - t.last));
      put(hours(now - t.first));
      put(t.decayed);
    } else {
      for (let k = 0; k < 5; k++) put(0);
      pos += 2;
      put(0);
    }
    // cat<k>.*: level k above the item's first category's leaf.
    const chain = m && m.categories.length > 0 ? chainOf(m.categories[0]!) : [];
    for (let k = 0; k < CATEGORY_LEVELS; k++) {
      const cat = chain.length - 1 - k >= 0 ? chain[chain.length - 1 - k]! : null;
      const c = cat !== null ? byCat.get(cat) : undefined;
      if (cat === null) {
        pos += 5;
        continue;
      }
      put(c ? c.count / Math.max(1, H) : 0);
      put(c && totalDecayed > 0 ? c.decayed / totalDecayed : 0);
      put(c ? hours(now - c.last) : Number.NaN);
      put(c ? c.items : 0);
      put(c ? c.carts + c.purchases : 0);
    }
    // brand, price vs the user's own
    put(m?.brand ? (byBrand.get(m.brand) ?? 0) / Math.max(1, H) : Number.NaN);
    put(m && m.price !== null && m.price > 0 && Number.isFinite(meanLogPrice) ? Math.log(m.price) - meanLogPrice : Number.NaN);
    // co.*
    const r = co.rows[i];
    if (r) {
      let sum = 0;
      let max = 0;
      let cos = 0;
      for (let k = 0; k < r.length; k++) {
        sum += r[k]!;
        if (r[k]! > max) max = r[k]!;
        cos += r[k]! * seedW[k]!;
      }
      const deg = Math.max(co.degree[i]!, max, 1);
      put(log1p(sum));
      put(max);
      put(cos / Math.sqrt(deg));
    } else {
      put(0);
      put(0);
      put(0);
    }
    put(log1p(co.degree[i] ?? 0));
    // ret.*
    let retrieved = 0;
    for (const k of retIndex) {
      const rank = k >= 0 ? ret.ranks[k]![i]! : -1;
      put(rank >= 0 ? rank : Number.NaN);
      if (rank >= 0) retrieved += 1;
    }
    put(retrieved);
    // user.*
    put(log1p(H));
    put(log1p(byItem.size));
    put(H > 0 ? hours(now - userLast) : Number.NaN);
    put(purchases);
    put(carts);
    if (pos - row !== d) throw new Error(`ltr featuriser wrote ${pos - row} columns, expected ${d}`);
  }
  return x;
}
