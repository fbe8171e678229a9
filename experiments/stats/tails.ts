/**
 * Turning a statistic with a symmetric null distribution into a p-value and an estimate with a
 * standard error into a (one- or two-sided) confidence interval.
 */
import { normalCdf, normalQuantile } from './distributions';
import type { Alternative, Interval, TestOptions } from './types';

/** A symmetric (about 0) null distribution: its CDF and quantile function. */
export interface SymmetricDistribution {
  cdf(x: number): number;
  quantile(p: number): number;
}

/** N(0, 1), for z statistics and asymptotic intervals. */
export const STANDARD_NORMAL: SymmetricDistribution = { cdf: normalCdf, quantile: normalQuantile };

/** Validated test options with their defaults applied. */
export interface ResolvedOptions {
  readonly alpha: number;
  readonly alternative: Alternative;
}

export function resolveOptions(options: TestOptions = {}): ResolvedOptions {
  const alpha = options.alpha ?? 0.05;
  const alternative = options.alternative ?? 'two-sided';
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (alternative !== 'two-sided' && alternative !== 'greater' && alternative !== 'less') {
    throw new RangeError(`unknown alternative ${String(alternative)}`);
  }
  return { alpha, alternative };
}

/** P-value of `stat` under `alternative` (`'greater'`: large stat is evidence for B > A). */
export function pValue(stat: number, dist: SymmetricDistribution, alternative: Alternative): number {
  if (Number.isNaN(stat)) return NaN;
  // Lower tails only, by symmetry: 1 − cdf(x) would lose the digits of a tiny p-value.
  switch (alternative) {
    case 'two-sided':
      return Math.min(1, 2 * dist.cdf(-Math.abs(stat)));
    case 'greater':
      return dist.cdf(-stat);
    case 'less':
      return dist.cdf(stat);
  }
}

/**
 * `estimate ± q·se` with q the critical value of `dist`: q = quantile(1 − α/2) two-sided, or a
 * one-sided bound with q = quantile(1 − α) and the other end ±Infinity.
 */
export function interval(estimate: number, se: number, dist: SymmetricDistribution, opts: ResolvedOptions): Interval {
  const { alpha, alternative } = opts;
  if (alternative === 'two-sided') {
    const q = dist.quantile(1 - alpha / 2);
    return { lower: estimate - q * se, upper: estimate + q * se };
  }
  const q = dist.quantile(1 - alpha);
  return alternative === 'greater' ? { lower: estimate - q * se, upper: Infinity } : { lower: -Infinity, upper: estimate + q * se };
}

/** Maps both ends of an interval through an increasing function (e.g. exp(·) − 1). */
export function mapInterval(ci: Interval, f: (x: number) => number): Interval {
  return { lower: f(ci.lower), upper: f(ci.upper) };
}
