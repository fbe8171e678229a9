/**
 * The propagation operator of a store graph (./store-graph.ts): one symmetric-normalised block per
 * relation and direction (ml/graph/typed.ts), so each node gets one normalised message per
 * relation it is in, scaled by that relation's share. The user–item block is built from the pairs
 * being trained on (during selection, the fit part only: held-out pairs must not leak through the
 * graph), with the weights the store graph gave them.
 */
import { typedGraph, type GraphOperator, type RelationEdges } from '../graph/typed';
import type { GcnGraphData } from './objective';
import { NODE_TYPES, type RelationName, type StoreGraph } from './store-graph';

/** Share of each relation's messages. Default 1 for every relation (each is normalised on its own). */
export type RelationScales = Readonly<Partial<Record<RelationName, number>>>;

/**
 * Weights of `pairs` (a subset of g.interactions, rows sorted) looked up in the store graph;
 * throws when a pair is not in it.
 */
export function pairWeights(g: StoreGraph, pairs: GcnGraphData): Float32Array {
  const full = g.interactions;
  if (pairs.numUsers !== full.numUsers || pairs.numItems !== full.numItems) throw new RangeError('pairs do not have the shape of the store graph');
  const out = new Float32Array(pairs.items.length);
  for (let u = 0; u < pairs.numUsers; u++) {
    let q = full.indptr[u]!;
    const qEnd = full.indptr[u + 1]!;
    for (let p = pairs.indptr[u]!; p < pairs.indptr[u + 1]!; p++) {
      const it = pairs.items[p]!;
      while (q < qEnd && full.items[q]! < it) q++;
      if (q === qEnd || full.items[q] !== it) throw new RangeError(`pair (${u}, ${it}) is not in the store graph`);
      out[p] = g.weights[q]!;
    }
  }
  return out;
}

/** The typed operator over user, item, query, category and term nodes for the given user–item pairs. */
export function heteroOperator(g: StoreGraph, pairs: GcnGraphData, scales: RelationScales = {}): GraphOperator {
  const rows = new Int32Array(pairs.items.length);
  for (let u = 0; u < pairs.numUsers; u++) rows.fill(u, pairs.indptr[u]!, pairs.indptr[u + 1]!);
  const relations: RelationEdges[] = [
    { name: 'interacted', src: 'user', dst: 'item', edges: { rows, cols: pairs.items, values: pairWeights(g, pairs) }, scale: scales.interacted ?? 1 },
    ...g.side.map((r) => ({ ...r, scale: scales[r.name as RelationName] ?? 1 })),
  ];
  return typedGraph(
    NODE_TYPES.map((name) => ({ name, count: g.ids[name].length })),
    relations,
  );
}
