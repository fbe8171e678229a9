/**
 * Quantile binning: each feature's values are mapped once to small bin indices so that tree
 * growth works on histograms. Bin 0 holds missing values (NaN); bins 1..k-1 hold increasing value
 * ranges, and `upper[b]` is the float32 threshold with "value ≤ upper[b]" ⇔ bin ≤ b.
 */
import { mulberry32 } from '../random';

/** Largest finite float32: the threshold of "every non-missing value". */
export const FLOAT32_MAX = 3.4028234663852886e38;

export interface FeatureBins {
  /** Bins per feature, including the missing bin 0. */
  readonly numBins: Uint16Array;
  /** Per feature: upper[b] for b in 1..numBins-1 (upper[0] unused); the last is FLOAT32_MAX. */
  readonly upper: readonly Float32Array[];
}

export interface BinnedData {
  /** Row-major n × d bin indices. */
  readonly bins: Uint8Array;
  readonly n: number;
  readonly d: number;
}

/** Threshold between two adjacent float32 values a < b: a float32 t with a ≤ t < b. */
function cut(a: number, b: number): number {
  let t = Math.fround(a / 2 + b / 2);
  if (t >= b || t < a) t = a;
  if (t === -Infinity) t = -FLOAT32_MAX;
  return t;
}

/** Sorted, NaN-free values of feature f over a row sample. */
function sortedSample(x: Float32Array, n: number, d: number, f: number, rows: Uint32Array | null): Float32Array {
  const m = rows ? rows.length : n;
  const out = new Float32Array(m);
  let k = 0;
  for (let i = 0; i < m; i++) {
    const v = x[(rows ? rows[i]! : i) * d + f]!;
    if (v === v) out[k++] = v;
  }
  return out.subarray(0, k).sort();
}

/**
 * Bin edges per feature from quantiles of (a seeded sample of) the rows: with at most
 * maxBins distinct values every value gets its own bin, otherwise edges sit at equal-count
 * quantiles (repeated edges merged).
 */
export function findBins(x: Float32Array, n: number, d: number, maxBins: number, sampleSize: number, seed: number): FeatureBins {
  let rows: Uint32Array | null = null;
  if (n > sampleSize) {
    // Partial Fisher-Yates: a uniform sample without replacement, sorted for cache order.
    const rnd = mulberry32(seed ^ 0x5bd1e995);
    const all = new Uint32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    for (let i = 0; i < sampleSize; i++) {
      const j = i + Math.floor(rnd() * (n - i));
      const t = all[i]!;
      all[i] = all[j]!;
      all[j] = t;
    }
    rows = all.slice(0, sampleSize).sort();
  }
  const numBins = new Uint16Array(d);
  const upper: Float32Array[] = [];
  for (let f = 0; f < d; f++) {
    const v = sortedSample(x, n, d, f, rows);
    const distinct: number[] = [];
    for (let i = 0; i < v.length; i++) if (i === 0 || v[i] !== v[i - 1]) distinct.push(v[i]!);
    const edges: number[] = [];
    if (distinct.length <= maxBins) {
      for (let i = 0; i + 1 < distinct.length; i++) edges.push(cut(distinct[i]!, distinct[i + 1]!));
    } else {
      for (let q = 1; q < maxBins; q++) {
        const pos = Math.floor((q * v.length) / maxBins);
        const a = v[pos - 1]!;
        // Next distinct value above a (binary search in the sorted sample).
        let lo = pos;
        let hi = v.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (v[mid]! > a) hi = mid;
          else lo = mid + 1;
        }
        if (lo >= v.length) break;
        const t = cut(a, v[lo]!);
        if (edges.length === 0 || t > edges[edges.length - 1]!) edges.push(t);
      }
    }
    edges.push(FLOAT32_MAX);
    const u = new Float32Array(edges.length + 1);
    u.set(edges, 1);
    upper.push(u);
    numBins[f] = edges.length + 1;
  }
  return { numBins, upper };
}

/** Bin index of value v: 0 for NaN, else the first b ≥ 1 with v ≤ upper[b] (the last bin for larger values). */
export function binOf(upper: Float32Array, v: number): number {
  if (v !== v) return 0;
  let lo = 1;
  let hi = upper.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= upper[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Map every value of x to its bin (row-major, like x). */
export function applyBins(x: Float32Array, n: number, d: number, fb: FeatureBins): BinnedData {
  const bins = new Uint8Array(n * d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) bins[i * d + f] = binOf(fb.upper[f]!, x[i * d + f]!);
  return { bins, n, d };
}
