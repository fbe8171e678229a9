/** Adam (Kingma & Ba 2015) over one dense Float32Array of parameters, with bias correction. */

// Bound once: a global lookup per call is slow inside jest's vm sandbox, and free for V8 otherwise.
const { sqrt } = Math;

export interface AdamSettings {
  /** Step size. Required. */
  readonly learningRate: number;
  /** First-moment decay. Default 0.9. */
  readonly beta1?: number;
  /** Second-moment decay. Default 0.999. */
  readonly beta2?: number;
  /** Added to √v. Default 1e-8. */
  readonly epsilon?: number;
}

export interface Adam {
  /** θ ← θ − lr·m̂/(√v̂ + ε) after folding in `grad`. */
  step(params: Float32Array, grad: Float32Array): void;
  readonly steps: () => number;
}

export function createAdam(size: number, s: AdamSettings): Adam {
  const b1 = s.beta1 ?? 0.9;
  const b2 = s.beta2 ?? 0.999;
  const eps = s.epsilon ?? 1e-8;
  const m = new Float32Array(size);
  const v = new Float32Array(size);
  let t = 0;
  return {
    steps: () => t,
    step(params, grad) {
      if (params.length !== size || grad.length !== size) throw new RangeError(`adam: expected ${size} parameters`);
      t++;
      const a = (s.learningRate * sqrt(1 - b2 ** t)) / (1 - b1 ** t);
      for (let i = 0; i < size; i++) {
        const g = grad[i]!;
        const mi = b1 * m[i]! + (1 - b1) * g;
        const vi = b2 * v[i]! + (1 - b2) * g * g;
        m[i] = mi;
        v[i] = vi;
        params[i] = params[i]! - (a * mi) / (sqrt(vi) + eps);
      }
    },
  };
}
