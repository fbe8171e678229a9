/**
 * `train ranker`: train the learned ranker on what a GraphStore holds and publish it as the next
 * version under a model folder. Seeded and reproducible: same store + same options = same model.
 *
 * Protocol (time-based, nothing is shuffled across time): let E be the newest event (or
 * `trainEnd`). The validation cut is V = E − horizon: lists at V are labelled with [V, E). The
 * training cuts are V − k·step for k = 1..cuts, each labelled with [c, c + horizon) (all before
 * V when step ≥ horizon). Settings are chosen on the validation lists only (ml/ltr/train.ts),
 * then the model is refit on training + validation lists.
 *
 * Replenishable categories (for the strategy's repurchase rule) are learned from the same
 * history: a leaf category whose repeat-purchase rate (a user buying the same item again at least
 * a day later, over (user, item) purchase pairs) reaches `repurchaseRate` on at least
 * `repurchaseSupport` pairs.
 */
import type { CategoryRecord, ItemRecord } from '../../domain/catalog';
import type { InteractionEvent } from '../../domain/events';
import { interactionEventsBefore } from '../../graph/interaction-events';
import type { GraphStore } from '../../graph/port';
import { parseStrategy, type Strategy } from '../../pipeline/strategy';
import type { PruneOptions } from './prune';
import { LTR_FORMAT, LTR_INPUT, LTR_ONNX, LTR_OUTPUT, LTR_TREES, type LtrManifest } from '../../plugins/ltr/artifact';
import { LTR_SCORER_ID } from '../../plugins/ltr/scorer';
import type { ScorerPlugin } from '../../plugins/sdk/contract';
import { createScorerRegistry } from '../../plugins/sdk/registry';
import { publishArtifact } from '../artifacts';
import { gbdtToOnnx, type GbdtParams } from '../gbdt';
import { buildLtrLists, DEFAULT_GRADES, type Grades } from './lists';
import { fitLtr, type LtrFitResult } from './train';

const DAY = 24 * 3600 * 1000;

/** First-stage scorers of the learned strategy (the gateway's bundled scorers). */
export const DEFAULT_LTR_SCORERS: readonly string[] = ['baseline/commercial', 'baseline/item-knn', 'baseline/affinity'];

/**
 * Retrieval of the learned strategy: more of the user's own items and their categories than the
 * default blend (the ranker, not a fixed quota, decides how much each source is worth), a mild
 * MMR and a category cap for diversity.
 */
export const LEARNED_STRATEGY_TEMPLATE = Object.freeze({
  id: 'learned',
  limit: 10,
  historyLimit: 200,
  candidates: {
    max: 250,
    recent: { limit: 60, share: 0.24 },
    neighbourhood: { seeds: 20, usersPerItem: 50, itemsPerUser: 20, share: 0.36 },
    category: { categories: 5, perCategory: 20, levels: 1, share: 0.2 },
    trending: { limit: 100 },
    fresh: { limit: 20, share: 0.04 },
  },
  scorers: [{ id: LTR_SCORER_ID, weight: 1 }, ...DEFAULT_LTR_SCORERS.map((id) => ({ id, weight: 0 }))],
  diversity: { method: 'mmr', lambda: 0.95, maxPerCategory: 4 },
});

export interface TrainRankerOptions {
  /** Folder of versions, e.g. `models/ltr`. Required. */
  readonly modelDir: string;
  /** First-stage scorer plugins (their ids must include `scorerIds`). Required. */
  readonly plugins: readonly ScorerPlugin[];
  /** First-stage scorer ids that become features. Default DEFAULT_LTR_SCORERS. */
  readonly scorerIds?: readonly string[];
  /** Label window after each cut, days. Default 1. */
  readonly horizonDays?: number;
  /** Training cuts before the validation cut. Default 3. */
  readonly cuts?: number;
  /** Days between training cuts. Default: the horizon. */
  readonly stepDays?: number;
  /** Exclusive end of the data used (ms): events at or after it are ignored. Default: newest event + 1 ms. */
  readonly trainEnd?: number;
  /** Retrieval settings (a strategy; its scorers are replaced). Default LEARNED_STRATEGY_TEMPLATE. */
  readonly strategy?: Strategy;
  readonly grades?: Grades;
  /** Random negatives per list. Default 20. */
  readonly negatives?: number;
  /** Settings tried on the validation cut. Default LTR_GRID. */
  readonly grid?: ReadonlyArray<Partial<GbdtParams>>;
  /** Most boosting rounds. Default 300. */
  readonly trees?: number;
  /** Second-stage pruning search (ml/ltr/prune.ts); false: the trees score every candidate. Default: PRUNE_TOPS within 1% of validation NDCG. */
  readonly prune?: PruneOptions | false;
  readonly seed?: number;
  /** Repeat-purchase rate that makes a category replenishable. Default 0.2. */
  readonly repurchaseRate?: number;
  /** (user, item) purchase pairs a category needs before its rate counts. Default 5. */
  readonly repurchaseSupport?: number;
  /** Progress lines. Default: none. */
  readonly log?: (line: string) => void;
  /** The command that produced it (manifest). Default `train ranker`. */
  readonly createdBy?: string;
}

export interface TrainRankerResult {
  readonly dir: string;
  readonly version: number;
  readonly manifest: LtrManifest;
  /** The learned strategy (retrieval template + replenishable categories). */
  readonly strategy: Strategy;
  readonly fit: LtrFitResult;
  readonly cuts: { readonly train: readonly string[]; readonly validation: string; readonly horizonDays: number };
  readonly replenishable: readonly string[];
  readonly retrieval: { readonly trainRecall: number; readonly validRecall: number };
}

/** Leaf categories where users buy the same item again (at least a day apart). */
export function replenishableCategories(events: readonly InteractionEvent[], items: ReadonlyMap<string, ItemRecord>, minRate: number, minSupport: number): string[] {
  const first = new Map<string, number>();
  const repeat = new Set<string>();
  for (const e of events) {
    if (e.type !== 'purchase' || e.itemId === null) continue;
    const key = `${e.userId}\u0000${e.itemId}`;
    const f = first.get(key);
    if (f === undefined) first.set(key, e.ts);
    else if (Math.abs(e.ts - f) >= DAY) repeat.add(key);
  }
  const pairs = new Map<string, number>();
  const repeats = new Map<string, number>();
  for (const key of first.keys()) {
    const itemId = key.slice(key.indexOf('\u0000') + 1);
    for (const c of items.get(itemId)?.categories ?? []) {
      pairs.set(c, (pairs.get(c) ?? 0) + 1);
      if (repeat.has(key)) repeats.set(c, (repeats.get(c) ?? 0) + 1);
    }
  }
  return [...pairs.entries()]
    .filter(([c, n]) => n >= minSupport && (repeats.get(c) ?? 0) / n >= minRate)
    .map(([c]) => c)
    .sort();
}

export async function trainRankerFromStore(store: GraphStore, o: TrainRankerOptions): Promise<TrainRankerResult> {
  const log = o.log ?? (() => {});
  const horizon = (o.horizonDays ?? 1) * DAY;
  const step = (o.stepDays ?? o.horizonDays ?? 1) * DAY;
  const nCuts = o.cuts ?? 3;
  if (!(horizon > 0) || !(step > 0) || !(Number.isInteger(nCuts) && nCuts >= 1)) throw new RangeError('horizonDays and stepDays must be positive and cuts a positive integer');
  const end = o.trainEnd ?? (await store.latestEventTs()) + 1;
  const events = await interactionEventsBefore(store, end, 'replay');
  if (events.length === 0) throw new RangeError('the store holds no interactions to train on');
  const first = events[0]!.ts;
  const validCut = end - horizon;
  const trainCuts = Array.from({ length: nCuts }, (_, k) => validCut - (nCuts - k) * step).filter((c) => c > first);
  if (trainCuts.length === 0) {
    throw new RangeError(
      `the data spans ${((end - first) / DAY).toFixed(2)} days: a ${horizon / DAY}-day validation window and at least one ${step / DAY}-day training cut need more; lower horizonDays/stepDays`,
    );
  }
  const scorerIds = o.scorerIds ?? DEFAULT_LTR_SCORERS;
  const itemIds = [...new Set(events.map((e) => e.itemId!))];
  const items = await store.getItems(itemIds);
  const catIds = new Set<string>();
  for (const it of items.values()) for (const c of it.categories) catIds.add(c);
  const chains = await store.categoryAncestors([...catIds]);
  const catRecords = new Map<string, CategoryRecord>();
  for (const chain of chains.values()) chain.forEach((id, k) => catRecords.set(id, { id, parent: k === 0 ? null : chain[k - 1]!, name: id }));
  const replenishable = replenishableCategories(events, items, o.repurchaseRate ?? 0.2, o.repurchaseSupport ?? 5);

  const template = o.strategy ?? parseStrategy(LEARNED_STRATEGY_TEMPLATE);
  const strategy = parseStrategy({
    ...template,
    scorers: [{ id: LTR_SCORER_ID, weight: 1 }, ...scorerIds.map((id) => ({ id, weight: 0 }))],
    candidates: { ...template.candidates, repurchase: replenishable.length > 0 ? { categories: replenishable } : null },
  });
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const registry = await createScorerRegistry(
    o.plugins.filter((p) => scorerIds.includes(p.id)),
    {
      logger: silent,
      defaultTimeoutMs: 60_000,
      loadModel: () => Promise.reject(new Error('first-stage scorers of the ranker cannot declare ONNX models here')),
    },
  );
  const seed = o.seed ?? 42;
  const common = { horizonMs: horizon, strategy, registry, scorerIds, grades: o.grades ?? DEFAULT_GRADES, negatives: o.negatives ?? 20, seed };
  let fit: LtrFitResult;
  let trainRecall: number;
  let validRecall: number;
  try {
    log(`building training lists at ${trainCuts.length} cuts (${trainCuts.map((c) => new Date(c).toISOString()).join(', ')})`);
    const train = await buildLtrLists(events, items, [...catRecords.values()], { ...common, cuts: trainCuts, onList: (k) => k % 200 === 0 && log(`  ${k} training lists`) });
    log(`building validation lists at ${new Date(validCut).toISOString()}`);
    const valid = await buildLtrLists(events, items, [...catRecords.values()], { ...common, cuts: [validCut], seed: seed + 1 });
    trainRecall = train.positives > 0 ? 1 - train.missedPositives / train.positives : 0;
    validRecall = valid.positives > 0 ? 1 - valid.missedPositives / valid.positives : 0;
    log(`${train.groups.length} training lists (${train.y.length} rows), ${valid.groups.length} validation lists; candidate recall of positives ${trainRecall.toFixed(3)} / ${validRecall.toFixed(3)}`);
    fit = fitLtr(train, valid, { ...(o.grid ? { grid: o.grid } : {}), ...(o.trees ? { trees: o.trees } : {}), ...(o.prune !== undefined ? { prune: o.prune } : {}), seed });
  } finally {
    await registry.close();
  }
  log(
    `validation NDCG@${fit.validation.k}: ${fit.validation.trials.map((t) => t.ndcg.toFixed(4)).join(' / ')} (best ${fit.bestIteration} trees); columns alone: ${Object.entries(fit.validation.columns)
      .map(([k, v]) => `${k}=${v.toFixed(4)}`)
      .join(' ')}`,
  );
  if (fit.prune) {
    const p = fit.prune.prune;
    log(
      p
        ? `second stage scores the top ${p.top} candidates by ${p.scorerId}: validation NDCG@${fit.validation.k} ${fit.prune.tried.find((t) => t.scorerId === p.scorerId && t.top === p.top)!.ndcg.toFixed(4)} against ${fit.prune.full.toFixed(4)} scoring all (tolerance ${fit.prune.tolerance * 100}%)`
        : `second stage scores every candidate: each pruning tried loses more than ${fit.prune.tolerance * 100}% of validation NDCG@${fit.validation.k} (${fit.prune.full.toFixed(4)})`,
    );
  }
  const onnx = gbdtToOnnx(fit.model, { inputName: LTR_INPUT, outputName: LTR_OUTPUT });
  const importance = fit.model.featureImportance();
  const cuts = { train: trainCuts.map((c) => new Date(c).toISOString()), validation: new Date(validCut).toISOString(), horizonDays: horizon / DAY };
  let manifest: LtrManifest | undefined;
  const published = await publishArtifact(o.modelDir, { [LTR_ONNX]: onnx, [LTR_TREES]: `${JSON.stringify(fit.model.toJSON())}\n` }, (version) => {
    manifest = {
      format: LTR_FORMAT,
      formatVersion: 1,
      model: LTR_SCORER_ID,
      version,
      createdAt: new Date().toISOString(),
      createdBy: o.createdBy ?? 'train ranker',
      scorerIds: [...scorerIds],
      featureNames: [...fit.model.featureNames],
      halfLifeMs: 72 * 3600 * 1000,
      grades: o.grades ?? DEFAULT_GRADES,
      onnx: { file: LTR_ONNX, input: LTR_INPUT, output: LTR_OUTPUT },
      prune: fit.prune?.prune ?? null,
      importance,
      training: {
        source: `${store.kind} store`,
        events: events.length,
        end: new Date(end).toISOString(),
        cuts,
        params: fit.params,
        validation: fit.validation,
        prune: fit.prune,
        trainLists: fit.trainLists,
        trainRows: fit.trainRows,
        trainMs: Math.round(fit.trainMs),
        candidateRecall: { train: trainRecall, validation: validRecall },
        replenishableCategories: replenishable.length,
        seed,
      },
    };
    return manifest;
  });
  return { dir: published.dir, version: published.version, manifest: manifest!, strategy, fit, cuts, replenishable, retrieval: { trainRecall, validRecall } };
}
