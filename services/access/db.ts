/**
 * The access database: one SQLite file (ACCESS_DB_PATH) holding the API keys (hashes only) and the
 * audit log. The CLI writes keys; every gateway reads them and notices another process's commit
 * through `PRAGMA data_version`, so a created, rotated or revoked key takes effect on the next
 * request without a restart and without polling.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type AccessDb = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  segments TEXT,
  key_sha256 TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  rotated_at TEXT,
  revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS audit_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  ts TEXT NOT NULL,
  key_id TEXT NOT NULL,
  key_name TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL,
  outcome TEXT NOT NULL
);
`;

/** Open (creating file, folder and tables) the access database. WAL; NORMAL sync keeps a commit per audited write cheap. */
export function openAccessDb(path: string): AccessDb {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  return db;
}

/**
 * A reader of `PRAGMA data_version`, which changes whenever another connection commits to the file
 * (not on this connection's own commits). Prepared once: about a microsecond per read.
 */
export function dataVersionReader(db: AccessDb): () => number {
  const stmt = db.prepare('PRAGMA data_version').pluck();
  return () => stmt.get() as number;
}
