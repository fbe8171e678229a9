/**
 * LightGCN propagation (He et al. 2020): no feature transforms, no non-linearity, layers combined
 * with α_l = 1/(L+1):
 *
 *   E = Σ_{l=0..L} α_l · Â^l · E⁰          (forward)
 *   ∂/∂E⁰ = Σ_{l=0..L} α_l · (Âᵀ)^l · G     (backward, G = ∂loss/∂E)
 *
 * Both cost L sparse products over the whole node space; rows are [numNodes, d], row-major.
 */
import { propagateOnce, propagateOnceT, type GraphOperator } from '../graph/typed';

// Bound once: a global lookup per call is slow inside jest's vm sandbox, and free for V8 otherwise.
const { sqrt } = Math;

/** Scratch buffers reused across calls (two layers' worth). */
export interface PropagationScratch {
  readonly a: Float32Array;
  readonly b: Float32Array;
}

export function propagationScratch(numNodes: number, d: number, alloc: (n: number) => Float32Array = (n) => new Float32Array(n)): PropagationScratch {
  return { a: alloc(numNodes * d), b: alloc(numNodes * d) };
}

/** One product with Â (the forward kernel, possibly on several threads: ml/graph/parallel.ts). */
export type ApplyOperator = (x: Float32Array, out: Float32Array) => void | Promise<void>;

/** The in-thread ApplyOperator of `op`. */
export function inThread(op: GraphOperator, d: number): ApplyOperator {
  return (x, out) => void propagateOnce(op, x, d, out);
}

async function combine(apply: ApplyOperator, x: Float32Array, layers: number, out: Float32Array, s: PropagationScratch): Promise<Float32Array> {
  if (!(Number.isInteger(layers) && layers >= 0)) throw new RangeError(`layers must be a non-negative integer (got ${layers})`);
  const alpha = 1 / (layers + 1);
  const n = x.length;
  for (let i = 0; i < n; i++) out[i] = alpha * x[i]!;
  let cur: Float32Array = x;
  let next = s.a;
  for (let l = 1; l <= layers; l++) {
    await apply(cur, next);
    for (let i = 0; i < n; i++) out[i]! += alpha * next[i]!;
    cur = next;
    next = next === s.a ? s.b : s.a;
  }
  return out;
}

/** E = Σ_l α_l Â^l E⁰ into `out`. */
export function lightGcnForward(apply: ApplyOperator, e0: Float32Array, layers: number, out: Float32Array, s: PropagationScratch): Promise<Float32Array> {
  return combine(apply, e0, layers, out, s);
}

/**
 * ∂loss/∂E⁰ = Σ_l α_l (Âᵀ)^l G into `out`. For a symmetric operator (every one typedGraph builds)
 * Âᵀ = Â and `applyT` is the forward kernel (blocked, about 2x the scatter-add's speed, and
 * parallel); otherwise pass the transpose product (propagateOnceT).
 */
export function lightGcnBackward(applyT: ApplyOperator, g: Float32Array, layers: number, out: Float32Array, s: PropagationScratch): Promise<Float32Array> {
  return combine(applyT, g, layers, out, s);
}

/** The ApplyOperator of Âᵀ for `op`: `forward` when Â is symmetric, else the in-thread scatter-add. */
export function transposeOf(op: GraphOperator, d: number, forward: ApplyOperator): ApplyOperator {
  return op.symmetric ? forward : (x, out) => void propagateOnceT(op, x, d, out);
}

/** Row-normalise E into `hat` (Ê_r = E_r/‖E_r‖) and keep 1/‖E_r‖ (0 for a zero row). */
export function normaliseRows(e: Float32Array, d: number, hat: Float32Array, invNorm: Float32Array): void {
  const rows = invNorm.length;
  for (let r = 0, o = 0; r < rows; r++, o += d) {
    let sq = 0;
    for (let k = 0; k < d; k++) sq += e[o + k]! * e[o + k]!;
    const inv = sq > 0 ? 1 / sqrt(sq) : 0;
    invNorm[r] = inv;
    for (let k = 0; k < d; k++) hat[o + k] = e[o + k]! * inv;
  }
}

/**
 * Chain rule through the normalisation, in place: g_r ← (g_r − ⟨g_r, Ê_r⟩·Ê_r)/‖E_r‖ · scale,
 * turning ∂loss/∂Ê into ∂loss/∂E.
 */
export function backThroughNorm(g: Float32Array, hat: Float32Array, invNorm: Float32Array, d: number, scale: number): void {
  const rows = invNorm.length;
  for (let r = 0, o = 0; r < rows; r++, o += d) {
    let dot = 0;
    for (let k = 0; k < d; k++) dot += g[o + k]! * hat[o + k]!;
    const f = invNorm[r]! * scale;
    for (let k = 0; k < d; k++) g[o + k] = (g[o + k]! - dot * hat[o + k]!) * f;
  }
}
