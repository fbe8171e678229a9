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
  return rows;
}
