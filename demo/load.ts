/**
 * Load the generated demo catalogue into a store, once: only when the store holds no events, so
 * `serve --demo` never mixes demo data into real data and a restart does not load it twice.
 */
import { SingleBar, Presets } from 'cli-progress';
import type { GraphStore } from '../graph/port';
import { generateDemoData, type DemoOptions } from './generate';

export interface DemoLoadOptions extends DemoOptions {
  /** Draw a progress bar over the events ingested. Default false. */
  readonly progress?: boolean;
  /** Stream of the progress bar. Default process.stderr. */
  readonly stream?: NodeJS.WritableStream;
  /** Events per `ingestEvents` call. Default 5000. */
  readonly batchSize?: number;
}

export type DemoLoadResult =
  | {
      readonly loaded: true;
      readonly users: number;
      readonly items: number;
      /** Events generated and handed to the store. */
      readonly events: number;
      /** Events the store stored (all of them, in an empty store). */
      readonly inserted: number;
      readonly ms: number;
    }
  | {
      readonly loaded: false;
      /** Why nothing was loaded. */
      readonly reason: 'store-not-empty';
      /** Events already in the store. */
      readonly existingEvents: number;
      readonly users: 0;
      readonly items: 0;
      readonly events: 0;
    };

export async function loadDemoData(store: GraphStore, opts: DemoLoadOptions = {}): Promise<DemoLoadResult> {
  const existing = (await store.counts()).events;
  if (existing > 0) return { loaded: false, reason: 'store-not-empty', existingEvents: existing, users: 0, items: 0, events: 0 };
  const started = performance.now();
  const batchSize = opts.batchSize ?? 5000;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer (got ${batchSize})`);
  const data = generateDemoData(opts);
  await store.upsertUsers(data.users);
  await store.upsertItems(data.items);
  const bar =
    opts.progress === true
      ? new SingleBar({ stream: opts.stream ?? process.stderr, format: 'demo data [{bar}] {percentage}% | {value}/{total} events | ETA {eta_formatted}', hideCursor: true }, Presets.shades_classic)
      : null;
  bar?.start(data.events.length, 0);
  let inserted = 0;
  try {
    for (let i = 0; i < data.events.length; i += batchSize) {
      const batch = data.events.slice(i, i + batchSize);
      inserted += (await store.ingestEvents(batch)).inserted;
      bar?.update(i + batch.length);
    }
  } finally {
    bar?.stop();
  }
  return {
    loaded: true,
    users: data.users.length,
    items: data.items.length,
    events: data.events.length,
    inserted,
    ms: Math.round(performance.now() - started),
  };
}
