/**
 * In-process JobQueue: timers and promises in this process, for the embedded default (one
 * command, no services). Same processors, same retry and idempotency semantics as BullMQ;
 * jobs do not survive a restart (schedules are re-registered at boot).
 */
import { randomUUID } from 'node:crypto';
import { UnrecoverableJobError, type JobOptions, type JobOutcome, type JobProcessor, type JobQueue, type RepeatOptions } from './port';

export interface InProcessQueueOptions {
  /** Jobs running at once. Default 1 (jobs are CPU work on a small machine). */
  readonly concurrency?: number;
  /** Called when a job fails for good; default: nothing. */
  readonly onError?: (o: JobOutcome) => void;
}

interface Pending {
  name: string;
  id: string;
  data: unknown;
  attempt: number;
  attempts: number;
  backoffMs: number;
}

export function createInProcessQueue(opts: InProcessQueueOptions = {}): JobQueue {
  const concurrency = opts.concurrency ?? 1;
  const processors = new Map<string, JobProcessor<unknown>>();
  const active = new Set<string>(); // queued or running ids (idempotency)
  const ready: Pending[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const schedules = new Map<string, NodeJS.Timeout>();
  const listeners = new Set<(o: JobOutcome) => void>();
  const running = new Set<Promise<void>>();
  const ctl = new AbortController();
  let closed = false;

  const emit = (o: JobOutcome): void => {
    if (o.status === 'failed') opts.onError?.(o);
    for (const l of listeners) l(o);
  };
  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const pump = (): void => {
    while (!closed && running.size < concurrency && ready.length > 0) {
      const job = ready.shift()!;
      const p = run(job).finally(() => {
        running.delete(p);
        pump();
      });
      running.add(p);
    }
  };

  async function run(job: Pending): Promise<void> {
    const processor = processors.get(job.name);
    try {
      if (!processor) throw new UnrecoverableJobError(`no processor for job "${job.name}"`);
      await processor({ name: job.name, id: job.id, data: job.data, attempt: job.attempt, signal: ctl.signal });
      active.delete(job.id);
      emit({ status: 'completed', name: job.name, id: job.id, attempts: job.attempt });
    } catch (err) {
      const unrecoverable = err instanceof UnrecoverableJobError;
      if (!unrecoverable && job.attempt < job.attempts && !closed) {
        const delay = job.backoffMs * 2 ** (job.attempt - 1);
        later(delay, () => enqueue({ ...job, attempt: job.attempt + 1 }));
        return;
      }
      active.delete(job.id);
      emit({ status: 'failed', name: job.name, id: job.id, attempts: job.attempt, unrecoverable, error: (err as Error)?.message ?? String(err) });
    }
  }

  const enqueue = (job: Pending): void => {
    if (closed) return;
    ready.push(job);
    pump();
  };

  const add = async <D>(name: string, data: D, o: JobOptions = {}): Promise<void> => {
    if (closed) throw new Error('queue is closed');
    const id = o.jobId ?? randomUUID();
    if (active.has(id)) return;
    active.add(id);
    const job: Pending = { name, id, data, attempt: 1, attempts: o.attempts ?? 3, backoffMs: o.backoffMs ?? 1000 };
    if (o.delayMs && o.delayMs > 0) later(o.delayMs, () => enqueue(job));
    else enqueue(job);
  };

  return {
    kind: 'in-process',
    process(name, processor) {
      if (processors.has(name)) throw new Error(`processor for "${name}" already registered`);
      processors.set(name, processor as JobProcessor<unknown>);
    },
    add,
    async repeat(name, data, o: RepeatOptions) {
      if (closed) throw new Error('queue is closed');
      if (!(o.everyMs > 0)) throw new Error('everyMs must be positive');
      const prev = schedules.get(o.scheduleId);
      if (prev) clearInterval(prev);
      // One run per period at most: the period's start time is the job id.
      const tick = (): void => void add(name, data, { jobId: `${o.scheduleId}:${Math.floor(Date.now() / o.everyMs)}` });
      schedules.set(o.scheduleId, setInterval(tick, o.everyMs));
      if (o.immediately) tick();
    },
    onOutcome(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      for (const s of schedules.values()) clearInterval(s);
      for (const t of timers) clearTimeout(t);
      ctl.abort(new Error('queue closed'));
      await Promise.allSettled([...running]);
    },
  };
}
