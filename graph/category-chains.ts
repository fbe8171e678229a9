/**
 * Category chains shared by both GraphStore adapters: from a parent lookup to the root-first chain
 * `categoryAncestors` returns. Pure: the adapters only differ in how they find a parent.
 */

/** Longest chain returned (ids, the requested one included); deeper hierarchies are cut at the top. */
export const MAX_CATEGORY_DEPTH = 64;

/**
 * The chain of `id`, root first and `id` last. `parentOf` returns the parent id, or null for a root
 * or an id without a record. A cycle is cut before an id would repeat.
 */
export function categoryChain(id: string, parentOf: (id: string) => string | null): string[] {
  const up: string[] = [id];
  const seen = new Set(up);
  for (let p = parentOf(id); p !== null && !seen.has(p) && up.length < MAX_CATEGORY_DEPTH; p = parentOf(p)) {
    seen.add(p);
    up.push(p);
  }
  return up.reverse();
}

/** `categoryChain` for each distinct id. */
export function categoryChains(ids: readonly string[], parentOf: (id: string) => string | null): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  for (const id of ids) if (!out.has(id)) out.set(id, categoryChain(id, parentOf));
  return out;
}
