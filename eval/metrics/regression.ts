/**
 * Error and rank agreement of numeric predictions against actual values (customer value:
 * future spend, future transactions). All functions take aligned arrays of equal length.
 */
import { averageRanks } from './classification';

function check(pred: ArrayLike<number>, actual: ArrayLike<number>, what: string): number {
  if (pred.length !== actual.length) throw new RangeError(`${what}: ${pred.length} predictions for ${actual.length} actuals`);
  for (let i = 0; i < pred.length; i++) {
    if (!Number.isFinite(pred[i]!) || !Number.isFinite(actual[i]!)) throw new RangeError(`${what}: value ${i} is not finite`);
  }
  return pred.length;
}

/** Mean absolute error, mean |pred − actual|. NaN for empty input. */
export function mae(pred: ArrayLike<number>, actual: ArrayLike<number>): number {
  const n = check(pred, actual, 'mae');
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(pred[i]! - actual[i]!);
  return n > 0 ? s / n : Number.NaN;
}

/** Root mean squared error, sqrt(mean (pred − actual)²). NaN for empty input. */
export function rmse(pred: ArrayLike<number>, actual: ArrayLike<number>): number {
  const n = check(pred, actual, 'rmse');
  let s = 0;
  for (let i = 0; i < n; i++) s += (pred[i]! - actual[i]!) ** 2;
  return n > 0 ? Math.sqrt(s / n) : Number.NaN;
}

/** Mean error (bias), mean (pred − actual): positive = over-prediction. NaN for empty input. */
export function meanError(pred: ArrayLike<number>, actual: ArrayLike<number>): number {
  const n = check(pred, actual, 'meanError');
  let s = 0;
  for (let i = 0; i < n; i++) s += pred[i]! - actual[i]!;
  return n > 0 ? s / n : Number.NaN;
}

/** Pearson correlation; NaN when either side is constant or n < 2. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = check(x, y, 'pearson');
  if (n < 2) return Number.NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

/** Spearman rank correlation: Pearson on average ranks (ties share their mean rank). */
export function spearman(pred: ArrayLike<number>, actual: ArrayLike<number>): number {
  check(pred, actual, 'spearman');
  return pearson(averageRanks(pred), averageRanks(actual));
}

/**
 * Share of the total actual value held by the top `fraction` of items by prediction
 * (top-decile capture for fraction 0.1). The top set holds exactly fraction·n items; the items
 * tied with the boundary prediction are counted pro rata, which is the expected capture under
 * random tie-breaking, so the figure does not depend on input order. NaN when Σ actual is 0.
 */
export function topShareCapture(pred: ArrayLike<number>, actual: ArrayLike<number>, fraction = 0.1): number {
  const n = check(pred, actual, 'topShareCapture');
  if (!(fraction > 0 && fraction <= 1)) throw new RangeError(`topShareCapture: fraction must be in (0, 1], got ${fraction}`);
  let total = 0;
  for (let i = 0; i < n; i++) total += actual[i]!;
  if (n === 0 || total === 0) return Number.NaN;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => pred[b]! - pred[a]!);
  const m = fraction * n;
  let taken = 0;
  let captured = 0;
  let i = 0;
  while (i < n && taken < m) {
    let j = i;
    let groupSum = 0;
    while (j < n && pred[order[j]!] === pred[order[i]!]) groupSum += actual[order[j++]!]!;
    const size = j - i;
    const share = Math.min(size, m - taken) / size;
    captured += share * groupSum;
    taken += size * share;
    i = j;
  }
  return captured / total;
}

/** Top-decile capture: `topShareCapture(pred, actual, 0.1)`. */
export function topDecileCapture(pred: ArrayLike<number>, actual: ArrayLike<number>): number {
  return topShareCapture(pred, actual, 0.1);
}
