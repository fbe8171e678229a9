/**
 * Sampled softmax over cosine similarities (InfoNCE with a temperature), grouped by user so the
 * negatives are scored once per user and shared by all of that user's positives:
 *
 *   s_ui = ⟨Ê_u, Ê_i⟩/τ                       (Ê: row-normalised final embeddings)
 *   L(u, p) = −s_up + ln(e^{s_up} + Σ_{j∈J} e^{s_uj})
 *
 * J: the negative items shared by a group of users, minus the user's own train items. Scoring J
 * once per user instead of once per pair is what makes many negatives affordable: a user with n
 * positives costs (n + |J|)·d multiply-adds instead of n·(1 + |J|)·d. Cosines are in [−1, 1], so
 * exponents are shifted by 1/τ and never overflow.
 *
 * Gradients go to ∂L/∂Ê (rows of `gHat`); backThroughNorm turns them into ∂L/∂E.
 */

// Bound once: a global lookup per call is slow inside jest's vm sandbox, and free for V8 otherwise.
const { exp, log } = Math;

export interface UserLossInput {
  /** Row-normalised embeddings [numUsers + numItems, d]: users first, then items. */
  readonly hat: Float32Array;
  readonly d: number;
  readonly numUsers: number;
  /** The user's train items (sorted or not). */
  readonly positives: Int32Array;
  /** Shared negatives (item indices); entries equal to a positive are skipped. */
  readonly negatives: Int32Array;
  /** Temperature τ. */
  readonly tau: number;
}

/**
 * Sum of L(u, p) over the user's positives; adds its gradient into `gHat`. `mark` (length
 * numItems, all 0 on entry and on return) and `negExp` (length ≥ |J|) are scratch.
 */
export function userSoftmaxLoss(u: number, x: UserLossInput, gHat: Float32Array, mark: Uint8Array, negExp: Float64Array, posExp: Float64Array): number {
  const { hat, d, numUsers, positives, negatives, tau } = x;
  const inv = 1 / tau;
  const uo = u * d;
  for (let p = 0; p < positives.length; p++) mark[positives[p]!] = 1;
  let negSum = 0;
  for (let j = 0; j < negatives.length; j++) {
    const it = negatives[j]!;
    if (mark[it] === 1) {
      negExp[j] = 0;
      continue;
    }
    const io = (numUsers + it) * d;
    let dot = 0;
    for (let k = 0; k < d; k++) dot += hat[uo + k]! * hat[io + k]!;
    const e = exp((dot - 1) * inv);
    negExp[j] = e;
    negSum += e;
  }
  let loss = 0;
  let sumInvZ = 0;
  for (let p = 0; p < positives.length; p++) {
    const it = positives[p]!;
    mark[it] = 0;
    const io = (numUsers + it) * d;
    let dot = 0;
    for (let k = 0; k < d; k++) dot += hat[uo + k]! * hat[io + k]!;
    const e = exp((dot - 1) * inv);
    const z = e + negSum;
    loss += log(z) - (dot - 1) * inv;
    sumInvZ += 1 / z;
    // ∂L/∂s_up = e/Z − 1, and ∂s_up/∂Ê_u = Ê_p/τ, ∂s_up/∂Ê_p = Ê_u/τ.
    posExp[p] = (e / z - 1) * inv;
  }
  for (let p = 0; p < positives.length; p++) {
    const c = posExp[p]!;
    const io = (numUsers + positives[p]!) * d;
    for (let k = 0; k < d; k++) {
      gHat[uo + k]! += c * hat[io + k]!;
      gHat[io + k]! += c * hat[uo + k]!;
    }
  }
  // ∂(Σ_p L)/∂s_uj = e_j·Σ_p 1/Z_p.
  for (let j = 0; j < negatives.length; j++) {
    const e = negExp[j]!;
    if (e === 0) continue;
    const c = e * sumInvZ * inv;
    const io = (numUsers + negatives[j]!) * d;
    for (let k = 0; k < d; k++) {
      gHat[uo + k]! += c * hat[io + k]!;
      gHat[io + k]! += c * hat[uo + k]!;
    }
  }
  return loss;
}
