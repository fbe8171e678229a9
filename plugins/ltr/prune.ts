/**
 * Second-stage pruning: the learned ranker scores only the `top` candidates by one first-stage
 * score, chosen by `train ranker` on the validation lists (ml/ltr/prune.ts) and stored in the
 * artifact's manifest. The other candidates rank below every scored one, in that score's order.
 * The same function picks the rows in training's check and in serving.
 */

/** Which first-stage score pre-ranks the candidates, and how many of them the trees score. */
export interface LtrPrune {
  /** First-stage scorer whose raw output pre-ranks the candidates. */
  readonly scorerId: string;
  /** Candidates the trees score; the rest rank below them. */
  readonly top: number;
}

/** Every candidate index, best first by `score` (NaN lowest; ties: lower index first). Its first `top` entries are the rows the trees score. */
export function preRankOrder(score: ArrayLike<number>): Uint32Array {
  const n = score.length;
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = score[i]!;
    key[i] = Number.isNaN(v) ? Number.NEGATIVE_INFINITY : v;
  }
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => key[b]! - key[a]! || a - b);
  return Uint32Array.from(idx);
}

/**
 * Full scores from the scored rows: `scored[j]` for candidate `rows[j]`; every other candidate
 * gets a score below the lowest scored one, decreasing in its pre-rank order (`order`, the full
 * pre-ranking), so the list keeps a total order that an explanation can show.
 */
export function mergePruned(n: number, order: Uint32Array, rows: Uint32Array, scored: ArrayLike<number>): Float32Array {
  const out = new Float32Array(n);
  let low = Number.POSITIVE_INFINITY;
  for (let j = 0; j < rows.length; j++) {
    out[rows[j]!] = scored[j]!;
    low = Math.min(low, scored[j]!);
  }
  if (!Number.isFinite(low)) low = 0;
  const rest = n - rows.length;
  // Below the lowest scored candidate by at least 1, spaced by 1/(rest+1) in pre-rank order.
  for (let p = rows.length; p < n; p++) out[order[p]!] = low - 1 - (p - rows.length) / (rest + 1);
  return out;
}
