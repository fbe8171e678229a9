/**
 * `scorer dataset` as a library call: read the event log the flags name, resolve the cut, write
 * the rows (ml/dataset/export.ts) to `out` and the manifest skeleton next to it
 * (`<out without .csv/.jsonl>.manifest.json`).
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { argError, loadSource } from '../../eval/protocols/temporal-source';
import { createEvalProgress, type EvalProgress } from '../../eval/protocols/support';
import { DEFAULT_STRATEGY, loadStrategyFile, type Strategy } from '../../pipeline/strategy';
import { exportColumnsDataset, type ColumnsDatasetSummary } from './export';
import type { DatasetSettings } from './options';
import { replayInput } from './source';

export interface DatasetRunOptions {
  /** Half-life of the decayed item statistics (ms); pass the gateway's STATS_HALF_LIFE_DAYS. Default the store's default (7 days). */
  readonly statsHalfLifeMs?: number;
  /** A progress bar on stderr (a line every 5 s when stderr is not a TTY). Default true. */
  readonly progress?: boolean;
  /** Progress lines. Default: stderr. */
  readonly log?: (line: string) => void;
}

export interface DatasetRunResult extends ColumnsDatasetSummary {
  readonly file: string;
  readonly manifestFile: string;
  readonly cut: number;
  /** Where the data came from (a path). */
  readonly source: string;
  readonly wallMs: number;
}

/** `data/train.csv` -> `data/train.manifest.json`. */
export function manifestPathFor(out: string): string {
  return join(dirname(out), `${basename(out).replace(/\.(csv|jsonl)$/i, '')}.manifest.json`);
}

function retrievalStrategy(path: string | undefined): Strategy {
  if (path === undefined) return DEFAULT_STRATEGY;
  try {
    return loadStrategyFile(path);
  } catch (err) {
    throw argError('--retrieval', `${path}: ${(err as Error).message}`);
  }
}

export async function runColumnsDataset(out: string, s: DatasetSettings, env: DatasetRunOptions = {}): Promise<DatasetRunResult> {
  const started = performance.now();
  const strategy = retrievalStrategy(s.retrieval);
  const loaded = await loadSource(s.source, s.maxLines !== undefined ? { maxLines: s.maxLines } : {});
  const { start, end } = loaded.window;
  const cut = s.cut ?? end - s.windowMs;
  if (!(cut > start && cut + s.windowMs <= end)) {
    throw argError(
      s.cut !== undefined ? '--cut' : '--window',
      `the cut ${new Date(cut).toISOString()} and the ${s.windowMs / 3_600_000} h label window after it do not fit in the data's window [${new Date(start).toISOString()}, ${new Date(end).toISOString()})`,
    );
  }
  const input = replayInput(loaded.log.rows, cut + s.windowMs);
  const manifestFile = manifestPathFor(out);
  let bar: EvalProgress | null = null;
  const fd = openSync(out, 'w');
  let summary: ColumnsDatasetSummary;
  try {
    summary = await exportColumnsDataset(
      input,
      {
        columns: s.columns,
        cut,
        windowMs: s.windowMs,
        label: s.label,
        strategy,
        seed: s.seed,
        maxNegativesPerList: s.maxNegativesPerList,
        positiveListsOnly: s.positiveListsOnly,
        format: s.format,
        ...(s.maxUsers !== undefined ? { maxUsers: s.maxUsers } : {}),
        ...(env.statsHalfLifeMs !== undefined ? { statsHalfLifeMs: env.statsHalfLifeMs } : {}),
        onUser: (visited, users) => {
          bar ??= createEvalProgress('scorer dataset', users, { progress: env.progress ?? true, ...(env.log ? { log: env.log } : {}) });
          bar.tick();
        },
      },
      (text) => void writeSync(fd, text),
    );
  } finally {
    closeSync(fd);
    (bar as EvalProgress | null)?.stop();
  }
  writeFileSync(manifestFile, `${JSON.stringify(s.manifest, null, 2)}\n`);
  return { ...summary, file: out, manifestFile, cut, source: loaded.path, wallMs: performance.now() - started };
}
