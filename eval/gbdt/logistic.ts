/**
 * Logistic-regression baseline for eval/gbdt: categorical features one-hot (missing = its own
 * column), numeric features standardised on the training rows (missing = 0 plus an indicator),
 * fitted by full-batch gradient descent with Adam and L2. Small and dependency-free on purpose:
 * it is a yardstick, not a model we serve.
 */
import type { GbdtDataset } from '../../ml/gbdt';

export interface LogisticOptions {
  /** Which features are categorical (value = integer category, NaN = missing). */
  readonly categorical: readonly boolean[];
  /** Category count per feature (0 for numeric). */
  readonly cardinality: readonly number[];
  /** Full-batch Adam steps. Default 300. */
  readonly steps?: number;
  /** Adam step size. Default 0.05. */
  readonly learningRate?: number;
  /** L2 penalty per row. Default 1e-4. */
  readonly l2?: number;
}

export interface LogisticModel {
  predict(ds: GbdtDataset): Float64Array;
}

export function trainLogistic(train: GbdtDataset, o: LogisticOptions): LogisticModel {
  const d = train.d;
  // Column layout: per feature, categories + 1 missing (categorical) or value + missing flag (numeric).
  const offset = new Int32Array(d + 1);
  for (let f = 0; f < d; f++) offset[f + 1] = offset[f]! + (o.categorical[f] ? o.cardinality[f]! + 1 : 2);
  const width = offset[d]!;
  const mean = new Float64Array(d);
  const sd = new Float64Array(d).fill(1);
  for (let f = 0; f < d; f++) {
    if (o.categorical[f]) continue;
    let s = 0;
    let s2 = 0;
    let m = 0;
    for (let i = 0; i < train.n; i++) {
      const v = train.x[i * d + f]!;
      if (Number.isNaN(v)) continue;
      s += v;
      s2 += v * v;
      m++;
    }
    mean[f] = m ? s / m : 0;
    sd[f] = m ? Math.sqrt(Math.max(s2 / m - mean[f]! ** 2, 1e-12)) : 1;
  }
  /** Sparse row: (column, value) pairs, two per feature. */
  const row = (ds: GbdtDataset, i: number, cols: Int32Array, vals: Float64Array): void => {
    for (let f = 0; f < d; f++) {
      const v = ds.x[i * d + f]!;
      if (o.categorical[f]) {
        cols[f] = offset[f]! + (Number.isNaN(v) ? o.cardinality[f]! : v);
        vals[f] = 1;
      } else {
        cols[f] = offset[f]! + (Number.isNaN(v) ? 1 : 0);
        vals[f] = Number.isNaN(v) ? 1 : (v - mean[f]!) / sd[f]!;
      }
    }
  };
  const cols = new Int32Array(train.n * d);
  const vals = new Float64Array(train.n * d);
  for (let i = 0; i < train.n; i++) row(train, i, cols.subarray(i * d, (i + 1) * d), vals.subarray(i * d, (i + 1) * d));
  const w = new Float64Array(width + 1); // last = bias
  const m1 = new Float64Array(width + 1);
  const m2 = new Float64Array(width + 1);
  const grad = new Float64Array(width + 1);
  const steps = o.steps ?? 300;
  const lr = o.learningRate ?? 0.05;
  const l2 = o.l2 ?? 1e-4;
  for (let t = 1; t <= steps; t++) {
    grad.fill(0);
    for (let i = 0; i < train.n; i++) {
      let z = w[width]!;
      for (let k = i * d; k < (i + 1) * d; k++) z += w[cols[k]!]! * vals[k]!;
      const e = 1 / (1 + Math.exp(-z)) - train.y[i]!;
      for (let k = i * d; k < (i + 1) * d; k++) grad[cols[k]!] = grad[cols[k]!]! + e * vals[k]!;
      grad[width] = grad[width]! + e;
    }
    for (let j = 0; j <= width; j++) {
      const g = grad[j]! / train.n + (j < width ? l2 * w[j]! : 0);
      m1[j] = 0.9 * m1[j]! + 0.1 * g;
      m2[j] = 0.999 * m2[j]! + 0.001 * g * g;
      w[j] = w[j]! - (lr * (m1[j]! / (1 - 0.9 ** t))) / (Math.sqrt(m2[j]! / (1 - 0.999 ** t)) + 1e-8);
    }
  }
  return {
    predict(ds) {
      const out = new Float64Array(ds.n);
      const c = new Int32Array(d);
      const v = new Float64Array(d);
      for (let i = 0; i < ds.n; i++) {
        row(ds, i, c, v);
        let z = w[width]!;
        for (let f = 0; f < d; f++) z += w[c[f]!]! * v[f]!;
        out[i] = z;
      }
      return out;
    },
  };
}
