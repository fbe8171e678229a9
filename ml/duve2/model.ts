/**
 * DUVE v2: a user's state is an attention over their last W events. For each window event e of a
 * user read at time t (age_e = t − τ_e in days):
 *
 *   x_e = [onehot(type_e) (K), log1p(value_e) (1), log1p(r_e), b_e, C[cat(item_e)] (dc), mean_{b ∈ nb(item_e)} B[b] (dn)]
 *         r_e = events in the window on the same item (e included); b_e = 1 when the user bought
 *         that item later in the window (both only look at the window, so at events before t)
 *   a_e = uᵀ x_e − λ_type(e) · age_e                  (u = Wᵀq: a learned constant query q times W
 *                                                      collapses to one vector; kept as u)
 *   α   = softmax over the window's events            (padding slots get weight 0)
 *   h_u = Σ_e α_e · V x_e = V x̄,  x̄ = Σ_e α_e x_e      (the pooled state, stateDims values)
 *   z   = Wh [h_u, f_std] + bh                        (f_std = DUVE v1's raw features, standardised
 *                                                      and clipped as v1 serves them, so v2 ⊇ v1)
 *
 * Heads (as v1): P(≥ 1 purchase in [t, t+H)) = σ(z0); E[purchases] = exp(z1) (Poisson);
 * E[spend] = σ(z0) · exp(z2 + s²/2) (hurdle: log-normal spend given a purchase; 0 without money).
 *
 * C is a learned table of `categoryBuckets` rows (bucket 0 = unknown category, others a hash of the
 * category id); B a learned table of `itemBuckets` rows indexed by a hash of item ids. nb(item) =
 * the item itself plus its top co-interaction neighbours in the training data (neighbours.ts).
 * λ per type comes from a free θ through v1's half-life parametrisation (ml/duve/model.ts:
 * h = hMin·(hMax/hMin)^σ(θ), λ = ln 2 / h per day): per type, one shared, or none (λ = 0).
 *
 * Parameters are one Float64Array; `duve2Offsets` says where each block lives. This file holds the
 * forward pass and its hand-written backward pass for one example (train.ts sums them).
 */
import type { EventType } from '../../domain/events';
import { decayOfTheta, type DecayMode, type DuveModel, type DuveSegmentThresholds } from '../duve/model';

const { exp } = Math;

export const DUVE2_HEADS = ['purchase', 'purchases', 'spend'] as const;
/** Per-event window features after log1p(value): log1p(same-item events in the window), bought later in the window. */
export const DUVE2_EVENT_EXTRAS = 2;
export const DUVE2_NUM_HEADS = DUVE2_HEADS.length;

export interface Duve2Dims {
  /** W: events per user window. */
  readonly window: number;
  /** Co-interaction neighbours per item (the item itself comes on top: M1 = neighbours + 1). */
  readonly neighbours: number;
  readonly categoryBuckets: number;
  readonly itemBuckets: number;
  readonly categoryDims: number;
  readonly itemDims: number;
  /** Length of the pooled state h_u. */
  readonly stateDims: number;
}

export const DEFAULT_DUVE2_DIMS: Duve2Dims = { window: 64, neighbours: 5, categoryBuckets: 1024, itemBuckets: 4096, categoryDims: 8, itemDims: 8, stateDims: 16 };

export interface Duve2Model {
  readonly formatVersion: 1;
  readonly types: readonly EventType[];
  readonly decayMode: DecayMode;
  readonly halfLifeBoundsDays: readonly [number, number];
  readonly horizonMs: number;
  readonly dims: Duve2Dims;
  /** Seed of the item and category hashes. */
  readonly hashSeed: number;
  /** The v1 block: its learned decays and feature standardisation feed v2's heads (its own heads are unused). */
  readonly v1: DuveModel;
  /** Per training item: [category bucket, M1 neighbour buckets (−1 = none)]. Items not listed: [0, own bucket, −1 …]. */
  readonly items: ReadonlyMap<string, Int32Array>;
  /** Flat parameters (duve2Offsets). */
  readonly params: Float64Array;
  readonly spendLogVariance: number;
  readonly hasSpend: boolean;
  readonly segments: DuveSegmentThresholds;
}

export interface Duve2Offsets {
  readonly K: number;
  readonly F: number;
  readonly M1: number;
  /** Width of x_e. */
  readonly D: number;
  /** Width of the head input [h, f]. */
  readonly G: number;
  readonly nTheta: number;
  readonly theta: number;
  readonly u: number;
  readonly V: number;
  readonly cat: number;
  readonly item: number;
  readonly W: number;
  readonly b: number;
  readonly total: number;
}

export function duve2ThetaCount(mode: DecayMode, K: number): number {
  return mode === 'per-type' ? K : mode === 'shared' ? 1 : 0;
}

export function duve2Offsets(dims: Duve2Dims, K: number, F: number, mode: DecayMode): Duve2Offsets {
  const D = K + 1 + DUVE2_EVENT_EXTRAS + dims.categoryDims + dims.itemDims;
  const G = dims.stateDims + F;
  const nTheta = duve2ThetaCount(mode, K);
  const theta = 0;
  const u = theta + nTheta;
  const V = u + D;
  const cat = V + dims.stateDims * D;
  const item = cat + dims.categoryBuckets * dims.categoryDims;
  const W = item + dims.itemBuckets * dims.itemDims;
  const b = W + DUVE2_NUM_HEADS * G;
  return { K, F, M1: dims.neighbours + 1, D, G, nTheta, theta, u, V, cat, item, W, b, total: b + DUVE2_NUM_HEADS };
}

/** One example's window: n ≤ W events in slots 0..n−1 (any order; padding ignored). */
export interface Duve2Window {
  n: number;
  readonly type: Int32Array;
  readonly logValue: Float64Array;
  /** W × DUVE2_EVENT_EXTRAS (see the module comment; `windowExtras` fills them). */
  readonly extra: Float64Array;
  readonly category: Int32Array;
  /** W × M1 item buckets, −1 = none. */
  readonly neighbours: Int32Array;
  readonly ageDays: Float64Array;
}

export function createDuve2Window(dims: Pick<Duve2Dims, 'window' | 'neighbours'>): Duve2Window {
  const W = dims.window;
  return {
    n: 0,
    type: new Int32Array(W),
    logValue: new Float64Array(W),
    extra: new Float64Array(W * DUVE2_EVENT_EXTRAS),
    category: new Int32Array(W),
    neighbours: new Int32Array(W * (dims.neighbours + 1)).fill(-1),
    ageDays: new Float64Array(W),
  };
}

/**
 * Fill the per-event extras of a window whose slots 0..n−1 are in time order, in O(n): `key(a)` is
 * slot a's item (null: no item, no extras), `bought(a)` whether slot a is a purchase.
 */
export function windowExtras(win: Duve2Window, key: (a: number) => string | number | null, bought: (a: number) => boolean): void {
  const E = DUVE2_EVENT_EXTRAS;
  const count = new Map<string | number, number>();
  for (let a = 0; a < win.n; a++) {
    const k = key(a);
    if (k !== null) count.set(k, (count.get(k) ?? 0) + 1);
  }
  const boughtLater = new Set<string | number>();
  for (let a = win.n - 1; a >= 0; a--) {
    const k = key(a);
    win.extra[a * E] = k === null ? 0 : Math.log1p(count.get(k)!);
    win.extra[a * E + 1] = k !== null && boughtLater.has(k) ? 1 : 0;
    if (k !== null && bought(a)) boughtLater.add(k);
  }
}

/** Decay rate per day of each type and dλ/dθ (zeros in mode `none`). */
export function duve2Rates(mode: DecayMode, bounds: readonly [number, number], params: Float64Array, off: Duve2Offsets): { rates: Float64Array; dRates: Float64Array } {
  const rates = new Float64Array(off.K);
  const dRates = new Float64Array(off.K);
  if (mode === 'none') return { rates, dRates };
  for (let k = 0; k < off.K; k++) {
    const r = decayOfTheta(params[off.theta + (mode === 'shared' ? 0 : k)]!, bounds);
    rates[k] = r.rate;
    dRates[k] = r.dRate;
  }
  return { rates, dRates };
}

/** Scratch of one forward pass (kept for the backward pass). */
export interface Duve2Scratch {
  readonly X: Float64Array;
  readonly a: Float64Array;
  readonly alpha: Float64Array;
  readonly xbar: Float64Array;
  readonly g: Float64Array;
  readonly z: Float64Array;
  readonly dg: Float64Array;
  readonly dxbar: Float64Array;
  readonly dx: Float64Array;
  readonly dalpha: Float64Array;
}

export function createDuve2Scratch(dims: Duve2Dims, off: Duve2Offsets): Duve2Scratch {
  const W = dims.window;
  return {
    X: new Float64Array(W * off.D),
    a: new Float64Array(W),
    alpha: new Float64Array(W),
    xbar: new Float64Array(off.D),
    g: new Float64Array(off.G),
    z: new Float64Array(DUVE2_NUM_HEADS),
    dg: new Float64Array(off.G),
    dxbar: new Float64Array(off.D),
    dx: new Float64Array(off.D),
    dalpha: new Float64Array(W),
  };
}

/**
 * Forward pass of one example: fills s.X, s.alpha, s.xbar, s.g = [h, f] and the logits s.z.
 * `f` is the standardised v1 feature row (F values). A window with n = 0 gives h = 0.
 */
export function duve2Forward(dims: Duve2Dims, off: Duve2Offsets, P: Float64Array, rates: Float64Array, win: Duve2Window, f: ArrayLike<number>, s: Duve2Scratch): Float64Array {
  const { K, D, M1, G, F } = off;
  const dc = dims.categoryDims;
  const dn = dims.itemDims;
  const dh = dims.stateDims;
  const { X, a, alpha, xbar, g, z } = s;
  const n = win.n;
  let amax = -Infinity;
  for (let w = 0; w < n; w++) {
    const x = w * D;
    for (let j = 0; j < K; j++) X[x + j] = 0;
    const k = win.type[w]!;
    X[x + k] = 1;
    X[x + K] = win.logValue[w]!;
    for (let j = 0; j < DUVE2_EVENT_EXTRAS; j++) X[x + K + 1 + j] = win.extra[w * DUVE2_EVENT_EXTRAS + j]!;
    const xc = x + K + 1 + DUVE2_EVENT_EXTRAS;
    const c = off.cat + win.category[w]! * dc;
    for (let j = 0; j < dc; j++) X[xc + j] = P[c + j]!;
    const xn = xc + dc;
    for (let j = 0; j < dn; j++) X[xn + j] = 0;
    let cnt = 0;
    for (let m = 0; m < M1; m++) {
      const bkt = win.neighbours[w * M1 + m]!;
      if (bkt < 0) continue;
      cnt++;
      const o = off.item + bkt * dn;
      for (let j = 0; j < dn; j++) X[xn + j] = X[xn + j]! + P[o + j]!;
    }
    if (cnt > 1) for (let j = 0; j < dn; j++) X[xn + j] = X[xn + j]! / cnt;
    let sc = 0;
    for (let j = 0; j < D; j++) sc += P[off.u + j]! * X[x + j]!;
    sc -= rates[k]! * win.ageDays[w]!;
    a[w] = sc;
    if (sc > amax) amax = sc;
  }
  let sum = 0;
  for (let w = 0; w < n; w++) {
    alpha[w] = exp(a[w]! - amax);
    sum += alpha[w]!;
  }
  xbar.fill(0);
  for (let w = 0; w < n; w++) {
    alpha[w] = alpha[w]! / sum;
    const aw = alpha[w]!;
    const x = w * D;
    for (let j = 0; j < D; j++) xbar[j] = xbar[j]! + aw * X[x + j]!;
  }
  for (let r = 0; r < dh; r++) {
    let h = 0;
    const o = off.V + r * D;
    for (let j = 0; j < D; j++) h += P[o + j]! * xbar[j]!;
    g[r] = h;
  }
  for (let j = 0; j < F; j++) g[dh + j] = f[j]!;
  for (let q = 0; q < DUVE2_NUM_HEADS; q++) {
    let zq = P[off.b + q]!;
    const o = off.W + q * G;
    for (let j = 0; j < G; j++) zq += P[o + j]! * g[j]!;
    z[q] = zq;
  }
  return z;
}

/**
 * Backward pass of the example last run through `duve2Forward` with the same scratch: adds
 * ∂L/∂params for the logit gradients dz (DUVE2_NUM_HEADS) into `grad`, and ∂L/∂λ_k into dRate.
 */
export function duve2Backward(dims: Duve2Dims, off: Duve2Offsets, P: Float64Array, win: Duve2Window, dz: ArrayLike<number>, s: Duve2Scratch, grad: Float64Array, dRate: Float64Array): void {
  const { K, D, M1, G } = off;
  const dc = dims.categoryDims;
  const dn = dims.itemDims;
  const dh = dims.stateDims;
  const { X, alpha, xbar, g, dg, dxbar, dx, dalpha } = s;
  dg.fill(0);
  for (let q = 0; q < DUVE2_NUM_HEADS; q++) {
    const d = dz[q]!;
    if (d === 0) continue;
    const o = off.W + q * G;
    for (let j = 0; j < G; j++) {
      grad[o + j] = grad[o + j]! + d * g[j]!;
      dg[j] = dg[j]! + d * P[o + j]!;
    }
    grad[off.b + q] = grad[off.b + q]! + d;
  }
  const n = win.n;
  if (n === 0) return;
  dxbar.fill(0);
  for (let r = 0; r < dh; r++) {
    const d = dg[r]!;
    if (d === 0) continue;
    const o = off.V + r * D;
    for (let j = 0; j < D; j++) {
      grad[o + j] = grad[o + j]! + d * xbar[j]!;
      dxbar[j] = dxbar[j]! + d * P[o + j]!;
    }
  }
  let sAlpha = 0;
  for (let w = 0; w < n; w++) {
    let d = 0;
    const x = w * D;
    for (let j = 0; j < D; j++) d += dxbar[j]! * X[x + j]!;
    dalpha[w] = d;
    sAlpha += alpha[w]! * d;
  }
  for (let w = 0; w < n; w++) {
    const x = w * D;
    const aw = alpha[w]!;
    const da = aw * (dalpha[w]! - sAlpha);
    for (let j = 0; j < D; j++) {
      dx[j] = aw * dxbar[j]! + da * P[off.u + j]!;
      grad[off.u + j] = grad[off.u + j]! + da * X[x + j]!;
    }
    const k = win.type[w]!;
    dRate[k] = dRate[k]! - da * win.ageDays[w]!;
    const c = off.cat + win.category[w]! * dc;
    const xc = K + 1 + DUVE2_EVENT_EXTRAS;
    for (let j = 0; j < dc; j++) grad[c + j] = grad[c + j]! + dx[xc + j]!;
    let cnt = 0;
    for (let m = 0; m < M1; m++) if (win.neighbours[w * M1 + m]! >= 0) cnt++;
    if (cnt === 0) continue;
    const xn = xc + dc;
    for (let m = 0; m < M1; m++) {
      const bkt = win.neighbours[w * M1 + m]!;
      if (bkt < 0) continue;
      const o = off.item + bkt * dn;
      for (let j = 0; j < dn; j++) grad[o + j] = grad[o + j]! + dx[xn + j]! / cnt;
    }
  }
}

/** Fold ∂L/∂λ_k into the θ gradient (per type, summed for `shared`, nothing for `none`). */
export function duve2ThetaGrad(mode: DecayMode, off: Duve2Offsets, dRate: Float64Array, dRates: Float64Array, grad: Float64Array): void {
  if (mode === 'none') return;
  for (let k = 0; k < off.K; k++) {
    const q = off.theta + (mode === 'shared' ? 0 : k);
    grad[q] = grad[q]! + dRate[k]! * dRates[k]!;
  }
}

const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x)));
export { sigmoid as duve2Sigmoid };

/** Largest Poisson / spend logit the heads read (exp stays finite). */
export const DUVE2_MAX_LOGIT = 30;

export interface Duve2Forecast {
  readonly pPurchase: number;
  readonly expectedPurchases: number;
  readonly expectedSpend: number;
}

/** Head outputs of logits z, as the ONNX graph computes them. */
export function duve2Heads(m: Pick<Duve2Model, 'hasSpend' | 'spendLogVariance'>, z: ArrayLike<number>): Duve2Forecast {
  const p = sigmoid(z[0]!);
  return {
    pPurchase: p,
    expectedPurchases: exp(Math.min(DUVE2_MAX_LOGIT, z[1]!)),
    expectedSpend: m.hasSpend ? p * exp(Math.min(DUVE2_MAX_LOGIT, z[2]! + m.spendLogVariance / 2)) : 0,
  };
}
