/**
 * Welch's unequal-variance t-test for a mean metric (e.g. GMV per user) from each arm's summary
 * statistics, with intervals for the difference and the relative lift of B over A.
 *
 *   v_A = s²_A/n_A,  v_B = s²_B/n_B,  SE = √(v_A + v_B)
 *   t = (m_B − m_A) / SE
 *   df = (v_A + v_B)² / (v_A²/(n_A − 1) + v_B²/(n_B − 1))          Welch–Satterthwaite
 *   CI = (m_B − m_A) ± t_{1−α/2, df} · SE
 *   relative lift r = m_B/m_A − 1, delta method on the ratio itself (Deng, Knoblich & Lu 2018):
 *     SE_r = √(v_B/m_A² + m_B²·v_A/m_A⁴),  relative CI = r ± z_{1−α/2} · SE_r   (normal: asymptotic)
 *
 * The relative interval uses the ratio, not its log, so it stays defined for metrics whose mean can
 * be negative (e.g. margin); it is meaningful only when m_A is well away from 0.
 */
import { studentTCdf, studentTQuantile } from './distributions';
import { STANDARD_NORMAL, interval, pValue, resolveOptions } from './tails';
import type { Interval, SampleSummary, TestOptions } from './types';

export interface WelchTestResult {
  /** m_B − m_A. */
  readonly diff: number;
  /** Welch interval for m_B − m_A. */
  readonly ci: Interval;
  /** m_B / m_A − 1; NaN when m_A = 0. */
  readonly relativeLift: number;
  /** Delta-method interval for m_B / m_A − 1; NaN ends when m_A = 0. */
  readonly relativeCi: Interval;
  /** Welch's t; ±Infinity when both variances are 0 and the means differ, 0 when they are equal. */
  readonly t: number;
  /** Welch–Satterthwaite degrees of freedom; n_A + n_B − 2 when both variances are 0. */
  readonly df: number;
  readonly pValue: number;
}

/** Welch's t-test of H0: μ_A = μ_B from per-arm summaries (variance with divisor n − 1). */
export function welchTTest(a: SampleSummary, b: SampleSummary, options?: TestOptions): WelchTestResult {
  const opts = resolveOptions(options);
  checkSummary(a, 'a');
  checkSummary(b, 'b');

  const vA = a.variance / a.n;
  const vB = b.variance / b.n;
  const se = Math.sqrt(vA + vB);
  const diff = b.mean - a.mean;

  let t: number;
  let df: number;
  if (se > 0) {
    t = diff / se;
    df = (vA + vB) ** 2 / (vA ** 2 / (a.n - 1) + vB ** 2 / (b.n - 1));
  } else {
    // Both arms constant: the difference is known exactly; the df are only nominal.
    t = diff === 0 ? 0 : Math.sign(diff) * Infinity;
    df = a.n + b.n - 2;
  }
  const tDist = { cdf: (x: number) => studentTCdf(x, df), quantile: (p: number) => studentTQuantile(p, df) };

  let relativeLift = NaN;
  let relativeCi: Interval = { lower: NaN, upper: NaN };
  if (a.mean !== 0) {
    relativeLift = b.mean / a.mean - 1;
    const seRel = Math.sqrt(vB / a.mean ** 2 + (b.mean ** 2 * vA) / a.mean ** 4);
    relativeCi = interval(relativeLift, seRel, STANDARD_NORMAL, opts);
  }

  return {
    diff,
    ci: interval(diff, se, tDist, opts),
    relativeLift,
    relativeCi,
    t,
    df,
    pValue: pValue(t, tDist, opts.alternative),
  };
}

function checkSummary(s: SampleSummary, arm: string): void {
  if (!Number.isInteger(s.n) || s.n < 2) throw new RangeError(`${arm}.n must be an integer >= 2, got ${s.n}`);
  if (!Number.isFinite(s.mean)) throw new RangeError(`${arm}.mean must be finite, got ${s.mean}`);
  if (!(s.variance >= 0) || !Number.isFinite(s.variance)) {
    throw new RangeError(`${arm}.variance must be finite and >= 0, got ${s.variance}`);
  }
}
