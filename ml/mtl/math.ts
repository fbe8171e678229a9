/** Small numeric pieces shared by the multi-task layers. */

/** out = softmax(z) over out.length entries, max-shifted. */
export function softmaxInto(z: ArrayLike<number>, out: Float64Array): void {
  let max = -Infinity;
  for (let i = 0; i < out.length; i++) max = Math.max(max, z[i]!);
  let sum = 0;
  for (let i = 0; i < out.length; i++) {
    const v = Math.exp(z[i]! - max);
    out[i] = v;
    sum += v;
  }
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / sum;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Binary logloss of a logit against y ∈ {0, 1}: softplus(l) − y·l, stable for large |l|. */
export function logitLoss(logit: number, y: number): number {
  return Math.max(logit, 0) + Math.log1p(Math.exp(-Math.abs(logit))) - y * logit;
}
