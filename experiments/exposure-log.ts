/**
 * Writes exposures off the request path: the feed resolver `record`s and returns at once; rows
 * are flushed to the ExperimentStore in batches (every `flushMs`, or at `batchSize` rows) in one
 * transaction each. A row counts as logged only once the store acknowledged it: a crash can lose
 * rows still buffered (at most one flush interval), never acknowledged ones. A failing store keeps
 * the rows buffered and retries on the next tick; beyond `maxBuffered` the oldest are dropped and
 * counted (`dropped`), so a dead store cannot exhaust memory.
 */
import type { Exposure, ExperimentStore } from './store';

export interface ExposureLogOptions {
  readonly flushMs?: number;
  readonly batchSize?: number;
  readonly maxBuffered?: number;
  readonly onError?: (err: Error) => void;
}

export interface ExposureLog {
  record(e: Exposure): void;
  /** Resolves once every row recorded before the call is acknowledged (rejects if the store fails). */
  flush(): Promise<void>;
  readonly pending: number;
  readonly written: number;
  readonly dropped: number;
  close(): Promise<void>;
}

export function createExposureLog(store: ExperimentStore, o: ExposureLogOptions = {}): ExposureLog {
  const flushMs = o.flushMs ?? 100;
  const batchSize = o.batchSize ?? 500;
  const maxBuffered = o.maxBuffered ?? 100_000;
  let buffer: Exposure[] = [];
  let written = 0;
  let dropped = 0;
  let inFlight: Promise<void> | null = null;
  let closed = false;

  const drain = async (): Promise<void> => {
    while (buffer.length > 0) {
      const batch = buffer.slice(0, batchSize);
      await store.appendExposures(batch);
      // Rows may have been dropped from the front (overflow) while the write was in flight.
      const sent = new Set(batch);
      buffer = buffer.filter((r) => !sent.has(r));
      written += batch.length;
    }
  };
  const tick = (): Promise<void> => {
    if (inFlight === null) {
      inFlight = drain().finally(() => {
        inFlight = null;
      });
    }
    return inFlight;
  };
  const timer = setInterval(() => {
    if (buffer.length > 0) tick().catch((err: Error) => o.onError?.(err));
  }, flushMs);
  timer.unref();

  return {
    record(e) {
      if (closed) throw new Error('exposure log is closed');
      buffer.push(e);
      if (buffer.length > maxBuffered) {
        const over = buffer.length - maxBuffered;
        buffer = buffer.slice(over);
        dropped += over;
      }
      if (buffer.length >= batchSize) tick().catch((err: Error) => o.onError?.(err));
    },
    async flush() {
      // A drain in flight may have started before the newest rows: drain until empty.
      while (buffer.length > 0 || inFlight !== null) await tick();
    },
    get pending() {
      return buffer.length;
    },
    get written() {
      return written;
    },
    get dropped() {
      return dropped;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      await this.flush();
    },
  };
}
