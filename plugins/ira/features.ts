/**
 * The Q-network's input layout (Contract C): one row per candidate, shared by serving (the
 * `ira/policy` scorer), learning (learner.ts, pretrain.ts) and off-policy evaluation. Every
 * column is scaled to about [0, 1] ([−1, 1] for signed ones) so one network serves users and
 * items of any scale. Columns, in order:
 *
 * User part (from the line's UserValueSource reading, Contract A; the same on every row):
 *   user.state_0..15   the source's pooled user state, fitted to 16 slots: copied when stateDim ≤ 16
 *                      (zero-padded), else slot k is the mean of the contiguous group of dims
 *                      ⌊j·16/stateDim⌋ = k; clipped to [−10, 10]. 0 when missing.
 *   user.value         log1p(max(0, value)) / log1p(1000), capped at 2 (value = expected spend in the horizon)
 *   user.purchase_prob P(≥1 purchase in the horizon), clipped to [0, 1]
 *   user.value_missing 1 when the source has no reading (unknown user, or no source), else 0
 * Context part (the request; the same on every row):
 *   ctx.surface_home, _cart, _product, _search, _other   one-hot of the feed surface (unknown → other)
 *   ctx.hour_sin, ctx.hour_cos   local hour of day (UTC + utcOffsetMinutes) on the unit circle
 *   ctx.session_events  events in the current session: the newest run of history events with gaps
 *                       < 30 min, the newest < 30 min before now; log1p(n) / log1p(50), capped at 1
 *   ctx.session_engaged add_to_cart, wishlist and purchase events in that session, same scale
 *   ctx.minutes_since_last  log1p(minutes since the newest history event) / log1p(43,200), capped at 1 (1 without history)
 *   ctx.history_len    log1p(history events) / log1p(200), capped at 1
 * Candidate part (from the pipeline's `item.stats`, `item.meta`, `user.history`, `user.historyItems`):
 *   item.traffic       log1p(decayed views + clicks) / log1p(1000), capped at 2
 *   item.purchases     log1p(decayed purchases) / log1p(100), capped at 2
 *   item.carts         log1p(decayed add_to_cart) / log1p(100), capped at 2
 *   item.cvr           (decayed purchases + 0.1) / (decayed views + clicks + 5), capped at 1
 *   item.users         log1p(distinct users) / log1p(1000), capped at 2
 *   item.recency       log1p(hours since the item's newest event) / log1p(720), capped at 1 (1 without stats)
 *   item.no_stats      1 when the item has no events
 *   item.price         log1p(price) / log1p(1000), capped at 2 (0 when unknown)
 *   item.price_missing 1 when the price is unknown
 *   item.price_rel     log(price / mean price of the user's history items) / 2, clipped to [−1, 1] (0 when either is unknown)
 *   item.age           log1p(days since createdAt) / log1p(365), capped at 1 (1 when unknown)
 *   item.cat_affinity  share of the user's history events on items sharing a category with the candidate
 *   item.seen          log1p(the user's events on this item) / log1p(10), capped at 1
 * Baseline signals (what the baseline scorers compute from the same features):
 *   base.affinity      baseline/affinity: Σ typeWeight · 2^(−age / 2 days) over the user's events on
 *                      the item (add_to_cart 3, wishlist 2, like 1.5, click 1, share 1, comment 1,
 *                      view 0.5, dwell 0.5), as log1p(x) / log1p(10), capped at 1
 *   base.commercial    baseline/commercial's score (empirical-Bayes conversion × order value ×
 *                      damped volume, pool priors) divided by the pool's maximum (0 when all 0)
 *   base.popularity    percentile of item.traffic within the pool (0 lowest, 1 highest; ties share the lower)
 *
 * Version 0 (heuristic.ts) is a fixed linear function of the baseline signals and item.cat_affinity.
 */
import type { Interaction, ItemRecord, ItemStats } from '../sdk/records';
import { eventTypeIndex } from '../sdk/stats';
import type { UserValueReading } from './value';

export const IRA_STATE_SLOTS = 16;
export const IRA_SURFACES = ['home', 'cart', 'product', 'search'] as const;

const USER = [...Array.from({ length: IRA_STATE_SLOTS }, (_, k) => `user.state_${k}`), 'user.value', 'user.purchase_prob', 'user.value_missing'];
const CONTEXT = [
  ...IRA_SURFACES.map((s) => `ctx.surface_${s}`),
  'ctx.surface_other',
  'ctx.hour_sin',
  'ctx.hour_cos',
  'ctx.session_events',
  'ctx.session_engaged',
  'ctx.minutes_since_last',
  'ctx.history_len',
];
const CANDIDATE = [
  'item.traffic',
  'item.purchases',
  'item.carts',
  'item.cvr',
  'item.users',
  'item.recency',
  'item.no_stats',
  'item.price',
  'item.price_missing',
  'item.price_rel',
  'item.age',
  'item.cat_affinity',
  'item.seen',
  'base.affinity',
  'base.commercial',
  'base.popularity',
];

export const IRA_FEATURES: readonly string[] = [...USER, ...CONTEXT, ...CANDIDATE];
export const IRA_DIM = IRA_FEATURES.length;
/** The layout's name: a version trained on another layout is not served. Bump on any change above. */
export const IRA_FEATURES_VERSION = 'ira-features-v1';
/** The pipeline features the scorer must declare to build the rows. */
export const IRA_FEATURE_KEYS = ['user.history', 'item.stats', 'item.meta', 'user.historyItems'] as const;

/** Column index by name (throws on an unknown name: a typo must not silently read column 0). */
export function iraColumn(name: string): number {
  const i = IRA_FEATURES.indexOf(name);
  if (i < 0) throw new RangeError(`ira features: no column ${name}`);
  return i;
}

export interface IraFeatureInput {
  /** The line's value source reading of the user at decision time, or null (no source, unknown user). */
  readonly reading: UserValueReading | null;
  /** Feed surface (`context.surface`), e.g. home. */
  readonly surface: string;
  /** Data time of the request (ms). */
  readonly now: number;
  /** Offset of the user's local time from UTC, minutes. Default 0 (UTC: users' zones are not stored). */
  readonly utcOffsetMinutes?: number;
  /** `user.history`: the user's recent interactions, newest first. */
  readonly history: readonly Interaction[];
  /** Candidate ids, in pool order. */
  readonly itemIds: readonly string[];
  /** `item.stats`, aligned with itemIds. */
  readonly stats: ReadonlyArray<ItemStats | null>;
  /** `item.meta`, aligned with itemIds. */
  readonly meta: ReadonlyArray<ItemRecord | null>;
  /** `user.historyItems`. Default none (category affinity and relative price are then 0). */
  readonly historyItems?: ReadonlyMap<string, ItemRecord>;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const SESSION_GAP = 30 * MIN;
const VIEW = eventTypeIndex('view');
const CLICK = eventTypeIndex('click');
const CART = eventTypeIndex('add_to_cart');
const PURCHASE = eventTypeIndex('purchase');
const WISHLIST = eventTypeIndex('wishlist');
const ENGAGED = new Set(['add_to_cart', 'wishlist', 'purchase']);
const AFFINITY_WEIGHTS: Readonly<Record<string, number>> = { add_to_cart: 3, wishlist: 2, like: 1.5, click: 1, share: 1, comment: 1, view: 0.5, dwell: 0.5 };

const logScale = (x: number, scale: number, cap: number): number => Math.min(cap, Math.log1p(Math.max(0, x)) / Math.log1p(scale));
const clip = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : Number.isFinite(x) ? x : 0);

/** The source's state fitted to IRA_STATE_SLOTS values (see the header). */
export function pooledState(state: ArrayLike<number>, out: Float32Array = new Float32Array(IRA_STATE_SLOTS)): Float32Array {
  out.fill(0);
  const n = state.length;
  if (n <= IRA_STATE_SLOTS) {
    for (let j = 0; j < n; j++) out[j] = clip(state[j]!, -10, 10);
    return out;
  }
  const counts = new Float64Array(IRA_STATE_SLOTS);
  const sums = new Float64Array(IRA_STATE_SLOTS);
  for (let j = 0; j < n; j++) {
    const k = Math.floor((j * IRA_STATE_SLOTS) / n);
    sums[k] = sums[k]! + (Number.isFinite(state[j]!) ? state[j]! : 0);
    counts[k] = counts[k]! + 1;
  }
  for (let k = 0; k < IRA_STATE_SLOTS; k++) out[k] = clip(sums[k]! / counts[k]!, -10, 10);
  return out;
}

/** The rows of every candidate: [itemIds.length × IRA_DIM], row-major. Never throws on missing data (zeros and flags). */
export function iraFeatureRows(input: IraFeatureInput): Float32Array {
  const n = input.itemIds.length;
  if (input.stats.length !== n || input.meta.length !== n) throw new RangeError(`ira features: stats and meta must align with ${n} candidates`);
  const D = IRA_DIM;
  const out = new Float32Array(n * D);
  // Shared part: user and context.
  const shared = new Float32Array(USER.length + CONTEXT.length);
  const r = input.reading;
  if (r !== null) {
    shared.set(pooledState(r.state), 0);
    shared[IRA_STATE_SLOTS] = logScale(r.value, 1000, 2);
    shared[IRA_STATE_SLOTS + 1] = clip(r.purchaseProb, 0, 1);
  } else shared[IRA_STATE_SLOTS + 2] = 1;
  let c = USER.length;
  const surface = IRA_SURFACES.indexOf(input.surface as (typeof IRA_SURFACES)[number]);
  shared[c + (surface < 0 ? IRA_SURFACES.length : surface)] = 1;
  c += IRA_SURFACES.length + 1;
  const local = input.now + (input.utcOffsetMinutes ?? 0) * MIN;
  const hour = (((local % DAY) + DAY) % DAY) / HOUR;
  shared[c++] = Math.sin((2 * Math.PI * hour) / 24);
  shared[c++] = Math.cos((2 * Math.PI * hour) / 24);
  const history = input.history.filter((h) => h.ts <= input.now);
  let sessionEvents = 0;
  let sessionEngaged = 0;
  let edge = input.now;
  let newest = -Infinity;
  for (const h of history) if (h.ts > newest) newest = h.ts;
  const byTime = [...history].sort((a, b) => b.ts - a.ts);
  for (const h of byTime) {
    if (edge - h.ts >= SESSION_GAP) break;
    sessionEvents++;
    if (ENGAGED.has(h.type)) sessionEngaged++;
    edge = h.ts;
  }
  shared[c++] = logScale(sessionEvents, 50, 1);
  shared[c++] = logScale(sessionEngaged, 50, 1);
  shared[c++] = history.length === 0 ? 1 : logScale((input.now - newest) / MIN, 43_200, 1);
  shared[c] = logScale(history.length, 200, 1);

  // The user's history by item, its categories and mean price.
  const seen = new Map<string, number>();
  const affinity = new Map<string, number>();
  let priceSum = 0;
  let priceCount = 0;
  for (const h of history) {
    seen.set(h.itemId, (seen.get(h.itemId) ?? 0) + 1);
    const w = AFFINITY_WEIGHTS[h.type] ?? 0;
    if (w > 0) affinity.set(h.itemId, (affinity.get(h.itemId) ?? 0) + w * Math.pow(2, -Math.max(0, input.now - h.ts) / (2 * DAY)));
    const rec = input.historyItems?.get(h.itemId);
    if (rec && rec.price !== null && rec.price > 0) {
      priceSum += rec.price;
      priceCount++;
    }
  }
  const meanPrice = priceCount > 0 ? priceSum / priceCount : null;

  // Pool aggregates for the commercial baseline and the popularity percentile.
  const traffic = new Float64Array(n);
  const intent = new Float64Array(n);
  let sumTraffic = 0;
  let sumIntent = 0;
  let sumRevenue = 0;
  let sumPurchases = 0;
  for (let i = 0; i < n; i++) {
    const s = input.stats[i];
    if (!s) continue;
    const d = s.decayed;
    traffic[i] = (d[VIEW] ?? 0) + (d[CLICK] ?? 0);
    intent[i] = (d[PURCHASE] ?? 0) + 0.3 * (d[CART] ?? 0) + 0.1 * (d[WISHLIST] ?? 0);
    sumTraffic += traffic[i]!;
    sumIntent += intent[i]!;
    sumRevenue += s.decayedRevenue;
    sumPurchases += d[PURCHASE] ?? 0;
  }
  const muCvr = sumTraffic > 0 ? Math.min(1, sumIntent / sumTraffic) : 0.01;
  const poolAov = sumPurchases > 0 && sumRevenue > 0 ? sumRevenue / sumPurchases : 1;
  const commercial = new Float64Array(n);
  let maxCommercial = 0;
  for (let i = 0; i < n; i++) {
    const s = input.stats[i];
    const price = input.meta[i]?.price;
    const prior = price !== null && price !== undefined && price > 0 ? price : poolAov;
    const p = s ? (s.decayed[PURCHASE] ?? 0) : 0;
    const cvr = (intent[i]! + 20 * muCvr) / (traffic[i]! + 20);
    const aov = ((s?.decayedRevenue ?? 0) + 2 * prior) / (p + 2);
    commercial[i] = Math.log1p(Math.log1p(traffic[i]! + intent[i]!) * cvr * aov);
    if (Number.isFinite(commercial[i]!) && commercial[i]! > maxCommercial) maxCommercial = commercial[i]!;
  }
  const sortedTraffic = Float64Array.from(traffic).sort();
  const below = (x: number): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (sortedTraffic[m]! < x) lo = m + 1;
      else hi = m;
    }
    return lo;
  };

  const base = USER.length + CONTEXT.length;
  for (let i = 0; i < n; i++) {
    const row = out.subarray(i * D, (i + 1) * D);
    row.set(shared, 0);
    const s = input.stats[i];
    const m = input.meta[i];
    const id = input.itemIds[i]!;
    let k = base;
    row[k++] = logScale(traffic[i]!, 1000, 2);
    row[k++] = logScale(s ? (s.decayed[PURCHASE] ?? 0) : 0, 100, 2);
    row[k++] = logScale(s ? (s.decayed[CART] ?? 0) : 0, 100, 2);
    row[k++] = Math.min(1, ((s ? (s.decayed[PURCHASE] ?? 0) : 0) + 0.1) / (traffic[i]! + 5));
    row[k++] = logScale(s?.users ?? 0, 1000, 2);
    row[k++] = s && s.lastTs > 0 ? logScale(Math.max(0, input.now - s.lastTs) / HOUR, 720, 1) : 1;
    row[k++] = s ? 0 : 1;
    const price = m?.price ?? null;
    row[k++] = price !== null && price > 0 ? logScale(price, 1000, 2) : 0;
    row[k++] = price !== null && price > 0 ? 0 : 1;
    row[k++] = price !== null && price > 0 && meanPrice !== null ? clip(Math.log(price / meanPrice) / 2, -1, 1) : 0;
    row[k++] = m && m.createdAt > 0 ? logScale(Math.max(0, input.now - m.createdAt) / DAY, 365, 1) : 1;
    let cat = 0;
    if (m && history.length > 0) {
      // Events on history items sharing at least one category with the candidate (each event counted once).
      const cats = new Set(m.categories);
      for (const h of history) {
        const rec = input.historyItems?.get(h.itemId);
        if (rec && rec.categories.some((x) => cats.has(x))) cat++;
      }
      cat /= history.length;
    }
    row[k++] = cat;
    row[k++] = logScale(seen.get(id) ?? 0, 10, 1);
    row[k++] = logScale(affinity.get(id) ?? 0, 10, 1);
    row[k++] = maxCommercial > 0 && Number.isFinite(commercial[i]!) ? commercial[i]! / maxCommercial : 0;
    row[k] = n <= 1 ? 0 : below(traffic[i]!) / (n - 1);
  }
  return out;
}
