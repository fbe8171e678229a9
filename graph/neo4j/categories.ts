/**
 * The category hierarchy on Neo4j: `(:Category {id, name})-[:PARENT]->(:Category)`, one PARENT edge
 * per category at most (an upsert replaces it). The `category_id` uniqueness constraint of
 * ./cypher.ts MIGRATIONS covers these nodes; items link to them with IN_CATEGORY. A parent named
 * before its own record gets a bare node (no name) until its record is written.
 * Every value is a parameter; the only constant in the text is the depth bound MAX_CATEGORY_DEPTH.
 */
import type { ManagedTransaction } from 'neo4j-driver';
import type { CategoryRecord } from '../../domain/catalog';
import { MAX_CATEGORY_DEPTH, categoryChains } from '../category-chains';

export const UPSERT_CATEGORIES = `
UNWIND $rows AS row
MERGE (c:Category {id: row.id})
SET c.name = row.name`;

export const DELETE_CATEGORY_PARENTS = `
UNWIND $ids AS id
MATCH (:Category {id: id})-[old:PARENT]->()
DELETE old`;

export const LINK_CATEGORY_PARENTS = `
UNWIND $rows AS row
MATCH (c:Category {id: row.id})
MERGE (p:Category {id: row.parent})
MERGE (c)-[:PARENT]->(p)`;

/**
 * Every category on the way up from the requested ids (the ids themselves included), each with its
 * parent. The path length is bounded, and a path never repeats an edge, so a cycle ends the walk.
 */
export const CATEGORY_PARENTS = `
UNWIND $ids AS id
MATCH (:Category {id: id})-[:PARENT*0..${MAX_CATEGORY_DEPTH}]->(c:Category)
WITH DISTINCT c
OPTIONAL MATCH (c)-[:PARENT]->(p:Category)
RETURN c.id AS id, min(p.id) AS parent`;

type Rows = (tx: ManagedTransaction, cypher: string, params: Record<string, unknown>) => Promise<Record<string, unknown>[]>;

/** Upsert categories in one transaction (`tx`): nodes and names, then the parent edges. */
export async function writeCategories(tx: ManagedTransaction, rows: Rows, categories: readonly CategoryRecord[]): Promise<void> {
  const params = categories.map((c) => ({ id: c.id, parent: c.parent, name: c.name }));
  await rows(tx, UPSERT_CATEGORIES, { rows: params });
  await rows(tx, DELETE_CATEGORY_PARENTS, { ids: params.map((p) => p.id) });
  const withParent = params.filter((p) => p.parent !== null);
  if (withParent.length > 0) await rows(tx, LINK_CATEGORY_PARENTS, { rows: withParent });
}

/** Root-first chains of the ids, read in one query (see GraphStore.categoryAncestors). */
export async function readCategoryChains(tx: ManagedTransaction, rows: Rows, ids: readonly string[]): Promise<Map<string, readonly string[]>> {
  const distinct = [...new Set(ids)];
  const found = distinct.length === 0 ? [] : await rows(tx, CATEGORY_PARENTS, { ids: distinct });
  const parents = new Map(found.map((r) => [String(r['id']), r['parent'] === null || r['parent'] === undefined ? null : String(r['parent'])]));
  return categoryChains(distinct, (id) => parents.get(id) ?? null);
}

/**
 * The most popular available items of each category, counting its descendants (bounded depth), by
 * decayed interactions since `since` (the trending window), ties by id.
 */
export const CATEGORY_ITEMS = `
UNWIND $ids AS cid
MATCH (root:Category {id: cid})
MATCH (c:Category)-[:PARENT*0..${MAX_CATEGORY_DEPTH}]->(root)
WITH DISTINCT cid, c
MATCH (i:Item)-[:IN_CATEGORY]->(c)
WHERE i.available = true
WITH DISTINCT cid, i
OPTIONAL MATCH ()-[r:INTERACTED]->(i)
WHERE r.ts >= $since AND r.type <> 'impression'
WITH cid, i.id AS id, sum(exp(-$k * ($now - r.ts))) AS score
ORDER BY cid, score DESC, id ASC
WITH cid, collect(id)[0..$limit] AS ids
RETURN cid, ids`;

/** categoryItems on Neo4j: one query for every requested category. */
export async function readCategoryItems(
  tx: ManagedTransaction,
  rows: Rows,
  ids: readonly string[],
  params: { readonly k: number; readonly now: number; readonly since: number; readonly limit: unknown },
): Promise<Map<string, string[]>> {
  const distinct = [...new Set(ids)];
  const out = new Map<string, string[]>(distinct.map((id) => [id, []]));
  if (distinct.length === 0) return out;
  for (const r of await rows(tx, CATEGORY_ITEMS, { ids: distinct, ...params })) out.set(String(r['cid']), (r['ids'] as unknown[]).map(String));
  return out;
}
