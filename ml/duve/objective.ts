/**
 * The DUVE training objective and its hand-written gradient, jointly in the decay parameters θ
 * and the four heads. Parameters are one Float64Array: [θ (nθ), W (NUM_HEADS × F), b (NUM_HEADS)].
 *
 *   L = w_p · mean_i [softplus(z0) − y_i z0]                      (logistic, any purchase)
 *     + w_n · mean_i [exp(z1) − n_i z1] / max(1, mean n)           (Poisson, purchases)
 *     + w_e · mean_i [exp(z2) − e_i z2] / max(1, mean e)           (Poisson, tracked events)
 *     + w_s · mean_{i: spend>0} (z3 − ln spend_i)² / 2             (log-normal spend | purchase)
 *     + l2/2 · ‖W‖²
 *
 * with z = W x + b on standardised features x_j = (g_j − μ_j)/σ_j. For a decayed feature
 * g = ln(1 + C_k) the chain rule through the decay is ∂g/∂λ_k = −D_k / (1 + C_k) (examples.ts),
 * and ∂λ/∂θ comes from `decayOfTheta`; in mode `shared` the per-type terms add up into one θ.
 */
import { scanDecayedSums, type DecayedSums, type DuveExamples } from './examples';
import { NUM_HEADS, decayOfTheta, type DecayMode, type FeatureSpec } from './model';

const { exp, log, log1p } = Math;

export interface DuveProblem {
  readonly ex: DuveExamples;
  readonly features: readonly FeatureSpec[];
  readonly decayMode: DecayMode;
  readonly bounds: readonly [number, number];
  readonly mean: Float64Array;
  readonly std: Float64Array;
  /** Raw values (n × F) of the features that do not depend on λ (others are ignored). */
  readonly staticRaw: Float64Array;
  readonly l2: number;
  /** Weights of the four losses (purchase, purchases, events, spend). */
  readonly headWeights: Float64Array;
  /** max(1, mean label) of the two Poisson heads. */
  readonly countScale: readonly [number, number];
  readonly hasSpend: boolean;
  /** Scratch for the decayed sums. */
  readonly sums: DecayedSums;
}

/** Free decay parameters of a mode: K, 1 or 0. */
export function thetaCount(mode: DecayMode, K: number): number {
  return mode === 'per-type' ? K : mode === 'shared' ? 1 : 0;
}

export function paramCount(p: Pick<DuveProblem, 'decayMode' | 'features' | 'ex'>): number {
  return thetaCount(p.decayMode, p.ex.K) + NUM_HEADS * p.features.length + NUM_HEADS;
}

/** Raw value of a λ-independent feature of example i. */
export function staticRawFeature(ex: DuveExamples, f: FeatureSpec, i: number): number {
  switch (f.kind) {
    case 'count':
      return log1p(ex.count[i * ex.K + f.k]!);
    case 'value':
      return log1p(ex.value[i * ex.K + f.k]!);
    case 'recency':
      return log1p(ex.recencyDays[i]!);
    case 'tenure':
      return log1p(ex.tenureDays[i]!);
    case 'focus':
      return ex.focus[i]!;
    default:
      return 0;
  }
}

/** Decay rates per type (per day) and dλ/dθ for the current θ. */
export function ratesOf(p: Pick<DuveProblem, 'decayMode' | 'bounds' | 'ex'>, params: Float64Array): { rates: Float64Array; dRates: Float64Array } {
  const K = p.ex.K;
  const rates = new Float64Array(K);
  const dRates = new Float64Array(K);
  if (p.decayMode === 'none') return { rates, dRates };
  for (let k = 0; k < K; k++) {
    const r = decayOfTheta(params[p.decayMode === 'shared' ? 0 : k]!, p.bounds);
    rates[k] = r.rate;
    dRates[k] = r.dRate;
  }
  return { rates, dRates };
}

/** Raw features (n × F) under the current decays (fills the decayed columns of `staticRaw`'s copy). */
export function rawFeatureMatrix(p: DuveProblem, params: Float64Array): Float64Array {
  const { ex, features } = p;
  const F = features.length;
  scanDecayedSums(ex, ratesOf(p, params).rates, p.sums);
  const out = Float64Array.from(p.staticRaw);
  for (let i = 0; i < ex.n; i++) {
    for (let j = 0; j < F; j++) {
      const f = features[j]!;
      if (f.kind === 'decayed_count') out[i * F + j] = log1p(p.sums.c[i * ex.K + f.k]!);
      else if (f.kind === 'decayed_value') out[i * F + j] = log1p(p.sums.v[i * ex.K + f.k]!);
    }
  }
  return out;
}

// Poisson rates are capped in the loss only, so one bad step cannot overflow to Infinity.
const Z_CAP = 40;

/** L(params); when `grad` is given it receives ∂L/∂params (same layout). */
export function duveObjective(p: DuveProblem, params: Float64Array, grad: Float64Array | null): number {
  const { ex, features, mean, std, staticRaw } = p;
  const F = features.length;
  const K = ex.K;
  const n = ex.n;
  const nTheta = thetaCount(p.decayMode, K);
  const W = nTheta;
  const B = nTheta + NUM_HEADS * F;
  const { rates, dRates } = ratesOf(p, params);
  const { c, d, v, dv } = scanDecayedSums(ex, rates, p.sums);
  const { purchased, purchases, events, spend } = ex;
  const hasSpend = p.hasSpend;
  let nPos = 0;
  if (hasSpend) for (let i = 0; i < n; i++) if (spend[i]! > 0) nPos++;
  // Per-example factors of the four losses, hoisted out of the loop.
  const w0 = p.headWeights[0]! / n;
  const w1 = p.headWeights[1]! / (n * p.countScale[0]);
  const w2 = p.headWeights[2]! / (n * p.countScale[1]);
  const w3 = nPos > 0 ? p.headWeights[3]! / nPos : 0;
  const inv = Float64Array.from(std, (s) => 1 / s);
  // Plain typed arrays instead of the spec objects in the hot loop.
  const kind = Int8Array.from(features, (f) => (f.kind === 'decayed_count' ? 1 : f.kind === 'decayed_value' ? 2 : 0));
  const fk = Int32Array.from(features, (f) => f.k);
  const gRate = new Float64Array(K);
  const gw = new Float64Array(NUM_HEADS * F);
  const gb = new Float64Array(NUM_HEADS);
  const w = params.subarray(W, B);
  const bias = params.subarray(B, B + NUM_HEADS);
  const cols: Columns = { F, K, n, kind, fk, staticRaw, mean, inv, c, d, v, dv, purchased, purchases, events, spend };
  let loss = accumulate(cols, w, bias, Float64Array.of(w0, w1, w2, w3), hasSpend, grad !== null && nTheta > 0, gw, gb, gRate);
  let reg = 0;
  for (let q = 0; q < w.length; q++) reg += w[q]! * w[q]!;
  loss += (p.l2 / 2) * reg;
  if (grad !== null) {
    grad.fill(0);
    for (let q = 0; q < w.length; q++) grad[W + q] = gw[q]! + p.l2 * w[q]!;
    for (let h = 0; h < NUM_HEADS; h++) grad[B + h] = gb[h]!;
    if (p.decayMode === 'per-type') for (let k = 0; k < K; k++) grad[k] = gRate[k]! * dRates[k]!;
    else if (p.decayMode === 'shared') {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += gRate[k]! * dRates[k]!;
      grad[0] = sum;
    }
  }
  return loss;
}

/** The per-example arrays of one objective evaluation (typed arrays only: one stable shape for the JIT). */
interface Columns {
  readonly F: number;
  readonly K: number;
  readonly n: number;
  readonly kind: Int8Array;
  readonly fk: Int32Array;
  readonly staticRaw: Float64Array;
  readonly mean: Float64Array;
  readonly inv: Float64Array;
  readonly c: Float64Array;
  readonly d: Float64Array;
  readonly v: Float64Array;
  readonly dv: Float64Array;
  readonly purchased: Float64Array;
  readonly purchases: Float64Array;
  readonly events: Float64Array;
  readonly spend: Float64Array;
}

/**
 * The hot loop, apart from the set-up so the JIT optimises it once: Σ_i loss_i, and the head
 * gradients into gw/gb and ∂L/∂λ_k into gRate (always accumulated: cheap, and no branch to learn).
 */
function accumulate(a: Columns, w: Float64Array, bias: Float64Array, lw: Float64Array, hasSpend: boolean, wantRate: boolean, gw: Float64Array, gb: Float64Array, gRate: Float64Array): number {
  const { F, K, n, kind, fk, staticRaw, mean, inv, c, d, v, dv, purchased, purchases, events, spend } = a;
  const w0 = lw[0]!;
  const w1 = lw[1]!;
  const w2 = lw[2]!;
  const w3 = lw[3]!;
  const x = new Float64Array(F);
  const dx = new Float64Array(F); // ∂x_j/∂λ for the decayed features
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const row = i * F;
    for (let j = 0; j < F; j++) {
      const kj = kind[j]!;
      let g = 0;
      if (kj === 0) g = staticRaw[row + j]!;
      else {
        const o = i * K + fk[j]!;
        const sum = kj === 1 ? c[o]! : v[o]!;
        g = log1p(sum);
        dx[j] = (-(kj === 1 ? d[o]! : dv[o]!) / (1 + sum)) * inv[j]!;
      }
      x[j] = (g - mean[j]!) * inv[j]!;
    }
    let z0 = bias[0]!;
    let z1 = bias[1]!;
    let z2 = bias[2]!;
    let z3 = bias[3]!;
    for (let j = 0; j < F; j++) {
      const xj = x[j]!;
      z0 += w[j]! * xj;
      z1 += w[F + j]! * xj;
      z2 += w[2 * F + j]! * xj;
      z3 += w[3 * F + j]! * xj;
    }
    if (z1 > Z_CAP) z1 = Z_CAP;
    if (z2 > Z_CAP) z2 = Z_CAP;
    const y = purchased[i]!;
    const yn = purchases[i]!;
    const ye = events[i]!;
    const e0 = exp(z0 > 0 ? -z0 : z0);
    const m1 = exp(z1);
    const m2 = exp(z2);
    // softplus(z) − y z, and σ(z) from the same exp(−|z|)
    loss += w0 * ((z0 > 0 ? z0 : 0) + log1p(e0) - y * z0) + w1 * (m1 - yn * z1) + w2 * (m2 - ye * z2);
    const dz0 = w0 * ((z0 >= 0 ? 1 / (1 + e0) : e0 / (1 + e0)) - y);
    const dz1 = w1 * (m1 - yn);
    const dz2 = w2 * (m2 - ye);
    let dz3 = 0;
    const sp = spend[i]!;
    if (hasSpend && sp > 0) {
      const r = z3 - log(sp);
      loss += (w3 * r * r) / 2;
      dz3 = w3 * r;
    }
    for (let j = 0; j < F; j++) {
      const xj = x[j]!;
      gw[j] = gw[j]! + dz0 * xj;
      gw[F + j] = gw[F + j]! + dz1 * xj;
      gw[2 * F + j] = gw[2 * F + j]! + dz2 * xj;
      gw[3 * F + j] = gw[3 * F + j]! + dz3 * xj;
      if (wantRate && kind[j] !== 0) {
        const gx = dz0 * w[j]! + dz1 * w[F + j]! + dz2 * w[2 * F + j]! + dz3 * w[3 * F + j]!;
        const k = fk[j]!;
        gRate[k] = gRate[k]! + gx * dx[j]!;
      }
    }
    gb[0] = gb[0]! + dz0;
    gb[1] = gb[1]! + dz1;
    gb[2] = gb[2]! + dz2;
    gb[3] = gb[3]! + dz3;
  }
  return loss;
}
