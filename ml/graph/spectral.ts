/**
 * The top eigenpairs of a large symmetric positive semi-definite operator that is only available as
 * a block product Y = A·X (for a graph filter: A = R̃ᵀR̃, two sparse products), by randomised
 * subspace iteration (Halko, Martinsson and Tropp 2011, algorithm 4.4 with a Rayleigh–Ritz step):
 *
 *   Q ← orth(random n×m);  repeat: Q ← orth(A·Q);  B = Qᵀ·A·Q;  B = W·Λ·Wᵀ;  V = Q·W[:, top k]
 *
 * with m = k + oversample. Orthonormalisation is Cholesky-QR done twice (CholQR2: the second pass
 * repairs the first one's loss of orthogonality), on typed arrays, because a tall n×m QR is the
 * expensive part and ml-matrix works on arrays of rows. The small m×m eigenproblem goes to
 * ml-matrix's symmetric solver. Blocks are float32 (the sparse kernels' type); sums are float64.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { mulberry32 } from '../random';

/** A symmetric PSD operator on R^n: `apply(X, m)` returns A·X for X row-major n×m. */
export interface SymmetricOperator {
  readonly n: number;
  apply(x: Float32Array, m: number): Float32Array;
}

export interface EigenOptions {
  /** Eigenpairs wanted (largest eigenvalues). Required. */
  readonly k: number;
  /** Extra basis columns beyond k. Default 16. */
  readonly oversample?: number;
  /** Power (subspace) iterations. Default 3. */
  readonly iterations?: number;
  /** Seed of the random start. Default 42. */
  readonly seed?: number;
  /** Called after each iteration (progress). */
  readonly onIteration?: (done: number, of: number) => void;
}

export interface Eigenpairs {
  /** Eigenvalues, largest first (k). */
  readonly values: Float64Array;
  /** Eigenvectors as columns of a row-major n×k block (orthonormal). */
  readonly vectors: Float32Array;
  readonly k: number;
}

/** C = XᵀX for X row-major n×m (float64, m×m, symmetric). */
export function gram(x: Float32Array, n: number, m: number): Float64Array {
  const c = new Float64Array(m * m);
  const row = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const o = i * m;
    for (let a = 0; a < m; a++) row[a] = x[o + a]!;
    for (let a = 0; a < m; a++) {
      const ya = row[a]!;
      if (ya === 0) continue;
      const co = a * m;
      for (let b = a; b < m; b++) c[co + b]! += ya * row[b]!;
    }
  }
  for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) c[a * m + b] = c[b * m + a]!;
  return c;
}

/**
 * Lower-triangular L with L·Lᵀ = C. A pivot that is not clearly positive (a rank-deficient block)
 * is replaced by a tiny positive one, so the column it belongs to comes out as noise that the next
 * orthonormalisation pass and the Rayleigh–Ritz step discard, rather than as NaN.
 */
export function cholesky(c: Float64Array, m: number): Float64Array {
  const l = new Float64Array(m * m);
  let scale = 0;
  for (let j = 0; j < m; j++) scale = Math.max(scale, c[j * m + j]!);
  const floor = Math.max(scale, 1e-300) * 1e-12;
  for (let j = 0; j < m; j++) {
    let s = c[j * m + j]!;
    for (let t = 0; t < j; t++) s -= l[j * m + t]! ** 2;
    const d = Math.sqrt(s > floor ? s : floor);
    l[j * m + j] = d;
    for (let i = j + 1; i < m; i++) {
      let v = c[i * m + j]!;
      for (let t = 0; t < j; t++) v -= l[i * m + t]! * l[j * m + t]!;
      l[i * m + j] = v / d;
    }
  }
  return l;
}

/** X ← X·L⁻ᵀ in place (each row solves y·Lᵀ = x by forward substitution). */
function solveRowsLT(x: Float32Array, n: number, m: number, l: Float64Array): void {
  const y = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const o = i * m;
    for (let j = 0; j < m; j++) {
      let t = x[o + j]!;
      const lo = j * m;
      for (let s = 0; s < j; s++) t -= y[s]! * l[lo + s]!;
      y[j] = t / l[lo + j]!;
    }
    for (let j = 0; j < m; j++) x[o + j] = y[j]!;
  }
}

/** Orthonormalise the columns of X (n×m, n ≥ m) in place by Cholesky-QR, twice. */
export function orthonormalise(x: Float32Array, n: number, m: number): Float32Array {
  for (let pass = 0; pass < 2; pass++) solveRowsLT(x, n, m, cholesky(gram(x, n, m), m));
  return x;
}

/** The k largest eigenpairs of `op`. Throws a RangeError when k + oversample exceeds n. */
export function topEigenpairs(op: SymmetricOperator, o: EigenOptions): Eigenpairs {
  const { n } = op;
  const k = o.k;
  const m = k + (o.oversample ?? 16);
  const iterations = o.iterations ?? 3;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer (got ${k})`);
  if (m > n) throw new RangeError(`k + oversample (${m}) exceeds the operator's size ${n}`);
  if (!Number.isInteger(iterations) || iterations < 0) throw new RangeError(`iterations must be a non-negative integer (got ${iterations})`);
  const rnd = mulberry32(o.seed ?? 42);
  let q: Float32Array = new Float32Array(n * m);
  for (let i = 0; i < q.length; i++) q[i] = rnd() - 0.5;
  orthonormalise(q, n, m);
  for (let it = 0; it < iterations; it++) {
    q = orthonormalise(op.apply(q, m), n, m);
    o.onIteration?.(it + 1, iterations);
  }
  // Rayleigh–Ritz: B = Qᵀ (A Q), symmetrised against rounding.
  const aq = op.apply(q, m);
  const b = new Float64Array(m * m);
  for (let i = 0; i < n; i++) {
    const r = i * m;
    for (let a = 0; a < m; a++) {
      const qa = q[r + a]!;
      if (qa === 0) continue;
      const bo = a * m;
      for (let c = 0; c < m; c++) b[bo + c]! += qa * aq[r + c]!;
    }
  }
  const rows: number[][] = [];
  for (let a = 0; a < m; a++) {
    const row: number[] = [];
    for (let c = 0; c < m; c++) row.push((b[a * m + c]! + b[c * m + a]!) / 2);
    rows.push(row);
  }
  const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const lambda = evd.realEigenvalues;
  const w = evd.eigenvectorMatrix;
  const order = lambda.map((_, i) => i).sort((x, y) => lambda[y]! - lambda[x]!);
  const values = Float64Array.from(order.slice(0, k), (i) => lambda[i]!);
  const vectors = new Float32Array(n * k);
  const wk = new Float64Array(m * k);
  for (let a = 0; a < m; a++) for (let c = 0; c < k; c++) wk[a * k + c] = w.get(a, order[c]!);
  const acc = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    acc.fill(0);
    const r = i * m;
    for (let a = 0; a < m; a++) {
      const qa = q[r + a]!;
      if (qa === 0) continue;
      const wo = a * k;
      for (let c = 0; c < k; c++) acc[c]! += qa * wk[wo + c]!;
    }
    for (let c = 0; c < k; c++) vectors[i * k + c] = acc[c]!;
  }
  return { values, vectors, k };
}
