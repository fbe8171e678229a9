/**
 * `categoryItems` of the embedded store: the most popular available items of a category and its
 * descendants, by the trending key (decayed interactions). Membership comes from the
 * `item_category` table (indexed by category), popularity from the in-memory index.
 *
 * A list is cached per (category, limit) and reused until the interaction log grows and
 * `maxAgeMs` has passed: a category's best sellers move slowly, and a large category would
 * otherwise be ranked on every request.
 */
import type { CategoryIndex } from './categories';
import { TREND_COL, type MemoryIndex } from './memory';
import type { SqliteDb } from './schema';

export interface CategoryItems {
  top(categoryIds: readonly string[], limit: number): Map<string, string[]>;
}

export function createCategoryItems(db: SqliteDb, ix: MemoryIndex, categories: CategoryIndex, opts: { maxAgeMs?: number } = {}): CategoryItems {
  const maxAge = opts.maxAgeMs ?? 5000;
  const members = db.prepare('SELECT item_id FROM item_category WHERE category = ?').pluck();
  const cache = new Map<string, { at: number; logSize: number; ids: string[] }>();

  const rank = (category: string, limit: number): string[] => {
    const seen = new Set<number>();
    const pool: number[] = [];
    for (const c of categories.subtree(category)) {
      for (const id of members.iterate(c) as IterableIterator<string>) {
        const i = ix.items.get(id);
        if (i < 0 || seen.has(i) || ix.available[i] !== 1) continue;
        seen.add(i);
        pool.push(i);
      }
    }
    const keys = new Map(pool.map((i) => [i, ix.decayed.rankKey(i, TREND_COL)] as const));
    pool.sort((a, b) => keys.get(b)! - keys.get(a)! || (ix.items.name(a) < ix.items.name(b) ? -1 : 1));
    return pool.slice(0, limit).map((i) => ix.items.name(i));
  };

  return {
    top(categoryIds, limit) {
      const out = new Map<string, string[]>();
      const now = Date.now();
      for (const c of categoryIds) {
        if (out.has(c)) continue;
        const key = `${limit}\u0000${c}`;
        const hit = cache.get(key);
        if (hit && (hit.logSize === ix.logSize || now - hit.at < maxAge)) {
          out.set(c, hit.ids);
          continue;
        }
        const ids = rank(c, limit);
        if (cache.size > 10_000) cache.clear();
        cache.set(key, { at: now, logSize: ix.logSize, ids });
        out.set(c, ids);
      }
      return out;
    },
  };
}
