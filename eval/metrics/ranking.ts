/**
 * Top-K ranking metrics with binary relevance, exactly as in ../shared/data/README.md (the
 * LightGCN / BARS definitions), for one user at a time:
 *
 *   hits@K      = |top-K ∩ relevant|
 *   Recall@K    = hits@K / |relevant|
 *   Precision@K = hits@K / K                     (K even when fewer than K items were ranked)
 *   HitRate@K   = 1 if hits@K > 0 else 0
 *   NDCG@K      = DCG@K / IDCG@K,  DCG@K = Σ_{r < K, top[r] relevant} 1 / log2(r + 2)   (r 0-based)
 *                 IDCG@K = Σ_{r < min(K, |relevant|)} 1 / log2(r + 2)
 *
 * Averages are taken over users with at least one relevant item, by the caller, in a fixed user
 * order (so the same per-user values always sum to the same float).
 */

/** The per-user metrics reported for every K, in this order. */
export const RANKING_METRICS = ['recall', 'ndcg', 'precision', 'hitrate'] as const;
export type RankingMetric = (typeof RANKING_METRICS)[number];

// Module constants rather than global lookups in the hot loops (globals are slow inside jest's vm sandbox).
const NEG_INF = -1 / 0;

/**
 * Indices of the `k` largest scores, best first. Ties go to the lower index, so the result is
 * deterministic. Entries equal to -Infinity (masked items) are never returned, so the result
 * is shorter than `k` when fewer than `k` items are unmasked. NaN scores are treated as masked.
 */
export function topKIndices(scores: ArrayLike<number>, k: number): Int32Array {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be a non-negative integer (got ${k})`);
  const idx = new Int32Array(k);
  const val = new Float64Array(k);
  let len = 0;
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i]!;
    if (!(v > NEG_INF)) continue;
    // Strictly greater: an equal score at a higher index never displaces an earlier one.
    if (len === k && !(v > val[k - 1]!)) continue;
    let p = len < k ? len++ : k - 1;
    while (p > 0 && val[p - 1]! < v) {
      val[p] = val[p - 1]!;
      idx[p] = idx[p - 1]!;
      p--;
    }
    val[p] = v;
    idx[p] = i;
  }
  return len === k ? idx : idx.slice(0, len);
}

/** 1 / log2(r + 2) for ranks r = 0..n-1 (the DCG discount). */
export function discounts(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, r) => 1 / Math.log2(r + 2));
}

/**
 * Write Recall, NDCG, Precision and HitRate at each K of `ks` into `out` starting at `offset`
 * (layout: for each K in order, the RANKING_METRICS in order). `ranked` is the top list, best
 * first, of length >= max(ks) unless fewer items could be ranked. `isRelevant` tells the
 * relevance of an item; `numRelevant` must be > 0.
 */
export function writeUserMetrics(ranked: ArrayLike<number>, isRelevant: (item: number) => boolean, numRelevant: number, ks: readonly number[], out: Float64Array, offset = 0): void {
  if (!(numRelevant > 0)) throw new RangeError('a user needs at least one relevant item to be evaluated');
  const maxK = ks.reduce((m, k) => Math.max(m, k), 0);
  const disc = discounts(maxK);
  // Prefix sums of hits and DCG along the ranked list, read off at each K.
  const hitsAt = new Float64Array(maxK + 1);
  const dcgAt = new Float64Array(maxK + 1);
  for (let r = 0; r < maxK; r++) {
    const rel = r < ranked.length && isRelevant(ranked[r]!) ? 1 : 0;
    hitsAt[r + 1] = hitsAt[r]! + rel;
    dcgAt[r + 1] = dcgAt[r]! + rel * disc[r]!;
  }
  let o = offset;
  for (const k of ks) {
    let idcg = 0;
    for (let r = 0; r < Math.min(k, numRelevant); r++) idcg += disc[r]!;
    const hits = hitsAt[k]!;
    out[o++] = hits / numRelevant;
    out[o++] = dcgAt[k]! / idcg;
    out[o++] = hits / k;
    out[o++] = hits > 0 ? 1 : 0;
  }
}

/** Number of values writeUserMetrics writes for these ks. */
export function metricsWidth(ks: readonly number[]): number {
  return ks.length * RANKING_METRICS.length;
}

/** Name and K of column `c` of the writeUserMetrics layout. */
export function metricColumn(ks: readonly number[], c: number): { metric: RankingMetric; k: number } {
  const k = ks[Math.floor(c / RANKING_METRICS.length)];
  const metric = RANKING_METRICS[c % RANKING_METRICS.length];
  if (k === undefined || metric === undefined) throw new RangeError(`column ${c} is outside the layout`);
  return { metric, k };
}

/**
 * Column means over the selected rows of a row-major matrix (`width` values per row), summed in
 * row order. Returns the means and the number of rows selected.
 */
export function meanRows(values: Float64Array, width: number, select: (row: number) => boolean = () => true): { means: Float64Array; n: number } {
  const rows = values.length / width;
  const sums = new Float64Array(width);
  let n = 0;
  for (let r = 0; r < rows; r++) {
    if (!select(r)) continue;
    n++;
    for (let c = 0; c < width; c++) sums[c] = sums[c]! + values[r * width + c]!;
  }
  for (let c = 0; c < width; c++) sums[c] = n > 0 ? sums[c]! / n : Number.NaN;
  return { means: sums, n };
}

/** Catalogue coverage: the fraction of `numItems` items flagged in `covered` (any user's top-K). */
export function coverage(covered: Uint8Array, numItems: number): number {
  if (numItems <= 0) return 0;
  let c = 0;
  for (let i = 0; i < numItems; i++) if (covered[i]) c++;
  return c / numItems;
}
