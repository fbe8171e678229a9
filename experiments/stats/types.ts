/**
 * Shared shapes of the experiment statistics. Arm A is the control, arm B the treatment, and every
 * lift is read as B relative to A.
 */

/**
 * The alternative hypothesis about B − A (or B / A): `'two-sided'` (B ≠ A), `'greater'` (B > A) or
 * `'less'` (B < A). A one-sided alternative yields a one-sided p-value and a one-sided interval whose
 * open end is ±Infinity.
 */
export type Alternative = 'two-sided' | 'greater' | 'less';

/**
 * A confidence interval. The open end of a one-sided interval is ±Infinity (−1 for the lower end of
 * a relative lift's log-ratio interval, its natural bound).
 */
export interface Interval {
  readonly lower: number;
  readonly upper: number;
}

/** Options shared by the hypothesis tests. */
export interface TestOptions {
  /** Significance level; the intervals have coverage 1 − alpha. Default 0.05. */
  readonly alpha?: number;
  /** Alternative hypothesis about B − A. Default `'two-sided'`. */
  readonly alternative?: Alternative;
}

/** Summary statistics of one arm for a mean metric (see `running-stats.ts` to compute them). */
export interface SampleSummary {
  /** Sample mean. */
  readonly mean: number;
  /** Unbiased sample variance (divisor n − 1); NaN when n < 2. */
  readonly variance: number;
  /** Number of observations (randomisation units). */
  readonly n: number;
}

/** What a test of B against A on a rate or ratio metric returns (z statistic, normal p-value). */
export interface LiftTestResult {
  /** The metric in arm A (the control) and arm B. */
  readonly estimateA: number;
  readonly estimateB: number;
  /** B − A. */
  readonly absoluteLift: number;
  readonly absoluteCi: Interval;
  /** B / A − 1; NaN when A = 0. */
  readonly relativeLift: number;
  /** Interval for B / A − 1 (NaN ends when it cannot be estimated); the test's doc says which kind. */
  readonly relativeCi: Interval;
  readonly z: number;
  readonly pValue: number;
}
