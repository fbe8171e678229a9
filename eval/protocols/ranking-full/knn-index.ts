/**
 * Item-to-item neighbours for full-catalogue item-kNN, computed once from the train split:
 *
 *   co(s, c)  = number of distinct train users who interacted with both s and c (s != c)
 *   deg(i)    = number of distinct train users of i
 *   sim(s, c) = co(s, c) / sqrt(deg(s) · deg(c))
 *
 * the co-interaction and cosine of the gateway's `baseline/item-knn` (plugins/baseline/item-knn.ts
 * over GraphStore.neighbourhood, whose walk counts distinct users item -> users -> items, seeds
 * excluded), without the walk's caps. Row s keeps its `neighbours` most similar items (ties: lower
 * index), stored in index order as CSR on typed arrays; by default backed by SharedArrayBuffer, so
 * worker threads receiving the index through structured cloning share one copy.
 *
 * Cost: Σ_u |train(u)|² counter increments plus a linear-time selection and a sort per item.
 */
import type { Csr } from '../../datasets/gowalla';

export interface KnnIndex {
  readonly numItems: number;
  /** Row s is `neighbours[indptr[s] .. indptr[s + 1])`, ascending item index. */
  readonly indptr: Int32Array;
  readonly neighbours: Int32Array;
  /** sim(s, c) of each stored neighbour. */
  readonly sims: Float64Array;
}

export interface KnnIndexOptions {
  /** Neighbours kept per item, the most similar first (ties: lower index); 0 keeps every co-interacted item. Default 0. */
  readonly neighbours?: number;
  /** Back the arrays with SharedArrayBuffer (shared by worker threads, not copied). Default true. */
  readonly shared?: boolean;
}

/** item -> users relation of a user -> items CSR. */
export function transpose(csr: Csr, numItems: number): Csr {
  const indptr = new Int32Array(numItems + 1);
  for (const i of csr.items) indptr[i + 1]!++;
  for (let i = 0; i < numItems; i++) indptr[i + 1]! += indptr[i]!;
  const fill = indptr.slice(0, numItems);
  const users = new Int32Array(csr.items.length);
  for (let u = 0; u + 1 < csr.indptr.length; u++) {
    for (let p = csr.indptr[u]!; p < csr.indptr[u + 1]!; p++) users[fill[csr.items[p]!]!++] = u;
  }
  return { indptr, items: users };
}

/** The k-th largest (1-based) of vals[0..n) by quickselect; reorders vals. */
function kthLargest(vals: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = vals[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (vals[i]! > pivot) i++;
      while (vals[j]! < pivot) j--;
      if (i <= j) {
        const t = vals[i]!;
        vals[i++] = vals[j]!;
        vals[j--] = t;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return vals[target]!;
}

function alloc<T extends Int32Array | Float64Array>(Ctor: { new (b: ArrayBufferLike): T; BYTES_PER_ELEMENT: number }, n: number, shared: boolean): T {
  return new Ctor(shared ? new SharedArrayBuffer(n * Ctor.BYTES_PER_ELEMENT) : new ArrayBuffer(n * Ctor.BYTES_PER_ELEMENT));
}

export function buildKnnIndex(train: Csr, numItems: number, opts: KnnIndexOptions = {}): KnnIndex {
  const keep = opts.neighbours ?? 0;
  if (!Number.isInteger(keep) || keep < 0) throw new RangeError(`neighbours must be a non-negative integer (got ${keep})`);
  const byItem = transpose(train, numItems);
  const deg = new Float64Array(numItems);
  for (let i = 0; i < numItems; i++) deg[i] = byItem.indptr[i + 1]! - byItem.indptr[i]!;
  const cnt = new Int32Array(numItems);
  const touched = new Int32Array(numItems);
  const sel = new Int32Array(numItems);
  const vals = new Float64Array(numItems);
  const ties = new Int32Array(numItems);
  const indptr = new Int32Array(numItems + 1);
  let nb = new Int32Array(Math.max(1024, numItems * Math.min(keep || 64, 64)));
  let sm = new Float64Array(nb.length);
  let len = 0;
  const { indptr: up, items: ui } = train;
  for (let s = 0; s < numItems; s++) {
    let t = 0;
    for (let q = byItem.indptr[s]!; q < byItem.indptr[s + 1]!; q++) {
      const u = byItem.items[q]!;
      for (let p = up[u]!; p < up[u + 1]!; p++) {
        const c = ui[p]!;
        if (c === s) continue;
        if (cnt[c] === 0) touched[t++] = c;
        cnt[c]!++;
      }
    }
    let row: Int32Array;
    if (keep > 0 && t > keep) {
      // Within row s, sim(s, c) is proportional to co(s, c) / sqrt(deg(c)): select on that.
      for (let j = 0; j < t; j++) vals[j] = cnt[touched[j]!]! / Math.sqrt(deg[touched[j]!]!);
      const thr = kthLargest(vals, t, keep);
      let above = 0;
      let nTies = 0;
      for (let j = 0; j < t; j++) {
        const c = touched[j]!;
        const v = cnt[c]! / Math.sqrt(deg[c]!);
        if (v > thr) sel[above++] = c;
        else if (v === thr) ties[nTies++] = c;
      }
      const tied = ties.subarray(0, nTies).sort();
      for (let j = 0; above < keep; j++) sel[above++] = tied[j]!;
      row = sel.subarray(0, keep).sort();
    } else row = touched.subarray(0, t).sort();
    if (len + row.length > nb.length) {
      const size = Math.max(len + row.length, nb.length * 2);
      const grownNb = new Int32Array(size);
      grownNb.set(nb.subarray(0, len));
      nb = grownNb;
      const grownSm = new Float64Array(size);
      grownSm.set(sm.subarray(0, len));
      sm = grownSm;
    }
    const ds = deg[s]!;
    for (let j = 0; j < row.length; j++) {
      const c = row[j]!;
      nb[len + j] = c;
      sm[len + j] = cnt[c]! / Math.sqrt(ds * deg[c]!);
    }
    len += row.length;
    indptr[s + 1] = len;
    for (let j = 0; j < t; j++) cnt[touched[j]!] = 0;
  }
  const shared = opts.shared ?? true;
  const outIndptr = alloc(Int32Array, numItems + 1, shared);
  outIndptr.set(indptr);
  const neighbours = alloc(Int32Array, len, shared);
  neighbours.set(nb.subarray(0, len));
  const sims = alloc(Float64Array, len, shared);
  sims.set(sm.subarray(0, len));
  return { numItems, indptr: outIndptr, neighbours, sims };
}
