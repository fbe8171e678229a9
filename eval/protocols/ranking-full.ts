/**
 * `ranking/full`: offline top-K evaluation on a train/test split (the LightGCN Gowalla split, or
 * any `user item` pair files: eval/datasets/interactions.ts), every model scored through the same
 * ScorerPlugin interface the gateway uses, side by side in one run.
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
import { basename, relative, resolve } from 'node:path';
import type { BprHyperParameters } from '../../ml/mf/bpr';
import { splitStats, type Csr } from '../datasets/gowalla';
import { loadSplitFiles, type SplitFormat } from '../datasets/interactions';
import type { EvalModelInfo, EvalReport, MetricRow } from '../report/types';
import type { EvalSetup } from './ranking-full/evaluate';
import { GOWALLA_DATA_TS } from './ranking-full/features';
import { prepareModel, type PreparedModel, type RankingModelOption } from './ranking-full/models';
import { rankingFullNotes } from './ranking-full/notes';
import { evaluateAllUsers } from './ranking-full/pool';
import { createProgress } from './ranking-full/progress';
import { coldBucketSizes, historySegments, metricRows } from './ranking-full/report';
import { coldItems } from './ranking-full/evaluate';
import { metricsWidth } from '../metrics/ranking';

export type { ScorerSpec } from './ranking-full/spec';
export type { RankingModelOption } from './ranking-full/models';
export { RANKING_FULL_MODEL_IDS } from './ranking-full/models';

export interface RankingFullOptions {
  /** Train file: LightGCN `user item item ...` lines or `user item` pairs. Required. */
  readonly trainFile: string;
  /** Test file, same format. Required. */
  readonly testFile: string;
  /** Format of both files: `pairs`, `lists` (LightGCN) or `auto` (detected per file). Default `auto`. */
  readonly format?: SplitFormat | 'auto';
  /** Seed of every random draw (BPR initialisation, pair order, negatives). Required. */
  readonly seed: number;
  /** Models side by side, in report order. Default `['mf/bpr', 'baseline/popularity']`. */
  readonly models?: ReadonlyArray<string | RankingModelOption>;
  /** Worker threads for scoring (compiled build only); 0 scores in this thread. Default min(2, cores). */
  readonly workers?: number;
  /** Keep only users with index < maxUsers (pair files: the first maxUsers distinct users), for training and evaluation. Default: all. */
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
  /** Users with 1..coldMax train items, and test positives whose item has 1..coldMax train users, form the cold-start buckets. Default 3. */
  readonly coldMax?: number;
  /** Upper bounds of the train-history segments. Default [10, 30] (1-10, 11-30, 31+). */
  readonly segmentBounds?: readonly number[];
  /** Resamples of the 95% bootstrap intervals over users of Recall and NDCG (seeded by `seed`); 0: none. Default 1000. */
  readonly bootstrap?: number;
  /** Users per batch handed to a worker. Default 128. */
  readonly batchSize?: number;
  /** Dataset name in the report. Default `gowalla` for LightGCN files, the train file's name without extension for pair files. */
  readonly datasetName?: string;
  /** Progress bars with ETA on stderr. Default true. */
  readonly progress?: boolean;
  /** Sink for summary lines. Default: stderr. */
  readonly log?: (line: string) => void;
}

const DEFAULT_MODELS = ['mf/bpr', 'baseline/popularity'] as const;
const SEGMENT_METRICS = ['recall', 'ndcg'] as const;

function checkOptions(o: RankingFullOptions, ks: readonly number[], coverageK: number, workers: number): void {
  if (!Number.isInteger(o.seed)) throw new RangeError(`seed must be an integer (got ${o.seed})`);
  if (ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k <= 0)) throw new RangeError(`ks must be positive integers (got ${ks.join(', ')})`);
  if (!Number.isInteger(coverageK) || coverageK <= 0) throw new RangeError(`coverageK must be a positive integer (got ${coverageK})`);
  if (!Number.isInteger(workers) || workers < 0) throw new RangeError(`workers must be a non-negative integer (got ${workers})`);
  if (o.bootstrap !== undefined && (!Number.isInteger(o.bootstrap) || o.bootstrap < 0)) throw new RangeError(`bootstrap must be a non-negative integer (got ${o.bootstrap})`);
}

/** The cold-start buckets in words, with their sizes (a bucket with 0 users has no rows: the note says so). */
function coldNote(sizes: { users: number; itemUsers: number }, evaluated: number, coldMax: number, cold: Uint8Array, test: Csr): string {
  let items = 0;
  for (const c of cold) items += c;
  let positives = 0;
  let coldPositives = 0;
  for (const i of test.items) {
    positives += 1;
    coldPositives += cold[i]!;
  }
  const b = `1-${coldMax}`;
  return `Cold start: cold-users:${b} = evaluated users with ${b} train items: ${sizes.users} users of ${evaluated}${sizes.users === 0 ? ' (none in this split, so no cold-users rows)' : ''}, metrics over all their test items. cold-items:${b} = test positives whose item has ${b} train users (${items} such items): ${coldPositives} of ${positives} test positives, held by ${sizes.itemUsers} users${sizes.itemUsers === 0 ? ' (none, so no cold-items rows)' : ''}; for these users Recall/NDCG@K count only the cold positives as relevant (the ranking is the same full ranking; IDCG over min(K, cold positives)). Both buckets carry the same bootstrap intervals as the overall rows.`;
}

/** Evaluate every model under `ranking/full` and return one report. */
export async function runRankingFull(o: RankingFullOptions): Promise<EvalReport> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const ks = [...(o.ks ?? [5, 10, 20])].sort((a, b) => a - b);
  const coverageK = o.coverageK ?? 20;
  const workers = o.workers ?? Math.min(2, availableParallelism());
  checkOptions(o, ks, coverageK, workers);
  const coldMax = o.coldMax ?? 3;
  if (!Number.isInteger(coldMax) || coldMax < 1) throw new RangeError(`coldMax must be a positive integer (got ${coldMax})`);
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const modelsDir = resolve(o.modelsDir ?? 'models');
  const { split, format } = await loadSplitFiles(o.trainFile, o.testFile, { format: o.format ?? 'auto', ...(o.maxUsers !== undefined ? { maxUsers: o.maxUsers } : {}) });
  const options = (o.models ?? DEFAULT_MODELS).map((m) => (typeof m === 'string' ? { id: m } : m));
  if (new Set(options.map((m) => m.id)).size !== options.length) throw new Error('each model id may appear once');

  const prepared: PreparedModel[] = [];
  try {
    const hyper: Partial<BprHyperParameters> = { ...o.bpr, ...(o.epochs !== undefined ? { epochs: o.epochs } : {}) };
    const ctx = { split, seed: o.seed, hyper, modelsDir, progress: o.progress ?? true, log, data: { trainFile: o.trainFile, format, maxUsers: o.maxUsers ?? null } };
    for (const m of options) prepared.push(await prepareModel(m, ctx));
    const users: number[] = [];
    for (let u = 0; u < split.numUsers; u++) if (split.test.indptr[u + 1]! > split.test.indptr[u]!) users.push(u);
    const userIndex = Int32Array.from(users);
    const setup: EvalSetup = {
      numUsers: split.numUsers,
      numItems: split.numItems,
      train: split.train,
      test: split.test,
      userIds: split.userIds,
      itemIds: split.itemIds,
      models: prepared.map((p) => ({ id: p.id, spec: p.spec })),
      ks,
      coverageK,
      now: GOWALLA_DATA_TS,
      coldMax,
    };
    const bar = createProgress('ranking/full eval', users.length, o.progress ?? true, ' users');
    const evalStart = performance.now();
    const result = await evaluateAllUsers(setup, userIndex, { workers, batchSize: o.batchSize ?? 128, onProgress: (d) => bar.update(d) });
    bar.stop();
    const evalMs = performance.now() - evalStart;

    const historyLength = Int32Array.from(users, (u) => split.train.indptr[u + 1]! - split.train.indptr[u]!);
    const segments = historySegments(o.segmentBounds ?? [10, 30]);
    const resamples = o.bootstrap ?? 1000;
    const bootstrap = resamples > 0 ? { resamples, seed: o.seed, metrics: SEGMENT_METRICS } : undefined;
    const metrics: MetricRow[] = prepared.flatMap((p, m) =>
      metricRows({
        model: p.id,
        result: result.models[m]!,
        ks,
        coverageK,
        numItems: split.numItems,
        historyLength,
        segments,
        segmentMetrics: SEGMENT_METRICS,
        coldMax,
        ...(bootstrap ? { bootstrap } : {}),
      }),
    );
    const cold = coldBucketSizes(result.models[0]!, metricsWidth(ks), historyLength, coldMax);
    const models: EvalModelInfo[] = [];
    for (const p of prepared) {
      let version = result.versions[p.id] ?? 'unknown';
      let artifact = p.info.artifact;
      const staged = p.train?.staged ?? p.dpgcn?.staged;
      if (staged) {
        const overall = Object.fromEntries(metrics.filter((r) => r.model === p.id && r.segment === undefined).map((r) => [`${r.metric}@${r.k}`, r.value]));
        const published = await staged.publish(overall);
        version = `${version}+model.${published.version}`;
        artifact = relative(modelsDir, published.dir);
        log(`${p.id} artifact published: ${published.dir}`);
      } else if (p.artifactVersion !== undefined) version = `${version}+model.${p.artifactVersion}`;
      models.push({ ...p.info, version, ...(artifact !== undefined ? { artifact } : {}) });
    }
    const wallMs = Math.round(performance.now() - t0);
    const peakRssMiB = Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
    log(
      `ranking/full: ${users.length} users x ${prepared.length} models scored in ${(evalMs / 1000).toFixed(1)} s with ${workers} worker(s); wall ${(wallMs / 1000).toFixed(1)} s; peak RSS ${peakRssMiB} MiB`,
    );
    return {
      schemaVersion: 1,
      protocol: 'ranking/full',
      dataset: {
        name: o.datasetName ?? (format === 'lists' ? 'gowalla' : basename(o.trainFile).replace(/\.[^.]*$/, '')),
        path: o.trainFile,
        split: `${format === 'lists' ? 'LightGCN user item item ... lines' : 'user item pairs, ids mapped to dense indices'} (${o.trainFile}, ${o.testFile})${o.maxUsers !== undefined ? `, users with index < ${o.maxUsers}` : ''}`,
        stats: { ...splitStats(split), evaluatedUsers: users.length },
      },
      seed: o.seed,
      startedAt,
      wallMs,
      peakRssMiB,
      models,
      metrics,
      notes: rankingFullNotes({
        ks,
        coverageK,
        segments,
        workers,
        evalMs,
        modelsDir,
        metrics,
        format,
        bootstrap: resamples,
        prepared: prepared.map((p) => ({ id: p.id, train: p.train?.result })),
        fullGowalla: format === 'lists' && o.maxUsers === undefined && split.numUsers === 29858 && split.numItems === 40981,
      })
        .concat(coldNote(cold, users.length, coldMax, coldItems(split.train, split.numItems, coldMax), split.test))
        .concat(prepared.flatMap((p) => p.notes ?? [])),
    };
  } catch (err) {
    await Promise.all(prepared.map((p) => (p.train ?? p.dpgcn)?.staged.discard()));
    throw err;
  }
}
