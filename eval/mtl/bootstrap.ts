/**
 * Percentile bootstrap of test AUCs over test rows: every resample draws n row indices uniformly
 * with replacement (mulberry32(seed), the same draws for every model), so the interval of a
 * difference between two models is paired. With `groups` (row → cluster, e.g. the user) it draws
 * clusters instead and takes all their rows, since rows of one user are not independent.
 * Reproducible from (scores, labels, groups, seed, resamples).
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

export function bootstrapAucs(scores: readonly ArrayLike<number>[], labels: ArrayLike<number>, o: { seed: number; resamples: number; reference: number; groups?: ArrayLike<number> }): AucBootstrap {
  const n = labels.length;
  const rnd = mulberry32(o.seed);
  const reps = scores.map(() => [] as number[]);
  const diffs = scores.map(() => [] as number[]);
  const clusters = o.groups ? clustersOf(o.groups) : null;
  for (let b = 0; b < o.resamples; b++) {
    const idx: number[] = [];
    if (clusters) {
      for (let c = 0; c < clusters.length; c++) idx.push(...clusters[Math.floor(rnd() * clusters.length)]!);
    } else for (let i = 0; i < n; i++) idx.push(Math.floor(rnd() * n));
    const y = Float64Array.from(idx, (i) => labels[i]!);
    const values = scores.map((sc) =>
      auc(
        Float64Array.from(idx, (i) => sc[i]!),
        y,
      ),
    );
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

function clustersOf(groups: ArrayLike<number>): number[][] {
  const m = new Map<number, number[]>();
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    const list = m.get(g);
    if (list) list.push(i);
    else m.set(g, [i]);
  }
  return [...m.values()];
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
