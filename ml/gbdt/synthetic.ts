/**
 * Seeded synthetic datasets for tests, benches and examples (no I/O): a ranking task whose
 * relevance depends non-linearly on a few of the features, with some values missing.
 */
import { mulberry32 } from '../random';
import type { GbdtDataset } from './types';

export interface SyntheticRankingOptions {
  /** Query groups. */
  readonly groups: number;
  /** Documents per group. */
  readonly groupSize: number;
  /** Features per document (at least 4; features beyond the 4th are noise). */
  readonly d: number;
  /** Fraction of feature values replaced by NaN. Default 0. */
  readonly missing?: number;
  /** Seed. Default 1. */
  readonly seed?: number;
}

/**
 * Relevance 0..3 from a latent utility u = 2·x0 + x1·x2 − |x3| + noise, ranked within the group
 * (top fifth 3, next fifth 2, next 1, rest 0); features are uniform in [−1, 1].
 */
export function syntheticRanking(o: SyntheticRankingOptions): GbdtDataset {
  const rnd = mulberry32(o.seed ?? 1);
  const n = o.groups * o.groupSize;
  const d = o.d;
  const x = new Float32Array(n * d);
  const y = new Float32Array(n);
  const u = new Float64Array(o.groupSize);
  for (let q = 0; q < o.groups; q++) {
    for (let j = 0; j < o.groupSize; j++) {
      const r = q * o.groupSize + j;
      for (let f = 0; f < d; f++) x[r * d + f] = rnd() * 2 - 1;
      const v = (f: number): number => x[r * d + f]!;
      u[j] = 2 * v(0) + v(1) * v(2) - Math.abs(v(3)) + 0.3 * (rnd() * 2 - 1);
      for (let f = 0; f < d; f++) if (rnd() < (o.missing ?? 0)) x[r * d + f] = Number.NaN;
    }
    const order = Array.from({ length: o.groupSize }, (_, j) => j).sort((a, b) => u[b]! - u[a]!);
    order.forEach((j, pos) => {
      const frac = pos / o.groupSize;
      y[q * o.groupSize + j] = frac < 0.2 ? 3 : frac < 0.4 ? 2 : frac < 0.6 ? 1 : 0;
    });
  }
  return {
    x,
    n,
    d,
    y,
    groups: new Uint32Array(o.groups).fill(o.groupSize),
    featureNames: Array.from({ length: d }, (_, f) => `f${f}`),
  };
}
