/**
 * SQLite writes of the embedded graph store: prepared statements and one transaction per call.
 * Nothing here touches the in-memory read indexes; the caller applies the returned changes to
 * them only after the transaction committed, so a failed write leaves both sides unchanged.
 */
import type { InteractionEvent } from '../../domain/events';
import { termsOf } from '../../domain/events';
import type { ItemRecord, QueryRecord, UserRecord } from '../../domain/catalog';
import type { Statement } from 'better-sqlite3';
import type { SqliteDb } from './schema';

/** What a committed event batch changed. */
export interface EventWriteResult {
  /** Input positions of the events stored by this call, ascending. */
  readonly inserted: readonly number[];
  /** Ids of events already stored (or repeated earlier in the batch), in input order. */
  readonly duplicates: readonly string[];
  /** Users created as bare nodes. */
  readonly newUsers: readonly string[];
  /** Items created as bare nodes, with their createdAt. */
  readonly newItems: readonly { readonly id: string; readonly createdAt: number }[];
  /** How many Query rows this batch created. */
  readonly newQueries: number;
}

/** Whether the user / item of input event `j` already has a row (the read index mirrors the tables). */
export interface KnownRows {
  user(j: number): boolean;
  item(j: number): boolean;
}

/** Rows per multi-row INSERT of events (11 parameters each). */
const EVENT_CHUNK = 64;
const EVENT_COLUMNS = 'event_id, user_id, type, item_id, ts, value, dwell_ms, session, referrer, query, keyword';

export interface SqlWriter {
  upsertUsers(users: readonly UserRecord[]): void;
  upsertItems(items: readonly ItemRecord[]): void;
  /** Returns how many of the queries were new. */
  upsertQueries(queries: readonly QueryRecord[]): number;
  insertEvents(events: readonly InteractionEvent[], known: KnownRows): EventWriteResult;
}

/** Prepare the statements (the schema must be migrated) and return the transactional writers. */
export function createSqlWriter(db: SqliteDb): SqlWriter {
  const upsertUser = db.prepare(
    `INSERT INTO users (id, demographics, preferences) VALUES (?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET demographics = excluded.demographics, preferences = excluded.preferences`,
  );
  const bareUser = db.prepare(`INSERT INTO users (id, demographics, preferences) VALUES (?, '{}', '[]') ON CONFLICT (id) DO NOTHING`);
  const upsertItem = db.prepare(
    `INSERT INTO items (id, title, categories, brand, price, available, created_at, selling_points) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET title = excluded.title, categories = excluded.categories,
       brand = excluded.brand, price = excluded.price, available = excluded.available,
       created_at = excluded.created_at, selling_points = excluded.selling_points`,
  );
  const bareItem = db.prepare(
    `INSERT INTO items (id, title, categories, brand, price, available, created_at)
     VALUES (?, '', '[]', NULL, NULL, 1, ?) ON CONFLICT (id) DO NOTHING`,
  );
  const deleteItemCategories = db.prepare(`DELETE FROM item_category WHERE item_id = ?`);
  const insertItemCategory = db.prepare(`INSERT INTO item_category (item_id, category) VALUES (?, ?) ON CONFLICT DO NOTHING`);
  const upsertQuery = db.prepare(`INSERT INTO queries (text, terms) VALUES (?, ?) ON CONFLICT (text) DO UPDATE SET terms = excluded.terms`);
  const queryExists = db.prepare(`SELECT 1 FROM queries WHERE text = ?`).pluck();
  const bareQuery = db.prepare(`INSERT INTO queries (text, terms) VALUES (?, ?) ON CONFLICT (text) DO NOTHING`);
  const deleteQueryTerms = db.prepare(`DELETE FROM query_terms WHERE query = ?`);
  const insertQueryTerm = db.prepare(`INSERT INTO query_terms (term, query) VALUES (?, ?) ON CONFLICT DO NOTHING`);
  /** INSERT of `rows` events returning the ids actually inserted (prepared once per size). */
  const insertEventStmts = new Map<number, Statement>();
  const insertEventsStmt = (rows: number): Statement => {
    let st = insertEventStmts.get(rows);
    if (st === undefined) {
      const tuple = `(${new Array(11).fill('?').join(', ')})`;
      st = db.prepare(
        `INSERT INTO events (${EVENT_COLUMNS}) VALUES ${new Array(rows).fill(tuple).join(', ')}
         ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      );
      insertEventStmts.set(rows, st.pluck());
    }
    return st;
  };
  /** Insert the events; return the ids stored (each once). */
  const insertRows = (events: readonly InteractionEvent[]): Set<string> => {
    const stored = new Set<string>();
    for (let start = 0; start < events.length; start += EVENT_CHUNK) {
      const end = Math.min(events.length, start + EVENT_CHUNK);
      const params: unknown[] = [];
      for (let j = start; j < end; j++) {
        const e = events[j] as InteractionEvent;
        params.push(e.eventId, e.userId, e.type, e.itemId, e.ts, e.value, e.dwellMs, e.session, e.referrer, e.query, e.keyword ?? null);
      }
      for (const id of insertEventsStmt(end - start).all(params)) stored.add(id as string);
    }
    return stored;
  };
  const ledTo = db.prepare(
    `INSERT INTO query_item (query, item_id, count) VALUES (?, ?, 1)
     ON CONFLICT (query, item_id) DO UPDATE SET count = count + 1`,
  );

  const writeTerms = (text: string, terms: readonly string[]): void => {
    deleteQueryTerms.run(text);
    for (const t of terms) insertQueryTerm.run(t, text);
  };

  const usersTx = db.transaction((users: readonly UserRecord[]) => {
    for (const u of users) upsertUser.run(u.id, JSON.stringify(u.demographics), JSON.stringify(u.preferences));
  });

  const itemsTx = db.transaction((items: readonly ItemRecord[]) => {
    for (const it of items) {
      upsertItem.run(
        it.id,
        it.title,
        JSON.stringify(it.categories),
        it.brand,
        it.price,
        it.available ? 1 : 0,
        it.createdAt,
        it.sellingPoints && it.sellingPoints.length > 0 ? JSON.stringify(it.sellingPoints) : null,
      );
      deleteItemCategories.run(it.id);
      for (const c of it.categories) insertItemCategory.run(it.id, c);
    }
  });

  const queriesTx = db.transaction((queries: readonly QueryRecord[]): number => {
    let created = 0;
    for (const q of queries) {
      if (queryExists.get(q.text) === undefined) created++;
      upsertQuery.run(q.text, JSON.stringify(q.terms));
      writeTerms(q.text, q.terms);
    }
    return created;
  });

  const eventsTx = db.transaction((events: readonly InteractionEvent[], known: KnownRows): EventWriteResult => {
    const stored = insertRows(events);
    const inserted: number[] = [];
    const duplicates: string[] = [];
    const newUsers: string[] = [];
    const newItems: { id: string; createdAt: number }[] = [];
    const seenUsers = new Set<string>();
    const seenItems = new Set<string>();
    let newQueries = 0;
    events.forEach((e, j) => {
      // The first occurrence of a stored id is the inserted one; any later one is a duplicate.
      if (!stored.delete(e.eventId)) {
        duplicates.push(e.eventId);
        return;
      }
      inserted.push(j);
      if (!known.user(j) && !seenUsers.has(e.userId)) {
        seenUsers.add(e.userId);
        if (bareUser.run(e.userId).changes > 0) newUsers.push(e.userId);
      }
      if (e.itemId !== null && !known.item(j) && !seenItems.has(e.itemId)) {
        seenItems.add(e.itemId);
        if (bareItem.run(e.itemId, e.ts).changes > 0) newItems.push({ id: e.itemId, createdAt: e.ts });
      }
      if (e.type === 'search' && e.query !== null) {
        const terms = termsOf(e.query);
        if (bareQuery.run(e.query, JSON.stringify(terms)).changes > 0) {
          newQueries++;
          writeTerms(e.query, terms);
        }
        if (e.itemId !== null) ledTo.run(e.query, e.itemId);
      }
    });
    return { inserted, duplicates, newUsers, newItems, newQueries };
  });

  return {
    upsertUsers: (users) => usersTx(users),
    upsertItems: (items) => itemsTx(items),
    upsertQueries: (queries) => queriesTx(queries),
    insertEvents: (events, known) => eventsTx(events, known),
  };
}
