/**
 * The job queue port. Processors are plain async functions shared by every adapter: the
 * in-process scheduler (embedded default) and BullMQ on Redis (scaled out).
 *
 * Errors are control signals: throw `UnrecoverableJobError` for a failure that retrying cannot
 * fix (a corrupt model file, invalid job data); any other error is transient and retried with
 * exponential backoff up to `attempts`.
 */

export interface JobContext<D> {
  readonly name: string;
  /** Idempotency key: adding a job whose id is queued or running does nothing. */
  readonly id: string;
  readonly data: D;
  /** 1 on the first run, 2 on the first retry, ... */
  readonly attempt: number;
  /** Aborted when the queue closes. */
  readonly signal: AbortSignal;
}

export type JobProcessor<D> = (job: JobContext<D>) => Promise<void>;

export interface JobOptions {
  /** Idempotency key. Default: a fresh id (no deduplication). */
  readonly jobId?: string;
  /** Total tries for transient errors. Default 3. */
  readonly attempts?: number;
  /** First retry delay; doubles each retry. Default 1000 ms. */
  readonly backoffMs?: number;
  /** Run no earlier than this many ms from now. Default 0. */
  readonly delayMs?: number;
}

export interface RepeatOptions {
  /** Period between runs in ms. */
  readonly everyMs: number;
  /** Stable key of the schedule; registering it again replaces it. */
  readonly scheduleId: string;
  /** Also run once immediately. Default false. */
  readonly immediately?: boolean;
}

export type JobOutcome =
  | { readonly status: 'completed'; readonly name: string; readonly id: string; readonly attempts: number }
  | { readonly status: 'failed'; readonly name: string; readonly id: string; readonly attempts: number; readonly unrecoverable: boolean; readonly error: string };

export interface JobQueue {
  readonly kind: 'in-process' | 'bullmq';
  /** Register the processor of a job name (once per name). */
  process<D>(name: string, processor: JobProcessor<D>): void;
  /** Enqueue one run. Resolves when queued, not when done. */
  add<D>(name: string, data: D, opts?: JobOptions): Promise<void>;
  /** Run `name` every `everyMs`. */
  repeat<D>(name: string, data: D, opts: RepeatOptions): Promise<void>;
  /** Observe final outcomes (completed, or failed after the last attempt). Returns an unsubscribe. */
  onOutcome(listener: (o: JobOutcome) => void): () => void;
  /** Stop schedules, abort running jobs' signals, wait for them to settle. */
  close(): Promise<void>;
}

/** A failure that retrying cannot fix. */
export class UnrecoverableJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnrecoverableJobError';
  }
}
