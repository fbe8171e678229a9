/**
 * The printed table of `value/rolling`: one row per model, the pooled metric with its 95%
 * interval, the paired difference candidate − model with its interval and the share of resamples
 * in which the candidate is better, and the cuts/users/rows the figures pool over.
 */
import type { PairedBootstrapResult } from './value-rolling-stats';

const f4 = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : 'n/a');
const signed = (x: number): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(4)}` : 'n/a');

export interface RollingTableInput {
  readonly candidate: string;
  readonly results: readonly PairedBootstrapResult[];
  readonly cuts: number;
  readonly users: number;
  readonly rows: number;
}

/** Markdown table lines (one metric block after another). */
export function rollingTable(t: RollingTableInput): string[] {
  const out: string[] = [];
  for (const r of t.results) {
    out.push(`| model | ${r.metric} [95% CI] | candidate − model [95% CI] | candidate better | cuts | users | rows |`, '|---|---|---|---|---|---|---|');
    for (const m of r.models) {
      const d = r.differences.find((x) => x.model === m.model);
      const diff = d === undefined ? '(candidate)' : `${signed(d.estimate)} [${signed(d.ci.lower)}, ${signed(d.ci.upper)}]${d.separated ? ' *' : ''}`;
      const better = d === undefined ? '' : `${(100 * d.candidateBetter).toFixed(1)}%`;
      out.push(`| ${m.model === t.candidate ? `**${m.model}**` : m.model} | ${f4(m.estimate)} [${f4(m.ci.lower)}, ${f4(m.ci.upper)}] | ${diff} | ${better} | ${t.cuts} | ${t.users} | ${t.rows} |`);
    }
    out.push('');
  }
  out.push('* the 95% interval of the paired difference excludes 0.');
  return out;
}
