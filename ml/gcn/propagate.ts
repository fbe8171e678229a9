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

export function propagationScratch(numNodes: number, d: number): PropagationScratch {
  return { a: new Float32Array(numNodes * d), b: new Float32Array(numNodes * d) };
}

function combine(op: GraphOperator, x: Float32Array, d: number, layers: number, out: Float32Array, s: PropagationScratch, transposed: boolean): Float32Array {
  if (!(Number.isInteger(layers) && layers >= 0)) throw new RangeError(`layers must be a non-negative integer (got ${layers})`);
  const alpha = 1 / (layers + 1);
  const n = x.length;
  for (let i = 0; i < n; i++) out[i] = alpha * x[i]!;
  let cur: Float32Array = x;
  let next = s.a;
  for (let l = 1; l <= layers; l++) {
    // Â symmetric: the backward pass runs the forward kernel (blocked, about 2x the scatter-add's speed).
    if (transposed && !op.symmetric) propagateOnceT(op, cur, d, next);
    else propagateOnce(op, cur, d, next);
    for (let i = 0; i < n; i++) out[i]! += alpha * next[i]!;
    cur = next;
    next = next === s.a ? s.b : s.a;
  }
  return out;
}

/** E = Σ_l α_l Â^l E⁰ into `out`. */
export function lightGcnForward(op: GraphOperator, e0: Float32Array, d: number, layers: number, out: Float32Array, s: PropagationScratch): Float32Array {
  return combine(op, e0, d, layers, out, s, false);
}

/** ∂loss/∂E⁰ = Σ_l α_l (Âᵀ)^l G into `out`. */
export function lightGcnBackward(op: GraphOperator, g: Float32Array, d: number, layers: number, out: Float32Array, s: PropagationScratch): Float32Array {
  return combine(op, g, d, layers, out, s, true);
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
