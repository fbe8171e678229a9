/**
 * LambdaMART gradients and NDCG, following LightGBM's rank_objective.hpp: label gain 2^rel − 1,
 * discount 1/log2(2 + position), σ = 1, pairs (i, j) with i in the top k of the current
 * ranking and labels that differ, each weighted by |ΔNDCG| (|Δgain| · |Δdiscount| / maxDCG@k).
 * For the pair with higher label h and lower label l, with ρ = 1/(1 + exp(σ(s_h − s_l))):
 *   g_h −= σ·|ΔNDCG|·ρ,  g_l += σ·|ΔNDCG|·ρ,  both hessians += σ²·|ΔNDCG|·ρ(1 − ρ).
 * Without `norm` these are the gradient and diagonal hessian of the RankNet loss
 * Σ |ΔNDCG|·log(1 + exp(−σ(s_h − s_l))) at fixed ranks. With `norm` (LightGBM's default) the
 * pair weight is divided by 0.01 + |s_h − s_l| and the group's lambdas scaled by log2(1+Σ)/Σ.
 */

const SIGMA = 1;

/** Gain of a relevance label: 2^rel − 1. */
export function labelGain(rel: number): number {
  return 2 ** rel - 1;
}

/** labelGain of the integer labels 0..31 (the labels lambdarank accepts). */
const GAIN = Float64Array.from({ length: 32 }, (_, r) => labelGain(r));

/** discount(0..n−1). */
function discounts(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => discount(i));
}

/** Position discount (0-based position): 1/log2(2 + pos). */
export function discount(pos: number): number {
  return 1 / Math.log2(2 + pos);
}

/** Ideal DCG@k of a group's labels y[start..start+len). */
export function maxDcgAt(y: Float32Array, start: number, len: number, k: number): number {
  const labels = Array.from(y.subarray(start, start + len)).sort((a, b) => b - a);
  let dcg = 0;
  for (let i = 0; i < Math.min(k, len); i++) dcg += labelGain(labels[i]!) * discount(i);
  return dcg;
}

/** Insertion sort is used up to this group size (the previous round's order is nearly sorted). */
const INSERTION_MAX = 256;

/**
 * Sort rows order[start..start+len) by score descending, ties by row index ascending (a total
 * order, so the result does not depend on the starting order). `order` starts as the identity
 * and is kept between rounds, which makes the insertion sort nearly linear.
 */
export function rankGroup(score: ArrayLike<number>, start: number, len: number, order: Uint32Array): void {
  const end = start + len;
  if (len > INSERTION_MAX) {
    order.subarray(start, end).sort((a, b) => score[b]! - score[a]! || a - b);
    return;
  }
  for (let i = start + 1; i < end; i++) {
    const r = order[i]!;
    const s = score[r]!;
    let j = i - 1;
    while (j >= start) {
      const q = order[j]!;
      const t = score[q]!;
      if (t > s || (t === s && q < r)) break;
      order[j + 1] = q;
      j--;
    }
    order[j + 1] = r;
  }
}

/** Identity row order (the starting point of rankGroup). */
export function identityOrder(n: number): Uint32Array {
  const o = new Uint32Array(n);
  for (let i = 0; i < n; i++) o[i] = i;
  return o;
}

/**
 * Mean NDCG@k over groups (a group with maxDCG = 0 counts as 1, as in LightGBM).
 * `invMaxDcg` may be passed precomputed (1/maxDCG@k per group, 0 when maxDCG = 0), and `order`
 * a kept row order (see rankGroup).
 */
export function ndcgAt(score: ArrayLike<number>, y: Float32Array, groups: Uint32Array, k: number, invMaxDcg?: Float64Array, order?: Uint32Array): number {
  const ord = order ?? identityOrder(y.length);
  let sum = 0;
  let start = 0;
  for (let q = 0; q < groups.length; q++) {
    const len = groups[q]!;
    const inv = invMaxDcg ? invMaxDcg[q]! : inverse(maxDcgAt(y, start, len, k));
    if (inv === 0) sum += 1;
    else {
      rankGroup(score, start, len, ord);
      let dcg = 0;
      for (let i = 0; i < Math.min(k, len); i++) dcg += labelGain(y[ord[start + i]!]!) * discount(i);
      sum += dcg * inv;
    }
    start += len;
  }
  return groups.length === 0 ? 0 : sum / groups.length;
}

function inverse(v: number): number {
  return v > 0 ? 1 / v : 0;
}

export function maxGroup(groups: Uint32Array): number {
  let m = 0;
  for (let q = 0; q < groups.length; q++) m = Math.max(m, groups[q]!);
  return m;
}

/** 1/maxDCG@k per group (0 for groups whose labels are all 0). */
export function inverseMaxDcg(y: Float32Array, groups: Uint32Array, k: number): Float64Array {
  const out = new Float64Array(groups.length);
  let start = 0;
  for (let q = 0; q < groups.length; q++) {
    out[q] = inverse(maxDcgAt(y, start, groups[q]!, k));
    start += groups[q]!;
  }
  return out;
}

/**
 * Write lambdarank gradients and hessians for every row into grad/hess (overwritten).
 * `order` (length n) is the kept row order of rankGroup; pass identityOrder(n) the first time.
 */
export function lambdarankGradients(
  score: ArrayLike<number>,
  y: Float32Array,
  groups: Uint32Array,
  invMaxDcg: Float64Array,
  k: number,
  norm: boolean,
  grad: Float32Array,
  hess: Float32Array,
  order: Uint32Array = identityOrder(y.length),
): void {
  grad.fill(0);
  hess.fill(0);
  const m = maxGroup(groups);
  const s: Scratch = {
    order,
    disc: discounts(m),
    g: new Float64Array(m),
    h: new Float64Array(m),
    e: new Float64Array(m),
    ys: new Int32Array(m),
    ss: new Float64Array(m),
    gain: new Float64Array(m),
  };
  // Integer labels: the gain table is indexed by them in the inner loop.
  const labels = Int32Array.from(y);
  let start = 0;
  for (let q = 0; q < groups.length; q++) {
    const len = groups[q]!;
    const inv = invMaxDcg[q]!;
    if (inv > 0 && len > 1) groupLambdas(score, labels, start, len, inv, k, norm, s, grad, hess);
    start += len;
  }
}

/** Per-group buffers, indexed by rank position (0 = top), except `order` (rows, kept between rounds). */
interface Scratch {
  /** exp(σ·(s − s_top)). */
  readonly e: Float64Array;
  /** Labels, scores and label gains in rank order. */
  readonly ys: Int32Array;
  readonly ss: Float64Array;
  readonly gain: Float64Array;
  readonly order: Uint32Array;
  readonly disc: Float64Array;
  readonly g: Float64Array;
  readonly h: Float64Array;
}

function groupLambdas(score: ArrayLike<number>, y: Int32Array, start: number, len: number, inv: number, k: number, norm: boolean, s: Scratch, grad: Float32Array, hess: Float32Array): void {
  const { order, disc, g, h, e, ys, ss, gain } = s;
  rankGroup(score, start, len, order);
  // Everything the pair loop reads, copied in rank order (sequential access, no row lookups).
  const top = score[order[start]!]!;
  for (let p = 0; p < len; p++) {
    const r = order[start + p]!;
    ys[p] = y[r]!;
    ss[p] = score[r]!;
    gain[p] = GAIN[y[r]!]!;
    // ρ = 1/(1 + exp(σΔ)) = e_lo/(e_lo + e_hi): one exp per row instead of one per pair.
    e[p] = Math.exp(SIGMA * (ss[p]! - top));
    g[p] = 0;
    h[p] = 0;
  }
  const spread = top !== ss[len - 1]!;
  let sumLambdas = 0;
  for (let i = 0; i < len - 1 && i < k; i++) {
    const yi = ys[i]!;
    for (let j = i + 1; j < len; j++) {
      const yj = ys[j]!;
      if (yi === yj) continue;
      // hi: the position with the higher label, lo: the lower one.
      const hi = yi > yj ? i : j;
      const lo = yi > yj ? j : i;
      const delta = ss[hi]! - ss[lo]!;
      let w = Math.abs(gain[i]! - gain[j]!) * (disc[i]! - disc[j]!) * inv;
      if (norm && spread) w /= 0.01 + Math.abs(delta);
      const eh = e[hi]!;
      const el = e[lo]!;
      // Both underflow only when far below the top; then fall back to the direct form.
      const rho = el + eh > 0 ? el / (el + eh) : 1 / (1 + Math.exp(SIGMA * delta));
      const lambda = SIGMA * w * rho;
      const hv = SIGMA * SIGMA * w * rho * (1 - rho);
      g[hi]! -= lambda;
      g[lo]! += lambda;
      h[hi]! += hv;
      h[lo]! += hv;
      sumLambdas += 2 * lambda;
    }
  }
  const scale = norm && sumLambdas > 0 ? Math.log2(1 + sumLambdas) / sumLambdas : 1;
  for (let p = 0; p < len; p++) {
    const r = order[start + p]!;
    grad[r] = g[p]! * scale;
    hess[r] = h[p]! * scale;
  }
}
