/**
 * Embedded GraphStore (the default adapter): a SQLite file (better-sqlite3, WAL) as the system of
 * record, plus in-memory read indexes that answer the request path.
 *
 * Writes run in one SQLite transaction per call and resolve after it committed (with
 * synchronous=FULL, after the WAL was fsynced); only then are the in-memory indexes updated, so
 * a failed write changes nothing. On open, the indexes are rebuilt from the tables.
 * Semantics of interactions vs impressions vs searches: see ./memory.ts.
 */
import { CodedError } from '../../errors/errors';
import { ErrorCode } from '../../errors/codes';
import type { CategoryRecord, ItemRecord, QueryRecord, UserRecord } from '../../domain/catalog';
import { eventTypeIndex, type InteractionEvent } from '../../domain/events';
import type { GraphStore, IngestResult, UserProfile } from '../port';
import { createCategoryIndex, type CategoryIndex } from './categories';
import { createCategoryItems } from './category-items';
import { bareItem, type MemoryIndex } from './memory';
import { loadIndex, userFromRow } from './load';
import { createNeighbourhoodWalker } from './neighbourhood';
import { createRankings, itemStats } from './rankings';
import { migrateDatabase, openDatabase, type SqliteDb } from './schema';
import { createSqlWriter, type SqlWriter } from './writes';
import { createStoreTail, type StoreTail } from './tail';
import { admit, checkRows, DEFAULT_STORE_CEILING, validateCeiling, type StoreCeiling } from './ceiling';

/** Default half-life of decayed item statistics: 7 days. */
export const DEFAULT_STATS_HALF_LIFE_MS = 7 * 24 * 3600 * 1000;

export interface EmbeddedGraphStoreOptions {
  /** SQLite file path (created when missing). */
  readonly path: string;
  /** Half-life of decayed item statistics in ms. Default 7 days. */
  readonly statsHalfLifeMs?: number;
  /** SQLite fsync policy. Default 'FULL' (a resolved write survives power loss). */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /** Row ceilings past which growth is refused with STORE_FULL. Default DEFAULT_STORE_CEILING (per field). */
  readonly ceiling?: Partial<StoreCeiling>;
  /** How long a category's best-seller list is reused after new interactions arrive (ms). Default 5000; 0: recomputed after every write (deterministic replays). */
  readonly categoryCacheMs?: number;
}

/**
 * Open (or create) the store at `opts.path`, run its migrations and rebuild the read indexes.
 * Defaults: statsHalfLifeMs 7 days, synchronous 'FULL'.
 */
export async function createEmbeddedGraphStore(opts: EmbeddedGraphStoreOptions): Promise<GraphStore> {
  const halfLife = opts.statsHalfLifeMs ?? DEFAULT_STATS_HALF_LIFE_MS;
  if (!(halfLife > 0) || !Number.isFinite(halfLife)) {
    throw new CodedError(ErrorCode.CONFIG_INVALID, `statsHalfLifeMs must be a positive number, got ${halfLife}`);
  }
  const ceiling = validateCeiling({ ...DEFAULT_STORE_CEILING, ...opts.ceiling });
  const db = openDatabase({ path: opts.path, synchronous: opts.synchronous ?? 'FULL' });
  let ix: MemoryIndex;
  let writer: SqlWriter;
  let categories: CategoryIndex;
  let tail: StoreTail;
  try {
    migrateDatabase(db);
    writer = createSqlWriter(db);
    // One read transaction: the tail starts exactly where the loaded rows end (./tail.ts).
    [ix, tail] = db.transaction(() => {
      const loaded = loadIndex(db, halfLife);
      return [loaded, createStoreTail(db, loaded)] as const;
    })();
    categories = createCategoryIndex(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return assemble(db, writer, ix, categories, tail, halfLife, ceiling, opts.categoryCacheMs);
}

function assemble(db: SqliteDb, writer: SqlWriter, ix: MemoryIndex, categories: CategoryIndex, tail: StoreTail, halfLife: number, ceiling: StoreCeiling, categoryCacheMs?: number): GraphStore {
  const walk = createNeighbourhoodWalker(ix);
  const rankings = createRankings(ix);
  const categoryItems = createCategoryItems(db, ix, categories, categoryCacheMs !== undefined ? { maxAgeMs: categoryCacheMs } : {});
  const selectUser = db.prepare('SELECT id, demographics, preferences FROM users WHERE id = ?').raw();
  const selectQuery = db.prepare('SELECT text, terms FROM queries WHERE text = ?').raw();
  const eventStored = db.prepare('SELECT 1 FROM events WHERE event_id = ?').pluck();
  const adPage = db
    .prepare(`SELECT rowid, event_id, user_id, type, item_id, ts, query, keyword FROM events WHERE rowid > ? AND type IN ('ad_click', 'selling_point_click') ORDER BY rowid LIMIT ?`)
    .raw();
  const searchPage = db.prepare(`SELECT rowid, user_id, query, ts, item_id FROM events WHERE rowid > ? AND type = 'search' AND query IS NOT NULL ORDER BY rowid LIMIT ?`).raw();
  const rows = () => ({ users: ix.users.size, items: ix.items.size, events: ix.eventCount });
  /** Distinct ids not interned yet (rows an upsert would create). */
  const newIds = (ids: Iterable<string>, known: { get(id: string): number }): number => {
    const fresh = new Set<string>();
    for (const id of ids) if (known.get(id) < 0) fresh.add(id);
    return fresh.size;
  };
  let closed = false;

  const open = (): void => {
    if (closed) throw new CodedError(ErrorCode.STORE_UNAVAILABLE, 'graph store is closed');
  };
  /** Run a SQLite write; failures become STORE_UNAVAILABLE (nothing was acknowledged). */
  const write = <T>(what: string, fn: () => T): T => {
    open();
    try {
      return fn();
    } catch (err) {
      throw new CodedError(ErrorCode.STORE_UNAVAILABLE, `graph store refused ${what}: ${(err as Error).message}`, {
        cause: (err as Error).message,
      });
    }
  };
  const getUser = (id: string): UserRecord | null => {
    const row = selectUser.get(id) as [string, string, string] | undefined;
    return row === undefined ? null : userFromRow(row);
  };

  return {
    kind: 'embedded',
    statsHalfLifeMs: halfLife,

    async migrate() {
      open();
      migrateDatabase(db);
    },

    async upsertUsers(users: readonly UserRecord[]) {
      open();
      checkRows(
        'users',
        newIds(
          users.map((u) => u.id),
          ix.users,
        ),
        rows(),
        ceiling,
      );
      write('users', () => tail.local(() => writer.upsertUsers(users)));
      for (const u of users) ix.addUser(u.id);
      return users.length;
    },

    async upsertItems(items: readonly ItemRecord[]) {
      open();
      checkRows(
        'items',
        newIds(
          items.map((it) => it.id),
          ix.items,
        ),
        rows(),
        ceiling,
      );
      write('items', () => tail.local(() => writer.upsertItems(items)));
      for (const it of items) ix.putItem(it);
      return items.length;
    },

    async upsertQueries(queries: readonly QueryRecord[]) {
      const created = write('queries', () => tail.local(() => writer.upsertQueries(queries)));
      ix.queryCount += created;
      return queries.length;
    },

    async upsertCategories(records: readonly CategoryRecord[]) {
      write('categories', () => categories.write(records));
      categories.apply(records);
      return records.length;
    },

    async ingestEvents(input): Promise<IngestResult> {
      open();
      const userOf = (e: InteractionEvent): number => ix.users.get(e.userId);
      const itemOf = (e: InteractionEvent): number => (e.itemId === null ? -1 : ix.items.get(e.itemId));
      // Growth past a ceiling is refused per event (./ceiling.ts); the rest is stored as usual.
      const plan = admit(input, rows(), ceiling, {
        knownUser: (j) => userOf(input[j] as InteractionEvent) >= 0,
        knownItem: (j) => itemOf(input[j] as InteractionEvent) >= 0,
        storedEvent: (id) => eventStored.get(id) !== undefined,
      });
      const events = plan.refused.length === 0 ? input : plan.admitted.map((j) => input[j] as InteractionEvent);
      const n = events.length;
      const us = new Int32Array(n);
      const is = new Int32Array(n);
      events.forEach((e, j) => {
        us[j] = userOf(e);
        is[j] = itemOf(e);
      });
      if (n === 0 && plan.refused.length > 0) return { inserted: 0, duplicates: [], refused: plan.refused };
      const r = write('events', () => tail.local(() => writer.insertEvents(events, { user: (j) => (us[j] as number) >= 0, item: (j) => (is[j] as number) >= 0 })));
      for (const u of r.newUsers) ix.addUser(u);
      for (const it of r.newItems) ix.putItem(bareItem(it.id, it.createdAt));
      ix.queryCount += r.newQueries;
      for (const j of r.inserted) {
        const e = events[j] as InteractionEvent;
        let u = us[j] as number;
        // addUser / putItem: another process may have written the row before the tail applied it.
        if (u < 0) u = ix.addUser(e.userId);
        let i = is[j] as number;
        if (i < 0 && e.itemId !== null) i = ix.items.get(e.itemId);
        if (i < 0 && e.itemId !== null) i = ix.putItem(bareItem(e.itemId, e.ts));
        ix.applyResolved(u, i, eventTypeIndex(e.type), e.ts, e.value);
      }
      return plan.refused.length === 0 ? { inserted: r.inserted.length, duplicates: r.duplicates } : { inserted: r.inserted.length, duplicates: r.duplicates, refused: plan.refused };
    },

    async getUsers(ids) {
      open();
      const out = new Map<string, UserRecord>();
      for (const id of ids) {
        const u = out.has(id) ? null : getUser(id);
        if (u !== null) out.set(id, u);
      }
      return out;
    },

    async getItems(ids) {
      open();
      const out = new Map<string, ItemRecord>();
      for (const id of ids) {
        const i = ix.items.get(id);
        const rec = i >= 0 ? ix.records[i] : undefined;
        if (rec !== undefined) out.set(id, rec);
      }
      return out;
    },

    async getQueries(texts) {
      open();
      const out = new Map<string, QueryRecord>();
      for (const text of texts) {
        const row = selectQuery.get(text) as [string, string] | undefined;
        if (row !== undefined) out.set(text, { text: row[0], terms: JSON.parse(row[1]) as string[] });
      }
      return out;
    },

    async userProfile(userId, historyLimit): Promise<UserProfile> {
      open();
      const u = ix.users.get(userId);
      if (u < 0) return { known: false, user: null, history: [], purchased: new Set() };
      const limit = Math.max(0, Math.floor(historyLimit));
      return { known: true, user: getUser(userId), history: ix.history(u, limit), purchased: ix.purchasedIds(u) };
    },

    async neighbourhood(seeds, opts) {
      open();
      return walk(seeds, opts);
    },

    async itemStats(ids) {
      open();
      return itemStats(ix, ids);
    },

    async trending(limit) {
      open();
      return rankings.trending(limit);
    },

    async fresh(limit) {
      open();
      return rankings.fresh(limit);
    },

    async *scanInteractions(pageSize) {
      if (!(Number.isInteger(pageSize) && pageSize > 0)) throw new RangeError(`scanInteractions: pageSize must be a positive integer, got ${pageSize}`);
      for (let from = 0; ; from += pageSize) {
        open();
        if (from >= ix.logSize) return;
        yield ix.logSlice(from, from + pageSize);
      }
    },

    async *scanSearches(pageSize) {
      if (!(Number.isInteger(pageSize) && pageSize > 0)) throw new RangeError(`scanSearches: pageSize must be a positive integer, got ${pageSize}`);
      for (let after = 0; ;) {
        open();
        const page = searchPage.all(after, pageSize) as [number, string, string, number, string | null][];
        if (page.length === 0) return;
        after = page[page.length - 1]![0];
        yield page.map(([, userId, query, ts, itemId]) => ({ userId, query, ts, itemId }));
        if (page.length < pageSize) return;
      }
    },

    async *scanAdEvents(pageSize) {
      if (!(Number.isInteger(pageSize) && pageSize > 0)) throw new RangeError(`scanAdEvents: pageSize must be a positive integer, got ${pageSize}`);
      for (let after = 0; ;) {
        open();
        const page = adPage.all(after, pageSize) as [number, string, string, 'ad_click' | 'selling_point_click', string, number, string | null, string | null][];
        if (page.length === 0) return;
        after = page[page.length - 1]![0];
        yield page.map(([, eventId, userId, type, itemId, ts, query, keyword]) => ({ eventId, userId, type, itemId, ts, query, keyword }));
        if (page.length < pageSize) return;
      }
    },

    async categoryAncestors(ids) {
      open();
      return categories.ancestors(ids);
    },

    async categoryItems(categoryIds, limit) {
      open();
      return categoryItems.top(categoryIds, limit);
    },

    async syncExternal(maxRows) {
      open();
      return tail.pull(maxRows);
    },

    async latestEventTs() {
      open();
      return ix.latestTs;
    },

    async counts() {
      open();
      return { users: ix.users.size, items: ix.items.size, queries: ix.queryCount, events: ix.eventCount };
    },

    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
