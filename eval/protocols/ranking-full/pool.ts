/**
 * Runs the per-user evaluation over all test users, either in this thread (`workers: 0`, works
 * from TS sources, e.g. under jest) or in worker threads fed small batches on demand (a busy core
 * gets fewer batches). Results land at each user's position, so the merged arrays, and every sum
 * over them, are identical whatever the number of workers.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { metricsWidth } from '../../metrics/ranking';
import { createEvaluator, type EvalSetup, type ModelBatch } from './evaluate';
import type { FromWorker, ToWorker } from './worker';

export interface PoolOptions {
  /** Worker threads; 0 runs in this thread. */
  readonly workers: number;
  /** Users per batch. */
  readonly batchSize: number;
  /** Called with the number of users done so far. */
  readonly onProgress?: (done: number) => void;
}

export interface PoolResult {
  readonly versions: Readonly<Record<string, string>>;
  /** Per model (setup order): users x metricsWidth values and users x coverageK top items, in `users` order. */
  readonly models: ModelBatch[];
}

/** Path of the compiled worker entry; throws a clear error when running from TS sources. */
export function workerEntry(): string {
  const file = join(__dirname, 'worker.js');
  if (!existsSync(file)) {
    throw new Error(`ranking/full: worker threads need the compiled build (${file} is missing): run \`npx tsc -p tsconfig.build.json\` and use dist/, or pass workers: 0`);
  }
  return file;
}

export async function evaluateAllUsers(setup: EvalSetup, users: Int32Array, opts: PoolOptions): Promise<PoolResult> {
  const width = metricsWidth(setup.ks);
  const models: ModelBatch[] = setup.models.map(() => ({
    values: new Float64Array(users.length * width),
    top: new Int32Array(users.length * setup.coverageK),
    cold: new Float64Array(users.length * width),
  }));
  const batches: Array<[number, number]> = [];
  for (let b = 0; b < users.length; b += opts.batchSize) batches.push([b, Math.min(users.length, b + opts.batchSize)]);
  let done = 0;
  const place = (batch: [number, number], results: readonly ModelBatch[]): void => {
    results.forEach((r, m) => {
      models[m]!.values.set(r.values, batch[0] * width);
      models[m]!.top.set(r.top, batch[0] * setup.coverageK);
      models[m]!.cold.set(r.cold, batch[0] * width);
    });
    done += batch[1] - batch[0];
    opts.onProgress?.(done);
  };

  if (opts.workers <= 0) {
    const ev = await createEvaluator(setup);
    try {
      for (const batch of batches) place(batch, await ev.evaluate(users.slice(batch[0], batch[1])));
      return { versions: ev.versions, models };
    } finally {
      await ev.close();
    }
  }

  const entry = workerEntry();
  const workers = Array.from({ length: Math.min(opts.workers, Math.max(1, batches.length)) }, () => new Worker(entry, { workerData: setup }));
  const exited = new Set<Worker>();
  for (const w of workers) w.once('exit', () => exited.add(w));
  let versions: Readonly<Record<string, string>> = {};
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let finished = 0;
      const inFlight = new Map<number, [number, number]>();
      const feed = (w: Worker): void => {
        const id = next++;
        const batch = batches[id];
        if (batch === undefined) return;
        inFlight.set(id, batch);
        const msg: ToWorker = { type: 'batch', id, users: users.slice(batch[0], batch[1]) };
        w.postMessage(msg);
      };
      for (const w of workers) {
        w.on('message', (msg: FromWorker) => {
          if (msg.type === 'error') return reject(new Error(`ranking/full worker failed: ${msg.message}`));
          if (msg.type === 'ready') {
            versions = msg.versions;
            return feed(w);
          }
          const batch = inFlight.get(msg.id);
          if (batch === undefined) return reject(new Error(`ranking/full worker answered unknown batch ${msg.id}`));
          inFlight.delete(msg.id);
          place(batch, msg.models);
          if (++finished === batches.length) return resolve();
          feed(w);
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (finished < batches.length) reject(new Error(`ranking/full worker exited with code ${code} before the end`));
        });
      }
      if (batches.length === 0) resolve();
    });
  } finally {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (exited.has(w)) return resolve();
            // A clean close lets the scorers release resources; a stuck worker is terminated.
            const timer = setTimeout(() => void w.terminate().then(() => resolve()), 5000);
            w.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            const msg: ToWorker = { type: 'close' };
            w.postMessage(msg);
          }),
      ),
    );
  }
  return { versions, models };
}
