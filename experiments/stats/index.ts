/**
 * Statistics of A/B/n experiments: pure functions, no I/O. Arm A is the control, B a treatment;
 * lifts are B relative to A. Per metric type:
 *
 * Rates (CTR, conversion) — twoProportionZTest:
 *   z = (p_B − p_A) / √(p(1−p)(1/n_A + 1/n_B)),  p the pooled rate (SE under H0; z² = Pearson X²)
 *   absolute CI: (p_B − p_A) ± z_{1−α/2} √(p_A(1−p_A)/n_A + p_B(1−p_B)/n_B)      (unpooled, Wald)
 *   relative CI: exp(ln(p_B/p_A) ± z_{1−α/2} √((1−p_A)/x_A + (1−p_B)/x_B)) − 1   (delta method, log ratio)
 *
 * Means (GMV per user) — welchTTest, from per-arm {mean, variance (n − 1), n} (createRunningStats):
 *   t = (m_B − m_A)/SE,  SE = √(s²_A/n_A + s²_B/n_B)
 *   df = SE⁴ / ((s²_A/n_A)²/(n_A−1) + (s²_B/n_B)²/(n_B−1))                       (Welch–Satterthwaite)
 *   CI: (m_B − m_A) ± t_{1−α/2, df} SE
 *   relative CI: (m_B/m_A − 1) ± z_{1−α/2} √(s²_B/(n_B m_A²) + m_B² s²_A/(n_A m_A⁴))  (delta method)
 *
 * Ratio metrics over users (CTR = Σ clicks / Σ impressions) — ratioDeltaTest (ratio.ts):
 *   Var(R) ≈ (s²_x − 2R s_xn + R² s²_n)/(N n̄²) per arm (delta method, Deng et al. 2018); z-test on
 *   R_B − R_A. Unlike a z-test over impressions it respects that a user's impressions are correlated.
 *
 * Ratio metrics (GMV per impression) — bootstrapRatio / bootstrapRatioComparison:
 *   R = Σ num / Σ den per arm; seeded percentile bootstrap resampling users (the randomisation unit),
 *   2000 replicates by default; intervals for each arm, R_B − R_A and R_B/R_A − 1.
 *
 * Many comparisons — holm (step-down, preferred) and bonferroni over the flattened family of
 *   (metric, variant) p-values: p̃_(i) = max_{j≤i} min(1, (m−j+1) p_(j)) and min(1, m p_i).
 *
 * Sample ratio mismatch — sampleRatioMismatch: Pearson X² = Σ (O_i − E_i)²/E_i against the
 *   configured split, df = k − 1, flagged at p < 0.001 by default.
 *
 * Distribution functions come from stdlib (@stdlib/stats-base-dists-*, gammainc), see distributions.ts.
 */
export type { Alternative, Interval, LiftTestResult, SampleSummary, TestOptions } from './types';
export { normalCdf, normalQuantile, studentTCdf, studentTQuantile, chiSquareSf } from './distributions';
export { twoProportionZTest } from './proportions';
export type { ProportionCounts, ProportionTestResult } from './proportions';
export { welchTTest } from './means';
export { ratioDeltaTest, ratioEstimate } from './ratio';
export type { RatioEstimate, RatioTestResult, RatioUnits } from './ratio';
export type { WelchTestResult } from './means';
export { createRunningStats, summarize, combineSummaries } from './running-stats';
export type { RunningStats } from './running-stats';
export { holm, bonferroni } from './corrections';
export type { AdjustedPValues } from './corrections';
export { sampleRatioMismatch } from './srm';
export type { SrmOptions, SrmResult } from './srm';
export { bootstrapRatio, bootstrapRatioComparison, quantileSorted } from './bootstrap';
export type { BootstrapOptions, RatioBootstrapResult, RatioComparisonBootstrapResult, RatioSample } from './bootstrap';
