/**
 * The propagation operator of a typed (multi-relation) graph: node types laid out one after the
 * other in one node space, and one normalised block per relation and direction.
 *
 * For relation r between source type S and destination type T with adjacency R (|S| x |T|):
 *
 *   Â_r = D_S^-1/2 · R · D_T^-1/2     (D_S, D_T: weighted degrees of S and T in r alone)
 *
 * placed at (S, T), with Â_rᵀ at (T, S). The operator is the sum of the blocks, so it is
 * symmetric, and a node in several relations receives one normalised message per relation. With
 * the single relation user–item this is exactly LightGCN's D^-1/2·A·D^-1/2 over the bipartite
 * graph; user–query, query–item, item–category and item–term edges plug in as more relations.
 */
import { csrFromEdges, rowSums, spmm, spmmT, transpose, type EdgeList, type SparseMatrix } from './csr';

export interface NodeType {
  readonly name: string;
  readonly count: number;
}

export interface RelationEdges {
  readonly name: string;
  /** Source node type (the edge lists' rows). */
  readonly src: string;
  /** Destination node type (the edge lists' columns). */
  readonly dst: string;
  readonly edges: EdgeList;
  /** Factor on the relation's normalised block (and its transpose): its share in the messages. Default 1. */
  readonly scale?: number;
}

export interface GraphBlock {
  /** Relation name, with `^T` for the reverse direction. */
  readonly relation: string;
  readonly rowOffset: number;
  readonly colOffset: number;
  readonly matrix: SparseMatrix;
}

export interface GraphOperator {
  readonly numNodes: number;
  /** First node index of each type. */
  readonly offsets: Readonly<Record<string, number>>;
  readonly blocks: readonly GraphBlock[];
  /** True when every block's transpose is also a block (Âᵀ = Â): typedGraph always builds such operators. */
  readonly symmetric: boolean;
}

/** D_rows^-1/2 · R · D_cols^-1/2 (an isolated row or column has no entries, so no division by 0). */
export function symmetricNormalise(r: SparseMatrix): SparseMatrix {
  const dr = rowSums(r);
  const dc = rowSums(transpose(r));
  const values = new Float32Array(r.values.length);
  for (let row = 0; row < r.numRows; row++) {
    for (let p = r.indptr[row]!; p < r.indptr[row + 1]!; p++) values[p] = r.values[p]! / Math.sqrt(dr[row]! * dc[r.indices[p]!]!);
  }
  return { ...r, values };
}

/** Build the operator of a typed graph. Throws on an unknown or duplicated node type. */
export function typedGraph(types: readonly NodeType[], relations: readonly RelationEdges[]): GraphOperator {
  const offsets: Record<string, number> = {};
  const counts: Record<string, number> = {};
  let n = 0;
  for (const t of types) {
    if (t.name in offsets) throw new RangeError(`node type "${t.name}" appears twice`);
    if (!(Number.isInteger(t.count) && t.count >= 0)) throw new RangeError(`node type "${t.name}": count must be a non-negative integer`);
    offsets[t.name] = n;
    counts[t.name] = t.count;
    n += t.count;
  }
  const blocks: GraphBlock[] = [];
  for (const rel of relations) {
    const so = offsets[rel.src];
    const to = offsets[rel.dst];
    if (so === undefined || to === undefined) throw new RangeError(`relation "${rel.name}": unknown node type ${so === undefined ? rel.src : rel.dst}`);
    const scale = rel.scale ?? 1;
    if (!(Number.isFinite(scale) && scale >= 0)) throw new RangeError(`relation "${rel.name}": scale must be a finite non-negative number (got ${scale})`);
    const norm = symmetricNormalise(csrFromEdges(counts[rel.src]!, counts[rel.dst]!, rel.edges));
    if (scale !== 1) for (let p = 0; p < norm.values.length; p++) norm.values[p]! *= scale;
    blocks.push({ relation: rel.name, rowOffset: so, colOffset: to, matrix: norm });
    blocks.push({ relation: `${rel.name}^T`, rowOffset: to, colOffset: so, matrix: transpose(norm) });
  }
  return { numNodes: n, offsets, blocks, symmetric: true };
}

/** LightGCN's bipartite operator from a user -> items CSR (users first, then items). */
export function bipartiteGraph(numUsers: number, numItems: number, train: { readonly indptr: Int32Array; readonly items: Int32Array }): GraphOperator {
  const rows = new Int32Array(train.items.length);
  for (let u = 0; u < numUsers; u++) rows.fill(u, train.indptr[u]!, train.indptr[u + 1]!);
  return typedGraph(
    [
      { name: 'user', count: numUsers },
      { name: 'item', count: numItems },
    ],
    [{ name: 'interacted', src: 'user', dst: 'item', edges: { rows, cols: train.items } }],
  );
}

/** out = Â·X over the whole node space (X and out: [numNodes, d], row-major). */
export function propagateOnce(op: GraphOperator, x: Float32Array, d: number, out: Float32Array): Float32Array {
  out.fill(0);
  for (const b of op.blocks) spmm(b.matrix, x, d, out, { accumulate: true, rowOffset: b.rowOffset, colOffset: b.colOffset });
  return out;
}

/** out = Âᵀ·X (equal to Â·X for an operator built here, which is symmetric; used by the backward pass). */
export function propagateOnceT(op: GraphOperator, x: Float32Array, d: number, out: Float32Array): Float32Array {
  out.fill(0);
  for (const b of op.blocks) spmmT(b.matrix, x, d, out, { rowOffset: b.rowOffset, colOffset: b.colOffset });
  return out;
}
