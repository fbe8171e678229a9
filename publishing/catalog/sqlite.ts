/**
 * The published-scorer catalog in a SQLite file (PUBLISHED_DB_PATH; the embedded default).
 *
 * Three tables: `catalog_doc` (one row: revision and the document's JSON), `catalog_changes`
 * (revision -> the change's JSON) and `catalog_blobs` (sha256 -> bytes). A write is one
 * `BEGIN IMMEDIATE` transaction (check the revision, replace the document, append the change),
 * so two processes on one file serialise on SQLite's write lock and exactly one of two writers at
 * the same revision wins; a writer waits up to `busyTimeoutMs` for the lock, then fails with
 * CATALOG_UNAVAILABLE. WAL with synchronous=FULL: an acknowledged write survives a power cut.
 * The schema is versioned with `PRAGMA user_version` and migrated on open.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ErrorCode } from '../../errors/codes';
import { CodedError } from '../../errors/errors';
import { changeRecord, checkBytes, checkLimit, checkRevision, checkSha256, guard, sha256Hex, toJson, verifiedBlob } from './common';
import { EMPTY_CATALOG, type CatalogChange, type CatalogDoc, type CatalogStore } from './port';

export interface SqliteCatalogOptions {
  /** How long a write waits for another connection's write lock before CATALOG_UNAVAILABLE, ms. Default 5,000. */
  readonly busyTimeoutMs?: number;
}

/** Schema migrations, in order: migration i takes `user_version` from i to i + 1. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE catalog_doc (id INTEGER PRIMARY KEY CHECK (id = 1), revision INTEGER NOT NULL, json TEXT NOT NULL);
   CREATE TABLE catalog_changes (revision INTEGER PRIMARY KEY, json TEXT NOT NULL);
   CREATE TABLE catalog_blobs (sha256 TEXT PRIMARY KEY, bytes BLOB NOT NULL);`,
];

function migrate(db: Database.Database): void {
  // IMMEDIATE: two processes opening a new file at once do not both create the tables.
  db.transaction(() => {
    const at = db.pragma('user_version', { simple: true }) as number;
    if (at > MIGRATIONS.length) throw new Error(`the file's catalog schema (version ${at}) is newer than this gateway's (version ${MIGRATIONS.length})`);
    for (let v = at; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!);
    if (at < MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}

function openDb(path: string, busyTimeoutMs: number): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Open (creating the folder, the file and the tables) the catalog in the SQLite file at `path`. */
export function openSqliteCatalog(path: string, opts: SqliteCatalogOptions = {}): CatalogStore {
  const busyTimeoutMs = opts.busyTimeoutMs ?? 5_000;
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) throw new RangeError(`busyTimeoutMs must be a non-negative integer (got ${busyTimeoutMs})`);
  let db: Database.Database;
  try {
    db = openDb(path, busyTimeoutMs);
  } catch (err) {
    const message = String((err as { message?: unknown } | null)?.message ?? err);
    throw new CodedError(ErrorCode.CATALOG_UNAVAILABLE, `catalog open failed (${path}): ${message}`, { operation: 'open' });
  }

  const readDoc = db.prepare('SELECT revision, json FROM catalog_doc WHERE id = 1');
  const readRevision = db.prepare('SELECT revision FROM catalog_doc WHERE id = 1').pluck();
  const upsertDoc = db.prepare('INSERT INTO catalog_doc (id, revision, json) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET revision = excluded.revision, json = excluded.json');
  const insertChange = db.prepare('INSERT INTO catalog_changes (revision, json) VALUES (?, ?)');
  const changesAfter = db.prepare('SELECT revision, json FROM catalog_changes WHERE revision > ? ORDER BY revision LIMIT ?');
  const insertBlob = db.prepare('INSERT OR IGNORE INTO catalog_blobs (sha256, bytes) VALUES (?, ?)');
  const readBlob = db.prepare('SELECT bytes FROM catalog_blobs WHERE sha256 = ?').pluck();
  const writeTx = db.transaction((expected: number, docJson: string, changeJson: string): boolean => {
    const current = (readRevision.get() as number | undefined) ?? 0;
    if (current !== expected) return false;
    upsertDoc.run(expected + 1, docJson);
    insertChange.run(expected + 1, changeJson);
    return true;
  });

  let closed = false;
  const run = <T>(operation: string, fn: () => T): Promise<T> =>
    guard(operation, () => {
      if (closed) throw new Error('the catalog store is closed');
      return fn();
    });

  return {
    kind: 'sqlite',
    read: () =>
      run('read', () => {
        const row = readDoc.get() as { revision: number; json: string } | undefined;
        return row ? { revision: row.revision, doc: JSON.parse(row.json) as CatalogDoc } : { revision: 0, doc: EMPTY_CATALOG };
      }),
    async write(expected, doc, change) {
      checkRevision('expected', expected);
      const docJson = toJson('doc', doc);
      const changeJson = toJson('change', change);
      // `.immediate`: take the write lock before reading the revision, so the check and the write see one state.
      return run('write', () => writeTx.immediate(expected, docJson, changeJson));
    },
    async changesSince(after, limit) {
      checkRevision('after', after);
      const max = checkLimit(limit);
      return run('changesSince', () => (changesAfter.all(after, max) as { revision: number; json: string }[]).map((r) => changeRecord(JSON.parse(r.json) as CatalogChange, r.revision)));
    },
    async putBlob(bytes) {
      const sha256 = sha256Hex(checkBytes(bytes));
      return run('putBlob', () => {
        insertBlob.run(sha256, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        return { sha256, bytes: bytes.byteLength };
      });
    },
    async getBlob(sha256) {
      checkSha256(sha256);
      return run('getBlob', () => {
        const stored = readBlob.get(sha256) as Buffer | undefined;
        return stored === undefined ? null : verifiedBlob(sha256, stored);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
