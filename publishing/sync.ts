/**
 * Follows the catalog's change log: every `everyMs` it asks for changes after the revision this
 * instance serves, and when there are any it reads the document and hands it to the serving set,
 * which swaps. With Redis every gateway follows the same log, so a publish, promote or rollback
 * made on one instance is served by all of them within about `everyMs` plus the time to load the
 * model. A failed poll is logged and retried at the next tick; serving goes on with what it has.
 */
import type { PluginLogger } from '../plugins/sdk/contract';
import type { CatalogStore } from './catalog/port';
import type { Serving } from './serving';

export interface CatalogSyncStatus {
  readonly everyMs: number;
  /** Revision served here. */
  readonly revision: number;
  readonly polls: number;
  readonly lastPollAt: number | null;
  /** Message of the last failed poll or apply; null after a good one. */
  readonly lastError: string | null;
}

export interface CatalogSync {
  status(): CatalogSyncStatus;
  /** Poll now (after a poll in flight) and resolve once any change found is served here. */
  poll(): Promise<void>;
  stop(): Promise<void>;
}

export interface CatalogSyncOptions {
  readonly catalog: CatalogStore;
  readonly serving: Serving;
  /** Poll period (ms), PUBLISHED_SYNC_MS. */
  readonly everyMs: number;
  readonly logger: PluginLogger;
  readonly clock?: () => number;
}

export function startCatalogSync(o: CatalogSyncOptions): CatalogSync {
  if (!(o.everyMs > 0)) throw new RangeError(`catalog sync: everyMs must be positive, got ${o.everyMs}`);
  const clock = o.clock ?? Date.now;
  let polls = 0;
  let lastPollAt: number | null = null;
  let lastError: string | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const once = async (): Promise<void> => {
    try {
      const changes = await o.catalog.changesSince(o.serving.current().revision, 1);
      if (changes.length > 0) {
        const snapshot = await o.catalog.read();
        await o.serving.apply(snapshot);
      }
      if (lastError !== null) o.logger.info({}, 'catalog sync recovered');
      lastError = null;
    } catch (err) {
      if (lastError === null) o.logger.error({ err: (err as Error).message }, 'catalog sync failed; serving what is loaded, retrying');
      lastError = (err as Error).message;
    }
    polls++;
    lastPollAt = clock();
  };
  const poll = (): Promise<void> => {
    inFlight = inFlight.then(once);
    return inFlight;
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => void poll().then(schedule), o.everyMs);
    timer.unref();
  };
  schedule();
  return {
    status: () => ({ everyMs: o.everyMs, revision: o.serving.current().revision, polls, lastPollAt, lastError }),
    poll,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}
