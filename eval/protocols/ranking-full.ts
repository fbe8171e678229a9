/**
 * `ranking/full`: offline top-K evaluation on a LightGCN-format split (Gowalla), every model
 * scored through the same ScorerPlugin interface the gateway uses, side by side in one run.
 *
 * Protocol: every user with at least one test item ranks EVERY catalogue item (ids 0..max id in
 * either file) except the items in that user's train list (masked to -Infinity; ties broken by
 * the lower item index). Recall, NDCG, Precision and HitRate at each K (binary relevance, IDCG over
 * min(K, |test|)) are averaged over those users; catalogue coverage is the fraction of items in any
 * user's top coverageK. Each model sees the same users, candidates and features.
 *
 * ```ts
 * const report = await runRankingFull({ trainFile: '../shared/data/gowalla/train.txt', testFile: '../shared/data/gowalla/test.txt', seed: 42 });
 * ```
 */
import { availableParallelism } from 'node:os';
import { relative, resolve } from 'node:path';
import { readMfManifest } from '../../ml/mf/artifact';
import { BPR_DEFAULTS, type BprHyperParameters } from '../../ml/mf/bpr';
import { loadGowallaSplit, splitStats, type InteractionSplit } from '../datasets/gowalla';
import type { EvalModelInfo, EvalReport, MetricRow } from '../report/types';
import type { EvalSetup } from './ranking-full/evaluate';
import { GOWALLA_DATA_TS } from './ranking-full/features';
import { rankingFullNotes, samplerText } from './ranking-full/notes';
import { evaluateAllUsers } from './ranking-full/pool';
import { createProgress } from './ranking-full/progress';
import { historySegments, metricRows } from './ranking-full/report';
import type { ScorerSpec } from './ranking-full/spec';
import { trainBprStep, type TrainStep } from './ranking-full/train';

export type { ScorerSpec } from './ranking-full/spec';

/** A model to evaluate. The built-in ids need nothing else. */
export interface RankingModelOption {
  /** `mf/bpr`, `baseline/popularity`, or the id of the plugin `scorer` builds. */
  readonly id: string;
  /** Default: `candidate` for `mf/bpr` and for custom scorers, `baseline` for `baseline/*`. */
  readonly role?: 'candidate' | 'baseline';
  /** For `mf/bpr`: evaluate this artifact instead of training one in the run. Default: train. */
  readonly artifactDir?: string;
  /** Any other scorer plugin, built in every worker from this spec. */
  readonly scorer?: ScorerSpec;
}

export interface RankingFullOptions {
  /** LightGCN-format train file (`user item item ...`). Required. */
  readonly trainFile: string;
  /** LightGCN-format test file. Required. */
  readonly testFile: string;
  /** Seed of every random draw (BPR initialisation, pair order, negatives). Required. */
  readonly seed: number;
  /** Models side by side, in report order. Default `['mf/bpr', 'baseline/popularity']`. */
  readonly models?: ReadonlyArray<string | RankingModelOption>;
  /** Worker threads for scoring (compiled build only); 0 scores in this thread. Default min(2, cores). */
  readonly workers?: number;
  /** Keep only users with id < maxUsers, for training and evaluation. Default: all. */
  readonly maxUsers?: number;
  /** BPR epochs when `mf/bpr` is trained in the run. Default BPR_DEFAULTS.epochs. */
  readonly epochs?: number;
  /** Other BPR hyper-parameters. Default BPR_DEFAULTS. */
  readonly bpr?: Partial<Omit<BprHyperParameters, 'epochs'>>;
  /** Root of versioned artifacts; training publishes `<modelsDir>/mf-bpr/<version>`. Default `models`. */
  readonly modelsDir?: string;
  /** Cut-offs. Default [5, 10, 20]. */
  readonly ks?: readonly number[];
  /** K of catalogue coverage. Default 20. */
  readonly coverageK?: number;
  /** Upper bounds of the train-history segments. Default [10, 30] (1-10, 11-30, 31+). */
  readonly segmentBounds?: readonly number[];
  /** Users per batch handed to a worker. Default 128. */
  readonly batchSize?: number;
  /** Dataset name in the report. Default `gowalla`. */
  readonly datasetName?: string;
  /** Progress bars with ETA on stderr. Default true. */
  readonly progress?: boolean;
  /** Sink for summary lines. Default: stderr. */
  readonly log?: (line: string) => void;
}

interface PreparedModel {
  readonly id: string;
  readonly spec: ScorerSpec;
  readonly info: Omit<EvalModelInfo, 'version'>;
  readonly train?: TrainStep;
  readonly artifactVersion?: number;
}

const DEFAULT_MODELS = ['mf/bpr', 'baseline/popularity'] as const;
const SEGMENT_METRICS = ['recall', 'ndcg'] as const;

function checkOptions(o: RankingFullOptions, ks: readonly number[], coverageK: number, workers: number): void {
  if (!Number.isInteger(o.seed)) throw new RangeError(`seed must be an integer (got ${o.seed})`);
  if (ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k <= 0)) throw new RangeError(`ks must be positive integers (got ${ks.join(', ')})`);
  if (!Number.isInteger(coverageK) || coverageK <= 0) throw new RangeError(`coverageK must be a positive integer (got ${coverageK})`);
  if (!Number.isInteger(workers) || workers < 0) throw new RangeError(`workers must be a non-negative integer (got ${workers})`);
}

async function prepareModel(m: RankingModelOption, ctx: { o: RankingFullOptions; split: InteractionSplit; modelsDir: string; log: (l: string) => void }): Promise<PreparedModel> {
  const role = m.role ?? (m.id.startsWith('baseline/') ? 'baseline' : 'candidate');
  if (m.scorer) return { id: m.id, spec: m.scorer, info: { id: m.id, role, params: { module: m.scorer.module, factory: m.scorer.factory, options: m.scorer.options ?? null } } };
  if (m.id === 'baseline/popularity') {
    return { id: m.id, spec: { module: require.resolve('../../plugins/baseline/popularity'), factory: 'createPopularityScorer' }, info: { id: m.id, role, params: { score: 'train interactions per item (item.stats totals)' } } };
  }
  if (m.id !== 'mf/bpr') throw new Error(`unknown model "${m.id}": give a scorer spec for it`);
  const bprModule = require.resolve('../../plugins/mf/bpr');
  if (m.artifactDir !== undefined) {
    const manifest = await readMfManifest(m.artifactDir);
    return {
      id: m.id,
      spec: { module: bprModule, factory: 'createBprScorer', options: { artifactDir: resolve(m.artifactDir) } },
      info: { id: m.id, role, params: { ...manifest.hyperParameters, seed: manifest.seed, trainedBy: 'artifact' }, artifact: m.artifactDir },
      artifactVersion: manifest.version,
    };
  }
  const { o, split } = ctx;
  const hyper = { ...BPR_DEFAULTS, ...o.bpr, ...(o.epochs !== undefined ? { epochs: o.epochs } : {}) };
  const train = await trainBprStep(split, {
    seed: o.seed,
    hyper,
    modelsDir: ctx.modelsDir,
    progress: o.progress ?? true,
    log: ctx.log,
    data: { trainFile: o.trainFile, maxUsers: o.maxUsers ?? null },
  });
  return {
    id: m.id,
    spec: { module: bprModule, factory: 'createBprScorer', options: { artifactDir: train.staged.dir } },
    info: { id: m.id, role, params: { ...train.result.hyper, seed: o.seed, optimiser: 'sgd', sampler: samplerText(train.result.hyper.negativeCandidates) }, trainMs: Math.round(train.result.trainMs) },
    train,
  };
}

/** Evaluate every model under `ranking/full` and return one report. */
export async function runRankingFull(o: RankingFullOptions): Promise<EvalReport> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const ks = [...(o.ks ?? [5, 10, 20])].sort((a, b) => a - b);
  const coverageK = o.coverageK ?? 20;
  const workers = o.workers ?? Math.min(2, availableParallelism());
  checkOptions(o, ks, coverageK, workers);
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const modelsDir = resolve(o.modelsDir ?? 'models');
  const split = await loadGowallaSplit(o.trainFile, o.testFile, o.maxUsers !== undefined ? { maxUsers: o.maxUsers } : {});
  const options = (o.models ?? DEFAULT_MODELS).map((m) => (typeof m === 'string' ? { id: m } : m));
  if (new Set(options.map((m) => m.id)).size !== options.length) throw new Error('each model id may appear once');

  const prepared: PreparedModel[] = [];
  try {
    for (const m of options) prepared.push(await prepareModel(m, { o, split, modelsDir, log }));
    const users: number[] = [];
    for (let u = 0; u < split.numUsers; u++) if (split.test.indptr[u + 1]! > split.test.indptr[u]!) users.push(u);
    const userIndex = Int32Array.from(users);
    const setup: EvalSetup = {
      numUsers: split.numUsers,
      numItems: split.numItems,
      train: split.train,
      test: split.test,
      models: prepared.map((p) => ({ id: p.id, spec: p.spec })),
      ks,
      coverageK,
      now: GOWALLA_DATA_TS,
    };
    const bar = createProgress('ranking/full eval', users.length, o.progress ?? true, ' users');
    const evalStart = performance.now();
    const result = await evaluateAllUsers(setup, userIndex, { workers, batchSize: o.batchSize ?? 128, onProgress: (d) => bar.update(d) });
    bar.stop();
    const evalMs = performance.now() - evalStart;

    const historyLength = Int32Array.from(users, (u) => split.train.indptr[u + 1]! - split.train.indptr[u]!);
    const segments = historySegments(o.segmentBounds ?? [10, 30]);
    const metrics: MetricRow[] = prepared.flatMap((p, m) =>
      metricRows({ model: p.id, result: result.models[m]!, ks, coverageK, numItems: split.numItems, historyLength, segments, segmentMetrics: SEGMENT_METRICS }),
    );
    const models: EvalModelInfo[] = [];
    for (const p of prepared) {
      let version = result.versions[p.id] ?? 'unknown';
      let artifact = p.info.artifact;
      if (p.train) {
        const overall = Object.fromEntries(metrics.filter((r) => r.model === p.id && r.segment === undefined).map((r) => [`${r.metric}@${r.k}`, r.value]));
        const published = await p.train.staged.publish(overall);
        version = `${version}+model.${published.version}`;
        artifact = relative(modelsDir, published.dir);
        log(`mf/bpr artifact published: ${published.dir}`);
      } else if (p.artifactVersion !== undefined) version = `${version}+model.${p.artifactVersion}`;
      models.push({ ...p.info, version, ...(artifact !== undefined ? { artifact } : {}) });
    }
    const wallMs = Math.round(performance.now() - t0);
    const peakRssMiB = Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
    log(`ranking/full: ${users.length} users x ${prepared.length} models scored in ${(evalMs / 1000).toFixed(1)} s with ${workers} worker(s); wall ${(wallMs / 1000).toFixed(1)} s; peak RSS ${peakRssMiB} MiB`);
    return {
      schemaVersion: 1,
      protocol: 'ranking/full',
      dataset: {
        name: o.datasetName ?? 'gowalla',
        path: o.trainFile,
        split: `LightGCN train.txt / test.txt (${o.trainFile}, ${o.testFile})${o.maxUsers !== undefined ? `, users with id < ${o.maxUsers}` : ''}`,
        stats: { ...splitStats(split), evaluatedUsers: users.length },
      },
      seed: o.seed,
      startedAt,
      wallMs,
      peakRssMiB,
      models,
      metrics,
      notes: rankingFullNotes({ ks, coverageK, segments, workers, evalMs, modelsDir, metrics, prepared: prepared.map((p) => ({ id: p.id, train: p.train?.result })), fullGowalla: o.maxUsers === undefined && split.numUsers === 29858 && split.numItems === 40981 }),
    };
  } catch (err) {
    await Promise.all(prepared.map((p) => p.train?.staged.discard()));
    throw err;
  }
}
