/**
 * Metric rows of `ranking/full` from the per-user matrices: overall means for every metric and K,
 * catalogue coverage, and Recall/NDCG at the largest K per train-history segment. Means are summed
 * in user order, so they do not depend on how users were spread over workers.
 */
import type { MetricRow } from '../../report/types';
import { coverage, meanRows, metricColumn, metricsWidth } from '../../metrics/ranking';
import { bootstrapMeans } from './bootstrap';
import type { ModelBatch } from './evaluate';

/** A train-history-length segment: users with `min <= |train| <= max`. */
export interface HistorySegment {
  readonly label: string;
  readonly min: number;
  readonly max: number;
}

/** Segments from ascending upper bounds: [10, 30] -> history:1-10, history:11-30, history:31+. */
export function historySegments(bounds: readonly number[]): HistorySegment[] {
  const out: HistorySegment[] = [];
  let lo = 1;
  for (const b of bounds) {
    if (!Number.isInteger(b) || b < lo) throw new RangeError(`segment bounds must be ascending integers >= 1 (got ${bounds.join(', ')})`);
    out.push({ label: `history:${lo}-${b}`, min: lo, max: b });
    lo = b + 1;
  }
  out.push({ label: `history:${lo}+`, min: lo, max: Number.POSITIVE_INFINITY });
  return out;
}

/** Round for reports: 6 significant digits keep the JSON readable and diffs meaningful. */
export function round6(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(6)) : v;
}

export interface RowsInput {
  readonly model: string;
  readonly result: ModelBatch;
  readonly ks: readonly number[];
  readonly coverageK: number;
  readonly numItems: number;
  /** Train-history length of each evaluated user, aligned with the result rows. */
  readonly historyLength: Int32Array;
  readonly segments: readonly HistorySegment[];
  /** Metrics reported per segment, at the largest K. */
  readonly segmentMetrics: readonly string[];
  /** 95% bootstrap intervals over users on the overall rows of `metrics`, every K. Default: none. */
  readonly bootstrap?: { readonly resamples: number; readonly seed: number; readonly metrics: readonly string[] };
  /**
   * Cold-start buckets, rows of `segmentMetrics` at every K (with the bootstrap's intervals):
   * `cold-users:1-<max>` (users with 1..max train items, all their positives) and
   * `cold-items:1-<max>` (users' positives whose item has 1..max train users: `result.cold`).
   * Default: none.
   */
  readonly coldMax?: number;
}

/** The rows of a row-major matrix that `select` keeps, in order. */
function selectRows(values: Float64Array, width: number, select: (row: number) => boolean): Float64Array {
  const rows: number[] = [];
  for (let r = 0; r < values.length / width; r++) if (select(r)) rows.push(r);
  const out = new Float64Array(rows.length * width);
  rows.forEach((r, i) => out.set(values.subarray(r * width, (r + 1) * width), i * width));
  return out;
}

/** Users (rows) in the cold-start buckets of `metricRows`. */
export function coldBucketSizes(result: ModelBatch, width: number, historyLength: Int32Array, coldMax: number): { users: number; itemUsers: number } {
  let users = 0;
  let itemUsers = 0;
  for (let r = 0; r < historyLength.length; r++) {
    if (historyLength[r]! >= 1 && historyLength[r]! <= coldMax) users += 1;
    if (!Number.isNaN(result.cold[r * width]!)) itemUsers += 1;
  }
  return { users, itemUsers };
}

export function metricRows(input: RowsInput): MetricRow[] {
  const { model, result, ks } = input;
  const width = metricsWidth(ks);
  const rows: MetricRow[] = [];
  const all = meanRows(result.values, width);
  const b = input.bootstrap;
  const withCi = b ? Array.from({ length: width }, (_, c) => c).filter((c) => b.metrics.includes(metricColumn(ks, c).metric)) : [];
  const cis = b && withCi.length > 0 ? bootstrapMeans(result.values, width, withCi, { resamples: b.resamples, seed: b.seed }) : [];
  for (let c = 0; c < width; c++) {
    const { metric, k } = metricColumn(ks, c);
    const ci = cis[withCi.indexOf(c)];
    rows.push({ model, metric, k, value: round6(all.means[c]!), n: all.n, ...(ci ? { ci: { level: ci.level, lower: round6(ci.lower), upper: round6(ci.upper) } } : {}) });
  }
  const covered = new Uint8Array(input.numItems);
  for (const i of result.top) if (i >= 0) covered[i] = 1;
  rows.push({ model, metric: 'coverage', k: input.coverageK, value: round6(coverage(covered, input.numItems)), n: all.n });
  const kMax = Math.max(...ks);
  for (const seg of input.segments) {
    const sel = meanRows(result.values, width, (r) => input.historyLength[r]! >= seg.min && input.historyLength[r]! <= seg.max);
    if (sel.n === 0) continue;
    for (let c = 0; c < width; c++) {
      const { metric, k } = metricColumn(ks, c);
      if (k === kMax && input.segmentMetrics.includes(metric)) rows.push({ model, metric, k, segment: seg.label, value: round6(sel.means[c]!), n: sel.n });
    }
  }
  if (input.coldMax !== undefined) {
    const max = input.coldMax;
    const buckets = [
      { label: `cold-users:1-${max}`, values: selectRows(result.values, width, (r) => input.historyLength[r]! >= 1 && input.historyLength[r]! <= max) },
      { label: `cold-items:1-${max}`, values: selectRows(result.cold, width, (r) => !Number.isNaN(result.cold[r * width]!)) },
    ];
    const cols = Array.from({ length: width }, (_, c) => c).filter((c) => input.segmentMetrics.includes(metricColumn(ks, c).metric));
    for (const bucket of buckets) {
      const sel = meanRows(bucket.values, width);
      if (sel.n === 0) continue;
      const ci = b ? bootstrapMeans(bucket.values, width, cols, { resamples: b.resamples, seed: b.seed }) : [];
      cols.forEach((c, j) => {
        const { metric, k } = metricColumn(ks, c);
        const iv = ci[j];
        rows.push({ model, metric, k, segment: bucket.label, value: round6(sel.means[c]!), n: sel.n, ...(iv ? { ci: { level: iv.level, lower: round6(iv.lower), upper: round6(iv.upper) } } : {}) });
      });
    }
  }
  return rows;
}
