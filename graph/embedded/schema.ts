/**
 * SQLite schema of the embedded graph store and its migrations.
 *
 * Tables: users, items (+ item_category), queries (+ query_terms), events (one row per stored
 * event, idempotent by event_id), query_item (Query-LED_TO->Item counts), categories (id, parent, name). The events table is a
 * rowid table, so a scan in rowid order replays the events in the order they were stored; that is
 * how the in-memory read indexes are rebuilt on open.
 */
import Database from 'better-sqlite3';

export type SqliteDb = Database.Database;

/** Applied in order; `PRAGMA user_version` records how many ran. Append only. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    id           TEXT NOT NULL PRIMARY KEY,
    demographics TEXT NOT NULL,
    preferences  TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE items (
    id         TEXT NOT NULL PRIMARY KEY,
    title      TEXT NOT NULL,
    categories TEXT NOT NULL,
    brand      TEXT,
    price      REAL,
    available  INTEGER NOT NULL,
    created_at REAL NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE item_category (
    item_id  TEXT NOT NULL,
    category TEXT NOT NULL,
    PRIMARY KEY (item_id, category)
  ) WITHOUT ROWID;
  CREATE INDEX item_category_by_category ON item_category (category, item_id);
  CREATE TABLE queries (
    text  TEXT NOT NULL PRIMARY KEY,
    terms TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE query_terms (
    term  TEXT NOT NULL,
    query TEXT NOT NULL,
    PRIMARY KEY (term, query)
  ) WITHOUT ROWID;
  CREATE TABLE events (
    event_id TEXT NOT NULL UNIQUE,
    user_id  TEXT NOT NULL,
    type     TEXT NOT NULL,
    item_id  TEXT,
    ts       REAL NOT NULL,
    value    REAL NOT NULL,
    dwell_ms REAL,
    session  TEXT,
    referrer TEXT,
    query    TEXT
  );
  CREATE TABLE query_item (
    query   TEXT NOT NULL,
    item_id TEXT NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (query, item_id)
  ) WITHOUT ROWID;
  `,
  // The category hierarchy: parent is the next category up (NULL for a root), not a foreign key
  // (a parent may be named before its own record is written).
  `
  CREATE TABLE categories (
    id     TEXT NOT NULL PRIMARY KEY,
    parent TEXT,
    name   TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  // Change feed of the catalogue for the store tail (./tail.ts): one row per user, item and query
  // key, re-inserted with a higher seq each time the row is written (any writer: the triggers run
  // in every process). AUTOINCREMENT keeps seq increasing across the delete + insert.
  `
  CREATE TABLE store_changes (
    seq  INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    key  TEXT NOT NULL
  );
  CREATE UNIQUE INDEX store_changes_by_key ON store_changes (kind, key);
  CREATE TRIGGER users_changed AFTER INSERT ON users BEGIN
    DELETE FROM store_changes WHERE kind = 'user' AND key = NEW.id;
    INSERT INTO store_changes (kind, key) VALUES ('user', NEW.id);
  END;
  CREATE TRIGGER items_inserted AFTER INSERT ON items BEGIN
    DELETE FROM store_changes WHERE kind = 'item' AND key = NEW.id;
    INSERT INTO store_changes (kind, key) VALUES ('item', NEW.id);
  END;
  CREATE TRIGGER items_updated AFTER UPDATE ON items BEGIN
    DELETE FROM store_changes WHERE kind = 'item' AND key = NEW.id;
    INSERT INTO store_changes (kind, key) VALUES ('item', NEW.id);
  END;
  CREATE TRIGGER queries_inserted AFTER INSERT ON queries BEGIN
    DELETE FROM store_changes WHERE kind = 'query' AND key = NEW.text;
    INSERT INTO store_changes (kind, key) VALUES ('query', NEW.text);
  END;
  `,
  // MTL-ads: the keyword a selling_point_click clicked, and an item's explicit selling points (JSON
  // array text, NULL when none were declared).
  `
  ALTER TABLE events ADD COLUMN keyword TEXT;
  ALTER TABLE items ADD COLUMN selling_points TEXT;
  `,
];

export interface OpenOptions {
  readonly path: string;
  readonly synchronous: 'FULL' | 'NORMAL';
}

/** Open the database file in WAL mode with the requested fsync policy. */
export function openDatabase(opts: OpenOptions): SqliteDb {
  const db = new Database(opts.path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${opts.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
    db.pragma('busy_timeout = 5000');
    // Checkpoint the WAL every ~40 MB instead of 4 MB: random event-id index pages rewritten by
    // consecutive batches are copied to the main file once instead of once per batch.
    db.pragma('wal_autocheckpoint = 10000');
    db.pragma('cache_size = -65536');
    db.pragma('temp_store = MEMORY');
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** Run the migrations not yet applied, each in its own transaction. Idempotent. */
export function migrateDatabase(db: SqliteDb): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < MIGRATIONS.length; v++) {
    const sql = MIGRATIONS[v] as string;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
