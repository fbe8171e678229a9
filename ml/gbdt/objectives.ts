/**
 * Per-objective pieces of boosting: the starting score, gradients/hessians of the loss at the
 * current raw scores, and the metric reported per round (and used for early stopping).
 *   regression: squared error ½(f − y)², g = f − y, h = 1; metric RMSE (lower is better).
 *   binary: logloss with p = sigmoid(f), g = p − y, h = p(1 − p); metric logloss (lower is better).
 *   lambdarank: see lambdarank.ts; metric NDCG@k (higher is better).
 */
import { identityOrder, inverseMaxDcg, lambdarankGradients, ndcgAt } from './lambdarank';
import type { GbdtObjective } from './types';

export interface Objective {
  /** True when a larger metric is better. */
  readonly higherIsBetter: boolean;
  /** Starting raw score of every row. */
  readonly baseScore: number;
  gradients(score: Float64Array, grad: Float32Array, hess: Float32Array): void;
  metric(score: ArrayLike<number>): number;
}

export interface ObjectiveData {
  readonly y: Float32Array;
  readonly groups?: Uint32Array;
}

/** Smallest hessian kept for logloss, so a saturated row cannot yield a zero denominator. */
const MIN_HESS = 1e-16;

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Mean logloss of raw scores against 0/1 labels (computed stably from log-odds). */
export function logloss(score: ArrayLike<number>, y: Float32Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const z = score[i]!;
    // log(1 + e^z) − y·z, written to avoid overflow.
    s += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - y[i]! * z;
  }
  return y.length === 0 ? 0 : s / y.length;
}

export function rmse(score: ArrayLike<number>, y: Float32Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (score[i]! - y[i]!) ** 2;
  return y.length === 0 ? 0 : Math.sqrt(s / y.length);
}

function mean(y: Float32Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i]!;
  return y.length === 0 ? 0 : s / y.length;
}

/**
 * The objective for a dataset. `baseScore` (when given) replaces the fitted start, so a
 * validation set is scored from the training set's start.
 */
export function createObjective(kind: GbdtObjective, data: ObjectiveData, ndcgK: number, norm: boolean, baseScore?: number): Objective {
  const { y } = data;
  if (kind === 'regression') {
    return {
      higherIsBetter: false,
      baseScore: baseScore ?? mean(y),
      gradients(score, grad, hess) {
        for (let i = 0; i < y.length; i++) {
          grad[i] = score[i]! - y[i]!;
          hess[i] = 1;
        }
      },
      metric: (score) => rmse(score, y),
    };
  }
  if (kind === 'binary') {
    const p = Math.min(Math.max(mean(y), 1e-15), 1 - 1e-15);
    return {
      higherIsBetter: false,
      baseScore: baseScore ?? Math.log(p / (1 - p)),
      gradients(score, grad, hess) {
        for (let i = 0; i < y.length; i++) {
          const q = sigmoid(score[i]!);
          grad[i] = q - y[i]!;
          hess[i] = Math.max(q * (1 - q), MIN_HESS);
        }
      },
      metric: (score) => logloss(score, y),
    };
  }
  const groups = data.groups!;
  const inv = inverseMaxDcg(y, groups, ndcgK);
  // Rows sorted by score within each group, kept between rounds (re-sorting it is nearly linear).
  const order = identityOrder(y.length);
  return {
    higherIsBetter: true,
    baseScore: baseScore ?? 0,
    gradients: (score, grad, hess) => lambdarankGradients(score, y, groups, inv, ndcgK, norm, grad, hess, order),
    metric: (score) => ndcgAt(score, y, groups, ndcgK, inv, order),
  };
}
