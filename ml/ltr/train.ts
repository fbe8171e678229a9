/**
 * Fit the learned ranker: LambdaMART (ml/gbdt) on the training lists, settings chosen on the
 * validation lists only. Each candidate setting is trained with early stopping on validation
 * NDCG@k; the best setting is then refit on training + validation lists with its best number of
 * trees, so the served model has seen the most recent behaviour. The first-stage scorers alone
 * are measured on the same validation lists, as the reference the ranker must beat.
 */
import { ndcgAt, trainGbdt, type GbdtModel, type GbdtParams } from '../gbdt';
import type { LtrLists } from './lists';
import { choosePrune, type PruneChoice, type PruneOptions } from './prune';

/** Settings tried on the validation lists (the first is the default). */
export const LTR_GRID: ReadonlyArray<Partial<GbdtParams>> = [
  { numLeaves: 7, learningRate: 0.05, minDataInLeaf: 200, featureFraction: 0.7 },
  { numLeaves: 15, learningRate: 0.05, minDataInLeaf: 100, featureFraction: 0.7, lambdaL2: 10 },
];

export interface LtrFitOptions {
  /** Settings to try. Default LTR_GRID. */
  readonly grid?: ReadonlyArray<Partial<GbdtParams>>;
  /** Most boosting rounds. Default 300. */
  readonly trees?: number;
  /** NDCG cut-off of the objective and the selection metric. Default 10. */
  readonly ndcgAt?: number;
  readonly seed?: number;
  /** Pruning of the second stage, chosen on the validation lists (ml/ltr/prune.ts); false: score every candidate. Default: PRUNE_TOPS within 1%. */
  readonly prune?: PruneOptions | false;
  /** Progress: setting index, round, validation NDCG. */
  readonly onRound?: (setting: number, round: number, valid?: number) => void;
}

export interface LtrFitResult {
  readonly model: GbdtModel;
  readonly params: Partial<GbdtParams>;
  readonly bestIteration: number;
  /** Validation NDCG@k per setting tried, and of each first-stage score column alone. */
  readonly validation: {
    readonly k: number;
    readonly trials: ReadonlyArray<{ readonly params: Partial<GbdtParams>; readonly bestIteration: number; readonly ndcg: number }>;
    readonly columns: Readonly<Record<string, number>>;
    readonly lists: number;
    readonly rows: number;
  };
  /** The pruning check on the validation lists (null when turned off). */
  readonly prune: PruneChoice | null;
  readonly trainLists: number;
  readonly trainRows: number;
  readonly trainMs: number;
}

const dataset = (l: LtrLists) => ({ x: l.x, n: l.y.length, d: l.featureNames.length, y: l.y, groups: l.groups, featureNames: l.featureNames });

/** NDCG@k of one feature column used as the score (NaN ranks last). */
export function columnNdcg(l: LtrLists, col: number, k: number): number {
  const d = l.featureNames.length;
  const n = l.y.length;
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = l.x[i * d + col]!;
    s[i] = Number.isNaN(v) ? -1e30 : v;
  }
  return ndcgAt(s, l.y, l.groups, k);
}

/** Training + validation lists for the refit (pre-ranks are only read on validation, so they are dropped). */
function concat(a: LtrLists, b: LtrLists): LtrLists {
  const x = new Float32Array(a.x.length + b.x.length);
  x.set(a.x);
  x.set(b.x, a.x.length);
  const y = new Float32Array(a.y.length + b.y.length);
  y.set(a.y);
  y.set(b.y, a.y.length);
  const groups = new Uint32Array(a.groups.length + b.groups.length);
  groups.set(a.groups);
  groups.set(b.groups, a.groups.length);
  return { featureNames: a.featureNames, x, y, groups, meta: [...a.meta, ...b.meta], missedPositives: a.missedPositives + b.missedPositives, positives: a.positives + b.positives };
}

export function fitLtr(train: LtrLists, valid: LtrLists, o: LtrFitOptions = {}): LtrFitResult {
  if (train.groups.length === 0) throw new RangeError('no training list has a positive among its candidates: not enough history before the validation cut');
  if (valid.groups.length === 0) throw new RangeError('no validation list has a positive among its candidates: the validation window is empty');
  const started = performance.now();
  const k = o.ndcgAt ?? 10;
  const grid = o.grid ?? LTR_GRID;
  const base: Partial<GbdtParams> = { objective: 'lambdarank', trees: o.trees ?? 300, ndcgAt: k, seed: o.seed ?? 42, earlyStoppingRounds: 30, baggingFraction: 0.9 };
  const trials: Array<{ params: Partial<GbdtParams>; bestIteration: number; ndcg: number }> = [];
  let best = -1;
  let bestModel: GbdtModel | undefined;
  // A small shop's first lists cannot fill leaves of the grid's size: scale the leaf minimum
  // down with the data (never below 5 rows), so a tiny store still gets a model that splits.
  const leafCap = Math.max(5, Math.floor(train.y.length / 100));
  const sized = grid.map((p) => ({ ...p, minDataInLeaf: Math.min(p.minDataInLeaf ?? 20, leafCap) }));
  sized.forEach((p, s) => {
    const r = trainGbdt(dataset(train), { ...base, ...p }, dataset(valid), (i, _t, v) => o.onRound?.(s, i, v));
    const ndcg = ndcgAt(r.model.predict(valid.x, valid.y.length), valid.y, valid.groups, k);
    trials.push({ params: p, bestIteration: r.bestIteration, ndcg });
    if (best < 0 || ndcg > trials[best]!.ndcg) {
      best = s;
      bestModel = r.model;
    }
  });
  const chosen = trials[best]!;
  if (chosen.bestIteration === 0) throw new RangeError('no setting found a split that improves the validation lists: too little data to learn a ranker');
  const scorerIds = valid.featureNames.filter((n) => n.startsWith('score:')).map((n) => n.slice('score:'.length));
  const prune = o.prune === false ? null : choosePrune(bestModel!, valid, scorerIds, { k, ...o.prune });
  const all = concat(train, valid);
  const refit = trainGbdt(dataset(all), { ...base, ...chosen.params, trees: Math.max(1, chosen.bestIteration), earlyStoppingRounds: 0 }, undefined, (i) => o.onRound?.(grid.length, i));
  const columns: Record<string, number> = {};
  valid.featureNames.forEach((name, c) => {
    if (name.startsWith('score:') || name === 'ui.decayed' || name === 'cat0.decayedShare') columns[name] = columnNdcg(valid, c, k);
  });
  return {
    model: refit.model,
    params: { ...base, ...chosen.params, trees: Math.max(1, chosen.bestIteration) },
    bestIteration: chosen.bestIteration,
    validation: { k, trials, columns, lists: valid.groups.length, rows: valid.y.length },
    prune,
    trainLists: all.groups.length,
    trainRows: all.y.length,
    trainMs: performance.now() - started,
  };
}
