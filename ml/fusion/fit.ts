/**
 * Fitting the fusion network on lists: per user, rows of (raw columns, graph score, label). The
 * lists are split by user into training and validation (seeded); h and α are fitted on the
 * training users' (positive, negative) pairs with Adam, the epoch with the best validation GAUC
 * is kept, and the validation GAUC is reported for the fused score, the graph score alone (α = 1)
 * and h alone (α = 0).
 */
import { createAdam } from '../gcn/adam';
import { mulberry32 } from '../random';
import { fusionAlpha, fusionLossGrad, fusionParamCount, fusionScores, type FusionShape, type PairBatch } from './mlp';
import type { FusionNet } from './onnx';

export interface FusionLists {
  /** Raw columns, row-major (rows × columns). */
  readonly x: Float32Array;
  readonly columns: number;
  /** Graph score per row. */
  readonly g: Float32Array;
  /** 1 for a positive row, 0 for a negative. */
  readonly y: Uint8Array;
  /** Rows per list, in row order. */
  readonly sizes: readonly number[];
}

export interface FitOptions {
  /** Hidden units. Default 16. */
  readonly hidden?: number;
  /** Passes over the training pairs. Default 15. */
  readonly epochs?: number;
  /** Pairs per Adam step. Default 256. */
  readonly batch?: number;
  /** Adam step size. Default 0.01. */
  readonly learningRate?: number;
  /** Temperature of the pairwise loss (the GCN's). Default 0.1. */
  readonly tau?: number;
  /** Weight decay on W1 and w2. Default 1e-4. */
  readonly l2?: number;
  /** Share of the lists (users) held out for validation. Default 0.2. */
  readonly validShare?: number;
  /** Most pairs drawn per list. Default 100. */
  readonly pairsPerList?: number;
  readonly seed?: number;
}

export interface FitResult {
  readonly net: FusionNet;
  readonly alpha: number;
  readonly metrics: Readonly<Record<string, number>>;
}

interface Split {
  readonly train: number[];
  readonly valid: number[];
  readonly starts: Int32Array;
}

function splitLists(l: FusionLists, share: number, rng: () => number): Split {
  const starts = new Int32Array(l.sizes.length + 1);
  l.sizes.forEach((n, i) => (starts[i + 1] = starts[i]! + n));
  const train: number[] = [];
  const valid: number[] = [];
  for (let i = 0; i < l.sizes.length; i++) (rng() < share ? valid : train).push(i);
  if (valid.length === 0 && train.length > 1) valid.push(train.pop()!);
  return { train, valid, starts };
}

function pairsOf(l: FusionLists, lists: readonly number[], starts: Int32Array, perList: number, rng: () => number): { pos: Int32Array; neg: Int32Array } {
  const pos: number[] = [];
  const neg: number[] = [];
  for (const li of lists) {
    const p: number[] = [];
    const n: number[] = [];
    for (let r = starts[li]!; r < starts[li + 1]!; r++) (l.y[r] ? p : n).push(r);
    if (p.length === 0 || n.length === 0) continue;
    if (p.length * n.length <= perList) {
      for (const a of p) {
        for (const b of n) {
          pos.push(a);
          neg.push(b);
        }
      }
    } else {
      for (let t = 0; t < perList; t++) {
        pos.push(p[Math.floor(rng() * p.length)]!);
        neg.push(n[Math.floor(rng() * n.length)]!);
      }
    }
  }
  return { pos: Int32Array.from(pos), neg: Int32Array.from(neg) };
}

/** Mean over lists with a positive and a negative of the share of correctly ordered (pos, neg) pairs (ties ½). */
export function gauc(scores: ArrayLike<number>, y: Uint8Array, lists: readonly number[], starts: Int32Array): number {
  let sum = 0;
  let count = 0;
  for (const li of lists) {
    let good = 0;
    let pairs = 0;
    for (let a = starts[li]!; a < starts[li + 1]!; a++) {
      if (!y[a]) continue;
      for (let b = starts[li]!; b < starts[li + 1]!; b++) {
        if (y[b]) continue;
        pairs++;
        good += scores[a]! > scores[b]! ? 1 : scores[a] === scores[b] ? 0.5 : 0;
      }
    }
    if (pairs > 0) {
      sum += good / pairs;
      count++;
    }
  }
  return count > 0 ? sum / count : Number.NaN;
}

export function fitFusion(l: FusionLists, o: FitOptions = {}): FitResult {
  const C = l.columns;
  const rowsN = l.g.length;
  if (l.x.length !== rowsN * C || l.y.length !== rowsN || l.sizes.reduce((a, b) => a + b, 0) !== rowsN) throw new RangeError('fusion lists: x, g, y and sizes disagree');
  const shape: FusionShape = { columns: C, hidden: o.hidden ?? 16 };
  const rng = mulberry32(o.seed ?? 42);
  const split = splitLists(l, o.validShare ?? 0.2, rng);
  // Standardise on the training rows.
  const mean = new Float32Array(C);
  const std = new Float32Array(C);
  const trainRows: number[] = [];
  for (const li of split.train) for (let r = split.starts[li]!; r < split.starts[li + 1]!; r++) trainRows.push(r);
  for (let j = 0; j < C; j++) {
    let s = 0;
    let s2 = 0;
    for (const r of trainRows) {
      const v = l.x[r * C + j]!;
      s += v;
      s2 += v * v;
    }
    const n = Math.max(1, trainRows.length);
    const m = s / n;
    mean[j] = m;
    std[j] = Math.sqrt(Math.max(0, s2 / n - m * m)) || 1;
  }
  const xs = new Float32Array(l.x.length);
  for (let r = 0; r < rowsN; r++) for (let j = 0; j < C; j++) xs[r * C + j] = (l.x[r * C + j]! - mean[j]!) / std[j]!;
  const theta = new Float32Array(fusionParamCount(shape));
  const scale = 1 / Math.sqrt(C);
  for (let i = 0; i < C * shape.hidden; i++) theta[i] = (rng() * 2 - 1) * scale;
  for (let k = 0; k < shape.hidden; k++) theta[C * shape.hidden + shape.hidden + k] = (rng() * 2 - 1) * 0.1;
  const train = pairsOf(l, split.train, split.starts, o.pairsPerList ?? 100, rng);
  const batch: PairBatch = { x: xs, g: l.g, pos: train.pos, neg: train.neg };
  const adam = createAdam(theta.length, { learningRate: o.learningRate ?? 0.01 });
  const grad = new Float32Array(theta.length);
  const tau = o.tau ?? 0.1;
  const l2 = o.l2 ?? 1e-4;
  const B = o.batch ?? 256;
  const epochs = o.epochs ?? 15;
  const validGauc = (alpha?: number): number => gauc(fusionScores(shape, theta, xs, l.g, rowsN, alpha), l.y, split.valid, split.starts);
  let best = { gauc: validGauc(), theta: theta.slice(), epoch: 0, loss: Number.NaN };
  const order = Int32Array.from({ length: train.pos.length }, (_, i) => i);
  const pos = new Int32Array(order.length);
  const neg = new Int32Array(order.length);
  for (let e = 1; e <= epochs && order.length > 0; e++) {
    for (let k = order.length - 1; k > 0; k--) {
      const j = Math.floor(rng() * (k + 1));
      [order[k], order[j]] = [order[j]!, order[k]!];
    }
    order.forEach((p, i) => ((pos[i] = train.pos[p]!), (neg[i] = train.neg[p]!)));
    const shuffled: PairBatch = { ...batch, pos, neg };
    let loss = 0;
    for (let from = 0; from < order.length; from += B) {
      const to = Math.min(order.length, from + B);
      loss += fusionLossGrad(shape, theta, shuffled, from, to, tau, l2, grad) * (to - from);
      adam.step(theta, grad);
    }
    const v = validGauc();
    if (!(v <= best.gauc)) best = { gauc: v, theta: theta.slice(), epoch: e, loss: loss / order.length };
  }
  theta.set(best.theta);
  const alpha = fusionAlpha(shape, theta);
  const round = (x: number): number => Number(x.toPrecision(6));
  return {
    net: { ...shape, theta, mean, std },
    alpha,
    metrics: {
      validGauc: round(validGauc()),
      validGaucGraph: round(validGauc(1)),
      validGaucFeatures: round(validGauc(0)),
      bestEpoch: best.epoch,
      trainLoss: round(best.loss),
      trainPairs: train.pos.length,
      trainLists: split.train.length,
      validLists: split.valid.length,
    },
  };
}
