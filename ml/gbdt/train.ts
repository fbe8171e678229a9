/**
 * Boosting loop: bin the training features once, then per round compute gradients, draw the
 * round's rows (bagging; whole groups for lambdarank) and features, grow a tree, and update the
 * train and validation scores. Early stopping keeps the round with the best validation metric.
 */
import { mulberry32 } from '../random';
import { applyBins, findBins } from './binning';
import { createGrowContext, growTree, leafOfBinned } from './grow';
import { createGbdtModel, treeValue } from './model';
import { createObjective } from './objectives';
import { checkDataset, resolveParams } from './params';
import type { GbdtDataset, GbdtParams, GbdtTrainResult, GbdtTree } from './types';

/** k distinct integers from [0, n), ascending (partial Fisher-Yates). */
function sampleSorted(n: number, k: number, rnd: () => number): Uint32Array {
  const all = new Uint32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rnd() * (n - i));
    const t = all[i]!;
    all[i] = all[j]!;
    all[j] = t;
  }
  return all.slice(0, k).sort();
}

/** Rows grown on this round: all, a row sample, or (with groups) the rows of a group sample. */
function bagRows(n: number, groups: Uint32Array | undefined, fraction: number, rnd: () => number): Uint32Array {
  if (fraction >= 1) {
    const all = new Uint32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return all;
  }
  if (!groups) return sampleSorted(n, Math.max(1, Math.round(n * fraction)), rnd);
  const starts = new Uint32Array(groups.length);
  for (let q = 1; q < groups.length; q++) starts[q] = starts[q - 1]! + groups[q - 1]!;
  const picked = sampleSorted(groups.length, Math.max(1, Math.round(groups.length * fraction)), rnd);
  let m = 0;
  for (const q of picked) m += groups[q]!;
  const rows = new Uint32Array(m);
  let k = 0;
  for (const q of picked) for (let i = 0; i < groups[q]!; i++) rows[k++] = starts[q]! + i;
  return rows;
}

function pickFeatures(d: number, fraction: number, rnd: () => number): Int32Array {
  if (fraction >= 1) return Int32Array.from({ length: d }, (_, i) => i);
  return Int32Array.from(sampleSorted(d, Math.max(1, Math.round(d * fraction)), rnd));
}

/**
 * Train a boosted ensemble. With `valid` and earlyStoppingRounds > 0, training stops after that
 * many rounds without a better validation metric and the model keeps the trees up to the best
 * round; otherwise every round's tree is kept. `onIteration` is called after every round with
 * the 0-based round and the metrics.
 */
export function trainGbdt(train: GbdtDataset, params?: Partial<GbdtParams>, valid?: GbdtDataset, onIteration?: (i: number, trainMetric: number, validMetric?: number) => void): GbdtTrainResult {
  const p = resolveParams(params);
  checkDataset(train, 'train', p);
  if (valid) checkDataset(valid, 'valid', p, train.d);
  const { n, d, x } = train;
  const fb = findBins(x, n, d, p.maxBins, p.binSampleSize, p.seed);
  const data = applyBins(x, n, d, fb);
  const ctx = createGrowContext(data, fb, p.numLeaves);
  const obj = createObjective(p.objective, train, p.ndcgAt, p.lambdarankNorm);
  const validObj = valid ? createObjective(p.objective, valid, p.ndcgAt, p.lambdarankNorm, obj.baseScore) : undefined;
  const score = new Float64Array(n).fill(obj.baseScore);
  const validScore = valid ? new Float64Array(valid.n).fill(obj.baseScore) : undefined;
  const grad = new Float32Array(n);
  const hess = new Float32Array(n);
  const inBag = new Uint8Array(n);
  const rnd = mulberry32(p.seed);
  const trees: GbdtTree[] = [];
  const history: Array<{ iteration: number; train: number; valid?: number }> = [];
  let bestIteration = 0;
  let bestMetric = Number.NaN;
  for (let it = 0; it < p.trees; it++) {
    obj.gradients(score, grad, hess);
    const rows = bagRows(n, p.objective === 'lambdarank' ? train.groups : undefined, p.baggingFraction, rnd);
    const feats = pickFeatures(d, p.featureFraction, rnd);
    const grown = growTree(ctx, rows, grad, hess, feats, p);
    const { tree } = grown;
    // A tree with no split: nothing left to learn under the split constraints (as in LightGBM).
    if (tree.splitFeature.length === 0) break;
    trees.push(tree);
    inBag.fill(0);
    for (let l = 0; l < tree.leafValue.length; l++) {
      const v = tree.leafValue[l]!;
      for (let k = grown.leafStart[l]!; k < grown.leafEnd[l]!; k++) {
        const r = grown.rows[k]!;
        score[r] = score[r]! + v;
        inBag[r] = 1;
      }
    }
    if (rows.length < n) {
      for (let r = 0; r < n; r++) if (!inBag[r]) score[r] = score[r]! + tree.leafValue[leafOfBinned(tree, grown.splitBin, data.bins, d, r)]!;
    }
    const trainMetric = obj.metric(score);
    let validMetric: number | undefined;
    if (valid && validScore && validObj) {
      for (let r = 0; r < valid.n; r++) validScore[r] = validScore[r]! + treeValue(tree, valid.x, r * d);
      validMetric = validObj.metric(validScore);
    }
    history.push(validMetric === undefined ? { iteration: it + 1, train: trainMetric } : { iteration: it + 1, train: trainMetric, valid: validMetric });
    onIteration?.(it, trainMetric, validMetric);
    // Without validation, or with early stopping off, every tree is kept (as in LightGBM).
    if (validMetric === undefined || p.earlyStoppingRounds === 0) {
      bestIteration = trees.length;
      continue;
    }
    const better = Number.isNaN(bestMetric) || (obj.higherIsBetter ? validMetric > bestMetric : validMetric < bestMetric);
    if (better) {
      bestMetric = validMetric;
      bestIteration = trees.length;
    } else if (trees.length - bestIteration >= p.earlyStoppingRounds) break;
  }
  const model = createGbdtModel(p.objective, train.featureNames, obj.baseScore, trees.slice(0, bestIteration));
  return { model, bestIteration, history };
}
