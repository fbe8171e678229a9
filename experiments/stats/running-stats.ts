/**
 * Streaming mean and variance by Welford's (1962) update, and Chan, Golub & LeVeque's (1979)
 * pairwise merge, so per-shard or per-day summaries combine without revisiting the data.
 *
 *   push x:   n ← n + 1;  δ = x − mean;  mean ← mean + δ/n;  M2 ← M2 + δ·(x − mean)
 *   merge:    δ = mean_b − mean_a;  n = n_a + n_b;  mean = mean_a + δ·n_b/n;
 *             M2 = M2_a + M2_b + δ²·n_a·n_b/n
 *   variance = M2 / (n − 1)
 *
 * Unlike Σx² − n·mean², these never subtract two large nearly equal sums, so a metric with a large
 * mean and a small spread (e.g. 1e9 ± 0.1) keeps its variance.
 */
import type { SampleSummary } from './types';

// Bound once: a global lookup per push is slow inside vm sandboxes (jest).
const isFiniteNumber = Number.isFinite;

/** A streaming accumulator of one arm's observations. */
export interface RunningStats {
  /** Adds one finite observation. */
  push(x: number): void;
  /** Summary so far: mean (NaN when empty), variance (NaN when n < 2) and n. */
  summary(): SampleSummary;
}

/** Creates an empty Welford accumulator. */
export function createRunningStats(): RunningStats {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  return {
    push(x: number): void {
      if (!isFiniteNumber(x)) throw new RangeError(`observation must be finite, got ${x}`);
      n += 1;
      const delta = x - mean;
      mean += delta / n;
      m2 += delta * (x - mean);
    },
    summary: () => ({ mean: n > 0 ? mean : NaN, variance: n > 1 ? m2 / (n - 1) : NaN, n }),
  };
}

/** Mean, unbiased variance and count of `values` in one pass. */
export function summarize(values: Iterable<number>): SampleSummary {
  const stats = createRunningStats();
  for (const x of values) stats.push(x);
  return stats.summary();
}

/** Summary of the union of two disjoint samples from their summaries (Chan et al. 1979). */
export function combineSummaries(a: SampleSummary, b: SampleSummary): SampleSummary {
  if (a.n === 0) return b;
  if (b.n === 0) return a;
  const n = a.n + b.n;
  const delta = b.mean - a.mean;
  const mean = a.mean + (delta * b.n) / n;
  // M2 of each side is variance·(n − 1); a one-observation side has M2 = 0 (its variance is NaN).
  const m2a = a.n > 1 ? a.variance * (a.n - 1) : 0;
  const m2b = b.n > 1 ? b.variance * (b.n - 1) : 0;
  const m2 = m2a + m2b + (delta * delta * a.n * b.n) / n;
  return { mean, variance: n > 1 ? m2 / (n - 1) : NaN, n };
}
