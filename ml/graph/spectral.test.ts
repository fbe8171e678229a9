import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { mulberry32 } from '../random';
import { csrFromEdges, spmm, spmmT, type SparseMatrix } from './csr';
import { gram, orthonormalise, topEigenpairs, type SymmetricOperator } from './spectral';

/** A random sparse rows×cols matrix with about `perRow` entries per row. */
function randomSparse(rows: number, cols: number, perRow: number, seed: number): SparseMatrix {
  const rnd = mulberry32(seed);
  const r: number[] = [];
  const c: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let t = 0; t < perRow; t++) {
      r.push(i);
      c.push(Math.floor(rnd() * cols));
      v.push(0.1 + rnd());
    }
  }
  return csrFromEdges(rows, cols, { rows: r, cols: c, values: v });
}

/** A = RᵀR as a block operator. */
function gramOperator(r: SparseMatrix): SymmetricOperator {
  return {
    n: r.numCols,
    apply(x, m) {
      const t = spmm(r, x, m, new Float32Array(r.numRows * m));
      return spmmT(r, t, m, new Float32Array(r.numCols * m));
    },
  };
}

function denseGram(r: SparseMatrix): number[][] {
  const a = Array.from({ length: r.numCols }, () => new Array<number>(r.numCols).fill(0));
  for (let i = 0; i < r.numRows; i++) {
    for (let p = r.indptr[i]!; p < r.indptr[i + 1]!; p++) {
      for (let q = r.indptr[i]!; q < r.indptr[i + 1]!; q++) a[r.indices[p]!]![r.indices[q]!]! += r.values[p]! * r.values[q]!;
    }
  }
  return a;
}

describe('topEigenpairs', () => {
  const r = randomSparse(90, 50, 4, 7);
  const op = gramOperator(r);
  const dense = denseGram(r);
  const exact = new EigenvalueDecomposition(new Matrix(dense), { assumeSymmetric: true }).realEigenvalues.sort((a, b) => b - a);

  it('finds the largest eigenvalues of RᵀR, largest first, like a dense solver', () => {
    const e = topEigenpairs(op, { k: 6, oversample: 10, iterations: 10, seed: 3 });
    expect(e.values).toHaveLength(6);
    for (let i = 0; i < 6; i++) expect(e.values[i]!).toBeCloseTo(exact[i]!, 3);
    for (let i = 1; i < 6; i++) expect(e.values[i]!).toBeLessThanOrEqual(e.values[i - 1]!);
  });

  it('returns orthonormal eigenvectors with A·v = λ·v', () => {
    const e = topEigenpairs(op, { k: 4, oversample: 12, iterations: 12, seed: 5 });
    const n = op.n;
    const av = op.apply(e.vectors, e.k);
    for (let c = 0; c < e.k; c++) {
      let resid = 0;
      let norm = 0;
      for (let i = 0; i < n; i++) {
        resid += (av[i * e.k + c]! - e.values[c]! * e.vectors[i * e.k + c]!) ** 2;
        norm += e.vectors[i * e.k + c]! ** 2;
      }
      expect(norm).toBeCloseTo(1, 4);
      expect(Math.sqrt(resid)).toBeLessThan(1e-3 * e.values[0]!);
      for (let d = c + 1; d < e.k; d++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += e.vectors[i * e.k + c]! * e.vectors[i * e.k + d]!;
        expect(Math.abs(dot)).toBeLessThan(1e-4);
      }
    }
  });

  it('is reproducible for a seed', () => {
    const a = topEigenpairs(op, { k: 3, seed: 9 });
    const b = topEigenpairs(op, { k: 3, seed: 9 });
    expect(Array.from(a.vectors)).toEqual(Array.from(b.vectors));
  });

  it('refuses k + oversample beyond the size and bad k', () => {
    expect(() => topEigenpairs(op, { k: 45, oversample: 16 })).toThrow(RangeError);
    expect(() => topEigenpairs(op, { k: 0 })).toThrow(/positive integer/);
  });
});

describe('orthonormalise', () => {
  it('gives orthonormal columns, also for a rank-deficient block (no NaN)', () => {
    const n = 40;
    const m = 5;
    const rnd = mulberry32(1);
    const x = new Float32Array(n * m);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < m; c++) x[i * m + c] = rnd() - 0.5;
      x[i * m + 4] = x[i * m + 0]! * 2; // column 4 duplicates column 0
    }
    orthonormalise(x, n, m);
    expect(x.every(Number.isFinite)).toBe(true);
    const g = gram(x, n, m);
    // The first four columns span the block: they are orthonormal. Column 4 is whatever is left.
    for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) expect(g[a * m + b]!).toBeCloseTo(a === b ? 1 : 0, 4);
  });
});
