/**
 * GraphStore: the port to the system of record (users, items, queries, categories, terms and
 * timestamped interactions). Two adapters implement it: `embedded` (SQLite file + in-memory
 * read indexes, the default) and `neo4j`. One conformance suite (graph/conformance.ts) runs
 * against both.
 *
 * Every read the request path makes is one call per request for a whole batch of ids,
 * never one call per candidate.
 */
import type { InteractionEvent, Interaction } from '../domain/events';
import type { CategoryRecord, ItemRecord, ItemStats, QueryRecord, UserRecord } from '../domain/catalog';

/** An interaction with the user it belongs to. */
export interface UserInteraction extends Interaction {
  readonly userId: string;
}

/** A stored search with query text: who searched what, when, and the item it led to. */
export interface SearchRecord {
  readonly userId: string;
  /** Normalised query text (the Query node's id). */
  readonly query: string;
  readonly ts: number;
  /** The item the search led to (Query-LED_TO->Item); null when it named none. */
  readonly itemId: string | null;
}

/** A stored ad event (`ad_click` or `selling_point_click`): what the MTL-ads training reads. */
export interface AdEventRecord {
  readonly eventId: string;
  readonly userId: string;
  readonly type: 'ad_click' | 'selling_point_click';
  readonly itemId: string;
  readonly ts: number;
  /** The query that served the ad, when the client sent it. */
  readonly query: string | null;
  /** The clicked selling point (`selling_point_click`); null for `ad_click`. */
  readonly keyword: string | null;
}

export interface IngestResult {
  /** Events stored by this call. */
  readonly inserted: number;
  /** Event ids that were already stored (idempotent re-sends), in input order. */
  readonly duplicates: readonly string[];
  /** Events not stored because a store ceiling is reached (embedded store only); absent: none. */
  readonly refused?: readonly IngestRefusal[];
}

/** What a store ceiling bounds (the embedded store's STORE_MAX_USERS / _ITEMS / _EVENTS). */
export type StoreFullKind = 'users' | 'items' | 'events';

/** One event refused because storing it would pass a ceiling. */
export interface IngestRefusal {
  /** Position in the `ingestEvents` input. */
  readonly index: number;
  readonly eventId: string;
  /** The ceiling it would pass. */
  readonly full: StoreFullKind;
}

/** What the store knows about a user, in one call. */
export interface UserProfile {
  /** False when the user has no record and no events (cold start). */
  readonly known: boolean;
  readonly user: UserRecord | null;
  /** Most recent interactions with items, newest first, at most `historyLimit`. */
  readonly history: readonly Interaction[];
  /** Every item the user ever purchased (for exclusion), not only those in `history`. */
  readonly purchased: ReadonlySet<string>;
}

/** Bounds on the co-interaction walk item -> users -> items. */
export interface NeighbourhoodOptions {
  /** Most recent distinct users per seed item to walk. Default 200. */
  readonly usersPerItem?: number;
  /** Most recent distinct items per walked user. Default 50. */
  readonly itemsPerUser?: number;
  /** Keep the neighbours with the largest total co-count. Default 300. */
  readonly limit?: number;
}

/**
 * Items co-interacted with a set of seed items (the graph neighbourhood).
 * `co.get(c)[k]` = number of distinct (walked) users who interacted with both `seeds[k]` and `c`.
 * Seeds themselves are not neighbours.
 */
export interface Neighbourhood {
  readonly seeds: readonly string[];
  readonly co: ReadonlyMap<string, Float32Array>;
  /** Distinct-user degree of every seed and neighbour. */
  readonly degree: ReadonlyMap<string, number>;
}

export interface StoreCounts {
  readonly users: number;
  readonly items: number;
  readonly queries: number;
  readonly events: number;
}

/** What one `syncExternal` call applied of the rows other processes wrote to the store. */
export interface ExternalChanges {
  /** Events other processes stored, in stored order (what online state such as DUVE must fold). */
  readonly events: readonly InteractionEvent[];
  /** Rows applied to the read indexes by this call: new users, written items, new queries, events. */
  readonly applied: StoreCounts;
  /** Rows remain past this call's budget: call again (after yielding to the event loop). */
  readonly more: boolean;
}

export interface GraphStore {
  readonly kind: 'embedded' | 'neo4j';
  /** Decay half-life of `ItemStats.decayed`, in ms. */
  readonly statsHalfLifeMs: number;

  /** Create tables / constraints / indexes. Idempotent; safe on every boot. */
  migrate(): Promise<void>;

  /** Insert or replace by id. Resolves once durable. Returns how many records were written. */
  upsertUsers(users: readonly UserRecord[]): Promise<number>;
  upsertItems(items: readonly ItemRecord[]): Promise<number>;
  upsertQueries(queries: readonly QueryRecord[]): Promise<number>;
  /** Insert or replace categories by id, with their parent edge (a parent id needs no record of its own). */
  upsertCategories(categories: readonly CategoryRecord[]): Promise<number>;

  /**
   * Store a batch of already-validated events atomically: all or nothing. Resolves only once the
   * batch is durable. Unknown users and items are created as bare nodes (an item created this way
   * is available, untitled, with createdAt = the event's ts). A `search` event with a query adds
   * User-SEARCHED->Query, and Query-LED_TO->Item when it names an item.
   */
  ingestEvents(events: readonly InteractionEvent[]): Promise<IngestResult>;

  getUsers(ids: readonly string[]): Promise<Map<string, UserRecord>>;
  getItems(ids: readonly string[]): Promise<Map<string, ItemRecord>>;
  getQueries(texts: readonly string[]): Promise<Map<string, QueryRecord>>;

  /** One call per feed request: profile, recent history, purchased set. */
  userProfile(userId: string, historyLimit: number): Promise<UserProfile>;

  /** Co-interaction neighbourhood of the seeds (see Neighbourhood). */
  neighbourhood(seedItemIds: readonly string[], opts?: NeighbourhoodOptions): Promise<Neighbourhood>;

  /**
   * Statistics for each item (missing ids are absent from the map). Decayed values are as of the
   * newest event in the store (data time), so a replayed historical log ranks as it did then.
   */
  itemStats(itemIds: readonly string[]): Promise<Map<string, ItemStats>>;

  /** Available items with the largest decayed interaction count (impressions excluded). */
  trending(limit: number): Promise<string[]>;
  /** Available items with the newest createdAt. */
  fresh(limit: number): Promise<string[]>;

  /**
   * Every stored item interaction (impressions and searches excluded), in pages of at most
   * `pageSize`, in no particular order: how online state (DUVE) is rebuilt at boot. A page is
   * read in one call; writes between pages may or may not be seen.
   */
  scanInteractions(pageSize: number): AsyncIterable<readonly UserInteraction[]>;

  /**
   * Every stored search event with query text, in pages of at most `pageSize`, in no particular
   * order (how graph training reads User-SEARCHED->Query and Query-LED_TO->Item with their times).
   * Same paging guarantees as scanInteractions.
   */
  scanSearches(pageSize: number): AsyncIterable<readonly SearchRecord[]>;

  /**
   * Every stored `ad_click` and `selling_point_click` event, in pages of at most `pageSize`, in
   * stored order for the embedded store and by event id for Neo4j (the MTL-ads training log).
   * Same paging guarantees as scanInteractions.
   */
  scanAdEvents(pageSize: number): AsyncIterable<readonly AdEventRecord[]>;

  /**
   * For every requested id, its category chain from the root down to and including the id itself
   * (`a.b.c` -> [`a`, `a.b`, `a.b.c`]). An id without a record gives `[id]`; a parent cycle is cut
   * where it would repeat an id; chains stop at MAX_CATEGORY_DEPTH ids. One call per request.
   */
  categoryAncestors(ids: readonly string[]): Promise<Map<string, readonly string[]>>;

  /**
   * The most popular available items of each requested category, counting the items of its
   * descendant categories too: by decayed interaction count (trending order, impressions
   * excluded), ties by id, at most `limit` per category. Unknown or empty categories map to [].
   */
  categoryItems(categoryIds: readonly string[], limit: number): Promise<Map<string, string[]>>;

  /** Timestamp of the newest stored event (ms), 0 when empty. */
  latestEventTs(): Promise<number>;
  counts(): Promise<StoreCounts>;

  /**
   * Apply at most `maxRows` rows that other processes (an importer, another gateway) committed
   * since the last call to this instance's read state, skipping its own writes. Only adapters
   * that keep read state in the process have it (embedded); Neo4j reads go to the server.
   */
  syncExternal?(maxRows: number): Promise<ExternalChanges>;

  /** Flush and release. Further calls fail. */
  close(): Promise<void>;
}
