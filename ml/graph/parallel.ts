/**
 * Â·X on several threads: the node space is cut into contiguous row ranges of about equal
 * non-zeros; this thread computes the first range and each worker thread one other, on X and out
 * held in SharedArrayBuffers. Every row is computed by the same code in the same block order as
 * propagateOnce, so the result is bit-identical whatever the number of threads. Worker threads
 * need the compiled build (`spmm-worker.js`); from TS sources (jest) it falls back to one thread.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { spmm } from './csr';
import type { GraphOperator } from './typed';

export interface Propagator {
  /** Threads in use (this one included). */
  readonly threads: number;
  /** out = Â·x; with threads > 1 both must come from `alloc`. */
  apply(x: Float32Array, out: Float32Array): Promise<void>;
  /** A Float32Array the workers can see (SharedArrayBuffer-backed when threads > 1). */
  alloc(length: number): Float32Array;
  close(): Promise<void>;
}

/** Row ranges [start, end) of the global node space, one per thread, balanced by non-zeros. */
export function rowRanges(op: GraphOperator, threads: number): Array<[number, number]> {
  const nnz = new Float64Array(op.numNodes);
  for (const b of op.blocks) for (let r = 0; r < b.matrix.numRows; r++) nnz[b.rowOffset + r]! += b.matrix.indptr[r + 1]! - b.matrix.indptr[r]! + 1;
  let total = 0;
  for (const v of nnz) total += v;
  const out: Array<[number, number]> = [];
  let start = 0;
  let acc = 0;
  for (let r = 0; r < op.numNodes && out.length < threads - 1; r++) {
    acc += nnz[r]!;
    if (acc >= (total * (out.length + 1)) / threads) {
      out.push([start, r + 1]);
      start = r + 1;
    }
  }
  out.push([start, op.numNodes]);
  return out;
}

/** Rows [g0, g1) of out = Â·x, zeroed first, blocks in order (what propagateOnce does for every row). */
export function propagateRows(op: GraphOperator, x: Float32Array, d: number, out: Float32Array, g0: number, g1: number): void {
  out.fill(0, g0 * d, g1 * d);
  for (const b of op.blocks) {
    const r0 = Math.max(0, g0 - b.rowOffset);
    const r1 = Math.min(b.matrix.numRows, g1 - b.rowOffset);
    if (r1 > r0) spmm(b.matrix, x, d, out, { accumulate: true, rowOffset: b.rowOffset, colOffset: b.colOffset, rowStart: r0, rowEnd: r1 });
  }
}

export interface PropagatorOptions {
  /** Threads including this one; 1 (or running from TS sources) computes everything here. Default 1. */
  readonly threads?: number;
}

export async function createPropagator(op: GraphOperator, d: number, o: PropagatorOptions = {}): Promise<Propagator> {
  const entry = join(__dirname, 'spmm-worker.js');
  const threads = existsSync(entry) ? Math.max(1, Math.floor(o.threads ?? 1)) : 1;
  if (threads === 1) {
    return {
      threads,
      alloc: (n) => new Float32Array(n),
      async apply(x, out) {
        propagateRows(op, x, d, out, 0, op.numNodes);
      },
      async close() {},
    };
  }
  const ranges = rowRanges(op, threads);
  const workers = ranges.slice(1).map(() => new Worker(entry, { workerData: { op, d } }));
  let closed = false;
  const call = (w: Worker, msg: unknown): Promise<void> =>
    new Promise((resolve, reject) => {
      const onMsg = (m: { ok: boolean; error?: string }): void => {
        w.off('error', onErr);
        if (m.ok) resolve();
        else reject(new Error(`spmm worker: ${m.error}`));
      };
      const onErr = (err: Error): void => {
        w.off('message', onMsg);
        reject(err);
      };
      w.once('message', onMsg);
      w.once('error', onErr);
      w.postMessage(msg);
    });
  return {
    threads,
    alloc: (n) => new Float32Array(new SharedArrayBuffer(n * 4)),
    async apply(x, out) {
      if (closed) throw new Error('propagator is closed');
      if (!(x.buffer instanceof SharedArrayBuffer) || !(out.buffer instanceof SharedArrayBuffer)) throw new TypeError('parallel propagation needs arrays from alloc()');
      const pending = workers.map((w, i) => call(w, { x, out, g0: ranges[i + 1]![0], g1: ranges[i + 1]![1] }));
      propagateRows(op, x, d, out, ranges[0]![0], ranges[0]![1]);
      await Promise.all(pending);
    },
    async close() {
      closed = true;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
