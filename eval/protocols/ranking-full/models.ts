/**
 * Which scorer each `--models` id of `ranking/full` is, and how a worker builds it (a ScorerSpec):
 *
 * - `mf/bpr`: trained in the run, or read from an artifact.
 * - `dpgcn/graph`: the graph model's core (ml/gcn), trained in the run (train-dpgcn.ts) or read from an artifact.
 * - `dpgcn/filter`: the graph convolution in closed form (ml/gcn/filter.ts), built in the run, α chosen on a train holdout.
 * - `baseline/item-knn`: the serving formula over a neighbour index built once from the train
 *   split (knn-scorer.ts), not the per-request neighbourhood walk.
 * - `baseline/popularity`, `baseline/commercial`, `baseline/affinity`, `baseline/rfm`: the gateway's
 *   own plugins, fed the features this protocol offers (features.ts).
 * - `duve/purchase`: refused (it needs the DUVE engine's online state, folded from a timestamped
 *   event log with purchase values, and an ONNX artifact; a split has neither).
 * - anything else: refused unless the option carries a ScorerSpec.
 */
import { resolve } from 'node:path';
import { ErrorCode } from '../../../errors/codes';
import { CodedError } from '../../../errors/errors';
import { readMfManifest } from '../../../ml/mf/artifact';
import { BPR_DEFAULTS, type BprHyperParameters } from '../../../ml/mf/bpr';
import { GCN_DEFAULTS, type GcnHyperParameters } from '../../../ml/gcn/train';
import type { InteractionSplit } from '../../datasets/gowalla';
import type { EvalModelInfo } from '../../report/types';
import { buildKnnIndex } from './knn-index';
import { samplerText } from './notes';
import type { ScorerSpec } from './spec';
import { trainBprStep, type TrainStep } from './train';
import { dpgcnNote, trainDpgcnStep, type DpgcnStep } from './train-dpgcn';
import { buildGraphFilter } from '../../../ml/gcn/filter';
import { selectFilterAlpha } from '../../../ml/gcn/filter-select';

/** A model to evaluate. The registered ids need nothing else. */
export interface RankingModelOption {
  /** A registered scorer id (`mf/bpr`, `baseline/item-knn`, `baseline/popularity`, ...), or the id of the plugin `scorer` builds. */
  readonly id: string;
  /** Default: `candidate` for `mf/bpr` and for custom scorers, `baseline` for `baseline/*`. */
  readonly role?: 'candidate' | 'baseline';
  /** For `mf/bpr` and `dpgcn/graph`: evaluate this artifact instead of training one in the run. Default: train. */
  readonly artifactDir?: string;
  /** For `baseline/item-knn`: neighbours kept per item (0: all). Default 0. */
  readonly neighbours?: number;
  /** For `dpgcn/graph` trained in the run: settings over GCN_DEFAULTS (ml/gcn/train.ts). Default: GCN_DEFAULTS. */
  readonly gcn?: Partial<GcnHyperParameters>;
  /** Any other scorer plugin, built in every worker from this spec. */
  readonly scorer?: ScorerSpec;
}

export interface PreparedModel {
  readonly id: string;
  readonly spec: ScorerSpec;
  readonly info: Omit<EvalModelInfo, 'version'>;
  readonly train?: TrainStep;
  /** A dpgcn/graph model trained in the run (its artifact is published like `train.staged`). */
  readonly dpgcn?: DpgcnStep;
  /** Report notes about this model. */
  readonly notes?: readonly string[];
  readonly artifactVersion?: number;
}

export interface PrepareContext {
  readonly split: InteractionSplit;
  readonly seed: number;
  readonly hyper: Partial<BprHyperParameters>;
  readonly modelsDir: string;
  readonly progress: boolean;
  readonly log: (line: string) => void;
  /** Where the data came from, recorded in a trained artifact's manifest. */
  readonly data: Readonly<Record<string, unknown>>;
}

/** Registered plugins that run unchanged on the features ranking/full offers. */
const PLUGINS: Readonly<Record<string, { module: string; factory: string; score: string }>> = {
  'baseline/popularity': { module: require.resolve('../../../plugins/baseline/popularity'), factory: 'createPopularityScorer', score: 'train interactions per item (item.stats totals)' },
  'baseline/commercial': {
    module: require.resolve('../../../plugins/baseline/commercial'),
    factory: 'createCommercialScorer',
    score: 'smoothed conversion x order value from item.stats (every train interaction is a click: no purchases)',
  },
  'baseline/affinity': {
    module: require.resolve('../../../plugins/baseline/affinity'),
    factory: 'createAffinityScorer',
    score: "the user's own interactions with the item (all masked here: 0 on every ranked item)",
  },
  'baseline/rfm': { module: require.resolve('../../../plugins/baseline/rfm'), factory: 'createRfmScorer', score: 'RFM cell + price-tier affinity (no purchases or prices in a split: constant)' },
};

const REFUSED: Readonly<Record<string, string>> = {
  'duve/purchase': "needs the DUVE engine's online state, folded from a timestamped event log with purchase values, and an ONNX artifact; a train/test split has neither",
};

export const RANKING_FULL_MODEL_IDS = ['mf/bpr', 'dpgcn/graph', 'dpgcn/filter', 'baseline/item-knn', ...Object.keys(PLUGINS)] as const;

function refuse(id: string, why: string): CodedError {
  return new CodedError(ErrorCode.EVAL_ARGUMENT_INVALID, `ranking/full cannot evaluate model "${id}": ${why}`, { flag: '--models', model: id });
}

export async function prepareModel(m: RankingModelOption, ctx: PrepareContext): Promise<PreparedModel> {
  const role = m.role ?? (m.id.startsWith('baseline/') ? 'baseline' : 'candidate');
  if (m.scorer) return { id: m.id, spec: m.scorer, info: { id: m.id, role, params: { module: m.scorer.module, factory: m.scorer.factory, options: m.scorer.options ?? null } } };
  const plugin = PLUGINS[m.id];
  if (plugin) {
    return { id: m.id, spec: { module: plugin.module, factory: plugin.factory }, info: { id: m.id, role, params: { score: plugin.score } } };
  }
  if (m.id === 'baseline/item-knn') return prepareItemKnn(m, role, ctx);
  if (m.id === 'mf/bpr') return prepareBpr(m, role, ctx);
  if (m.id === 'dpgcn/graph') return prepareDpgcn(m, role, ctx);
  if (m.id === 'dpgcn/filter') return prepareGraphFilter(m, role, ctx);
  const refused = REFUSED[m.id];
  if (refused !== undefined) throw refuse(m.id, refused);
  throw refuse(m.id, `unknown model (registered: ${RANKING_FULL_MODEL_IDS.join(', ')}); give a scorer spec for a custom plugin`);
}

function prepareItemKnn(m: RankingModelOption, role: 'candidate' | 'baseline', ctx: PrepareContext): PreparedModel {
  const neighbours = m.neighbours ?? 0;
  const t0 = performance.now();
  const index = buildKnnIndex(ctx.split.train, ctx.split.numItems, { neighbours });
  const buildMs = Math.round(performance.now() - t0);
  ctx.log(
    `baseline/item-knn: neighbour index of ${index.neighbours.length} pairs (${neighbours === 0 ? 'all co-interacted items' : `top ${neighbours} per item`}) built in ${(buildMs / 1000).toFixed(1)} s`,
  );
  return {
    id: m.id,
    spec: { module: require.resolve('./knn-scorer'), factory: 'createFullItemKnnScorer', options: { index, itemIds: ctx.split.itemIds } },
    info: {
      id: m.id,
      role,
      params: {
        similarity: 'co(s,c)/sqrt(deg(s)deg(c)), co = distinct train users of both',
        seeds: 'every train item of the user',
        neighboursPerItem: neighbours === 0 ? 'all' : neighbours,
        pairs: index.neighbours.length,
      },
      trainMs: buildMs,
    },
  };
}

async function prepareBpr(m: RankingModelOption, role: 'candidate' | 'baseline', ctx: PrepareContext): Promise<PreparedModel> {
  const bprModule = require.resolve('../../../plugins/mf/bpr');
  if (m.artifactDir !== undefined) {
    const manifest = await readMfManifest(m.artifactDir);
    return {
      id: m.id,
      spec: { module: bprModule, factory: 'createBprScorer', options: { artifactDir: resolve(m.artifactDir) } },
      info: { id: m.id, role, params: { ...manifest.hyperParameters, seed: manifest.seed, trainedBy: 'artifact' }, artifact: m.artifactDir },
      artifactVersion: manifest.version,
    };
  }
  const hyper = { ...BPR_DEFAULTS, ...ctx.hyper };
  const train = await trainBprStep(ctx.split, { seed: ctx.seed, hyper, modelsDir: ctx.modelsDir, progress: ctx.progress, log: ctx.log, data: ctx.data });
  return {
    id: m.id,
    spec: { module: bprModule, factory: 'createBprScorer', options: { artifactDir: train.staged.dir } },
    info: {
      id: m.id,
      role,
      params: { ...train.result.hyper, seed: ctx.seed, optimiser: 'sgd', sampler: samplerText(train.result.hyper.negativeCandidates) },
      trainMs: Math.round(train.result.trainMs),
    },
    train,
  };
}

async function prepareDpgcn(m: RankingModelOption, role: 'candidate' | 'baseline', ctx: PrepareContext): Promise<PreparedModel> {
  const module = require.resolve('./dpgcn-scorer');
  const factory = 'createDpgcnEmbeddingScorer';
  if (m.artifactDir !== undefined) {
    const manifest = await readMfManifest(m.artifactDir);
    if (manifest.model !== 'dpgcn/graph') throw refuse(m.id, `${m.artifactDir} holds a ${manifest.model} artifact`);
    return {
      id: m.id,
      spec: { module, factory, options: { artifactDir: resolve(m.artifactDir) } },
      info: { id: m.id, role, params: { ...manifest.hyperParameters, seed: manifest.seed, trainedBy: 'artifact' }, artifact: m.artifactDir },
      artifactVersion: manifest.version,
    };
  }
  const dpgcn = await trainDpgcnStep(ctx.split, { seed: ctx.seed, hyper: m.gcn ?? {}, modelsDir: ctx.modelsDir, log: ctx.log, data: ctx.data });
  const r = dpgcn.result;
  return {
    id: m.id,
    spec: { module, factory, options: { artifactDir: dpgcn.staged.dir } },
    info: {
      id: m.id,
      role,
      params: { ...GCN_DEFAULTS, ...r.final.hyper, seed: ctx.seed, selectedEpochs: r.selection.best.epoch, heldOutRecall20: Number(r.selection.best.recall.toFixed(4)) },
      trainMs: Math.round(r.selection.trainMs + r.final.trainMs),
    },
    dpgcn,
    notes: [dpgcnNote(r, ctx.modelsDir)],
  };
}

/** Eigenvectors of the filter's ideal low-pass part in ranking/full. */
export const FILTER_K = 64;

function prepareGraphFilter(m: RankingModelOption, role: 'candidate' | 'baseline', ctx: PrepareContext): PreparedModel {
  const t0 = performance.now();
  const data = { numUsers: ctx.split.numUsers, numItems: ctx.split.numItems, indptr: ctx.split.train.indptr, items: ctx.split.train.items };
  const selection = selectFilterAlpha(data, { k: FILTER_K, seed: ctx.seed, log: ctx.log });
  const filter = buildGraphFilter(data, { k: FILTER_K, seed: ctx.seed, onIteration: (i, n) => ctx.log(`dpgcn/filter: eigensolver iteration ${i}/${n}`) });
  const buildMs = Math.round(performance.now() - t0);
  ctx.log(`dpgcn/filter: α ${selection.alpha}, k ${FILTER_K}, built in ${(buildMs / 1000).toFixed(1)} s (holdout selection ${(selection.ms / 1000).toFixed(1)} s)`);
  return {
    id: m.id,
    spec: { module: require.resolve('./filter-scorer'), factory: 'createGraphFilterScorer', options: { filter, alpha: selection.alpha, userIds: ctx.split.userIds, itemIds: ctx.split.itemIds } },
    info: {
      id: m.id,
      role,
      params: {
        score: 'r_u·R̃ᵀR̃ + α·r_u·D^-1/2·V̄V̄ᵀ·D^1/2 (GF-CF: linear + ideal low-pass graph filter), R̃ = D_U^-1/2·R·D_I^-1/2',
        k: FILTER_K,
        alpha: selection.alpha,
        heldOutRecall20: Object.fromEntries(selection.recall.map(([a, r]) => [String(a), Number(r.toFixed(4))])),
        selectionUsers: selection.users,
        seed: ctx.seed,
      },
      trainMs: buildMs,
    },
    notes: [
      `dpgcn/filter built in this run: the graph convolution in closed form (Shen et al. 2021, GF-CF), no gradient training. α was chosen on a seeded holdout of ${selection.holdout * 100}% of each user's TRAIN items (${selection.users} sampled users; the test split is not used) from ${selection.recall.map(([a]) => a).join(', ')}: α = ${selection.alpha}; k = ${FILTER_K} eigenvectors by randomised subspace iteration; ${(buildMs / 1000).toFixed(1)} s in all.`,
    ],
  };
}
