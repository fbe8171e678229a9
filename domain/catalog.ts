/** Catalogue entities: users, items, categories, queries. Plain data, no I/O. */

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
}

/**
 * A node of the category hierarchy. `parent` is the next category up (null for a root); a dotted
 * path `a.b.c` is stored as `a` <- `a.b` <- `a.b.c`. Items list leaf ids in `ItemRecord.categories`.
 */
export interface CategoryRecord {
  readonly id: string;
  readonly parent: string | null;
  /** Display name: the last path segment (`c` for `a.b.c`), or the raw value. */
  readonly name: string;
}

export interface QueryRecord {
  /** Normalised text; it is also the id. */
  readonly text: string;
  readonly terms: readonly string[];
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
