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
import { EVENT_TYPES, eventTypeIndex, type EventType } from '../../domain/events';
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

interface Touch {
  count: number;
  decayed: number;
  last: number;
  first: number;
  byType: Float64Array;
}

function touch(map: Map<string, Touch>, key: string, typeIdx: number, ts: number, w: number): Touch {
  let t = map.get(key);
  if (!t) map.set(key, (t = { count: 0, decayed: 0, last: -Infinity, first: Infinity, byType: new Float64Array(EVENT_TYPES.length) }));
  t.count += 1;
  t.decayed += w;
  t.last = Math.max(t.last, ts);
  t.first = Math.min(t.first, ts);
  t.byType[typeIdx]! += 1;
  return t;
}

/** Options of the featuriser; fixed per trained model (stored in its manifest). */
export interface LtrFeatureOptions {
  /** First-stage scorer ids, in column order. */
  readonly scorerIds: readonly string[];
  /** Half-life of the user's decayed affinities, ms. Default 3 days. */
  readonly halfLifeMs?: number;
}

/**
 * The feature matrix (row-major, n × d) for the candidates `itemIds`, as of `now`.
 * d = ltrFeatureNames(opts.scorerIds).length.
 */
export function ltrFeatures(input: LtrInput, itemIds: readonly string[], now: number, opts: LtrFeatureOptions): Float32Array {
  const n = itemIds.length;
  const names = ltrFeatureNames(opts.scorerIds);
  const d = names.length;
  const x = new Float32Array(n * d).fill(Number.NaN);
  const halfLife = opts.halfLifeMs ?? 72 * HOUR;
  const history = input['user.history'];
  const hItems = input['user.historyItems'];
  const anc = input['category.ancestors'];
  const chainOf = (cat: string): readonly string[] => anc.get(cat) ?? [cat];

  // Per-user aggregates, once per request.
  const byItem = new Map<string, Touch>();
  const byCat = new Map<string, Touch>();
  const catItems = new Map<string, Set<string>>();
  const byBrand = new Map<string, number>();
  let userLast = -Infinity;
  let purchases = 0;
  let carts = 0;
  let priceSum = 0;
  let priceN = 0;
  for (const h of history) {
    const ti = eventTypeIndex(h.type as EventType);
    const w = Math.exp((-Math.LN2 * Math.max(0, now - h.ts)) / halfLife);
    touch(byItem, h.itemId, ti, h.ts, w);
    userLast = Math.max(userLast, h.ts);
    if (ti === PURCHASE) purchases += 1;
    if (ti === CART) carts += 1;
    const it = hItems.get(h.itemId);
    if (!it) continue;
    if (it.brand) byBrand.set(it.brand, (byBrand.get(it.brand) ?? 0) + 1);
    if (it.price !== null && it.price > 0) {
      priceSum += Math.log(it.price);
      priceN += 1;
    }
    const seen = new Set<string>();
    for (const cat of it.categories) {
      for (const c of chainOf(cat)) {
        if (seen.has(c)) continue;
        seen.add(c);
        touch(byCat, c, ti, h.ts, w);
        let s = catItems.get(c);
        if (!s) catItems.set(c, (s = new Set()));
        s.add(h.itemId);
      }
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
  for (let i = 0; i < n; i++) {
    const row = i * d;
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
      put(t.byType[VIEW]! + t.byType[CLICK]!);
      put(t.byType[CART]!);
      put(t.byType[WISHLIST]!);
      put(t.byType[PURCHASE]!);
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
      put(catItems.get(cat)?.size ?? 0);
      put(c ? c.byType[CART]! + c.byType[PURCHASE]! : 0);
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
