/**
 * Category cells of a row -> the item's categories and the hierarchy records behind them. Pure.
 * With a path separator (`.`), `appliances.kitchen.washer` gives the records `appliances`,
 * `appliances.kitchen` (parent `appliances`) and `appliances.kitchen.washer` (parent
 * `appliances.kitchen`), and the item gets the leaf. Ids carry the idPrefix; names are the segments.
 */
import type { CategoryRecord } from '../../domain/catalog';

export interface CategoryFacts {
  /** The item's categories: each cell's leaf (per list entry), in column order, without repeats. */
  readonly leaves: readonly string[];
  /** Every category on the paths, parents before children, without repeats. */
  readonly records: readonly CategoryRecord[];
}

export interface CategorySplit {
  /** Splits one cell into several categories (e.g. `|`); null: one category per cell. */
  readonly listSeparator: string | null;
  /** Splits one category into a path, root first (e.g. `.`); null: flat categories. */
  readonly pathSeparator: string | null;
  readonly idPrefix: string;
}

export const NO_CATEGORIES: CategoryFacts = { leaves: [], records: [] };

/** Leaves and records of the (non-null) category cells of one row. */
export function categoryFacts(cells: readonly string[], s: CategorySplit): CategoryFacts {
  if (cells.length === 0) return NO_CATEGORIES;
  const leaves: string[] = [];
  const records = new Map<string, CategoryRecord>();
  for (const cell of cells) {
    const entries = s.listSeparator === null ? [cell] : cell.split(s.listSeparator);
    for (const entry of entries) {
      const segments = (s.pathSeparator === null ? [entry] : entry.split(s.pathSeparator)).map((p) => p.trim()).filter((p) => p !== '');
      let parent: string | null = null;
      let path = '';
      for (const name of segments) {
        path = path === '' ? name : `${path}${s.pathSeparator ?? ''}${name}`;
        const id = s.idPrefix + path;
        if (!records.has(id)) records.set(id, { id, parent, name });
        parent = id;
      }
      if (parent !== null && !leaves.includes(parent)) leaves.push(parent);
    }
  }
  return { leaves, records: [...records.values()] };
}
