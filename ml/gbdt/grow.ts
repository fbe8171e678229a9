/**
 * One regression tree on gradient histograms, grown leaf-wise (best gain first) as in LightGBM.
 * Rows of a leaf sit in a contiguous range of `rows` (partitioned in place on each split); each
 * leaf keeps a histogram of (Σg, Σh, count) per feature bin, the smaller child is built from its
 * rows and the larger one is the parent's histogram minus the smaller ("subtraction trick").
 * Split gain: G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ); leaf value −G/(H+λ) times the learning rate.
 */
import type { BinnedData, FeatureBins } from './binning';
import type { GbdtTree } from './types';

export interface GrowOptions {
  readonly numLeaves: number;
  readonly maxDepth: number;
  readonly minDataInLeaf: number;
  readonly minSumHessianInLeaf: number;
  readonly lambdaL2: number;
  readonly minGainToSplit: number;
  readonly learningRate: number;
}

/** Buffers reused across trees of one training run. */
export interface GrowContext {
  readonly data: BinnedData;
  readonly fb: FeatureBins;
  /** Histogram offset of each feature, in Float64 slots (3 per bin: Σg, Σh, count). */
  readonly offset3: Int32Array;
  readonly hists: Float64Array[];
  readonly tmp: Uint32Array;
}

export interface GrownTree {
  readonly tree: GbdtTree;
  /** Per internal node: the split bin (left ⇔ 1 ≤ bin ≤ splitBin, or bin 0 and defaultLeft). */
  readonly splitBin: Uint8Array;
  /** The grown rows, partitioned so that leaf l owns rows[leafStart[l] .. leafEnd[l]). */
  readonly rows: Uint32Array;
  readonly leafStart: Uint32Array;
  readonly leafEnd: Uint32Array;
}

export function createGrowContext(data: BinnedData, fb: FeatureBins, numLeaves: number): GrowContext {
  const offset3 = new Int32Array(data.d);
  let total = 0;
  for (let f = 0; f < data.d; f++) {
    offset3[f] = total * 3;
    total += fb.numBins[f]!;
  }
  const hists: Float64Array[] = [];
  for (let i = 0; i < numLeaves; i++) hists.push(new Float64Array(total * 3));
  return { data, fb, offset3, hists, tmp: new Uint32Array(data.n) };
}

function buildHist(ctx: GrowContext, hist: Float64Array, rows: Uint32Array, start: number, end: number, grad: Float32Array, hess: Float32Array, feats: Int32Array): void {
  hist.fill(0);
  const { bins, d } = ctx.data;
  const off = ctx.offset3;
  const nf = feats.length;
  if (nf === d) {
    // Every feature: no indirection through feats (the common case, and the hot loop), four
    // features per step (measured ~20% faster than one at a time on 100k × 40).
    const d4 = d - (d % 4);
    for (let p = start; p < end; p++) {
      const r = rows[p]!;
      const g = grad[r]!;
      const h = hess[r]!;
      const base = r * d;
      let f = 0;
      for (; f < d4; f += 4) {
        const b0 = off[f]! + bins[base + f]! * 3;
        const b1 = off[f + 1]! + bins[base + f + 1]! * 3;
        const b2 = off[f + 2]! + bins[base + f + 2]! * 3;
        const b3 = off[f + 3]! + bins[base + f + 3]! * 3;
        hist[b0] = hist[b0]! + g;
        hist[b0 + 1] = hist[b0 + 1]! + h;
        hist[b0 + 2] = hist[b0 + 2]! + 1;
        hist[b1] = hist[b1]! + g;
        hist[b1 + 1] = hist[b1 + 1]! + h;
        hist[b1 + 2] = hist[b1 + 2]! + 1;
        hist[b2] = hist[b2]! + g;
        hist[b2 + 1] = hist[b2 + 1]! + h;
        hist[b2 + 2] = hist[b2 + 2]! + 1;
        hist[b3] = hist[b3]! + g;
        hist[b3 + 1] = hist[b3 + 1]! + h;
        hist[b3 + 2] = hist[b3 + 2]! + 1;
      }
      for (; f < d; f++) {
        const b = off[f]! + bins[base + f]! * 3;
        hist[b] = hist[b]! + g;
        hist[b + 1] = hist[b + 1]! + h;
        hist[b + 2] = hist[b + 2]! + 1;
      }
    }
    return;
  }
  for (let p = start; p < end; p++) {
    const r = rows[p]!;
    const g = grad[r]!;
    const h = hess[r]!;
    const base = r * d;
    for (let k = 0; k < nf; k++) {
      const f = feats[k]!;
      const b = off[f]! + bins[base + f]! * 3;
      hist[b] = hist[b]! + g;
      hist[b + 1] = hist[b + 1]! + h;
      hist[b + 2] = hist[b + 2]! + 1;
    }
  }
}

/** Best split of one leaf, or gain −Infinity. */
interface Candidate {
  gain: number;
  feature: number;
  bin: number;
  defaultLeft: number;
  gl: number;
  hl: number;
  cl: number;
}

const NONE: Candidate = { gain: -Infinity, feature: -1, bin: 0, defaultLeft: 0, gl: 0, hl: 0, cl: 0 };

function findBest(ctx: GrowContext, hist: Float64Array, G: number, H: number, C: number, feats: Int32Array, o: GrowOptions): Candidate {
  const lambda = o.lambdaL2;
  const minData = Math.max(1, o.minDataInLeaf);
  const minHess = o.minSumHessianInLeaf;
  const parent = (G * G) / (H + lambda);
  const best: Candidate = { ...NONE, gain: o.minGainToSplit };
  let found = false;
  const consider = (f: number, bin: number, defLeft: number, gl: number, hl: number, cl: number): void => {
    const cr = C - cl;
    const hr = H - hl;
    if (cl < minData || cr < minData || hl < minHess || hr < minHess) return;
    const gr = G - gl;
    const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parent;
    if (gain > best.gain) {
      best.gain = gain;
      best.feature = f;
      best.bin = bin;
      best.defaultLeft = defLeft;
      best.gl = gl;
      best.hl = hl;
      best.cl = cl;
      found = true;
    }
  };
  for (let k = 0; k < feats.length; k++) {
    const f = feats[k]!;
    const o3 = ctx.offset3[f]!;
    const nb = ctx.fb.numBins[f]!;
    const mg = hist[o3]!;
    const mh = hist[o3 + 1]!;
    const mc = hist[o3 + 2]!;
    let gl = 0;
    let hl = 0;
    let cl = 0;
    for (let b = 1; b < nb - 1; b++) {
      gl += hist[o3 + 3 * b]!;
      hl += hist[o3 + 3 * b + 1]!;
      cl += hist[o3 + 3 * b + 2]!;
      if (cl === 0) continue;
      consider(f, b, 0, gl, hl, cl);
      if (mc > 0) consider(f, b, 1, gl + mg, hl + mh, cl + mc);
    }
    // Missing against every present value.
    if (mc > 0) consider(f, nb - 1, 0, G - mg, H - mh, C - mc);
  }
  return found ? best : NONE;
}

function partition(ctx: GrowContext, rows: Uint32Array, start: number, end: number, f: number, bin: number, defLeft: number): number {
  const { bins, d } = ctx.data;
  const tmp = ctx.tmp;
  let a = start;
  let t = 0;
  for (let p = start; p < end; p++) {
    const r = rows[p]!;
    const b = bins[r * d + f]!;
    if (b === 0 ? defLeft === 1 : b <= bin) rows[a++] = r;
    else tmp[t++] = r;
  }
  rows.set(tmp.subarray(0, t), a);
  return a;
}

/** Grow one tree on `rows` (consumed: partitioned in place) with the features in `feats`. */
export function growTree(ctx: GrowContext, rows: Uint32Array, grad: Float32Array, hess: Float32Array, feats: Int32Array, o: GrowOptions): GrownTree {
  const L = o.numLeaves;
  const leafStart = new Uint32Array(L);
  const leafEnd = new Uint32Array(L);
  const depth = new Int32Array(L);
  const parentNode = new Int32Array(L).fill(-1);
  const isLeft = new Uint8Array(L);
  const sumG = new Float64Array(L);
  const sumH = new Float64Array(L);
  const histOf = new Int32Array(L);
  const best: Candidate[] = [];
  const splitFeature = new Int32Array(L - 1);
  const threshold = new Float32Array(L - 1);
  const defaultLeft = new Uint8Array(L - 1);
  const leftChild = new Int32Array(L - 1);
  const rightChild = new Int32Array(L - 1);
  const splitGain = new Float64Array(L - 1);
  const splitBin = new Uint8Array(L - 1);

  let G = 0;
  let H = 0;
  for (let p = 0; p < rows.length; p++) {
    G += grad[rows[p]!]!;
    H += hess[rows[p]!]!;
  }
  leafEnd[0] = rows.length;
  sumG[0] = G;
  sumH[0] = H;
  histOf[0] = 0;
  buildHist(ctx, ctx.hists[0]!, rows, 0, rows.length, grad, hess, feats);
  best.push(o.maxDepth > 0 ? findBest(ctx, ctx.hists[0]!, G, H, rows.length, feats, o) : NONE);
  let leaves = 1;
  let nodes = 0;
  while (leaves < L) {
    let l = -1;
    for (let i = 0; i < leaves; i++) if (best[i]!.gain > -Infinity && (l < 0 || best[i]!.gain > best[l]!.gain)) l = i;
    if (l < 0) break;
    const c = best[l]!;
    const r = leaves++;
    const m = nodes++;
    const start = leafStart[l]!;
    const end = leafEnd[l]!;
    const mid = partition(ctx, rows, start, end, c.feature, c.bin, c.defaultLeft);
    splitFeature[m] = c.feature;
    threshold[m] = ctx.fb.upper[c.feature]![c.bin]!;
    defaultLeft[m] = c.defaultLeft;
    splitGain[m] = c.gain;
    splitBin[m] = c.bin;
    leftChild[m] = ~l;
    rightChild[m] = ~r;
    const p = parentNode[l]!;
    if (p >= 0) {
      if (isLeft[l] === 1) leftChild[p] = m;
      else rightChild[p] = m;
    }
    parentNode[l] = m;
    parentNode[r] = m;
    isLeft[l] = 1;
    isLeft[r] = 0;
    depth[r] = depth[l] = depth[l]! + 1;
    leafStart[l] = start;
    leafEnd[l] = mid;
    leafStart[r] = mid;
    leafEnd[r] = end;
    sumG[r] = sumG[l]! - c.gl;
    sumH[r] = sumH[l]! - c.hl;
    sumG[l] = c.gl;
    sumH[l] = c.hl;
    // Smaller child from its rows, larger = parent − smaller in the parent's buffer.
    const parentHist = ctx.hists[histOf[l]!]!;
    const fresh = ctx.hists[r]!;
    const smallIsLeft = mid - start <= end - mid;
    const [small, large] = smallIsLeft ? [l, r] : [r, l];
    buildHist(ctx, fresh, rows, leafStart[small]!, leafEnd[small]!, grad, hess, feats);
    for (let i = 0; i < parentHist.length; i++) parentHist[i] = parentHist[i]! - fresh[i]!;
    const parentSlot = histOf[l]!;
    histOf[small] = r;
    histOf[large] = parentSlot;
    for (const leaf of [l, r]) {
      best[leaf] = depth[leaf]! < o.maxDepth ? findBest(ctx, ctx.hists[histOf[leaf]!]!, sumG[leaf]!, sumH[leaf]!, leafEnd[leaf]! - leafStart[leaf]!, feats, o) : NONE;
    }
  }
  const leafValue = new Float32Array(leaves);
  const leafCount = new Uint32Array(leaves);
  for (let i = 0; i < leaves; i++) {
    const denom = sumH[i]! + o.lambdaL2;
    leafValue[i] = denom > 0 ? (-sumG[i]! / denom) * o.learningRate : 0;
    leafCount[i] = leafEnd[i]! - leafStart[i]!;
  }
  const tree: GbdtTree = {
    splitFeature: splitFeature.slice(0, nodes),
    threshold: threshold.slice(0, nodes),
    defaultLeft: defaultLeft.slice(0, nodes),
    leftChild: leftChild.slice(0, nodes),
    rightChild: rightChild.slice(0, nodes),
    splitGain: splitGain.slice(0, nodes),
    leafValue,
    leafCount,
  };
  return { tree, splitBin: splitBin.slice(0, nodes), rows, leafStart: leafStart.slice(0, leaves), leafEnd: leafEnd.slice(0, leaves) };
}

/** Leaf reached by binned row r (0-based leaf index). */
export function leafOfBinned(tree: GbdtTree, splitBin: Uint8Array, bins: Uint8Array, d: number, r: number): number {
  if (tree.splitFeature.length === 0) return 0;
  let node = 0;
  for (;;) {
    const b = bins[r * d + tree.splitFeature[node]!]!;
    const next = (b === 0 ? tree.defaultLeft[node] === 1 : b <= splitBin[node]!) ? tree.leftChild[node]! : tree.rightChild[node]!;
    if (next < 0) return ~next;
    node = next;
  }
}
