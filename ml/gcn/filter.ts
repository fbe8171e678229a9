/**
 * The graph convolution in closed form: a graph filter over the user–item graph (Shen et al. 2021,
 * "How Powerful is Graph Convolution for Recommendation?", GF-CF). With R̃ = D_U^-1/2 · R · D_I^-1/2
 * (symmetric normalisation) and the user's interaction row r_u,
 *
 *   s_u = r_u · R̃ᵀR̃  +  α · r_u · D_I^-1/2 · V̄ V̄ᵀ · D_I^1/2
 *
 * The first term is the linear low-pass filter (what stacking LightGCN-style propagations tends
 * to); the second is the ideal low-pass filter: V̄ holds the top-k eigenvectors of R̃ᵀR̃ (found by
 * ml/graph/spectral.ts), so it is an embedding model with item rows √d_i·V̄_i and user rows
 * Σ_{i∈u} V̄_i/√d_i. Nothing is trained by gradient: the "training" is one eigen-decomposition and the
 * choice of α on a holdout of the train items (never the test split).
 *
 * It is inductive: the score needs the user's items, not a learned user row, so a user who arrived
 * after the filter was built is scored from their history alone.
 */
import { spmm, spmmT, transpose, type SparseMatrix } from '../graph/csr';
import { symmetricNormalise } from '../graph/typed';
import { topEigenpairs } from '../graph/spectral';
import { csrFromEdges } from '../graph/csr';

/** The user–item interactions: CSR rows per user over item indices. */
export interface InteractionRows {
  readonly numUsers: number;
  readonly numItems: number;
  readonly indptr: Int32Array;
  readonly items: Int32Array;
}

export interface GraphFilterOptions {
  /** Eigenvectors of the ideal low-pass part. Default 64. */
  readonly k?: number;
  /** Subspace iterations of the eigensolver. Default 3. */
  readonly iterations?: number;
  /** Seed of the eigensolver's random start. Default 42. */
  readonly seed?: number;
  readonly onIteration?: (done: number, of: number) => void;
}

/** Everything the filter's score needs; plain typed arrays, so it crosses to worker threads. */
export interface GraphFilter {
  readonly numUsers: number;
  readonly numItems: number;
  /** R̃, users × items. */
  readonly r: SparseMatrix;
  /** R̃ᵀ, items × users. */
  readonly rt: SparseMatrix;
  /** Item degrees d_i (train interactions). */
  readonly itemDegree: Float32Array;
  readonly k: number;
  /** Eigenvalues of R̃ᵀR̃, largest first (k). */
  readonly values: Float64Array;
  /** V̄: items × k, row-major. */
  readonly vectors: Float32Array;
}

export function buildGraphFilter(data: InteractionRows, o: GraphFilterOptions = {}): GraphFilter {
  const rows = new Int32Array(data.items.length);
  for (let u = 0; u < data.numUsers; u++) rows.fill(u, data.indptr[u]!, data.indptr[u + 1]!);
  const raw = csrFromEdges(data.numUsers, data.numItems, { rows, cols: data.items });
  const r = symmetricNormalise(raw);
  const rt = transpose(r);
  const itemDegree = new Float32Array(data.numItems);
  for (const i of data.items) itemDegree[i]!++;
  const k = o.k ?? 64;
  const eig = topEigenpairs(
    {
      n: data.numItems,
      apply(x, m) {
        const t = spmm(r, x, m, new Float32Array(data.numUsers * m));
        return spmmT(r, t, m, new Float32Array(data.numItems * m));
      },
    },
    { k, iterations: o.iterations ?? 3, seed: o.seed ?? 42, ...(o.onIteration ? { onIteration: o.onIteration } : {}) },
  );
  return { numUsers: data.numUsers, numItems: data.numItems, r, rt, itemDegree, k, values: eig.values, vectors: eig.vectors };
}

/** Reusable buffers of one scoring thread. */
export interface FilterScratch {
  readonly userWeight: Float64Array;
  readonly touched: Int32Array;
  readonly linear: Float64Array;
  readonly embedding: Float64Array;
}

export function filterScratch(f: GraphFilter): FilterScratch {
  return { userWeight: new Float64Array(f.numUsers), touched: new Int32Array(f.numUsers), linear: new Float64Array(f.numItems), embedding: new Float64Array(f.k) };
}

/**
 * The user's low-pass embedding Σ_{i∈items} V̄_i / √d_i (an item without train interactions has no
 * row in the spectrum and is skipped). Its score for item c is √d_c · ⟨e, V̄_c⟩.
 */
export function lowPassEmbedding(f: GraphFilter, items: ArrayLike<number>, out: Float64Array): Float64Array {
  out.fill(0);
  const k = f.k;
  for (let t = 0; t < items.length; t++) {
    const i = items[t]!;
    if (i < 0) continue;
    const d = f.itemDegree[i]!;
    if (!(d > 0)) continue;
    const w = 1 / Math.sqrt(d);
    const o = i * k;
    for (let c = 0; c < k; c++) out[c]! += w * f.vectors[o + c]!;
  }
  return out;
}

/**
 * s = r·R̃ᵀR̃ + α·(low-pass) for every item, into `out` (numItems), from the user's item indices.
 * Cost: Σ_{i∈items} d_i + Σ over the users met of their degree, plus numItems·k.
 */
export function filterScores(f: GraphFilter, items: ArrayLike<number>, alpha: number, out: Float32Array, s: FilterScratch = filterScratch(f)): Float32Array {
  const { r, rt, k } = f;
  let touched = 0;
  for (let t = 0; t < items.length; t++) {
    const i = items[t]!;
    for (let p = rt.indptr[i]!; p < rt.indptr[i + 1]!; p++) {
      const v = rt.indices[p]!;
      if (s.userWeight[v] === 0) s.touched[touched++] = v;
      s.userWeight[v]! += rt.values[p]!;
    }
  }
  const lin = s.linear;
  lin.fill(0);
  for (let t = 0; t < touched; t++) {
    const v = s.touched[t]!;
    const w = s.userWeight[v]!;
    s.userWeight[v] = 0;
    for (let p = r.indptr[v]!; p < r.indptr[v + 1]!; p++) lin[r.indices[p]!]! += w * r.values[p]!;
  }
  const e = alpha !== 0 ? lowPassEmbedding(f, items, s.embedding) : null;
  for (let c = 0; c < f.numItems; c++) {
    let low = 0;
    if (e) {
      const o = c * k;
      for (let j = 0; j < k; j++) low += e[j]! * f.vectors[o + j]!;
      low *= Math.sqrt(f.itemDegree[c]!);
    }
    out[c] = lin[c]! + alpha * low;
  }
  return out;
}

/**
 * The filter's score for `candidates` only (item indices; -1 scores 0), from the user's item
 * indices: the linear part by walking each candidate's users, the low-pass part by k products per
 * candidate. Cost: Σ_{i∈items} d_i + Σ_{c} (d_c + k), so a request pays for its candidates, not
 * the catalogue.
 */
export function filterScoresFor(f: GraphFilter, items: ArrayLike<number>, alpha: number, candidates: ArrayLike<number>, out: Float32Array, s: FilterScratch = filterScratch(f)): Float32Array {
  const { rt, k } = f;
  let touched = 0;
  for (let t = 0; t < items.length; t++) {
    const i = items[t]!;
    if (i < 0) continue;
    for (let p = rt.indptr[i]!; p < rt.indptr[i + 1]!; p++) {
      const v = rt.indices[p]!;
      if (s.userWeight[v] === 0) s.touched[touched++] = v;
      s.userWeight[v]! += rt.values[p]!;
    }
  }
  const e = alpha !== 0 ? lowPassEmbedding(f, items, s.embedding) : null;
  for (let x = 0; x < candidates.length; x++) {
    const c = candidates[x]!;
    if (c < 0) {
      out[x] = 0;
      continue;
    }
    let lin = 0;
    for (let p = rt.indptr[c]!; p < rt.indptr[c + 1]!; p++) lin += s.userWeight[rt.indices[p]!]! * rt.values[p]!;
    let low = 0;
    if (e) {
      const o = c * k;
      for (let j = 0; j < k; j++) low += e[j]! * f.vectors[o + j]!;
      low *= Math.sqrt(f.itemDegree[c]!);
    }
    out[x] = lin + alpha * low;
  }
  for (let t = 0; t < touched; t++) s.userWeight[s.touched[t]!] = 0;
  return out;
}

/**
 * Recall@k of one user's scores: the top k items by score (excluded ones skipped, ties to the
 * lower index) against the `truth` indices. The excluded entries of `scores` are overwritten with
 * -Infinity.
 */
export function recallOfScores(scores: Float32Array, excluded: ArrayLike<number>, truth: ArrayLike<number>, k: number): number {
  if (truth.length === 0) return 0;
  for (let t = 0; t < excluded.length; t++) scores[excluded[t]!] = -Infinity;
  const topS = new Float64Array(k).fill(-Infinity);
  const topI = new Int32Array(k).fill(-1);
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i]!;
    if (!(v > topS[k - 1]!)) continue;
    let j = k - 1;
    while (j > 0 && v > topS[j - 1]!) {
      topS[j] = topS[j - 1]!;
      topI[j] = topI[j - 1]!;
      j--;
    }
    topS[j] = v;
    topI[j] = i;
  }
  const want = new Set<number>();
  for (let t = 0; t < truth.length; t++) want.add(truth[t]!);
  let hits = 0;
  for (const i of topI) if (i >= 0 && want.has(i)) hits++;
  return hits / truth.length;
}
