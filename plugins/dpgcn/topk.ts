/**
 * Exact top-K by inner product over a row-major item table: one pass with a bounded min-heap
 * (K entries), four independent accumulators per dot product. Ties go to the lower row.
 */

export interface TopK {
  /** Rows, best first. */
  readonly rows: Int32Array;
  readonly scores: Float32Array;
}

/**
 * The `k` rows of `items` (n × dims) with the largest ⟨user, row⟩, skipping rows for which
 * `skip(row)` is true. Returns fewer when fewer rows remain.
 */
export function topKByDot(user: Float32Array, items: Float32Array, dims: number, k: number, skip?: (row: number) => boolean): TopK {
  const n = Math.floor(items.length / dims);
  const cap = Math.max(0, Math.min(k, n));
  const hs = new Float32Array(cap);
  const hr = new Int32Array(cap);
  let size = 0;
  const d4 = dims - (dims % 4);
  // Heap order: smallest score at the root; among equal scores the higher row is "smaller" (evicted first).
  const less = (i: number, j: number): boolean => hs[i]! < hs[j]! || (hs[i] === hs[j] && hr[i]! > hr[j]!);
  const swap = (i: number, j: number): void => {
    const s = hs[i]!;
    hs[i] = hs[j]!;
    hs[j] = s;
    const r = hr[i]!;
    hr[i] = hr[j]!;
    hr[j] = r;
  };
  const siftDown = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) return;
      const c = l + 1 < size && less(l + 1, l) ? l + 1 : l;
      if (!less(c, i)) return;
      swap(c, i);
      i = c;
    }
  };
  for (let r = 0; r < n && cap > 0; r++) {
    if (skip && skip(r)) continue;
    const o = r * dims;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let j = 0;
    for (; j < d4; j += 4) {
      a0 += user[j]! * items[o + j]!;
      a1 += user[j + 1]! * items[o + j + 1]!;
      a2 += user[j + 2]! * items[o + j + 2]!;
      a3 += user[j + 3]! * items[o + j + 3]!;
    }
    for (; j < dims; j++) a0 += user[j]! * items[o + j]!;
    const s = Math.fround(a0 + a1 + (a2 + a3));
    if (size < cap) {
      hs[size] = s;
      hr[size] = r;
      let i = size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!less(i, p)) break;
        swap(i, p);
        i = p;
      }
    } else if (s > hs[0]!) {
      // Equal to the root: the root has the lower row or an equal score that came first; keep it.
      hs[0] = s;
      hr[0] = r;
      siftDown(0);
    }
  }
  const order = Array.from({ length: size }, (_, i) => i).sort((a, b) => hs[b]! - hs[a]! || hr[a]! - hr[b]!);
  return { rows: Int32Array.from(order, (i) => hr[i]!), scores: Float32Array.from(order, (i) => hs[i]!) };
}

/**
 * The `k` best rows other than those in `except`: the top k + |except| without any per-row check,
 * then the excluded rows dropped (cheaper than testing every row of a large table).
 */
export function topKExcept(user: Float32Array, items: Float32Array, dims: number, k: number, except: ReadonlySet<number>): TopK {
  if (except.size === 0) return topKByDot(user, items, dims, k);
  const all = topKByDot(user, items, dims, k + except.size);
  const keep: number[] = [];
  for (let i = 0; i < all.rows.length && keep.length < k; i++) if (!except.has(all.rows[i]!)) keep.push(i);
  return { rows: Int32Array.from(keep, (i) => all.rows[i]!), scores: Float32Array.from(keep, (i) => all.scores[i]!) };
}
