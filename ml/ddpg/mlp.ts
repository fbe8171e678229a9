/**
 * A small dense network by hand for the DDPG actor and critic: tanh hidden layers, a linear output,
 * every weight and bias in one Float32Array (so ml/gcn/adam.ts steps it whole). Forward keeps the
 * activations of a batch; backward turns ∂L/∂output into ∂L/∂θ (accumulated) and ∂L/∂input.
 * Arithmetic is in doubles; only the parameters are float32.
 *
 * Layout of layer l (fan-in n, fan-out m): W (m×n, row-major) then b (m).
 */

const { tanh, sqrt } = Math;

export interface Mlp {
  /** Layer widths, input first, output last. */
  readonly sizes: readonly number[];
  readonly params: Float32Array;
}

export interface MlpActivations {
  readonly batch: number;
  /** acts[0] is the input (batch × sizes[0]); acts[l] the output of layer l (tanh for hidden, linear for the last). */
  readonly acts: Float64Array[];
}

export function mlpParamCount(sizes: readonly number[]): number {
  let n = 0;
  for (let l = 1; l < sizes.length; l++) n += sizes[l]! * sizes[l - 1]! + sizes[l]!;
  return n;
}

/** Glorot-uniform weights from `rand` (uniform in [0, 1)), zero biases; the last layer's weights scaled by `outScale` (default 1). */
export function createMlp(sizes: readonly number[], rand: () => number, outScale = 1): Mlp {
  if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1)) throw new RangeError(`mlp: bad layer sizes ${sizes.join('x')}`);
  const params = new Float32Array(mlpParamCount(sizes));
  let o = 0;
  for (let l = 1; l < sizes.length; l++) {
    const n = sizes[l - 1]!;
    const m = sizes[l]!;
    const limit = sqrt(6 / (n + m)) * (l === sizes.length - 1 ? outScale : 1);
    for (let i = 0; i < m * n; i++) params[o + i] = (rand() * 2 - 1) * limit;
    o += m * n + m;
  }
  return { sizes: [...sizes], params };
}

/** Forward a batch (rows of `sizes[0]` values); returns every layer's activations. */
export function mlpForward(net: Mlp, input: ArrayLike<number>, batch: number): MlpActivations {
  const { sizes, params } = net;
  if (input.length !== batch * sizes[0]!) throw new RangeError(`mlp: expected ${batch}×${sizes[0]} inputs, got ${input.length}`);
  const acts: Float64Array[] = [Float64Array.from(input)];
  let o = 0;
  for (let l = 1; l < sizes.length; l++) {
    const n = sizes[l - 1]!;
    const m = sizes[l]!;
    const x = acts[l - 1]!;
    const y = new Float64Array(batch * m);
    const last = l === sizes.length - 1;
    for (let r = 0; r < batch; r++) {
      for (let j = 0; j < m; j++) {
        let s = params[o + m * n + j]!;
        const w = o + j * n;
        for (let i = 0; i < n; i++) s += params[w + i]! * x[r * n + i]!;
        y[r * m + j] = last ? s : tanh(s);
      }
    }
    acts.push(y);
    o += m * n + m;
  }
  return { batch, acts };
}

/** The last layer's output of a forward pass. */
export function mlpOutput(a: MlpActivations): Float64Array {
  return a.acts[a.acts.length - 1]!;
}

/**
 * Backward from ∂L/∂output (batch × last size). Adds ∂L/∂θ into `grad` when given (same layout as
 * params) and returns ∂L/∂input (batch × sizes[0]).
 */
export function mlpBackward(net: Mlp, a: MlpActivations, dOut: ArrayLike<number>, grad: Float32Array | null): Float64Array {
  const { sizes, params } = net;
  const { batch, acts } = a;
  let d = Float64Array.from(dOut);
  const offsets: number[] = [0];
  for (let l = 1; l < sizes.length; l++) offsets.push(offsets[l - 1]! + sizes[l]! * sizes[l - 1]! + sizes[l]!);
  for (let l = sizes.length - 1; l >= 1; l--) {
    const n = sizes[l - 1]!;
    const m = sizes[l]!;
    const o = offsets[l - 1]!;
    const y = acts[l]!;
    const x = acts[l - 1]!;
    if (l !== sizes.length - 1) for (let k = 0; k < d.length; k++) d[k] = d[k]! * (1 - y[k]! * y[k]!);
    const dx = new Float64Array(batch * n);
    for (let r = 0; r < batch; r++) {
      for (let j = 0; j < m; j++) {
        const g = d[r * m + j]!;
        if (g === 0) continue;
        const w = o + j * n;
        if (grad !== null) {
          grad[o + m * n + j] = grad[o + m * n + j]! + g;
          for (let i = 0; i < n; i++) grad[w + i] = grad[w + i]! + g * x[r * n + i]!;
        }
        for (let i = 0; i < n; i++) dx[r * n + i] = dx[r * n + i]! + g * params[w + i]!;
      }
    }
    d = dx;
  }
  return d;
}

/** θ_target ← τ·θ + (1 − τ)·θ_target (the DDPG soft update). */
export function softUpdate(target: Float32Array, source: Float32Array, tau: number): void {
  if (target.length !== source.length) throw new RangeError('softUpdate: parameter counts differ');
  for (let i = 0; i < target.length; i++) target[i] = tau * source[i]! + (1 - tau) * target[i]!;
}

export function cloneMlp(net: Mlp): Mlp {
  return { sizes: [...net.sizes], params: Float32Array.from(net.params) };
}
