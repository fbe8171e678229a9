/**
 * The records scorer features carry, and the event-type vocabulary: owned by the SDK (it imports
 * nothing), re-exported by the gateway's domain/ modules.
 */

/** Every interaction type the gateway accepts (architecture doc, section 6, plus `search`). */
export const EVENT_TYPES = [
  'view',
  'click',
  'add_to_cart',
  'purchase',
  'wishlist',
  'comment',
  'like',
  'gift',
  'share',
  'follow',
  'dwell',
  'scroll',
  'replay',
  'host_mention',
  'exit',
  'impression',
  'ad_click',
  'selling_point_click',
  'search',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** A compact row of a user's history, newest first when returned by the store. */
export interface Interaction {
  readonly itemId: string;
  readonly type: EventType;
  readonly ts: number;
  readonly value: number;
}

export interface UserRecord {
  readonly id: string;
  /** Free-form demographics (age band, region, gender, ...). */
  readonly demographics: Readonly<Record<string, string>>;
  /** Stated preferences: category ids or brands the user opted into. */
  readonly preferences: readonly string[];
}

export interface ItemRecord {
  readonly id: string;
  readonly title: string;
  readonly categories: readonly string[];
  readonly brand: string | null;
  /** Unit price; null when unknown. */
  readonly price: number | null;
  readonly available: boolean;
  /** When the item entered the catalogue (ms since epoch); drives the "fresh" retriever. */
  readonly createdAt: number;
  /** Selling-point keywords declared on upsert (normalised, at most 8); absent when none were declared. */
  readonly sellingPoints?: readonly string[];
}

/**
 * Per-item statistics, as of `asOf`.
 * `decayed` counts are exponentially time-decayed sums with the store's half-life
 * (each event contributes exp(-ln2 * age / halfLife)); `totals` are plain counts.
 */
export interface ItemStats {
  readonly itemId: string;
  /** Plain counts by event type index (see EVENT_TYPES). */
  readonly totals: Float64Array;
  /** Decayed counts by event type index. */
  readonly decayed: Float64Array;
  /** Decayed revenue (sum of purchase values). */
  readonly decayedRevenue: number;
  readonly totalRevenue: number;
  /** Distinct users who interacted with the item. */
  readonly users: number;
  /** Newest interaction (ms), 0 if none. */
  readonly lastTs: number;
}

/**
 * A user's state from DUVE (the dynamic user value evaluator), as the gateway serves it on
 * `userValue`: present when the gateway serves a DUVE model and has seen the user.
 */
export interface UserValueState {
  /** Expected spend over the horizon when the model has money, else expected purchases. */
  readonly value: number;
  readonly valueUnit: 'spend' | 'purchases';
  readonly expectedSpend: number;
  readonly expectedPurchases: number;
  /** Expected tracked events over the horizon (engagement depth). */
  readonly expectedEvents: number;
  /** P(at least one purchase over the horizon). */
  readonly purchaseProbability: number;
  readonly horizonDays: number;
  /** Value segment (e.g. `high`, `growing`, `at_risk`). */
  readonly segment: string;
  /** `duve/value@<artifact version>`. */
  readonly modelVersion: string;
  /** Newest tracked event folded into the state (ms). */
  readonly lastEventAt: number;
}
