/**
 * BullMQ JobQueue (scaled out): jobs live in Redis, any gateway or worker process that registers a
 * processor for a name takes jobs of that name. Same processors as the in-process adapter.
 *
 * Layout: one BullMQ queue (and, once `process` is called, one Worker) per job name, under
 * `prefix`. A long training job therefore never blocks a short refresh job, and a process only
 * takes the jobs it has processors for (a job waits in Redis until some process can run it).
 *
 * Mapping of the port onto BullMQ:
 * - `jobId` is a BullMQ deduplication id (simple mode): the key is held from `add` until the job
 *   completes or fails for good, including its retry waits, exactly "queued or running". BullMQ
 *   job ids stay generated, so keeping finished jobs for inspection never blocks a later add.
 * - transient errors: `attempts` + `{ type: 'exponential', delay: backoffMs }`.
 * - `UnrecoverableJobError` is rethrown as BullMQ's `UnrecoverableError` (no retry).
 * - `repeat`: a job scheduler per scheduleId (`upsertJobScheduler`), stored in Redis; `close`
 *   stops this process running it but leaves the schedule in place for other processes and
 *   restarts (registering it again at boot is idempotent and keeps its cadence). Schedules live
 *   only in Redis: a Redis that comes back empty (flushed, replaced, restarted without
 *   persistence) has none. Every `scheduleCheckMs` this process checks the schedules it
 *   registered and re-creates a missing one (first run one period later).
 * - `onOutcome` reports the jobs this process's workers ran, not jobs other processes ran (nor a
 *   job BullMQ fails for stalling too often: that happens in Redis, after its process died).
 *
 * Differences from the in-process adapter, by design: `concurrency` applies per job name, not to
 * the whole queue; a job with no processor waits instead of failing; a job whose processor
 * rejects after `close` aborted it counts as a failed attempt and is retried by whichever process
 * runs the queue next (in-process: reported failed); `immediately` only applies when a schedule
 * is created or its period changes. Job data goes through JSON. Queue names cannot contain ':' in
 * BullMQ, so job names are encoded.
 */
import { Queue, UnrecoverableError, Worker, type Job, type JobSchedulerTemplateOptions } from 'bullmq';
import { UnrecoverableJobError, type JobOptions, type JobOutcome, type JobProcessor, type JobQueue, type RepeatOptions } from './port';

export interface BullMqQueueOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379/0`. Required. */
  readonly connection: string;
  /** Key prefix of every queue in Redis; one per deployment (and per test). Default 'recgate'. */
  readonly prefix?: string;
  /** Jobs of one name running at once in this process. Default 1 (jobs are CPU work). */
  readonly concurrency?: number;
  /** Redis connection and worker errors (BullMQ reconnects by itself). Default: `console.error`. */
  readonly onError?: (err: Error) => void;
  /** Longest wait for one worker to close (its running jobs to settle) before giving up on it, ms. Default 10,000. */
  readonly closeTimeoutMs?: number;
  /** How often the schedules this process registered are checked and re-created if Redis lost them, ms. Default 15,000. */
  readonly scheduleCheckMs?: number;
}

const DEFAULT_ATTEMPTS = 3;
const DEFAULT_BACKOFF_MS = 1000;
/** Finished jobs kept in Redis for inspection (idempotency does not depend on them). */
const KEEP_COMPLETED = { count: 100 };
const KEEP_FAILED = { count: 1000 };

/**
 * Reconnect delay after the n-th failed attempt: BullMQ's default grows to 20 s, so a worker could
 * stay away for 20 s after Redis returned (and `close` waited for that reconnect).
 */
const reconnectDelay = (times: number): number => Math.min(100 * times, 1_000);

/** Injective: '%' is escaped first, so distinct job names never share a queue. */
const queueName = (name: string): string => name.replace(/%/g, '%25').replace(/:/g, '%3A');

/** The port's id of a BullMQ job: the caller's idempotency key if it gave one. */
const portId = (job: Job): string => job.deduplicationId ?? job.id ?? '';

/** BullMQ needs Error objects; duck-typed because errors from another realm fail `instanceof`. */
const asError = (err: unknown): Error => (typeof err === 'object' && err !== null && typeof (err as Error).message === 'string' ? (err as Error) : new Error(String(err)));

function retryOptions(o: { attempts?: number; backoffMs?: number }): JobSchedulerTemplateOptions {
  return {
    attempts: o.attempts ?? DEFAULT_ATTEMPTS,
    backoff: { type: 'exponential', delay: o.backoffMs ?? DEFAULT_BACKOFF_MS },
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: KEEP_FAILED,
  };
}

export function createBullMqQueue(opts: BullMqQueueOptions): JobQueue {
  const prefix = opts.prefix ?? 'recgate';
  const concurrency = opts.concurrency ?? 1;
  const closeTimeoutMs = opts.closeTimeoutMs ?? 10_000;
  const onError = opts.onError ?? ((err: Error) => console.error('[jobs/bullmq]', err));
  const queues = new Map<string, Queue>();
  const workers = new Map<string, Worker>();
  // scheduleId -> what was registered: re-created from here when Redis lost it.
  const schedules = new Map<string, { name: string; data: unknown; everyMs: number }>();
  const listeners = new Set<(o: JobOutcome) => void>();
  const ctl = new AbortController();
  let closing: Promise<void> | undefined;

  const emit = (o: JobOutcome): void => {
    // A throwing listener must not break the worker's bookkeeping of the job.
    for (const l of listeners) {
      try {
        l(o);
      } catch (err) {
        onError(asError(err));
      }
    }
  };
  const assertOpen = (): void => {
    if (closing) throw new Error('queue is closed');
  };
  const queueFor = (name: string): Queue => {
    let q = queues.get(name);
    if (!q) {
      // Producer connection: ioredis defaults, so `add` fails instead of hanging when Redis is down.
      q = new Queue(queueName(name), { connection: { url: opts.connection, retryStrategy: reconnectDelay }, prefix });
      q.on('error', onError);
      queues.set(name, q);
    }
    return q;
  };

  const startWorker = (name: string, processor: JobProcessor<unknown>): Worker => {
    const run = async (job: Job): Promise<void> => {
      try {
        await processor({ name, id: portId(job), data: job.data as unknown, attempt: job.attemptsMade + 1, signal: ctl.signal });
      } catch (err) {
        if (err instanceof UnrecoverableJobError) throw new UnrecoverableError(err.message);
        throw asError(err);
      }
    };
    const worker = new Worker(queueName(name), run, {
      // Workers block on Redis: BullMQ requires ioredis to retry those commands forever.
      connection: { url: opts.connection, maxRetriesPerRequest: null, retryStrategy: reconnectDelay },
      prefix,
      concurrency,
    });
    worker.on('error', onError);
    // `attemptsMade` already counts the run that just finished when these events fire.
    worker.on('completed', (job) => emit({ status: 'completed', name, id: portId(job), attempts: job.attemptsMade }));
    worker.on('failed', (job, err) => {
      if (!job) return; // removed after exceeding the stalled limit: nothing left to report on
      const unrecoverable = err instanceof UnrecoverableError || err.name === 'UnrecoverableError';
      if (!unrecoverable && job.attemptsMade < (job.opts.attempts ?? 1)) return; // a retry is scheduled
      emit({ status: 'failed', name, id: portId(job), attempts: job.attemptsMade, unrecoverable, error: err.message });
    });
    return worker;
  };

  const upsert = (id: string, s: { name: string; data: unknown; everyMs: number }, immediately: boolean): Promise<unknown> =>
    // With `every`, BullMQ runs the first job at once unless a start date is given.
    queueFor(s.name).upsertJobScheduler(id, { every: s.everyMs, ...(immediately ? {} : { startDate: Date.now() + s.everyMs }) }, { name: s.name, data: s.data, opts: retryOptions({}) });
  let checking = false;
  const checkSchedules = async (): Promise<void> => {
    if (checking || closing) return;
    checking = true;
    try {
      for (const [id, s] of schedules) {
        if (closing) return;
        if ((await queueFor(s.name).getJobScheduler(id)) !== undefined) continue;
        await upsert(id, s, false);
        onError(new Error(`job schedule "${id}" was missing from Redis (Redis reset?); re-created it`));
      }
    } catch (err) {
      onError(asError(err)); // Redis still down: the next check tries again
    } finally {
      checking = false;
    }
  };
  /**
   * BullMQ's Worker.close can wait forever when it is called while the worker's connection is
   * still reconnecting after an outage (taskforcesh/bullmq#4656): shutdown must not hang on it.
   */
  const boundedClose = async (w: Worker): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => {
      timer = setTimeout(() => r('late'), closeTimeoutMs);
    });
    const res = await Promise.race([w.close(), late]);
    clearTimeout(timer);
    if (res === 'late') onError(new Error(`BullMQ worker "${w.name}" did not close within ${closeTimeoutMs} ms (reconnecting after a Redis outage?); left behind`));
  };
  const checker = setInterval(() => void checkSchedules(), opts.scheduleCheckMs ?? 15_000);
  checker.unref();

  return {
    kind: 'bullmq',
    process(name, processor) {
      assertOpen();
      if (workers.has(name)) throw new Error(`processor for "${name}" already registered`);
      workers.set(name, startWorker(name, processor as JobProcessor<unknown>));
    },
    async add<D>(name: string, data: D, o: JobOptions = {}): Promise<void> {
      assertOpen();
      await queueFor(name).add(name, data, {
        ...retryOptions(o),
        ...(o.jobId !== undefined ? { deduplication: { id: o.jobId } } : {}),
        ...(o.delayMs && o.delayMs > 0 ? { delay: o.delayMs } : {}),
      });
    },
    async repeat<D>(name: string, data: D, o: RepeatOptions): Promise<void> {
      assertOpen();
      if (!(o.everyMs > 0)) throw new Error('everyMs must be positive');
      const prev = schedules.get(o.scheduleId);
      if (prev !== undefined && prev.name !== name) await queueFor(prev.name).removeJobScheduler(o.scheduleId);
      const s = { name, data: data as unknown, everyMs: o.everyMs };
      await upsert(o.scheduleId, s, o.immediately === true);
      schedules.set(o.scheduleId, s);
    },
    onOutcome(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closing ??= (async () => {
        clearInterval(checker);
        ctl.abort(new Error('queue closed'));
        // Workers first (each waits for its running jobs to settle), then the producers.
        const results = await Promise.allSettled([...workers.values()].map((w) => boundedClose(w)));
        results.push(...(await Promise.allSettled([...queues.values()].map((q) => q.close()))));
        for (const r of results) if (r.status === 'rejected') onError(asError(r.reason));
      })();
      return closing;
    },
  };
}
