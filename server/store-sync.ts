/**
 * Store sync of one gateway: every `everyMs` it applies what other processes (an `import` run,
 * another gateway on the same SQLite file) wrote to the store, through `GraphStore.syncExternal`,
 * and hands the new events to the same consumer `recordEvents` feeds (DUVE folds them and
 * republishes the touched users' values).
 *
 * A poll drains everything pending in slices, yielding to the event loop between slices (a large
 * import never blocks requests for more than one slice); the row budget of a slice adapts so that
 * one takes about `sliceMs`. The consumer is awaited per slice (backpressure). Polls never overlap: the next is scheduled when one ends.
 * Delay from a commit to visibility: at most `everyMs` plus the time to apply the rows pending.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { InteractionEvent } from '../domain/events';
import type { GraphStore, StoreCounts } from '../graph/port';

/** Target time one slice holds the event loop, in ms (see README, "Imports while serving"). */
export const DEFAULT_SYNC_SLICE_MS = 10;
/** Bounds of the adaptive row budget of a slice. */
const MIN_SLICE_ROWS = 50;
const MAX_SLICE_ROWS = 20_000;

export interface StoreSyncOptions {
  readonly store: GraphStore;
  /** Poll period in ms (STORE_SYNC_MS); must be positive. */
  readonly everyMs: number;
  /** Time one slice may hold the event loop (ms); the row budget adapts to it. Default DEFAULT_SYNC_SLICE_MS (10). */
  readonly sliceMs?: number;
  /** Handed each slice's events (in stored order) and awaited before the next slice. */
  readonly onEvents: (events: readonly InteractionEvent[]) => Promise<unknown>;
  readonly logger: Logger;
  /** Clock in ms for the status timestamps. Default Date.now. */
  readonly clock?: () => number;
}

export interface StoreSyncStatus {
  readonly everyMs: number;
  /** Polls completed. */
  readonly polls: number;
  /** When the last poll ended (ms), null before the first. */
  readonly lastPollAt: number | null;
  /** Duration of the last poll that applied rows (ms), null before one did. */
  readonly lastCatchUpMs: number | null;
  /** Rows applied since the gateway started. */
  readonly applied: StoreCounts;
  /** Message of the last failed poll, null after a successful one. */
  readonly lastError: string | null;
  /** Longest time one slice held the event loop since the gateway started (ms). */
  readonly longestSliceMs: number;
}

export interface StoreSync {
  status(): StoreSyncStatus;
  /** Run one poll now (after any poll in flight) and resolve when it has drained. */
  poll(): Promise<void>;
  /** Stop polling; resolves after the poll in flight ended. */
  stop(): Promise<void>;
}

/** Start polling, or return null when the store has nothing to sync (Neo4j: reads go to the server). */
export function startStoreSync(o: StoreSyncOptions): StoreSync | null {
  const { store, everyMs, logger } = o;
  const syncExternal = store.syncExternal?.bind(store);
  if (syncExternal === undefined) return null;
  if (!(everyMs > 0)) throw new RangeError(`store sync: everyMs must be positive, got ${everyMs}`);
  const sliceMs = o.sliceMs ?? DEFAULT_SYNC_SLICE_MS;
  if (!(sliceMs > 0)) throw new RangeError(`store sync: sliceMs must be positive, got ${sliceMs}`);
  /** Row budget of the next slice: scaled by how long the last one took against sliceMs. */
  let sliceRows = 500;
  const clock = o.clock ?? Date.now;
  const applied = { users: 0, items: 0, queries: 0, events: 0 };
  let polls = 0;
  let lastPollAt: number | null = null;
  let lastCatchUpMs: number | null = null;
  let lastError: string | null = null;
  let longestSliceMs = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const drain = async (): Promise<void> => {
    const start = performance.now();
    let rows = 0;
    try {
      for (;;) {
        const t0 = performance.now();
        const r = await syncExternal(sliceRows);
        const took = performance.now() - t0;
        if (r.more) sliceRows = Math.round(Math.min(MAX_SLICE_ROWS, Math.max(MIN_SLICE_ROWS, sliceRows * Math.min(2, sliceMs / Math.max(took, 0.1)))));
        longestSliceMs = Math.max(longestSliceMs, took);
        for (const k of ['users', 'items', 'queries', 'events'] as const) applied[k] += r.applied[k];
        rows += r.applied.users + r.applied.items + r.applied.queries + r.applied.events;
        if (r.events.length > 0) await o.onEvents(r.events);
        if (!r.more || stopped) break;
        await yieldToLoop();
      }
      lastError = null;
    } catch (err) {
      lastError = (err as Error).message;
      logger.error({ err: lastError }, 'store sync failed; retrying at the next poll');
    }
    polls++;
    lastPollAt = clock();
    if (rows > 0) {
      lastCatchUpMs = performance.now() - start;
      logger.info({ rows, ms: Math.round(lastCatchUpMs) }, 'applied rows other processes wrote to the store');
    }
  };
  const run = (): Promise<void> => {
    inFlight = inFlight.then(drain);
    return inFlight;
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => void run().then(schedule), everyMs);
    // The HTTP server keeps the process alive; this timer alone must not.
    timer.unref();
  };
  schedule();

  return {
    status: () => ({ everyMs, polls, lastPollAt, lastCatchUpMs, applied: { ...applied }, lastError, longestSliceMs }),
    poll: run,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}
