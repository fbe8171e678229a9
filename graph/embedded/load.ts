/** Rebuild the in-memory read indexes from the SQLite tables (on open). */
import type { SqliteDb } from './schema';
import { MemoryIndex } from './memory';
import type { ItemRecord, UserRecord } from '../../domain/catalog';

type ItemRow = [string, string, string, string | null, number | null, number, number, string | null];

/** Map an `items` row (id, title, categories, brand, price, available, created_at, selling_points). */
export function itemFromRow(row: ItemRow): ItemRecord {
  const [id, title, categories, brand, price, available, createdAt, sellingPoints] = row;
  const base = { id, title, categories: JSON.parse(categories) as string[], brand, price, available: available === 1, createdAt };
  return sellingPoints === null || sellingPoints === undefined ? base : { ...base, sellingPoints: JSON.parse(sellingPoints) as string[] };
}

/** Map a `users` row (id, demographics, preferences). */
export function userFromRow(row: [string, string, string]): UserRecord {
  const [id, demographics, preferences] = row;
  return {
    id,
    demographics: JSON.parse(demographics) as Record<string, string>,
    preferences: JSON.parse(preferences) as string[],
  };
}

export const ITEM_COLUMNS = 'id, title, categories, brand, price, available, created_at, selling_points';

/** A fresh index holding everything the tables hold; events replay in stored order. */
export function loadIndex(db: SqliteDb, halfLifeMs: number): MemoryIndex {
  const ix = new MemoryIndex(halfLifeMs);
  const count = (table: string): number => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
  ix.reserve(count('events'), count('items'));
  for (const row of db.prepare('SELECT id FROM users').pluck().iterate()) ix.addUser(row as string);
  for (const row of db.prepare(`SELECT ${ITEM_COLUMNS} FROM items`).raw().iterate()) ix.putItem(itemFromRow(row as ItemRow));
  ix.queryCount = count('queries');
  const events = db.prepare('SELECT user_id, type, item_id, ts, value FROM events ORDER BY rowid').raw();
  // A full scan gains nothing from a large page cache: keep it small meanwhile (less RSS).
  const cacheSize = Number(db.pragma('cache_size', { simple: true }));
  db.pragma('cache_size = -2048');
  try {
    for (const row of events.iterate()) {
      const [userId, type, itemId, ts, value] = row as [string, string, string | null, number, number];
      ix.applyEvent(userId, type, itemId, ts, value);
    }
  } finally {
    db.pragma(`cache_size = ${Math.trunc(cacheSize)}`);
  }
  return ix;
}
