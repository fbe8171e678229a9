/**
 * A ratio metric whose numerator and denominator are both sums over the randomisation units
 * (CTR = Σ clicks / Σ impressions over users), compared between two arms with the delta method
 * (Deng, Knoblich & Lu 2018, "Applying the Delta Method in Metric Analytics", §3). Impressions of
 * one user are not independent trials; treating them so (a z-test over impressions) understates
 * the variance. Per arm, with per-user x_i (e.g. clicks) and n_i (impressions), N users:
 *
 *   R = Σx / Σn = x̄ / n̄
 *   Var(R) ≈ (s²_x − 2 R s_xn + R² s²_n) / (N n̄²)          s = sample (co)variances, divisor N − 1
 *   z = (R_B − R_A) / √(Var_A + Var_B),  CI = R_B − R_A ± z_{1−α/2} √(Var_A + Var_B)
 *   relative lift r = R_B/R_A − 1, delta method on the ratio: SE_r = √(Var_B/R_A² + R_B² Var_A/R_A⁴)
 */
import { STANDARD_NORMAL, interval, pValue, resolveOptions } from './tails';
import type { Interval, TestOptions, LiftTestResult } from './types';

/** Per-unit numerators and denominators of one arm (aligned; denominators ≥ 0, summing to > 0). */
export interface RatioUnits {
  readonly numerator: ArrayLike<number>;
  readonly denominator: ArrayLike<number>;
}

export interface RatioEstimate {
  readonly ratio: number;
  /** Delta-method variance of the ratio. */
  readonly variance: number;
  readonly units: number;
}

/** Estimates R_A, R_B; delta-method intervals for R_B − R_A and R_B / R_A − 1 (see the header). */
export type RatioTestResult = LiftTestResult;

/** R and its delta-method variance for one arm. Throws RangeError on fewer than 2 units or Σn = 0. */
export function ratioEstimate(u: RatioUnits, arm = 'arm'): RatioEstimate {
  const N = u.numerator.length;
  if (u.denominator.length !== N) throw new RangeError(`${arm}: numerator and denominator lengths differ`);
  if (N < 2) throw new RangeError(`${arm}: a ratio test needs at least 2 units, got ${N}`);
  let sx = 0;
  let sn = 0;
  for (let i = 0; i < N; i++) {
    sx += u.numerator[i]!;
    sn += u.denominator[i]!;
  }
  if (!(sn > 0)) throw new RangeError(`${arm}: the denominators sum to ${sn}`);
  const mx = sx / N;
  const mn = sn / N;
  let vx = 0;
  let vn = 0;
  let cxn = 0;
  for (let i = 0; i < N; i++) {
    const dx = u.numerator[i]! - mx;
    const dn = u.denominator[i]! - mn;
    vx += dx * dx;
    vn += dn * dn;
    cxn += dx * dn;
  }
  vx /= N - 1;
  vn /= N - 1;
  cxn /= N - 1;
  const r = mx / mn;
  return { ratio: r, variance: Math.max(0, (vx - 2 * r * cxn + r * r * vn) / (N * mn * mn)), units: N };
}

/** Delta-method z-test of H0: R_A = R_B for two arms of per-unit sums. */
export function ratioDeltaTest(a: RatioUnits, b: RatioUnits, options?: TestOptions): RatioTestResult {
  const opts = resolveOptions(options);
  const A = ratioEstimate(a, 'a');
  const B = ratioEstimate(b, 'b');
  const diff = B.ratio - A.ratio;
  const se = Math.sqrt(A.variance + B.variance);
  const z = se > 0 ? diff / se : diff === 0 ? 0 : Math.sign(diff) * Infinity;
  let relativeLift = NaN;
  let relativeCi: Interval = { lower: NaN, upper: NaN };
  if (A.ratio !== 0) {
    relativeLift = B.ratio / A.ratio - 1;
    const seRel = Math.sqrt(B.variance / A.ratio ** 2 + (B.ratio ** 2 * A.variance) / A.ratio ** 4);
    relativeCi = interval(relativeLift, seRel, STANDARD_NORMAL, opts);
  }
  return {
    estimateA: A.ratio,
    estimateB: B.ratio,
    absoluteLift: diff,
    absoluteCi: interval(diff, se, STANDARD_NORMAL, opts),
    relativeLift,
    relativeCi,
    z,
    pValue: pValue(z, STANDARD_NORMAL, opts.alternative),
  };
}
