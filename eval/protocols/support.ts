/**
 * What every evaluation protocol needs around the model code: a fresh embedded store on a temp
 * SQLite file, a scorer registry configured for offline runs, progress output, peak RSS.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { createGraphStore } from '../../graph/factory';
import type { GraphStore } from '../../graph/port';
import type { PluginLogger, ScorerPlugin } from '../../plugins/sdk/contract';
import type { ModelSession } from '../../plugins/sdk/model';
import { createScorerRegistry, type ScorerRegistry } from '../../plugins/sdk/registry';

/** Options every protocol takes for its surroundings. */
export interface RunEnvironmentOptions {
  /** Directory for the temporary SQLite store (a fresh subdirectory, removed afterwards). Default os.tmpdir(). */
  readonly workDir?: string;
  /** Show a progress bar on stderr (only when stderr is a TTY). Default true. */
  readonly progress?: boolean;
  /** Sink for progress lines and notes (one line per call). Default: write to stderr. */
  readonly log?: (line: string) => void;
}

/**
 * Scorer deadline for offline runs: the gateway's 50 ms default protects live requests, but in an
 * evaluation a scorer dropped because the shared CPU was busy would make runs irreproducible.
 */
export const EVAL_SCORER_TIMEOUT_MS = 60_000;

export const silentLogger: PluginLogger = { debug() {}, info() {}, warn() {}, error() {} };

export function resolveLog(opts: RunEnvironmentOptions): (line: string) => void {
  return opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
}

/**
 * A migrated embedded store on a new SQLite file in a fresh directory `dir` (other scratch files,
 * e.g. a model trained on the store, may go there too); `dispose` closes it and removes `dir`.
 */
export async function openTempStore(opts: RunEnvironmentOptions, label: string): Promise<{ store: GraphStore; dir: string; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(join(opts.workDir ?? tmpdir(), `recgate-eval-${label}-`));
  let store: GraphStore;
  try {
    store = await createGraphStore({ kind: 'embedded', path: join(dir, 'train.db') });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    store,
    dir,
    dispose: async () => {
      try {
        await store.close();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * The same registry the gateway builds, with offline deadlines. `loadModel` opens the ONNX files
 * plugins declare (the gateway's onnxruntime-node loader); default: none, and a plugin that
 * declares a model fails registration.
 */
export function createEvalRegistry(plugins: readonly ScorerPlugin[], loadModel?: (uri: string) => Promise<ModelSession>): Promise<ScorerRegistry> {
  return createScorerRegistry(plugins, {
    logger: silentLogger,
    defaultTimeoutMs: EVAL_SCORER_TIMEOUT_MS,
    loadModel:
      loadModel ??
      (async (uri) => {
        throw new Error(`offline evaluation loads no ONNX model (${uri}); register ONNX plugins with a loader`);
      }),
  });
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB(): number {
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

export interface EvalProgress {
  /** Advance by `n` units. */
  tick(n?: number): void;
  stop(): void;
}

/** A cli-progress bar on a TTY, else a plain line every 5 s (and one at the end). */
export function createEvalProgress(label: string, total: number, opts: RunEnvironmentOptions): EvalProgress {
  const log = resolveLog(opts);
  const stream = process.stderr;
  const started = Date.now();
  let done = 0;
  let last = started;
  let multi: MultiBar | null = null;
  let bar: SingleBar | null = null;
  if ((opts.progress ?? true) && stream.isTTY === true) {
    multi = new MultiBar({ stream, format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`, hideCursor: true, fps: 5 }, Presets.shades_classic);
    bar = multi.create(Math.max(1, total), 0);
  }
  return {
    tick(n = 1) {
      done += n;
      if (bar !== null) bar.update(done);
      else if (opts.progress ?? true) {
        const now = Date.now();
        if (now - last >= 5000) {
          last = now;
          log(`[${label}] ${done}/${total} (${((100 * done) / Math.max(1, total)).toFixed(1)}%)`);
        }
      }
    },
    stop() {
      if (bar !== null && multi !== null) {
        bar.update(done);
        multi.stop();
        bar = null;
        multi = null;
      } else if (opts.progress ?? true) log(`[${label}] ${done}/${total} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    },
  };
}

/** Round for reports: 6 significant digits keep the JSON readable and diffs meaningful. */
export function round6(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(6)) : v;
}

/** Natural order of segment labels: by their first number (`history:1-29` < `history:30-99` < `history:100+`), then by text. */
export function compareSegments(a: string, b: string): number {
  const na = Number(/\d+/.exec(a)?.[0] ?? Number.NaN);
  const nb = Number(/\d+/.exec(b)?.[0] ?? Number.NaN);
  const prefix = a.replace(/\d.*$/, '').localeCompare(b.replace(/\d.*$/, ''));
  if (prefix !== 0) return prefix;
  if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
  return a.localeCompare(b);
}
