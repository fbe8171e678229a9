/**
 * Statistics of `value/rolling`: metrics over weighted rows and a paired bootstrap over users.
 *
 * Rolling-origin evaluation scores each user at several cuts, so rows (user, cut) of one user are
 * correlated; the bootstrap unit is the user. A resample draws n users with replacement
 * (multinomial, mulberry32(seed), index = ⌊u·n⌋) and gives every row the multiplicity of its user
 * as a weight. Every model's metric is recomputed on the SAME weights in the same replicate, so
 * the difference candidate − baseline is paired: its interval reflects how differently the two
 * models score the same users, not the spread of the users themselves.
 *
 * A metric of a weighted row set equals the metric of the multiset in which row i appears w_i
 * times (value-rolling-stats.test.ts checks each against eval/metrics on the materialised rows):
 *   - AUC: Σ_pos w·(negative weight below + ½ tied negative weight) / (W_pos·W_neg);
 *   - MAE, RMSE: weighted means;
 *   - Spearman: Pearson of the multiset's average ranks (a tie group of weight W starting after
 *     weight B has rank B + (W + 1)/2), weighted by w;
 *   - top-share capture: the top fraction·Σw of the weight by prediction, the tie group at the
 *     boundary counted pro rata (as eval/metrics/regression.ts topShareCapture).
 * Sorting is done once per metric (`prepare*`); a replicate costs O(rows) per model and metric.
 * Intervals are percentile intervals (Hyndman & Fan type 7) of the replicates; a replicate where a
 * metric is undefined (e.g. no positive) is left out of that metric's percentiles.
 */
import { isBetter } from '../report/json';

const imul = Math.imul;
const sqrt = Math.sqrt;
const floor = Math.floor;

/** A metric of the rows under per-row weights (NaN when undefined for those weights). */
export type WeightedMetric = (weights: Float64Array) => number;

function checkLengths(a: ArrayLike<number>, b: ArrayLike<number>, rows: ArrayLike<number> | null, what: string): void {
  if (a.length !== b.length) throw new RangeError(`${what}: ${a.length} predictions for ${b.length} targets`);
  if (rows !== null) for (let i = 0; i < rows.length; i++) if (!(rows[i]! >= 0 && rows[i]! < a.length)) throw new RangeError(`${what}: row ${rows[i]} out of range`);
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) throw new RangeError(`${what}: prediction ${i} is ${a[i]}`);
}

const allRows = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

/** Row indices sorted by `v` ascending and the end (exclusive) of each tie group. */
function tieGroups(v: ArrayLike<number>, rows: Int32Array): { order: Int32Array; ends: Int32Array } {
  const order = Int32Array.from(Array.from(rows).sort((a, b) => v[a]! - v[b]! || a - b));
  const ends: number[] = [];
  for (let i = 0; i < order.length; i++) if (i + 1 === order.length || v[order[i + 1]!] !== v[order[i]!]) ends.push(i + 1);
  return { order, ends: Int32Array.from(ends) };
}

/** AUC of scores against 0/1 labels over `rows` (default all), ties counted ½. */
export function prepareWeightedAuc(scores: ArrayLike<number>, labels: ArrayLike<number>, rows?: ArrayLike<number>): WeightedMetric {
  checkLengths(scores, labels, rows ?? null, 'weighted auc');
  const { order, ends } = tieGroups(scores, rows !== undefined ? Int32Array.from(rows) : allRows(scores.length));
  const pos = Uint8Array.from(order, (i) => (labels[i] === 1 ? 1 : 0));
  return (w) => {
    let negBelow = 0;
    let acc = 0;
    let wPos = 0;
    let start = 0;
    for (let g = 0; g < ends.length; g++) {
      const end = ends[g]!;
      let gp = 0;
      let gn = 0;
      for (let j = start; j < end; j++) {
        const x = w[order[j]!]!;
        if (pos[j] === 1) gp += x;
        else gn += x;
      }
      acc += gp * (negBelow + 0.5 * gn);
      negBelow += gn;
      wPos += gp;
      start = end;
    }
    return wPos > 0 && negBelow > 0 ? acc / (wPos * negBelow) : Number.NaN;
  };
}

/** Mean absolute error over `rows` (default all). */
export function prepareWeightedMae(pred: ArrayLike<number>, actual: ArrayLike<number>, rows?: ArrayLike<number>): WeightedMetric {
  checkLengths(pred, actual, rows ?? null, 'weighted mae');
  const r = rows !== undefined ? Int32Array.from(rows) : allRows(pred.length);
  const err = Float64Array.from(r, (i) => Math.abs(pred[i]! - actual[i]!));
  return (w) => {
    let s = 0;
    let W = 0;
    for (let j = 0; j < r.length; j++) {
      const x = w[r[j]!]!;
      s += x * err[j]!;
      W += x;
    }
    return W > 0 ? s / W : Number.NaN;
  };
}

/** Mean error (bias, prediction − actual) over `rows` (default all). */
export function prepareWeightedMeanError(pred: ArrayLike<number>, actual: ArrayLike<number>, rows?: ArrayLike<number>): WeightedMetric {
  checkLengths(pred, actual, rows ?? null, 'weighted mean error');
  const r = rows !== undefined ? Int32Array.from(rows) : allRows(pred.length);
  const err = Float64Array.from(r, (i) => pred[i]! - actual[i]!);
  return (w) => {
    let s = 0;
    let W = 0;
    for (let j = 0; j < r.length; j++) {
      const x = w[r[j]!]!;
      s += x * err[j]!;
      W += x;
    }
    return W > 0 ? s / W : Number.NaN;
  };
}

/** Root mean squared error over `rows` (default all). */
export function prepareWeightedRmse(pred: ArrayLike<number>, actual: ArrayLike<number>, rows?: ArrayLike<number>): WeightedMetric {
  checkLengths(pred, actual, rows ?? null, 'weighted rmse');
  const r = rows !== undefined ? Int32Array.from(rows) : allRows(pred.length);
  const sq = Float64Array.from(r, (i) => (pred[i]! - actual[i]!) ** 2);
  return (w) => {
    let s = 0;
    let W = 0;
    for (let j = 0; j < r.length; j++) {
      const x = w[r[j]!]!;
      s += x * sq[j]!;
      W += x;
    }
    return W > 0 ? sqrt(s / W) : Number.NaN;
  };
}

/** Average ranks of the multiset (row i repeated w_i times), written per row into `out`. */
function weightedRanks(order: Int32Array, ends: Int32Array, w: Float64Array, out: Float64Array): void {
  let before = 0;
  let start = 0;
  for (let g = 0; g < ends.length; g++) {
    const end = ends[g]!;
    let W = 0;
    for (let j = start; j < end; j++) W += w[order[j]!]!;
    const rank = before + (W + 1) / 2;
    for (let j = start; j < end; j++) out[order[j]!] = rank;
    before += W;
    start = end;
  }
}

/** Spearman rank correlation (average ranks for ties) over `rows` (default all). */
export function prepareWeightedSpearman(pred: ArrayLike<number>, actual: ArrayLike<number>, rows?: ArrayLike<number>): WeightedMetric {
  checkLengths(pred, actual, rows ?? null, 'weighted spearman');
  const r = rows !== undefined ? Int32Array.from(rows) : allRows(pred.length);
  const p = tieGroups(pred, r);
  const a = tieGroups(actual, r);
  const rp = new Float64Array(pred.length);
  const ra = new Float64Array(pred.length);
  return (w) => {
    weightedRanks(p.order, p.ends, w, rp);
    weightedRanks(a.order, a.ends, w, ra);
    let W = 0;
    let mp = 0;
    let ma = 0;
    for (let j = 0; j < r.length; j++) {
      const i = r[j]!;
      const x = w[i]!;
      W += x;
      mp += x * rp[i]!;
      ma += x * ra[i]!;
    }
    if (!(W > 0)) return Number.NaN;
    mp /= W;
    ma /= W;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let j = 0; j < r.length; j++) {
      const i = r[j]!;
      const x = w[i]!;
      if (x === 0) continue;
      const dp = rp[i]! - mp;
      const da = ra[i]! - ma;
      sxy += x * dp * da;
      sxx += x * dp * dp;
      syy += x * da * da;
    }
    return sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : Number.NaN;
  };
}

/** Share of Σ actual held by the top `fraction` of the rows by prediction (ties pro rata) over `rows` (default all). */
export function prepareWeightedTopShare(pred: ArrayLike<number>, actual: ArrayLike<number>, fraction = 0.1, rows?: ArrayLike<number>): WeightedMetric {
  checkLengths(pred, actual, rows ?? null, 'weighted top share');
  if (!(fraction > 0 && fraction <= 1)) throw new RangeError(`weighted top share: fraction must be in (0, 1], got ${fraction}`);
  const { order, ends } = tieGroups(pred, rows !== undefined ? Int32Array.from(rows) : allRows(pred.length));
  return (w) => {
    let total = 0;
    let W = 0;
    for (let j = 0; j < order.length; j++) {
      const x = w[order[j]!]!;
      total += x * actual[order[j]!]!;
      W += x;
    }
    if (!(W > 0) || total === 0) return Number.NaN;
    const m = fraction * W;
    let taken = 0;
    let captured = 0;
    // Descending by prediction: tie groups from the last.
    for (let g = ends.length - 1; g >= 0 && taken < m; g--) {
      const end = ends[g]!;
      const start = g === 0 ? 0 : ends[g - 1]!;
      let size = 0;
      let sum = 0;
      for (let j = start; j < end; j++) {
        const x = w[order[j]!]!;
        size += x;
        sum += x * actual[order[j]!]!;
      }
      if (size === 0) continue;
      const share = Math.min(size, m - taken) / size;
      captured += share * sum;
      taken += size * share;
    }
    return captured / total;
  };
}

/** Mean of several metrics (e.g. one per cut), NaN members left out; NaN when all are. */
export function meanOfMetrics(parts: readonly WeightedMetric[]): WeightedMetric {
  return (w) => {
    let s = 0;
    let n = 0;
    for (const f of parts) {
      const v = f(w);
      if (Number.isFinite(v)) {
        s += v;
        n += 1;
      }
    }
    return n > 0 ? s / n : Number.NaN;
  };
}

/** Percentile (Hyndman & Fan type 7) of ascending `sorted`. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export interface PairedBootstrapInput {
  /** Bootstrap units (users); rows refer to them by index 0..units-1. */
  readonly units: number;
  /** Unit of each row. */
  readonly rowUnit: ArrayLike<number>;
  /** Model ids, in report order. */
  readonly models: readonly string[];
  /** The candidate: differences are candidate − every other model. */
  readonly candidate: string;
  /** Metric name (direction from eval/report/json metricDirection: mae/rmse lower is better, bias closest to 0). */
  readonly metric: string;
  /** metric(model index) → the prepared weighted metric of that model. */
  readonly evaluate: (model: number) => WeightedMetric;
  readonly resamples: number;
  readonly seed: number;
  /** Coverage of the intervals. Default 0.95. */
  readonly level?: number;
}

export interface Interval95 {
  readonly lower: number;
  readonly upper: number;
}

export interface PairedModelResult {
  readonly model: string;
  /** The metric on the observed rows (every weight 1). */
  readonly estimate: number;
  readonly ci: Interval95;
  /** Replicates in which the metric was defined. */
  readonly replicates: number;
}

export interface PairedDifference {
  /** The baseline: the difference is candidate − baseline. */
  readonly model: string;
  readonly estimate: number;
  readonly ci: Interval95;
  /** Share of replicates in which the candidate is better (by the metric's direction, e.g. |bias| smaller); ties count ½. */
  readonly candidateBetter: number;
  /** True when the interval excludes 0. */
  readonly separated: boolean;
  readonly replicates: number;
}

export interface PairedBootstrapResult {
  readonly metric: string;
  readonly level: number;
  readonly resamples: number;
  readonly models: readonly PairedModelResult[];
  readonly differences: readonly PairedDifference[];
}

/** Unit multiplicities of one multinomial resample (mulberry32 stream state in `s[0]`). */
export function drawUnitWeights(units: number, s: Uint32Array, out: Float64Array): void {
  out.fill(0);
  for (let k = 0; k < units; k++) {
    // mulberry32, inlined (same stream as ml/random.ts).
    let t = (s[0] = (s[0]! + 0x6d2b79f5) >>> 0);
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out[floor(u * units)]! += 1;
  }
}

/**
 * Paired percentile bootstrap over units: per replicate, one draw of unit multiplicities, every
 * model's metric on those row weights, and candidate − baseline per baseline.
 */
export function pairedBootstrap(input: PairedBootstrapInput): PairedBootstrapResult {
  const { units, rowUnit, models, resamples } = input;
  const level = input.level ?? 0.95;
  const c = models.indexOf(input.candidate);
  if (c < 0) throw new RangeError(`paired bootstrap: the candidate ${input.candidate} is not among the models`);
  if (!(units > 0)) throw new RangeError('paired bootstrap: no unit');
  if (!(Number.isInteger(resamples) && resamples >= 0)) throw new RangeError(`paired bootstrap: resamples must be a non-negative integer, got ${resamples}`);
  for (let i = 0; i < rowUnit.length; i++) if (!(rowUnit[i]! >= 0 && rowUnit[i]! < units)) throw new RangeError(`paired bootstrap: row ${i} has unit ${rowUnit[i]}`);
  const fns = models.map((_m, k) => input.evaluate(k));
  const ones = new Float64Array(rowUnit.length).fill(1);
  const observed = fns.map((f) => f(ones));
  const reps = models.map(() => [] as number[]);
  const diffs = models.map(() => [] as number[]);
  const better = new Float64Array(models.length);
  const unitW = new Float64Array(units);
  const rowW = new Float64Array(rowUnit.length);
  const state = Uint32Array.of(input.seed >>> 0);
  const values = new Float64Array(models.length);
  for (let b = 0; b < resamples; b++) {
    drawUnitWeights(units, state, unitW);
    for (let i = 0; i < rowW.length; i++) rowW[i] = unitW[rowUnit[i]!]!;
    for (let k = 0; k < models.length; k++) {
      values[k] = fns[k]!(rowW);
      if (Number.isFinite(values[k]!)) reps[k]!.push(values[k]!);
    }
    const vc = values[c]!;
    for (let k = 0; k < models.length; k++) {
      if (k === c || !Number.isFinite(vc) || !Number.isFinite(values[k]!)) continue;
      const d = vc - values[k]!;
      diffs[k]!.push(d);
      better[k]! += vc === values[k]! ? 0.5 : isBetter(input.metric, vc, values[k]!) ? 1 : 0;
    }
  }
  const a = (1 - level) / 2;
  const interval = (xs: number[]): Interval95 => {
    const s = Float64Array.from(xs).sort();
    return { lower: percentile(s, a), upper: percentile(s, 1 - a) };
  };
  return {
    metric: input.metric,
    level,
    resamples,
    models: models.map((m, k) => ({ model: m, estimate: observed[k]!, ci: interval(reps[k]!), replicates: reps[k]!.length })),
    differences: models.flatMap((m, k) => {
      if (k === c) return [];
      const ci = interval(diffs[k]!);
      const n = diffs[k]!.length;
      return [{ model: m, estimate: observed[c]! - observed[k]!, ci, candidateBetter: n > 0 ? better[k]! / n : Number.NaN, separated: n > 0 && (ci.lower > 0 || ci.upper < 0), replicates: n }];
    }),
  };
}
