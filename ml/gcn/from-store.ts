/**
 * `dpgcn/graph` trained on what a GraphStore holds, published as the next version under
 * `<modelsDir>/dpgcn/`.
 *
 * The graph is the store's heterogeneous graph (./store-graph.ts: users, items, queries,
 * categories, terms; weighted interactions and searches, the category hierarchy, title and query
 * terms), propagated with one normalised block per relation (./hetero.ts). The loss stays the
 * user–item sampled softmax (./loss.ts): queries, categories and terms have no loss of their own,
 * they shape the user and item embeddings through propagation (an item with few interactions
 * borrows from its category and title terms) and get embeddings of their own in the same space
 * (for query suggestions). Settings are checked on a seeded holdout of each user's train pairs
 * (never anything at or after `trainEnd`), then the model is refit on all pairs (./select.ts).
 *
 * With fusion (the default), the fusion network is trained on
 * the final embeddings (ml/fusion) and saved beside them (`fusion.onnx` + `manifest.fusion`).
 */
import { resolve } from 'node:path';
import type { GraphStore } from '../../graph/port';
import { trainFusion } from '../fusion/train';
import { readMfManifest, type MfManifest } from '../mf/artifact';
import { dataDigest, stageGcnArtifact, type GcnFusionPart } from './artifact';
import { heteroOperator, type RelationScales } from './hetero';
import { trainWithSelection, type SelectResult } from './select';
import { readStoreGraph, type StoreGraph, type StoreGraphOptions } from './store-graph';
import { GCN_DEFAULTS, type GcnHyperParameters } from './train';

/** What the fusion trainer gets (artifact contract 2, ml/fusion/train.ts `trainFusion`). */
export interface FusionTrainerInput {
  readonly store: GraphStore;
  readonly trainEnd?: number;
  readonly seed: number;
  readonly userIds: readonly string[];
  readonly itemIds: readonly string[];
  readonly dims: number;
  readonly users: Float32Array;
  readonly items: Float32Array;
  readonly log?: (line: string) => void;
}

export type FusionTrainer = (input: FusionTrainerInput) => Promise<GcnFusionPart & { readonly trainMs: number }>;

/** GCN settings default to GCN_DEFAULTS, except usersPerStep: defaultUsersPerStep(users). */
export interface TrainDpgcnFromStoreOptions extends Partial<GcnHyperParameters>, Omit<StoreGraphOptions, 'trainEnd'> {
  /** Artifact root: versions go to `<modelsDir>/dpgcn/<n>/`. Required. */
  readonly modelsDir: string;
  /** Exclusive end of the events used (ms). Default: every event. */
  readonly trainEnd?: number;
  /** Seed of every random draw. Default 42. */
  readonly seed?: number;
  /** Train and save the fusion network (skipped, with a log line, when the trainer finds too little data: RangeError). Default true. */
  readonly fusion?: boolean;
  /** The fusion trainer. Default: ml/fusion/train.ts `trainFusion`. */
  readonly trainFusion?: FusionTrainer;
  /** Share of each relation's messages. Default 1 each. */
  readonly relationScales?: RelationScales;
  /** Fraction of each user's pairs held out to choose the epoch count. Default 0.1. */
  readonly holdout?: number;
  /** Epochs between held-out checks. Default 2. */
  readonly every?: number;
  /** Checks without a new best before selection stops. Default 2. */
  readonly patience?: number;
  /** Threads for the graph products. Default min(2, cores). */
  readonly threads?: number;
  /** Progress lines (one per epoch). Default: none. */
  readonly log?: (line: string) => void;
  readonly signal?: AbortSignal;
  /** Who trained it (manifest.createdBy). Required. */
  readonly createdBy: string;
}

export interface TrainDpgcnFromStoreResult {
  readonly version: number;
  readonly dir: string;
  readonly manifest: MfManifest & { readonly queryIds?: readonly string[]; readonly categoryIds?: readonly string[]; readonly termIds?: readonly string[] };
  /** Selection + final training (+ fusion), ms. */
  readonly trainMs: number;
  readonly graph: { readonly nodes: Readonly<Record<string, number>>; readonly counts: Readonly<Record<string, number>>; readonly refTs: number };
  readonly selection: SelectResult['selection'];
  /** The fusion network's metrics when one was trained. */
  readonly fusion?: GcnFusionPart['metrics'];
}

const HYPER_KEYS = ['dims', 'layers', 'epochs', 'learningRate', 'l2', 'tau', 'negatives', 'usersPerGroup', 'usersPerStep', 'initStd'] as const;

/** Users per Adam step unless set: numUsers/8 rounded up, within [64, GCN_DEFAULTS.usersPerStep]. */
export function defaultUsersPerStep(numUsers: number): number {
  return Math.min(GCN_DEFAULTS.usersPerStep, Math.max(64, Math.ceil(numUsers / 8)));
}

/** Train on the store and publish. Throws a RangeError when the store holds nothing to train on before `trainEnd`. */
export async function trainDpgcnFromStore(store: GraphStore, o: TrainDpgcnFromStoreOptions): Promise<TrainDpgcnFromStoreResult> {
  const started = performance.now();
  const seed = o.seed ?? 42;
  const log = o.log ?? (() => {});
  const g: StoreGraph = await readStoreGraph(store, {
    ...(o.trainEnd !== undefined ? { trainEnd: o.trainEnd } : {}),
    ...(o.typeWeights ? { typeWeights: o.typeWeights } : {}),
    ...(o.halfLifeMs !== undefined ? { halfLifeMs: o.halfLifeMs } : {}),
    ...(o.searchWeight !== undefined ? { searchWeight: o.searchWeight } : {}),
    ...(o.relations ? { relations: o.relations } : {}),
    ...(o.minTermNodes !== undefined ? { minTermNodes: o.minTermNodes } : {}),
    ...(o.pageSize !== undefined ? { pageSize: o.pageSize } : {}),
  });
  const data = g.interactions;
  if (data.items.length === 0) throw new RangeError(`the store holds no interactions${o.trainEnd !== undefined ? ` before ${new Date(o.trainEnd).toISOString()}` : ''} to train on`);
  const nodes = Object.fromEntries(Object.entries(g.ids).map(([k, v]) => [k, v.length]));
  log(
    `graph: ${Object.entries(nodes)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ')}; edges ${Object.entries(g.counts)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
  );
  const hyper: { -readonly [K in keyof GcnHyperParameters]?: number } = {};
  for (const k of HYPER_KEYS) if (o[k] !== undefined) hyper[k] = o[k];
  // A store may have few users: keep at least ~8 Adam steps per epoch (on the Taobao head, 815
  // users, held-out Recall@20 0.199 at 128 users/step vs 0.159 at 2,048, i.e. one step per epoch).
  if (hyper.usersPerStep === undefined) hyper.usersPerStep = defaultUsersPerStep(data.numUsers);
  const scales = o.relationScales ?? {};
  const r = await trainWithSelection(data, {
    ...hyper,
    seed,
    graph: (pairs) => heteroOperator(g, pairs, scales),
    ...(o.holdout !== undefined ? { holdout: o.holdout } : {}),
    ...(o.every !== undefined ? { every: o.every } : {}),
    ...(o.patience !== undefined ? { patience: o.patience } : {}),
    ...(o.threads !== undefined ? { threads: o.threads } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    onEpoch: (phase, e) =>
      log(`${phase} epoch ${e.epoch}: loss ${e.loss.toFixed(4)} in ${(e.ms / 1000).toFixed(1)} s${e.validRecall !== undefined ? `, held-out Recall@20 ${e.validRecall.toFixed(4)}` : ''}`),
  });
  const { model, others } = r.final;
  const d = model.dims;
  // `others` holds query, category, then term rows (store-graph NODE_TYPES order).
  const nq = g.ids.query.length;
  const nc = g.ids.category.length;
  const table = (ids: readonly string[], from: number) => ({ ids, values: others.slice(from * d, (from + ids.length) * d) });
  let fusion: GcnFusionPart | undefined;
  let fusionSkipped: string | undefined;
  if (o.fusion !== false) {
    const f = await (o.trainFusion ?? trainFusion)({
      store,
      ...(o.trainEnd !== undefined ? { trainEnd: o.trainEnd } : {}),
      seed,
      userIds: g.ids.user,
      itemIds: g.ids.item,
      dims: d,
      users: model.users,
      items: model.items,
      log,
    }).catch((err: unknown) => {
      // Too little data for the fusion lists (e.g. a store shorter than its label horizon): the
      // graph embeddings are still worth publishing; the scorer then ranks by the cosine alone.
      if (!(err instanceof RangeError)) throw err;
      fusionSkipped = err.message;
      log(`fusion skipped: ${err.message}`);
      return undefined;
    });
    if (f) {
      fusion = { onnx: f.onnx, columns: f.columns, alpha: f.alpha, alphaRange: f.alphaRange, metrics: f.metrics };
      log(`fusion: α ${f.alpha.toFixed(3)} over ${f.columns.length} columns in ${(f.trainMs / 1000).toFixed(1)} s`);
    }
  }
  const staged = await stageGcnArtifact(resolve(o.modelsDir), r, {
    userIds: g.ids.user,
    itemIds: g.ids.item,
    source: { store: store.kind, ...(o.trainEnd !== undefined ? { trainEnd: o.trainEnd } : {}), newestEvent: g.refTs, nodes, relations: g.counts, ...(fusionSkipped ? { fusionSkipped } : {}) },
    digest: dataDigest(data),
    metrics: { 'heldOutRecall@20': Number(r.selection.best.recall.toFixed(6)), ...(fusion ? Object.fromEntries(Object.entries(fusion.metrics).map(([k, v]) => [`fusion.${k}`, v])) : {}) },
    createdBy: o.createdBy,
    graphSettings: {
      graph: 'store: user, item, query, category, term',
      relationScales: scales,
      ...(o.typeWeights ? { typeWeights: o.typeWeights } : {}),
      ...(o.halfLifeMs !== undefined ? { halfLifeMs: o.halfLifeMs } : {}),
      ...(o.searchWeight !== undefined ? { searchWeight: o.searchWeight } : {}),
      ...(o.relations ? { relations: o.relations } : {}),
      ...(o.minTermNodes !== undefined ? { minTermNodes: o.minTermNodes } : {}),
    },
    nodes: { queries: table(g.ids.query, 0), categories: table(g.ids.category, nq), terms: table(g.ids.term, nq + nc) },
    ...(fusion ? { fusion } : {}),
  });
  const pub = await staged.publish(); // discards the staging folder when it fails
  const manifest = (await readMfManifest(pub.dir)) as TrainDpgcnFromStoreResult['manifest'];
  return {
    version: pub.version,
    dir: pub.dir,
    manifest,
    trainMs: performance.now() - started,
    graph: { nodes, counts: g.counts, refTs: g.refTs },
    selection: r.selection,
    ...(fusion ? { fusion: fusion.metrics } : {}),
  };
}
