/**
 * Protocol `events/temporal`: a global time cut on an event log (the Taobao head by default; any
 * mapped CSV or embedded store, see temporal-source.ts).
 * Training = the events before the cut, loaded into a fresh embedded GraphStore with the
 * importer's converter and batching sink; evaluation = what each user did in [cut, end).
 * Every model is a feed strategy run through the gateway's code (registry, FeedService, the
 * pipeline's features/scorers/blend); see temporal-score.ts and the report notes.
 */
import { resolve } from 'node:path';
import { createEventSink } from '../../ingest/import/sink';
import { mulberry32 } from '../../ml/random';
import { checkStrategy, strategyDigest, type Strategy } from '../../pipeline/strategy';
import { createPopularityScorer } from '../../plugins/baseline/popularity';
import type { GraphStore } from '../../graph/port';
import type { ScorerPlugin } from '../../plugins/sdk/contract';
import type { ModelSession } from '../../plugins/sdk/model';
import type { ScorerRegistry } from '../../plugins/sdk/registry';
import { bundledScorers } from '../../server/bundled';
import { candidateLosses } from '../report/json';
import type { EvalModelInfo, EvalReport, MetricRow } from '../report/types';
import { createEvalProgress, createEvalRegistry, openTempStore, peakRssMiB, type RunEnvironmentOptions } from './support';
import { temporalMetricRows, type PairGroup } from './temporal-metrics';
import { temporalNotes } from './temporal-notes';
import { coldBuckets, historySegment, resolveCut, splitAtCut, type CutOptions, type TemporalSplit } from './temporal-split';
import { createReferenceModels } from './temporal-reference';
import { DEFAULT_RESAMPLES } from './temporal-intervals';
import { DEFAULT_TEMPORAL_MODELS, type TemporalModel } from './temporal-models';
import { DEFAULT_TAOBAO_FILE, loadSource, type TemporalSource } from './temporal-source';
import { createPairScorer, feedLists, sampleNegatives } from './temporal-score';

export { DEFAULT_TEMPORAL_MODELS, type TemporalModel } from './temporal-models';
export { DEFAULT_TAOBAO_FILE } from './temporal-source';

/** What a protocol variant sees once the training store is loaded (nothing after the cut is in it). */
export interface TemporalTrainingContext {
  /** The training store: exactly the events before the cut. */
  readonly store: GraphStore;
  readonly split: TemporalSplit;
  readonly cut: number;
  readonly window: { readonly start: number; readonly end: number };
  /** Data time of the run: the newest training event (ms). */
  readonly now: number;
  readonly seed: number;
  /** Scratch directory, removed after the run. */
  readonly scratchDir: string;
}

/** A model trained on the training store and served to the strategies through a scorer plugin. */
export interface TrainedComponent {
  /** Scorer id the strategies name (e.g. `duve/purchase`). */
  readonly scorerId: string;
  readonly trainMs: number;
  /** Kept artifact directory, if any (a temp artifact is not reported: its path differs per run). */
  readonly artifact?: string;
  /** Training settings and results (must be reproducible: they are part of the report's model params). */
  readonly params: Readonly<Record<string, unknown>>;
}

/** What a variant adds to the run: plugins over models trained on the training store. */
export interface TemporalExtension {
  /** Registered after `plugins`. */
  readonly plugins: readonly ScorerPlugin[];
  /** Opens the ONNX files the plugins declare. Default: none may declare one. */
  readonly loadModel?: (uri: string) => Promise<ModelSession>;
  /** Listed in the params (and trainMs) of every strategy that weights their scorer. */
  readonly trained: readonly TrainedComponent[];
  /** Report notes, after the protocol statement. */
  readonly notes: readonly string[];
  /** More notes from every model's feed lists (model id -> user -> items, best first). */
  summarise?(lists: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>): string[];
  /** Models it adds to the run (e.g. a strategy that needs its trained scorer), after `models`. */
  readonly models?: readonly TemporalModel[];
  /** Release what the extension opened; runs after the registry is closed. */
  close(): Promise<void>;
}

/** True when the strategies differ only in their scorers (same limit, history, retrievers, re-ranking). */
export function sameRecipe(models: readonly TemporalModel[]): boolean {
  const recipe = (st: Strategy): string => JSON.stringify({ ...st, id: '', scorers: [] });
  return models.every((m) => recipe(m.strategy) === recipe(models[0]!.strategy));
}

export interface EventsTemporalOptions extends RunEnvironmentOptions, CutOptions {
  /** The event log. Default: the `taobao` preset over `file`. */
  readonly source?: TemporalSource;
  /** Event log in Taobao UserBehavior format, when no `source` is given. Default DEFAULT_TAOBAO_FILE. */
  readonly file?: string;
  /** Dataset name in the report (and its file name unless the report is named). Default `taobao-userbehavior-head` for the taobao preset, else the file's (or store's) stem. */
  readonly datasetName?: string;
  /** Seed of the negative sampling. Default 42. */
  readonly seed?: number;
  /** Observation window [start, end) in ms. Default: TAOBAO_WINDOW (2017-11-25..12-03, UTC+8) for the taobao preset, else [first event, last event + 1 ms). */
  readonly window?: { readonly start: number; readonly end: number };
  /** Cut-offs K. Default [5, 10, 20]. */
  readonly ks?: readonly number[];
  /** Items sampled per user as AUC negatives (not touched by the user in the window). Default 100. */
  readonly negatives?: number;
  /** Models to evaluate. Default DEFAULT_TEMPORAL_MODELS. */
  readonly models?: readonly TemporalModel[];
  /** Scorer plugins registered for the strategies. Default: the gateway's bundled scorers plus baseline/popularity. */
  readonly plugins?: readonly ScorerPlugin[];
  /** Add the reference baselines computed outside the gateway (popularity, the user's recent items). Default true. */
  readonly references?: boolean;
  /** Read only the first N non-empty lines of the file. Default: all. */
  readonly maxLines?: number;
  /** Users and items with 1..coldMax training events form the cold-start buckets (`cold-users:1-<n>`, `cold-items:1-<n>`). Default 3. */
  readonly coldMax?: number;
  /** Resamples of the 95% bootstrap intervals over users (P@K, NDCG@K, GAUC); 0 = no intervals. Default 2000. */
  readonly bootstrapResamples?: number;
  /** Train models on the training store and register their plugins (see feed-ltv.ts). Default: none. */
  readonly extend?: (ctx: TemporalTrainingContext) => Promise<TemporalExtension>;
}

export async function runEventsTemporal(opts: EventsTemporalOptions = {}): Promise<EvalReport> {
  const started = Date.now();
  const t0 = performance.now();
  const source: TemporalSource = opts.source ?? { kind: 'preset', preset: 'taobao', file: opts.file ?? DEFAULT_TAOBAO_FILE };
  const seed = opts.seed ?? 42;
  const ks = [...(opts.ks ?? [5, 10, 20])].sort((a, b) => a - b);
  if (ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k < 1)) throw new RangeError(`ks must be positive integers, got ${ks.join(',')}`);
  const kMax = ks[ks.length - 1]!;
  const segmentK = ks.includes(10) ? 10 : ks[Math.floor(ks.length / 2)]!;
  const negatives = opts.negatives ?? 100;
  let models = opts.models ?? DEFAULT_TEMPORAL_MODELS;
  const resamples = opts.bootstrapResamples ?? DEFAULT_RESAMPLES;
  if (!Number.isInteger(resamples) || resamples < 0) throw new RangeError(`bootstrapResamples must be a non-negative integer, got ${resamples}`);
  const coldMax = opts.coldMax ?? 3;
  if (!Number.isInteger(coldMax) || coldMax < 1) throw new RangeError(`coldMax must be a positive integer, got ${coldMax}`);

  const loaded = await loadSource(source, opts.maxLines !== undefined ? { maxLines: opts.maxLines } : {});
  const { log } = loaded;
  const file = loaded.path;
  const window = opts.window ?? loaded.window;
  const cut = resolveCut(window, opts);
  const split = splitAtCut(log.rows, cut, window.end);
  const { store, dir, dispose } = await openTempStore(opts, 'temporal');
  let opened: ScorerRegistry | null = null;
  let extension: TemporalExtension | null = null;
  try {
    const loadStarted = performance.now();
    const sink = createEventSink(store, 5000);
    for (const r of split.train) await sink.add(r.event, r.item, r.categories);
    await sink.flush();
    const loadMs = Math.round(performance.now() - loadStarted);
    const counts = await store.counts();
    const now = await store.latestEventTs();
    if (opts.extend) extension = await opts.extend({ store, split, cut, window, now, seed, scratchDir: dir });
    if (extension?.models) models = [...models, ...extension.models];
    const plugins = [...(opts.plugins ?? [...bundledScorers(), createPopularityScorer()]), ...(extension?.plugins ?? [])];
    const registry = await createEvalRegistry(plugins, extension?.loadModel);
    opened = registry;
    for (const m of models) checkStrategy(m.strategy, registry);
    const users = [...split.windows.keys()];
    const pool = [...split.trainItems].sort();
    const segmentOf = (u: string): string => historySegment(split.trainEvents.get(u) ?? 0);
    const buckets = coldBuckets(split, coldMax);

    // One candidate set per user, shared by every model. Items unseen in training have no
    // features any model here could use: they are left out of the AUC candidates (and counted
    // in the notes' reachability figures).
    const rng = mulberry32(seed);
    const candidateSets = new Map<string, string[]>();
    for (const u of users) {
      const w = split.windows.get(u)!;
      const known = [...w.touched].filter((id) => split.trainItems.has(id)).sort();
      candidateSets.set(u, [...known, ...sampleNegatives(pool, w.touched, negatives, rng)]);
    }

    const progress = createEvalProgress('eval events/temporal', models.length * users.length * 2, opts);
    const metrics: MetricRow[] = [];
    const infos: EvalModelInfo[] = [];
    const health: string[] = [];
    const recommended = new Set<string>();
    const perModel: Array<{ id: string; lists: ReadonlyMap<string, readonly string[]>; pairs: Map<string, PairGroup> }> = [];
    for (const model of models) {
      const fl = await feedLists(store, registry, model.strategy, users, kMax, now, () => progress.tick());
      const scorer = createPairScorer(store, registry, model.strategy, now, counts.items);
      const pairs = new Map<string, PairGroup>();
      let dropped = 0;
      for (const u of users) {
        const itemIds = candidateSets.get(u)!;
        const s = await scorer.score(u, itemIds);
        if (s.dropped > 0) dropped += 1;
        pairs.set(u, { itemIds, scores: s.scores });
        progress.tick();
      }
      perModel.push({ id: model.id, lists: fl.lists, pairs });
      if (fl.degraded + fl.fallback + dropped > 0) {
        health.push(`${model.id}: ${fl.degraded} feeds with a dropped scorer, ${fl.fallback} fallback feeds, ${dropped} users with a dropped scorer in pair scoring.`);
      }
      const trained = (extension?.trained ?? []).filter((t) => model.strategy.scorers.some((s) => s.id === t.scorerId && s.weight > 0));
      const artifact = trained.find((t) => t.artifact !== undefined)?.artifact;
      infos.push({
        id: model.id,
        version: strategyDigest(model.strategy, registry),
        role: model.role,
        params: {
          scorers: model.strategy.scorers.map((s) => `${s.id}@${registry.get(s.id)?.version ?? '?'}×${s.weight}`).join(' + '),
          retrievers: Object.entries(model.strategy.candidates)
            .filter(([k, v]) => k !== 'max' && v !== null)
            .map(([k]) => k)
            .join(', '),
          candidates: model.strategy.candidates.max,
          diversity: `${model.strategy.diversity.method} λ=${model.strategy.diversity.lambda} maxPerCategory=${model.strategy.diversity.maxPerCategory}`,
          ...(model.source !== undefined ? { file: model.source } : {}),
          ...(trained.length > 0 ? { trained: Object.fromEntries(trained.map((t) => [t.scorerId, t.params])) } : {}),
        },
        ...(trained.length > 0 ? { trainMs: trained.reduce((a, t) => a + t.trainMs, 0) } : {}),
        ...(artifact !== undefined ? { artifact } : {}),
      });
    }
    progress.stop();
    for (const ref of opts.references === false ? [] : createReferenceModels(split)) {
      const lists = new Map(users.map((u) => [u, ref.list(u, kMax)] as const));
      const pairs = new Map(users.map((u) => [u, { itemIds: candidateSets.get(u)!, scores: ref.score(u, candidateSets.get(u)!) }] as const));
      perModel.push({ id: ref.info.id, lists, pairs });
      infos.push(ref.info);
    }
    for (const pm of perModel) for (const l of pm.lists.values()) for (const id of l) recommended.add(id);

    const items = await store.getItems([...recommended]);
    const stats = await store.itemStats([...recommended]);
    for (const pm of perModel) {
      metrics.push(
        ...temporalMetricRows({
          model: pm.id,
          ks,
          segmentK,
          windows: split.windows,
          segmentOf,
          lists: pm.lists,
          pairs: pm.pairs,
          catalogueSize: counts.items,
          trainUsers: counts.users,
          categories: (id) => items.get(id)?.categories ?? [],
          interactedUsers: (id) => stats.get(id)?.users ?? 0,
          buckets,
          ...(resamples > 0 ? { intervals: { seed, resamples } } : {}),
        }),
      );
    }
    const report: Omit<EvalReport, 'notes'> = {
      schemaVersion: 1,
      protocol: 'events/temporal',
      dataset: {
        name: opts.datasetName ?? loaded.name,
        path: file,
        split: `global time cut at ${new Date(cut).toISOString()}: train = events before it, evaluation = [cut, ${new Date(window.end).toISOString()})`,
        stats: {
          lines: log.lines,
          rowErrors: log.rowErrors.length,
          cutTs: cut,
          windowStart: window.start,
          windowEnd: window.end,
          trainEvents: split.train.length,
          trainUsers: counts.users,
          trainItems: counts.items,
          evalEvents: split.evalEvents,
          eventsAfterEnd: split.afterEnd,
          testUsers: users.length,
          negativesPerUser: negatives,
        },
      },
      seed,
      startedAt: new Date(started).toISOString(),
      wallMs: 0,
      peakRssMiB: 0,
      models: infos,
      metrics,
    };
    const notes = [
      ...temporalNotes({
        split,
        window,
        file: resolve(file),
        source: source.kind,
        localTime: loaded.taobaoTime && opts.window === undefined,
        ks,
        segmentK,
        negatives,
        health,
        log,
        loadMs,
        references: opts.references !== false,
        sameRecipe: sameRecipe(models),
        resamples,
        seed,
        coldMax,
      }),
      ...(extension?.notes ?? []),
      ...(extension?.summarise?.(new Map(perModel.map((pm) => [pm.id, pm.lists] as const))) ?? []),
      ...candidateLosses(report),
    ];
    return { ...report, wallMs: Math.round(performance.now() - t0), peakRssMiB: peakRssMiB(), notes };
  } finally {
    try {
      await opened?.close();
      await extension?.close();
    } finally {
      await dispose();
    }
  }
}
