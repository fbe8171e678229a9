/**
 * Experiment metrics from events attributed to exposures. Pure: exposures, each exposed user's
 * interactions and (optionally) their DUVE value in; per-variant, per-user aggregates out.
 *
 * Attribution: an item interaction (click, add_to_cart, purchase) at time τ counts for the
 * experiment when the same user was shown that item in an exposure at x ≤ τ < x + window. Each
 * interaction counts once, however many exposures showed the item. The randomisation unit is the
 * user (sticky assignment), so every figure is also kept per user for the statistics.
 *
 *   ctr                 attributed clicks / impressions (items shown); on surface `ads` the
 *                       clicks are `ad_click` events (a feed `click` does not count there, and an
 *                       `ad_click` does not count on other surfaces)
 *   add_to_cart_rate    attributed add_to_cart / impressions
 *   conversion_rate     exposed users with ≥ 1 attributed purchase / exposed users
 *   aov                 mean value of attributed purchases
 *   gmv_per_impression  attributed purchase value / impressions
 *   retention_Nd        users with any interaction at or after first exposure + N days / users
 *                       whose first exposure is at least N days before the data end (eligible)
 *   high_value_capture  exposed users whose DUVE value ≥ the threshold / exposed users
 *   p99_latency_ms      99th percentile of the feed latency of the exposures (guardrail)
 *   diversity           mean distinct-category share of the exposed lists (guardrail)
 */
import type { Interaction } from '../domain/events';
import type { Exposure } from './store';

export const DAY_MS = 24 * 3600 * 1000;

/** One user's figures in one variant. */
export interface UserMetrics {
  readonly userId: string;
  exposures: number;
  impressions: number;
  clicks: number;
  carts: number;
  purchases: number;
  gmv: number;
  firstExposure: number;
  lastActivity: number;
}

export interface VariantData {
  readonly key: string;
  readonly users: UserMetrics[];
  /** Values of the attributed purchases (for AOV). */
  readonly orderValues: number[];
  readonly latenciesMs: number[];
  readonly diversities: number[];
  /** Per UTC day (ms of midnight): exposures, impressions, clicks, carts, purchases, gmv. */
  readonly daily: Map<number, { exposures: number; impressions: number; clicks: number; carts: number; purchases: number; gmv: number }>;
  /** Users with a DUVE value ≥ threshold (null when no values were given). */
  highValueUsers: number | null;
}

export interface AttributionInput {
  readonly experimentId: string;
  readonly variantKeys: readonly string[];
  readonly exposures: readonly Exposure[];
  /** Each exposed user's interactions (any order). */
  readonly histories: ReadonlyMap<string, readonly Interaction[]>;
  readonly windowMs: number;
  /** User values (DUVE), when served. */
  readonly userValues?: ReadonlyMap<string, number>;
  readonly highValueThreshold: number;
}

const dayOf = (ts: number): number => Math.floor(ts / DAY_MS) * DAY_MS;
const ATTRIBUTED = new Set(['click', 'add_to_cart', 'purchase']);
/** The surface of the `ads` query (plugins/mtl-ads/settings.ts ADS_SURFACE): its clicks are ad clicks. */
const ADS_SURFACE = 'ads';
const ADS_ATTRIBUTED = new Set(['ad_click', 'add_to_cart', 'purchase']);

export function attribute(input: AttributionInput): VariantData[] {
  const variants = new Map<string, VariantData>(
    input.variantKeys.map((k) => [k, { key: k, users: [], orderValues: [], latenciesMs: [], diversities: [], daily: new Map(), highValueUsers: input.userValues ? 0 : null }]),
  );
  const byUser = new Map<string, { variant: VariantData; shown: Exposure[] }>();
  for (const x of input.exposures) {
    const a = x.assignments.find((y) => y.experimentId === input.experimentId);
    const v = a && variants.get(a.variantKey);
    if (!v) continue;
    let u = byUser.get(x.userId);
    if (u === undefined) byUser.set(x.userId, (u = { variant: v, shown: [] }));
    u.shown.push(x);
    v.latenciesMs.push(x.latencyMs);
    v.diversities.push(x.diversity);
    const d = day(v, x.ts);
    d.exposures++;
    d.impressions += x.itemIds.length;
  }
  for (const [userId, { variant, shown }] of byUser) {
    shown.sort((p, q) => p.ts - q.ts);
    const m: UserMetrics = { userId, exposures: shown.length, impressions: 0, clicks: 0, carts: 0, purchases: 0, gmv: 0, firstExposure: shown[0]!.ts, lastActivity: -Infinity };
    for (const x of shown) m.impressions += x.itemIds.length;
    const sets = shown.map((x) => new Set(x.itemIds));
    const attributed = shown[0]!.surface === ADS_SURFACE ? ADS_ATTRIBUTED : ATTRIBUTED;
    for (const e of input.histories.get(userId) ?? []) {
      if (e.ts > m.lastActivity) m.lastActivity = e.ts;
      if (!attributed.has(e.type)) continue;
      // The latest exposure at or before the event, within the window, that showed the item.
      let hit = -1;
      for (let j = shown.length - 1; j >= 0; j--) {
        const x = shown[j]!;
        if (x.ts > e.ts) continue;
        if (e.ts - x.ts >= input.windowMs) break;
        if (sets[j]!.has(e.itemId)) {
          hit = j;
          break;
        }
      }
      if (hit < 0) continue;
      const d = day(variant, e.ts);
      if (e.type === 'click' || e.type === 'ad_click') {
        m.clicks++;
        d.clicks++;
      } else if (e.type === 'add_to_cart') {
        m.carts++;
        d.carts++;
      } else {
        m.purchases++;
        m.gmv += e.value;
        variant.orderValues.push(e.value);
        d.purchases++;
        d.gmv += e.value;
      }
    }
    variant.users.push(m);
    if (variant.highValueUsers !== null && (input.userValues!.get(userId) ?? -Infinity) >= input.highValueThreshold) variant.highValueUsers++;
  }
  return [...variants.values()];
}

function day(v: VariantData, ts: number) {
  const k = dayOf(ts);
  let d = v.daily.get(k);
  if (d === undefined) v.daily.set(k, (d = { exposures: 0, impressions: 0, clicks: 0, carts: 0, purchases: 0, gmv: 0 }));
  return d;
}

/** Retained / eligible users for an N-day retention at data end `end`. */
export function retention(v: VariantData, days: number, end: number): { retained: number; eligible: number } {
  let retained = 0;
  let eligible = 0;
  for (const u of v.users) {
    const at = u.firstExposure + days * DAY_MS;
    if (at > end) continue;
    eligible++;
    if (u.lastActivity >= at) retained++;
  }
  return { retained, eligible };
}

/** Nearest-rank percentile (NaN when empty). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = Float64Array.from(values).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
