/** The IRA SQLite file (IRA_DB_PATH): versions, flags and the decision log share one handle. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type IraDb = Database.Database;

/** Open (and create with its folder) the file; ':memory:' for a private in-memory database. */
export function openIraDb(path: string, o: { readonly readonly?: boolean } = {}): IraDb {
  if (path !== ':memory:' && !o.readonly) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, o.readonly ? { readonly: true, fileMustExist: true } : {});
  db.pragma('busy_timeout = 5000');
  if (!o.readonly) db.pragma('journal_mode = WAL');
  return db;
}
