/**
 * Percentile bootstrap of test AUCs over test rows: every resample draws n row indices uniformly
 * with replacement (mulberry32(seed), the same draws for every model), so the interval of a
 * difference between two models is paired. Reproducible from (scores, labels, seed, resamples).
 */
import { mulberry32 } from '../../ml/random';
import { auc } from '../metrics/classification';
import type { MetricInterval } from '../report/types';

export interface AucBootstrap {
  /** AUC per model on the full test rows. */
  readonly auc: readonly number[];
  /** 95% interval per model. */
  readonly ci: readonly MetricInterval[];
  /** 95% interval of auc[m] − auc[reference] per model (the reference's own is [0, 0]). */
  readonly diffCi: readonly MetricInterval[];
}

export function bootstrapAucs(scores: readonly ArrayLike<number>[], labels: ArrayLike<number>, o: { seed: number; resamples: number; reference: number }): AucBootstrap {
  const n = labels.length;
  const rnd = mulberry32(o.seed);
  const reps = scores.map(() => [] as number[]);
  const diffs = scores.map(() => [] as number[]);
  const idx = new Uint32Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  for (let b = 0; b < o.resamples; b++) {
    for (let i = 0; i < n; i++) idx[i] = Math.floor(rnd() * n);
    for (let i = 0; i < n; i++) y[i] = labels[idx[i]!]!;
    const values = scores.map((sc) => {
      for (let i = 0; i < n; i++) s[i] = sc[idx[i]!]!;
      return auc(s, y);
    });
    values.forEach((v, m) => {
      if (Number.isNaN(v)) return;
      reps[m]!.push(v);
      diffs[m]!.push(v - values[o.reference]!);
    });
  }
  return {
    auc: scores.map((sc) => auc(sc, labels)),
    ci: reps.map(percentile95),
    diffCi: diffs.map(percentile95),
  };
}

/** Type-7 percentile interval [q_0.025, q_0.975]; NaN bounds without replicates. */
export function percentile95(values: readonly number[]): MetricInterval {
  const v = [...values].sort((a, b) => a - b);
  const q = (p: number): number => {
    if (v.length === 0) return Number.NaN;
    const h = (v.length - 1) * p;
    const lo = Math.floor(h);
    return v[lo]! + (h - lo) * ((v[Math.min(lo + 1, v.length - 1)] ?? v[lo]!) - v[lo]!);
  };
  return { level: 0.95, lower: q(0.025), upper: q(0.975) };
}
