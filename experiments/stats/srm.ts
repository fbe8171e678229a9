/**
 * Sample-ratio-mismatch (SRM) check: are the units per arm consistent with the configured traffic
 * split? Pearson's chi-square goodness-of-fit test,
 *
 *   E_i = N·w_i/Σw,   X² = Σ (O_i − E_i)²/E_i,   df = k − 1,   p = P(χ²_df ≥ X²)
 *
 * flagged at p < 0.001 by default: an SRM check runs on every experiment, often many times, so it
 * uses a strict threshold (Kohavi, Tang & Xu 2020, ch. 21; Fabijan et al. 2019). A mismatch means
 * the assignment or the logging is broken and the experiment's other results should not be trusted.
 */
import { chiSquareSf } from './distributions';

export interface SrmOptions {
  /** Flag a mismatch when the p-value is below this. Default 0.001. */
  readonly threshold?: number;
}

export interface SrmResult {
  /** Pearson's X². */
  readonly chiSquare: number;
  /** k − 1 for k arms. */
  readonly df: number;
  readonly pValue: number;
  /** `pValue < threshold`. */
  readonly mismatch: boolean;
  /** Expected count per arm, E_i = N·w_i/Σw. */
  readonly expected: number[];
}

/**
 * Chi-square SRM test of `observedCounts` (units per arm) against `expectedWeights` (the configured
 * split, any positive scale: [50, 50], [1, 1] and [0.5, 0.5] are the same).
 */
export function sampleRatioMismatch(observedCounts: readonly number[], expectedWeights: readonly number[], options: SrmOptions = {}): SrmResult {
  const threshold = options.threshold ?? 0.001;
  if (!(threshold > 0 && threshold < 1)) throw new RangeError(`threshold must be in (0, 1), got ${threshold}`);
  const k = observedCounts.length;
  if (k < 2) throw new RangeError(`need at least 2 arms, got ${k}`);
  if (expectedWeights.length !== k) {
    throw new RangeError(`expectedWeights has ${expectedWeights.length} entries for ${k} arms`);
  }
  observedCounts.forEach((o, i) => {
    if (!Number.isInteger(o) || o < 0) throw new RangeError(`observedCounts[${i}] must be an integer >= 0, got ${o}`);
  });
  expectedWeights.forEach((w, i) => {
    if (!(w > 0) || !Number.isFinite(w)) throw new RangeError(`expectedWeights[${i}] must be finite and > 0, got ${w}`);
  });
  const total = observedCounts.reduce((s, o) => s + o, 0);
  if (total === 0) throw new RangeError('no units observed');

  const weightSum = expectedWeights.reduce((s, w) => s + w, 0);
  const expected = expectedWeights.map((w) => (total * w) / weightSum);
  let chiSquare = 0;
  for (let i = 0; i < k; i++) {
    const d = observedCounts[i]! - expected[i]!;
    chiSquare += (d * d) / expected[i]!;
  }
  const df = k - 1;
  const pValue = chiSquareSf(chiSquare, df);
  return { chiSquare, df, pValue, mismatch: pValue < threshold, expected };
}
