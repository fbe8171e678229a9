/**
 * Percentile bootstrap intervals over users for the per-user metric means of `ranking/full`.
 * Each resample draws n user rows uniformly with replacement (index ⌊u·n⌋, u from mulberry32(seed),
 * ml/random.ts) and averages every requested column over the same draw; the interval is the
 * type-7 percentile interval of the resampled means. With the same seed, every model is resampled
 * with the same users (paired), so intervals of two models on one run are directly comparable.
 */
import { quantileSorted } from '../../../experiments/stats/bootstrap';
import { mulberry32 } from '../../../ml/random';
import type { MetricInterval } from '../../report/types';

export interface BootstrapMeansOptions {
  /** Resamples. Required, > 0. */
  readonly resamples: number;
  /** Seed of the draw. Required. */
  readonly seed: number;
  /** Coverage. Default 0.95. */
  readonly level?: number;
}

/** Intervals of the means of `columns` of a rows x width matrix, one per column (in order). */
export function bootstrapMeans(values: Float64Array, width: number, columns: readonly number[], opts: BootstrapMeansOptions): MetricInterval[] {
  const level = opts.level ?? 0.95;
  if (!Number.isInteger(opts.resamples) || opts.resamples <= 0) throw new RangeError(`resamples must be a positive integer (got ${opts.resamples})`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1) (got ${level})`);
  const n = values.length / width;
  const nc = columns.length;
  const means = columns.map(() => new Float64Array(opts.resamples));
  if (n === 0) return columns.map(() => ({ level, lower: Number.NaN, upper: Number.NaN }));
  const next = mulberry32(opts.seed);
  const sums = new Float64Array(nc);
  for (let r = 0; r < opts.resamples; r++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) {
      const o = Math.floor(next() * n) * width;
      for (let c = 0; c < nc; c++) sums[c] = sums[c]! + values[o + columns[c]!]!;
    }
    for (let c = 0; c < nc; c++) means[c]![r] = sums[c]! / n;
  }
  const alpha = 1 - level;
  return means.map((m) => {
    m.sort();
    return { level, lower: quantileSorted(m, alpha / 2), upper: quantileSorted(m, 1 - alpha / 2) };
  });
}
