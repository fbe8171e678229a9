/** Catalogue entities: users, items, categories, queries. Plain data, no I/O. */

/** The records a scorer sees are the SDK's (plugins/sdk/records.ts), re-exported for the gateway. */
export type { ItemRecord, ItemStats, UserRecord } from '../plugins/sdk/records';

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
