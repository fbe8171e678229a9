/**
 * Two-proportion z-test for a rate metric (CTR, conversion rate) with intervals for the absolute
 * and the relative lift of B over A.
 *
 *   p_A = x_A/n_A,  p_B = x_B/n_B,  pooled p = (x_A + x_B)/(n_A + n_B)
 *   z = (p_B − p_A) / √(p(1 − p)(1/n_A + 1/n_B))                 pooled SE: the SE under H0 (p_A = p_B);
 *                                                               z² is Pearson's X² of the 2×2 table
 *   absolute CI = (p_B − p_A) ± z_{1−α/2} √(p_A(1−p_A)/n_A + p_B(1−p_B)/n_B)     unpooled (Wald) SE
 *   relative CI = exp(ln(p_B/p_A) ± z_{1−α/2} √((1−p_A)/x_A + (1−p_B)/x_B)) − 1
 *                 delta method on the log ratio (Katz et al. 1978; Agresti, CDA §3.1.4)
 *
 * Like R's prop.test, the test uses the pooled SE and the interval the unpooled one, so at the very
 * edge of significance the two can disagree; the interval is the one to report.
 */
import { STANDARD_NORMAL, interval, mapInterval, pValue, resolveOptions } from './tails';
import type { Interval, TestOptions, LiftTestResult } from './types';

/** Successes and trials of both arms (A control, B treatment). */
export interface ProportionCounts {
  readonly successesA: number;
  readonly trialsA: number;
  readonly successesB: number;
  readonly trialsB: number;
}

/**
 * estimates p_A, p_B; absolute lift p_B − p_A with a Wald interval (unpooled SE); relative lift
 * with the Katz log-ratio interval (NaN ends when either arm has no successes; its open end for
 * `alternative: 'less'` is −1); z with the pooled SE (0 when both arms are all-0 or all-1).
 */
export type ProportionTestResult = LiftTestResult;

/** Two-proportion z-test of H0: p_A = p_B. */
export function twoProportionZTest(counts: ProportionCounts, options?: TestOptions): ProportionTestResult {
  const opts = resolveOptions(options);
  const { successesA: xA, trialsA: nA, successesB: xB, trialsB: nB } = counts;
  checkCounts(xA, nA, 'A');
  checkCounts(xB, nB, 'B');

  const pA = xA / nA;
  const pB = xB / nB;
  const diff = pB - pA;
  const pooled = (xA + xB) / (nA + nB);
  const se0 = Math.sqrt(pooled * (1 - pooled) * (1 / nA + 1 / nB));
  // se0 = 0 only when both arms are all-0 or all-1: identical rates, no evidence of a difference.
  const z = se0 > 0 ? diff / se0 : 0;

  const se = Math.sqrt((pA * (1 - pA)) / nA + (pB * (1 - pB)) / nB);
  const absoluteCi = interval(diff, se, STANDARD_NORMAL, opts);

  const relativeLift = pA > 0 ? pB / pA - 1 : NaN;
  let relativeCi: Interval = { lower: NaN, upper: NaN };
  if (xA > 0 && xB > 0) {
    const seLog = Math.sqrt((1 - pA) / xA + (1 - pB) / xB);
    relativeCi = mapInterval(interval(Math.log(pB / pA), seLog, STANDARD_NORMAL, opts), (v) => Math.exp(v) - 1);
  }

  return {
    estimateA: pA,
    estimateB: pB,
    absoluteLift: diff,
    absoluteCi,
    relativeLift,
    relativeCi,
    z,
    pValue: pValue(z, STANDARD_NORMAL, opts.alternative),
  };
}

function checkCounts(successes: number, trials: number, arm: string): void {
  if (!Number.isInteger(trials) || trials < 1) throw new RangeError(`trials${arm} must be an integer >= 1, got ${trials}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new RangeError(`successes${arm} must be an integer in [0, trials${arm}], got ${successes}`);
  }
}
