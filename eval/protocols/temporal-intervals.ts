/**
 * 95% intervals of the overall per-user metrics of events/temporal (P@K, NDCG@K, GAUC): a seeded
 * percentile bootstrap over test users, the unit the metrics average over. It reuses the
 * experiments' ratio bootstrap (experiments/stats/bootstrap.ts): a mean over users is the ratio
 * Σ value_u / Σ 1, and GAUC is Σ w_u·AUC_u / Σ w_u with w_u = the user's labelled pairs, so both are
 * resampled by user with the same stream, reproducible from (data, seed, resamples).
 */
import { bootstrapRatio } from '../../experiments/stats/bootstrap';
import type { MetricInterval } from '../report/types';
import { round6 } from './support';

export interface IntervalOptions {
  /** Seed of the resampling stream (the run's seed). */
  readonly seed: number;
  /** Bootstrap resamples. Default DEFAULT_RESAMPLES (2000). */
  readonly resamples?: number;
}

/** Default resamples, as the experiments' bootstrap. */
export const DEFAULT_RESAMPLES = 2000;

/**
 * Percentile interval of Σ values·weights / Σ weights over users (weights default 1); null when
 * there is no user. Bounds rounded like the metric values.
 */
export function userInterval(values: readonly number[], weights: readonly number[] | null, o: IntervalOptions): MetricInterval | null {
  if (values.length === 0) return null;
  const w = weights ?? values.map(() => 1);
  const r = bootstrapRatio({ numerator: values.map((v, i) => v * w[i]!), denominator: w }, { seed: o.seed, resamples: o.resamples ?? DEFAULT_RESAMPLES, alpha: 0.05 });
  return { level: 0.95, lower: round6(r.ci.lower), upper: round6(r.ci.upper) };
}
