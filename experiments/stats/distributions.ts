/**
 * The distribution functions the tests need, as a thin wrapper over stdlib's maintained
 * implementations (@stdlib/stats-base-dists-*, @stdlib/math-base-special-gammainc).
 *
 * The wrapper fixes the standard-normal parameters, gives Student t a normal fallback for
 * df = Infinity or huge df (stdlib's t CDF returns 0.5 at df = Infinity and its quantile
 * returns NaN or 0 beyond df ≈ 1e17), and computes the chi-square upper tail through the upper
 * regularised incomplete gamma function, which keeps tiny p-values accurate where 1 − CDF would
 * round to 0.
 */
import normalCdfImpl from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantileImpl from '@stdlib/stats-base-dists-normal-quantile';
import tCdfImpl from '@stdlib/stats-base-dists-t-cdf';
import tQuantileImpl from '@stdlib/stats-base-dists-t-quantile';
import gammainc from '@stdlib/math-base-special-gammainc';

/** Beyond this many degrees of freedom Student t is the standard normal to ~1e-12. */
const T_NORMAL_DF = 1e12;

/** Standard normal CDF Φ(x). */
export function normalCdf(x: number): number {
  return normalCdfImpl(x, 0, 1);
}

/** Standard normal quantile Φ⁻¹(p), p in [0, 1] (±Infinity at 0 and 1). */
export function normalQuantile(p: number): number {
  checkProbability(p);
  return normalQuantileImpl(p, 0, 1);
}

/** Student t CDF with `df` > 0 degrees of freedom (non-integer allowed, e.g. Welch's df). */
export function studentTCdf(t: number, df: number): number {
  checkDf(df);
  return df > T_NORMAL_DF ? normalCdf(t) : tCdfImpl(t, df);
}

/** Student t quantile with `df` > 0 degrees of freedom (non-integer allowed). */
export function studentTQuantile(p: number, df: number): number {
  checkProbability(p);
  checkDf(df);
  return df > T_NORMAL_DF ? normalQuantile(p) : tQuantileImpl(p, df);
}

/** Chi-square survival function P(X ≥ x) with `df` > 0 degrees of freedom: Q(df/2, x/2). */
export function chiSquareSf(x: number, df: number): number {
  checkDf(df);
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  return gammainc(x / 2, df / 2, true, true);
}

function checkProbability(p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`probability must be in [0, 1], got ${p}`);
}

function checkDf(df: number): void {
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be > 0, got ${df}`);
}
