import { mulberry32 } from '../random';
import { csrFromEdges, spmm, spmmT, transpose } from './csr';
import { createPropagator, propagateRows, rowRanges } from './parallel';
import { bipartiteGraph, propagateOnce, propagateOnceT, typedGraph } from './typed';

type Dense = number[][];

function zeros(r: number, c: number): Dense {
  return Array.from({ length: r }, () => new Array<number>(c).fill(0));
}

function randomEdges(rnd: () => number, rows: number, cols: number, m: number): { rows: number[]; cols: number[]; values: number[] } {
  const e = { rows: [] as number[], cols: [] as number[], values: [] as number[] };
  for (let i = 0; i < m; i++) {
    e.rows.push(Math.floor(rnd() * rows));
    e.cols.push(Math.floor(rnd() * cols));
    e.values.push(0.5 + rnd());
  }
  return e;
}

/** Dense reference: duplicates keep their largest weight, as csrFromEdges documents. */
function denseOf(rows: number, cols: number, e: { rows: number[]; cols: number[]; values: number[] }): Dense {
  const a = zeros(rows, cols);
  e.rows.forEach((r, i) => (a[r]![e.cols[i]!] = Math.max(a[r]![e.cols[i]!]!, e.values[i]!)));
  return a;
}

function matmul(a: Dense, x: Float32Array, d: number): Float64Array {
  const out = new Float64Array(a.length * d);
  a.forEach((row, r) =>
    row.forEach((w, c) => {
      for (let k = 0; k < d; k++) out[r * d + k]! += w * x[c * d + k]!;
    }),
  );
  return out;
}

function denseT(a: Dense): Dense {
  return a[0]!.map((_, c) => a.map((row) => row[c]!));
}

function expectClose(got: Float32Array, want: Float64Array): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  expect(worst).toBeLessThan(1e-5);
}

describe('csrFromEdges / spmm / spmmT', () => {
  const rnd = mulberry32(11);
  const [R, C] = [13, 9];
  const e = randomEdges(rnd, R, C, 60); // 60 draws over 117 cells: duplicates certain
  const a = csrFromEdges(R, C, e);
  const dense = denseOf(R, C, e);

  it('merges duplicate edges and sorts each row', () => {
    const distinct = new Set(e.rows.map((r, i) => `${r},${e.cols[i]}`)).size;
    expect(a.indices.length).toBe(distinct);
    expect(distinct).toBeLessThan(60);
    for (let r = 0; r < R; r++) for (let p = a.indptr[r]! + 1; p < a.indptr[r + 1]!; p++) expect(a.indices[p]!).toBeGreaterThan(a.indices[p - 1]!);
  });

  it.each([5, 32])('A·X (overwrite and accumulate) and Aᵀ·Y match the dense products, d = %i', (d) => {
    const x = Float32Array.from({ length: C * d }, () => rnd() - 0.5);
    const y = Float32Array.from({ length: R * d }, () => rnd() - 0.5);
    const ax = matmul(dense, x, d);
    expectClose(spmm(a, x, d, new Float32Array(R * d).fill(7)), ax);
    expectClose(
      spmm(a, x, d, new Float32Array(R * d).fill(1), { accumulate: true }),
      ax.map((v) => v + 1),
    );
    expectClose(spmmT(a, y, d, new Float32Array(C * d)), matmul(denseT(dense), y, d));
    expectClose(spmm(transpose(a), y, d, new Float32Array(C * d)), matmul(denseT(dense), y, d));
  });

  it('refuses ids outside the shape', () => {
    expect(() => csrFromEdges(2, 2, { rows: [0, 2], cols: [1, 1] })).toThrow(/row 2/);
    expect(() => csrFromEdges(2, 2, { rows: [0], cols: [-1] })).toThrow(/column -1/);
  });
});

describe('typed graph operator', () => {
  it('bipartite: equals LightGCN D^-1/2 A D^-1/2 on the dense adjacency, forward and transpose', () => {
    const rnd = mulberry32(5);
    const [U, I, d] = [7, 6, 16];
    const lists = Array.from({ length: U }, () => [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => Math.floor(rnd() * I)))].sort((p, q) => p - q));
    const indptr = Int32Array.from([0, ...lists.map((_, u) => lists.slice(0, u + 1).flat().length)]);
    const op = bipartiteGraph(U, I, { indptr, items: Int32Array.from(lists.flat()) });
    const n = U + I;
    const adj = zeros(n, n);
    lists.forEach((l, u) => l.forEach((i) => (adj[u]![U + i] = adj[U + i]![u] = 1)));
    const deg = adj.map((row) => row.reduce((s, v) => s + v, 0));
    const norm = adj.map((row, r) => row.map((v, c) => (v === 0 ? 0 : v / Math.sqrt(deg[r]! * deg[c]!))));
    const x = Float32Array.from({ length: n * d }, () => rnd() - 0.5);
    expectClose(propagateOnce(op, x, d, new Float32Array(n * d)), matmul(norm, x, d));
    expectClose(propagateOnceT(op, x, d, new Float32Array(n * d)), matmul(denseT(norm), x, d));
  });

  it('two relations: each block normalised by its own degrees, summed', () => {
    const rnd = mulberry32(8);
    const [U, I, K, d] = [5, 6, 3, 3];
    const ui = randomEdges(rnd, U, I, 14);
    const ik = randomEdges(rnd, I, K, 8);
    const op = typedGraph(
      [
        { name: 'user', count: U },
        { name: 'item', count: I },
        { name: 'category', count: K },
      ],
      [
        { name: 'interacted', src: 'user', dst: 'item', edges: ui },
        { name: 'in_category', src: 'item', dst: 'category', edges: ik },
      ],
    );
    expect(op.blocks.map((b) => b.relation)).toEqual(['interacted', 'interacted^T', 'in_category', 'in_category^T']);
    const n = U + I + K;
    const full = zeros(n, n);
    const place = (r: Dense, ro: number, co: number): void => {
      const dr = r.map((row) => row.reduce((s, v) => s + v, 0));
      const dc = denseT(r).map((row) => row.reduce((s, v) => s + v, 0));
      r.forEach((row, i) =>
        row.forEach((v, j) => {
          if (v === 0) return;
          const w = v / Math.sqrt(dr[i]! * dc[j]!);
          full[ro + i]![co + j]! += w;
          full[co + j]![ro + i]! += w;
        }),
      );
    };
    place(denseOf(U, I, ui), 0, U);
    place(denseOf(I, K, ik), U, U + I);
    const x = Float32Array.from({ length: n * d }, () => rnd() - 0.5);
    expectClose(propagateOnce(op, x, d, new Float32Array(n * d)), matmul(full, x, d));
    expectClose(propagateOnceT(op, x, d, new Float32Array(n * d)), matmul(full, x, d));
  });

  it('refuses a relation over an unknown node type', () => {
    expect(() => typedGraph([{ name: 'user', count: 1 }], [{ name: 'r', src: 'user', dst: 'query', edges: { rows: [], cols: [] } }])).toThrow(/unknown node type query/);
  });
});

describe('parallel propagation pieces', () => {
  it('row ranges cover the node space and their rows together equal propagateOnce bit for bit', async () => {
    const rnd = mulberry32(21);
    const [U, I, d] = [40, 30, 16];
    const lists = Array.from({ length: U }, () => [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => Math.floor(rnd() * I)))].sort((p, q) => p - q));
    const indptr = Int32Array.from([0, ...lists.map((_, u) => lists.slice(0, u + 1).flat().length)]);
    const op = bipartiteGraph(U, I, { indptr, items: Int32Array.from(lists.flat()) });
    const x = Float32Array.from({ length: (U + I) * d }, () => rnd() - 0.5);
    const whole = propagateOnce(op, x, d, new Float32Array((U + I) * d));
    for (const threads of [2, 3]) {
      const ranges = rowRanges(op, threads);
      expect(ranges).toHaveLength(threads);
      expect(ranges[0]![0]).toBe(0);
      expect(ranges.at(-1)![1]).toBe(U + I);
      ranges.slice(1).forEach((r, i) => expect(r[0]).toBe(ranges[i]![1]));
      const parts = new Float32Array((U + I) * d).fill(9);
      for (const [g0, g1] of ranges) propagateRows(op, x, d, parts, g0, g1);
      expect(Buffer.from(parts.buffer).equals(Buffer.from(whole.buffer))).toBe(true);
    }
    // From TS sources there is no compiled worker: one thread, same numbers.
    const prop = await createPropagator(op, d, { threads: 2 });
    expect(prop.threads).toBe(1);
    const out = prop.alloc((U + I) * d);
    await prop.apply(x, out);
    expect(Buffer.from(out.buffer).equals(Buffer.from(whole.buffer))).toBe(true);
    await prop.close();
  });
});
