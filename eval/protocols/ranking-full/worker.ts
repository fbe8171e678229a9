/**
 * Worker-thread entry of `ranking/full` (runs from the compiled build only). Protocol:
 *   worker -> { type: 'ready', versions }        after building the scorers from workerData (EvalSetup)
 *   main   -> { type: 'batch', id, users }       a batch of user indices
 *   worker -> { type: 'result', id, models }     one ModelBatch per model, buffers transferred
 *   main   -> { type: 'close' }                  close the scorers and exit
 *   worker -> { type: 'error', message }         on any failure
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEvaluator, type EvalSetup } from './evaluate';

export type ToWorker = { readonly type: 'batch'; readonly id: number; readonly users: Int32Array } | { readonly type: 'close' };
export type FromWorker =
  | { readonly type: 'ready'; readonly versions: Readonly<Record<string, string>> }
  | { readonly type: 'result'; readonly id: number; readonly models: ReadonlyArray<{ values: Float64Array; top: Int32Array; cold: Float64Array }> }
  | { readonly type: 'error'; readonly message: string };

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('ranking-full/worker must run in a worker thread');
  const post = (msg: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(msg, transfer);
  try {
    const evaluator = await createEvaluator(workerData as EvalSetup);
    port.on('message', (msg: ToWorker) => {
      if (msg.type === 'close') {
        void evaluator.close().finally(() => port.close());
        return;
      }
      evaluator.evaluate(msg.users).then(
        (models) =>
          post(
            { type: 'result', id: msg.id, models },
            models.flatMap((m) => [m.values.buffer as ArrayBuffer, m.top.buffer as ArrayBuffer, m.cold.buffer as ArrayBuffer]),
          ),
        (err: unknown) => post({ type: 'error', message: (err as Error)?.stack ?? String(err) }),
      );
    });
    post({ type: 'ready', versions: evaluator.versions });
  } catch (err) {
    post({ type: 'error', message: (err as Error)?.stack ?? String(err) });
  }
}

void main();
