/**
 * The category hierarchy of the embedded store: the `categories` table (id, parent, name) as the
 * record, and an in-memory parent map, read on open, that answers `categoryAncestors`.
 *
 * Another process (an importer) may add categories to the same file while a gateway runs. An id
 * the map lacks is therefore looked up in the table once; ids found nowhere are remembered until
 * `PRAGMA data_version` says another connection committed, so a category-less catalogue (items
 * whose categories have no record) costs no SQLite reads per request.
 */
import type { CategoryRecord } from '../../domain/catalog';
import { categoryChains } from '../category-chains';
import type { SqliteDb } from './schema';

export interface CategoryIndex {
  /** Write the records in one transaction (throws on failure; the map is then unchanged). */
  write(categories: readonly CategoryRecord[]): void;
  /** Apply committed records to the map. */
  apply(categories: readonly CategoryRecord[]): void;
  /** Root-first chains (see GraphStore.categoryAncestors). */
  ancestors(ids: readonly string[]): Map<string, readonly string[]>;
  /** The id and every category below it (known to this process), the id first. */
  subtree(id: string): string[];
}

/** Load the table into memory and prepare the statements (the schema must be migrated). */
export function createCategoryIndex(db: SqliteDb): CategoryIndex {
  const parents = new Map<string, string | null>();
  const selectAll = db.prepare('SELECT id, parent FROM categories').raw();
  const loadParents = (): void => {
    for (const row of selectAll.iterate()) {
      const [id, parent] = row as [string, string | null];
      parents.set(id, parent);
    }
  };
  loadParents();
  const upsert = db.prepare(
    `INSERT INTO categories (id, parent, name) VALUES (?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET parent = excluded.parent, name = excluded.name`,
  );
  const selectParent = db.prepare('SELECT parent FROM categories WHERE id = ?').raw();
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const tx = db.transaction((categories: readonly CategoryRecord[]) => {
    for (const c of categories) upsert.run(c.id, c.parent, c.name);
  });
  const missing = new Set<string>();
  let version = dataVersion.get() as number;
  // Children, derived from `parents` on demand; dropped whenever the parent map changes.
  let children: Map<string, string[]> | null = null;
  const refresh = (): void => {
    const v = dataVersion.get() as number;
    if (v === version) return;
    version = v;
    missing.clear();
    // Another connection committed: re-read the table so new children are seen.
    loadParents();
    children = null;
  };

  const parentOf = (id: string): string | null => {
    const known = parents.get(id);
    if (known !== undefined) return known;
    if (missing.has(id)) return null;
    const row = selectParent.get(id) as [string | null] | undefined;
    if (row === undefined) {
      missing.add(id);
      return null;
    }
    parents.set(id, row[0]);
    return row[0];
  };

  return {
    write: (categories) => tx(categories),
    apply(categories) {
      for (const c of categories) {
        parents.set(c.id, c.parent);
        missing.delete(c.id);
      }
      children = null;
    },
    ancestors(ids) {
      refresh();
      return categoryChains(ids, parentOf);
    },
    subtree(id) {
      refresh();
      if (children === null) {
        children = new Map();
        for (const [c, p] of parents) {
          if (p === null) continue;
          const l = children.get(p);
          if (l) l.push(c);
          else children.set(p, [c]);
        }
      }
      const out = [id];
      const seen = new Set(out);
      for (let k = 0; k < out.length; k++) {
        for (const c of children.get(out[k]!) ?? []) {
          if (seen.has(c)) continue;
          seen.add(c);
          out.push(c);
        }
      }
      return out;
    },
  };
}
