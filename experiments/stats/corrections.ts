/**
 * Family-wise error control across the comparisons of one experiment. The family is every
 * (metric, variant-vs-control) p-value the decision rests on, flattened into one array; the
 * results come back in the input order.
 *
 *   Bonferroni:  p̃_i = min(1, m·p_i)
 *   Holm (1979), step-down: sort p_(1) ≤ … ≤ p_(m);
 *                p̃_(i) = max_{j ≤ i} min(1, (m − j + 1)·p_(j))   (monotone in i)
 *   reject H_i ⇔ p̃_i ≤ α
 *
 * Holm rejects everything Bonferroni rejects and usually more, under the same assumptions (none
 * about the dependence between the p-values), so it is the default to prefer.
 */

export interface AdjustedPValues {
  /** Adjusted p-values, in the input order, each in [0, 1]. */
  readonly adjusted: number[];
  /** `adjusted[i] <= alpha`: whether hypothesis i is rejected at family-wise level alpha. */
  readonly reject: boolean[];
}

/** Bonferroni-adjusted p-values and rejections at family-wise level `alpha` (default 0.05). */
export function bonferroni(pValues: readonly number[], alpha = 0.05): AdjustedPValues {
  check(pValues, alpha);
  const m = pValues.length;
  const adjusted = pValues.map((p) => Math.min(1, m * p));
  return { adjusted, reject: adjusted.map((p) => p <= alpha) };
}

/** Holm step-down adjusted p-values and rejections at family-wise level `alpha` (default 0.05). */
export function holm(pValues: readonly number[], alpha = 0.05): AdjustedPValues {
  check(pValues, alpha);
  const m = pValues.length;
  // Stable order: ties keep their input order, which does not change any adjusted value.
  const order = pValues.map((_, i) => i).sort((i, j) => pValues[i]! - pValues[j]! || i - j);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((idx, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * pValues[idx]!));
    adjusted[idx] = running;
  });
  return { adjusted, reject: adjusted.map((p) => p <= alpha) };
}

function check(pValues: readonly number[], alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  pValues.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p-value ${i} must be in [0, 1], got ${p}`);
  });
}
