/**
 * The report as a JSON file: `reports/<protocol-slug>-<name>-<seed>.json` (name = the run's
 * `--name`, default the dataset name), pretty-printed,
 * keys in a fixed order (the contract's order for report, dataset, model and metric row; sorted
 * for free-form maps such as params and stats), so two runs diff line by line.
 * Also the conventions readers of a report share: metric direction and column keys.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EvalModelInfo, EvalReport, MetricRow, ProtocolId } from './types';

/** How to read a metric: `higher` / `lower` is better, or `zero` (closest to 0, e.g. bias). */
export type MetricDirection = 'higher' | 'lower' | 'zero';

const LOWER = new Set(['mae', 'rmse', 'logloss', 'latency_ms']);
const ZERO = new Set(['bias']);

export function metricDirection(metric: string): MetricDirection {
  if (LOWER.has(metric)) return 'lower';
  if (ZERO.has(metric)) return 'zero';
  return 'higher';
}

/** True when `a` is strictly better than `b` for this metric. */
export function isBetter(metric: string, a: number, b: number): boolean {
  const d = metricDirection(metric);
  if (d === 'higher') return a > b;
  if (d === 'lower') return a < b;
  return Math.abs(a) < Math.abs(b);
}

/** Column identity of a row: metric, K and target (segment rows are keyed separately). */
export function columnKey(r: Pick<MetricRow, 'metric' | 'k' | 'target'>): string {
  return `${r.metric}|${r.k ?? ''}|${r.target ?? ''}`;
}

/** Readable column label, e.g. `ndcg@10 (purchase)`. */
export function columnLabel(r: Pick<MetricRow, 'metric' | 'k' | 'target'>): string {
  return `${r.metric}${r.k !== undefined ? `@${r.k}` : ''}${r.target !== undefined ? ` (${r.target})` : ''}`;
}

/** `events/temporal` -> `events-temporal`. */
export function protocolSlug(p: ProtocolId): string {
  return p.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
}

/** A name as it appears in a report file name: lower case, runs of other characters as `-`. */
export const nameSlug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'dataset';

/** The run's name: `--name`, else the dataset name. */
export function reportName(r: Pick<EvalReport, 'name' | 'dataset'>): string {
  return r.name ?? r.dataset.name;
}

/** `<protocol-slug>-<name>-<seed>` (no extension). */
export function reportBaseName(r: Pick<EvalReport, 'protocol' | 'name' | 'dataset' | 'seed'>): string {
  return `${protocolSlug(r.protocol)}-${nameSlug(reportName(r))}-${r.seed}`;
}

function sortedObject<T>(o: Readonly<Record<string, T>>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k] as T;
  return out;
}

function canonicalModel(m: EvalModelInfo): EvalModelInfo {
  return {
    id: m.id,
    version: m.version,
    role: m.role,
    params: sortedObject(m.params),
    ...(m.trainMs !== undefined ? { trainMs: m.trainMs } : {}),
    ...(m.artifact !== undefined ? { artifact: m.artifact } : {}),
  };
}

function canonicalRow(r: MetricRow): MetricRow {
  if (!Number.isFinite(r.value) || !Number.isFinite(r.n)) {
    throw new RangeError(`metric ${r.model}/${columnLabel(r)}${r.segment ? ` [${r.segment}]` : ''} is not finite (${r.value}, n ${r.n})`);
  }
  return {
    model: r.model,
    metric: r.metric,
    ...(r.k !== undefined ? { k: r.k } : {}),
    ...(r.target !== undefined ? { target: r.target } : {}),
    ...(r.segment !== undefined ? { segment: r.segment } : {}),
    value: r.value,
    n: r.n,
    ...(r.ci !== undefined ? { ci: { level: r.ci.level, lower: r.ci.lower, upper: r.ci.upper } } : {}),
  };
}

/** The report with every object's keys in the fixed order. Throws on a non-finite metric. */
export function canonicalReport(r: EvalReport): EvalReport {
  return {
    schemaVersion: r.schemaVersion,
    protocol: r.protocol,
    ...(r.name !== undefined ? { name: r.name } : {}),
    dataset: { name: r.dataset.name, path: r.dataset.path, split: r.dataset.split, stats: sortedObject(r.dataset.stats) },
    seed: r.seed,
    startedAt: r.startedAt,
    wallMs: r.wallMs,
    peakRssMiB: r.peakRssMiB,
    models: r.models.map(canonicalModel),
    metrics: r.metrics.map(canonicalRow),
    notes: [...r.notes],
  };
}

/** Pretty JSON (2 spaces, trailing newline) in canonical key order. */
export function reportToJson(r: EvalReport): string {
  return `${JSON.stringify(canonicalReport(r), null, 2)}\n`;
}

/** Write `<dir>/<protocol-slug>-<name>-<seed>.json` and return its path. `dir` defaults to `reports`. */
export async function writeReportJson(r: EvalReport, dir = 'reports'): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${reportBaseName(r)}.json`);
  await writeFile(path, reportToJson(r));
  return path;
}

/**
 * Sentences naming every overall column where the candidate is beaten by a baseline (the
 * figures a reader must not miss). Empty when there is no candidate.
 */
const short = (v: number): string => String(Number(v.toPrecision(4)));

export function candidateLosses(r: Pick<EvalReport, 'models' | 'metrics'>): string[] {
  const candidates = r.models.filter((m) => m.role === 'candidate').map((m) => m.id);
  const baselines = new Set(r.models.filter((m) => m.role === 'baseline').map((m) => m.id));
  const out: string[] = [];
  for (const c of candidates) {
    const mine = r.metrics.filter((m) => m.model === c && m.segment === undefined);
    const lost: string[] = [];
    for (const row of mine) {
      const rivals = r.metrics.filter((m) => baselines.has(m.model) && m.segment === undefined && columnKey(m) === columnKey(row));
      const best = rivals.reduce<MetricRow | null>((b, m) => (b === null || isBetter(m.metric, m.value, b.value) ? m : b), null);
      if (best !== null && isBetter(row.metric, best.value, row.value)) lost.push(`${columnLabel(row)} ${short(row.value)} vs ${short(best.value)} (${best.model})`);
    }
    out.push(
      lost.length === 0
        ? `${c} is not beaten by any baseline on the ${mine.length} overall metrics.`
        : `${c} loses to a baseline on ${lost.length} of ${mine.length} overall metrics: ${lost.join('; ')}.`,
    );
  }
  return out;
}
