/**
 * Worker thread of ml/graph/parallel.ts (compiled build only). workerData: { op, d } (a copy of the
 * operator). Messages: { x, out, g0, g1 } (x and out on SharedArrayBuffers) -> computes rows
 * [g0, g1) of out = Â·x and answers { ok: true }, or { ok: false, error }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { propagateRows } from './parallel';
import type { GraphOperator } from './typed';

const { op, d } = workerData as { op: GraphOperator; d: number };
const port = parentPort;
if (port === null) throw new Error('spmm-worker must run in a worker thread');
port.on('message', (m: { x: Float32Array; out: Float32Array; g0: number; g1: number }) => {
  try {
    propagateRows(op, m.x, d, m.out, m.g0, m.g1);
    port.postMessage({ ok: true });
  } catch (err) {
    port.postMessage({ ok: false, error: (err as Error)?.stack ?? String(err) });
  }
});
