/**
 * Blend scorer outputs: min-max normalise each scorer over the candidates (or, for a scorer the
 * strategy marks `normalize: none`, take its score clamped to [0, 1]), then a weighted sum
 * with the weights of the scorers that answered renormalised to 1. Keeps every contribution for
 * the explanation.
 */

export interface ScorerColumn {
  readonly scorerId: string;
  readonly version: string;
  readonly weight: number;
  readonly raw: Float32Array;
  /** `minmax` (default): rescale over the candidates; `none`: the raw score clamped to [0, 1]. */
  readonly normalize?: 'minmax' | 'none';
}

export interface Contribution {
  readonly scorerId: string;
  readonly version: string;
  /** The scorer's own score. */
  readonly raw: number;
  /** In [0, 1]: min-max over this request's candidates, or the raw score clamped (normalize `none`). */
  readonly normalized: number;
  /** Effective weight after renormalisation over the scorers that answered. */
  readonly weight: number;
  /** weight × normalized: this scorer's share of the final score. */
  readonly value: number;
}

export interface Blended {
  /** Final score per candidate, in [0, 1]. */
  readonly scores: Float64Array;
  readonly contributions: ReadonlyArray<readonly Contribution[]>;
}

/** Min-max to [0, 1]; a constant column carries no information and maps to 0. */
export function minMax(raw: Float32Array): Float64Array {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of raw) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const out = new Float64Array(raw.length);
  const span = hi - lo;
  if (!(span > 0)) return out;
  for (let i = 0; i < raw.length; i++) out[i] = (raw[i]! - lo) / span;
  return out;
}

/** The raw scores clamped to [0, 1] (NaN to 0). */
export function clamp01(raw: Float32Array): Float64Array {
  const out = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i]!;
    out[i] = v > 1 ? 1 : v > 0 ? v : 0;
  }
  return out;
}

export function blend(columns: readonly ScorerColumn[], n: number): Blended {
  const total = columns.reduce((s, c) => s + c.weight, 0);
  const scores = new Float64Array(n);
  const contributions: Contribution[][] = Array.from({ length: n }, () => []);
  for (const col of columns) {
    const w = total > 0 ? col.weight / total : 0;
    const norm = col.normalize === 'none' ? clamp01(col.raw) : minMax(col.raw);
    for (let i = 0; i < n; i++) {
      const value = w * norm[i]!;
      scores[i]! += value;
      contributions[i]!.push({ scorerId: col.scorerId, version: col.version, raw: col.raw[i]!, normalized: norm[i]!, weight: w, value });
    }
  }
  return { scores, contributions };
}
