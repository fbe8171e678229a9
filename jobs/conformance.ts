/**
 * The JobQueue conformance suite: the behaviours every adapter must show, registered as jest
 * tests. An adapter's test file calls it with a function that opens a fresh queue in its own
 * namespace (for BullMQ: a unique key prefix on a test Redis).
 *
 * Written to hold on both adapters: job data is JSON (BullMQ serialises it); waits poll for an
 * observable state with a deadline instead of sleeping a fixed time, except where the absence of
 * a run is the thing checked. Behaviours that differ by design stay out of the suite (listed in
 * jobs/bullmq.ts): concurrency scope, outcomes of jobs run by other processes, a job name without
 * a processor, what happens to a job interrupted by `close`.
 */
import { describe, expect, it } from '@jest/globals';
import { sleep, until } from '../test/support/wait';
import { UnrecoverableJobError, type JobOutcome, type JobQueue } from './port';

/** What a test gets from the adapter under test: a fresh queue in its own namespace. */
export interface JobQueueHarness {
  readonly queue: JobQueue;
  /** Close the queue (again: `close` is idempotent) and release what the harness opened. */
  cleanup(): Promise<void>;
}

export type OpenJobQueue = () => Promise<JobQueueHarness>;

/** Small enough to keep the suite fast, large enough to be measured on a loaded machine. */
const BACKOFF_MS = 20;
/** Timers may fire up to a millisecond early; gaps are checked with this slack. */
const SLACK_MS = 3;
async function withQueue(open: OpenJobQueue, fn: (q: JobQueue, outcomes: JobOutcome[]) => Promise<void>): Promise<void> {
  const h = await open();
  const outcomes: JobOutcome[] = [];
  h.queue.onOutcome((o) => outcomes.push(o));
  try {
    await fn(h.queue, outcomes);
  } finally {
    await h.cleanup();
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Register the suite as `describe(`JobQueue conformance: ${name}`)`. */
export function describeJobQueueConformance(name: string, open: OpenJobQueue): void {
  describe(`JobQueue conformance: ${name}`, () => {
    it('runs the processor with the job name, id, data and attempt', () =>
      withQueue(open, async (q, outcomes) => {
        const seen: { name: string; id: string; data: unknown; attempt: number; aborted: boolean }[] = [];
        q.process<{ userId: string; n: number[] }>('duve:refresh', async (job) => {
          seen.push({ name: job.name, id: job.id, data: job.data, attempt: job.attempt, aborted: job.signal.aborted });
        });
        await q.add('duve:refresh', { userId: 'u1', n: [1, 2] }, { jobId: 'refresh:u1' });
        await q.add('duve:refresh', { userId: 'u2', n: [] });
        await until('two outcomes', () => outcomes.length === 2);
        expect(seen).toEqual([
          { name: 'duve:refresh', id: 'refresh:u1', data: { userId: 'u1', n: [1, 2] }, attempt: 1, aborted: false },
          { name: 'duve:refresh', id: expect.any(String), data: { userId: 'u2', n: [] }, attempt: 1, aborted: false },
        ]);
        const generated = seen[1]?.id ?? '';
        expect(generated).not.toBe('');
        expect(generated).not.toBe('refresh:u1');
        expect(outcomes).toEqual([
          { status: 'completed', name: 'duve:refresh', id: 'refresh:u1', attempts: 1 },
          { status: 'completed', name: 'duve:refresh', id: generated, attempts: 1 },
        ]);
      }));

    it('retries a transient error with exponential backoff, then completes', () =>
      withQueue(open, async (q, outcomes) => {
        const starts: { attempt: number; at: number }[] = [];
        q.process('flaky', async (job) => {
          starts.push({ attempt: job.attempt, at: Date.now() });
          if (job.attempt < 4) throw new Error('redis hiccup');
        });
        await q.add('flaky', {}, { jobId: 'flaky-1', attempts: 4, backoffMs: BACKOFF_MS });
        await until('an outcome', () => outcomes.length === 1);
        expect(outcomes).toEqual([{ status: 'completed', name: 'flaky', id: 'flaky-1', attempts: 4 }]);
        expect(starts.map((s) => s.attempt)).toEqual([1, 2, 3, 4]);
        // Retry n waits backoffMs * 2^(n-1): 20, 40, 80 ms. The last gap tells exponential from
        // fixed even when each hop adds the adapter's own latency.
        const gaps = starts.slice(1).map((s, i) => s.at - starts[i]!.at);
        gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(BACKOFF_MS * 2 ** i - SLACK_MS));
      }));

    it('does not retry an unrecoverable error and reports it as unrecoverable', () =>
      withQueue(open, async (q, outcomes) => {
        let runs = 0;
        q.process('load-model', async () => {
          runs++;
          throw new UnrecoverableJobError('model file is corrupt');
        });
        await q.add('load-model', {}, { jobId: 'load-1', attempts: 5, backoffMs: 1 });
        await until('an outcome', () => outcomes.length === 1);
        expect(outcomes).toEqual([{ status: 'failed', name: 'load-model', id: 'load-1', attempts: 1, unrecoverable: true, error: 'model file is corrupt' }]);
        await sleep(50); // a retry, if any, would have run by now (backoff 1 ms)
        expect(runs).toBe(1);
      }));

    it('fails for good after the last attempt of a transient error', () =>
      withQueue(open, async (q, outcomes) => {
        let runs = 0;
        q.process('down', async () => {
          runs++;
          throw new Error(`still down (${runs})`);
        });
        await q.add('down', {}, { jobId: 'down-1', attempts: 2, backoffMs: BACKOFF_MS });
        await until('an outcome', () => outcomes.length === 1);
        expect(outcomes).toEqual([{ status: 'failed', name: 'down', id: 'down-1', attempts: 2, unrecoverable: false, error: 'still down (2)' }]);
        await sleep(4 * BACKOFF_MS);
        expect(runs).toBe(2);
        expect(outcomes).toHaveLength(1);
      }));

    it('ignores a job id while it is queued or running, and accepts it again once finished', () =>
      withQueue(open, async (q, outcomes) => {
        const runs: number[] = [];
        const started = deferred();
        const gate = deferred();
        q.process<{ v: number }>('refresh', async (job) => {
          runs.push(job.data.v);
          started.resolve();
          await gate.promise;
        });
        await q.add('refresh', { v: 1 }, { jobId: 'refresh:42' });
        await q.add('refresh', { v: 2 }, { jobId: 'refresh:42' }); // queued or running: ignored
        await started.promise;
        await q.add('refresh', { v: 3 }, { jobId: 'refresh:42' }); // running: ignored
        gate.resolve();
        await until('the first outcome', () => outcomes.length === 1);
        await q.add('refresh', { v: 4 }, { jobId: 'refresh:42' }); // finished: runs again
        await until('the second outcome', () => outcomes.length === 2);
        await sleep(50);
        expect(runs).toEqual([1, 4]);
        expect(outcomes.map((o) => [o.status, o.id])).toEqual([
          ['completed', 'refresh:42'],
          ['completed', 'refresh:42'],
        ]);
      }));

    it('keeps a job id reserved while a retry waits for its backoff', () =>
      withQueue(open, async (q, outcomes) => {
        const runs: [number, number][] = [];
        q.process<{ v: number }>('retrying', async (job) => {
          runs.push([job.data.v, job.attempt]);
          if (job.attempt === 1) throw new Error('transient');
        });
        await q.add('retrying', { v: 1 }, { jobId: 'r-1', attempts: 2, backoffMs: 400 });
        await until('the first attempt', () => runs.length === 1);
        await q.add('retrying', { v: 2 }, { jobId: 'r-1' });
        await until('an outcome', () => outcomes.length === 1);
        await sleep(50);
        expect(runs).toEqual([
          [1, 1],
          [1, 2],
        ]);
        expect(outcomes).toEqual([{ status: 'completed', name: 'retrying', id: 'r-1', attempts: 2 }]);
      }));

    it('runs a delayed job no earlier than delayMs', () =>
      withQueue(open, async (q, outcomes) => {
        let ranAt = 0;
        q.process('later', async () => {
          ranAt = Date.now();
        });
        const addedAt = Date.now();
        await q.add('later', {}, { delayMs: 150 });
        await until('an outcome', () => outcomes.length === 1);
        expect(ranAt - addedAt).toBeGreaterThanOrEqual(150 - SLACK_MS);
      }));

    it('repeats on a schedule with the given data, and stops on close', async () => {
      const h = await open();
      try {
        const data: unknown[] = [];
        h.queue.process('tick', async (job) => {
          data.push(job.data);
        });
        await h.queue.repeat('tick', { model: 'duve' }, { everyMs: 40, scheduleId: 'tick:every-40', immediately: true });
        await until('three runs', () => data.length >= 3);
        await h.queue.close();
        const seen = data.length;
        expect(data.every((d) => JSON.stringify(d) === '{"model":"duve"}')).toBe(true);
        await sleep(150);
        expect(data).toHaveLength(seen);
      } finally {
        await h.cleanup();
      }
    });

    it('waits one period before the first run unless immediately is set', () =>
      withQueue(open, async (q) => {
        const runs: string[] = [];
        q.process<{ s: string }>('periodic', async (job) => {
          runs.push(job.data.s);
        });
        const t0 = Date.now();
        await q.repeat('periodic', { s: 'later' }, { everyMs: 800, scheduleId: 'periodic-later' });
        await q.repeat('periodic', { s: 'now' }, { everyMs: 800, scheduleId: 'periodic-now', immediately: true });
        await until('the immediate run', () => runs.includes('now'));
        expect(runs).not.toContain('later');
        await until('the first scheduled run', () => runs.includes('later'));
        expect(Date.now() - t0).toBeGreaterThanOrEqual(800 - SLACK_MS);
      }));

    it('replaces a schedule registered again under the same scheduleId', () =>
      withQueue(open, async (q) => {
        const runs: number[] = [];
        q.process<{ v: number }>('swap', async (job) => {
          runs.push(job.data.v);
        });
        await q.repeat('swap', { v: 1 }, { everyMs: 30, scheduleId: 'swap:v', immediately: true });
        await until('two runs of the first version', () => runs.length >= 2);
        await q.repeat('swap', { v: 2 }, { everyMs: 30, scheduleId: 'swap:v', immediately: true });
        await until('three runs of the second version', () => runs.filter((v) => v === 2).length >= 3);
        // Once the second version has run, the first never runs again (it was replaced, not added).
        const firstV2 = runs.indexOf(2);
        expect(runs.slice(firstV2).every((v) => v === 2)).toBe(true);
      }));

    it('moves a schedule registered again under another job name', () =>
      withQueue(open, async (q) => {
        const runs = { a: 0, b: 0 };
        q.process('move-a', async () => void runs.a++);
        q.process('move-b', async () => void runs.b++);
        await q.repeat('move-a', {}, { everyMs: 30, scheduleId: 'mover', immediately: true });
        await until('a run of the first name', () => runs.a >= 1);
        await q.repeat('move-b', {}, { everyMs: 30, scheduleId: 'mover', immediately: true });
        await until('two runs of the second name', () => runs.b >= 2);
        const a = runs.a;
        await until('three more runs of the second name', () => runs.b >= 5);
        expect(runs.a).toBe(a);
      }));

    it('aborts running jobs on close and waits for them to settle', async () => {
      const h = await open();
      try {
        const started = deferred();
        let abortedInJob = false;
        let settled = false;
        h.queue.process('long', async (job) => {
          started.resolve();
          await new Promise<void>((r) => job.signal.addEventListener('abort', () => r(), { once: true }));
          abortedInJob = job.signal.aborted;
          await sleep(30);
          settled = true;
        });
        await h.queue.add('long', {}, { attempts: 1 });
        await started.promise;
        await h.queue.close();
        expect(abortedInJob).toBe(true);
        expect(settled).toBe(true);
      } finally {
        await h.cleanup();
      }
    });

    it('rejects a second processor for a name, a non-positive period, and add or repeat after close', () =>
      withQueue(open, async (q) => {
        q.process('once', async () => undefined);
        expect(() => q.process('once', async () => undefined)).toThrow(/already registered/);
        await expect(q.repeat('once', {}, { everyMs: 0, scheduleId: 'bad' })).rejects.toThrow(/everyMs/);
        await q.close();
        await expect(q.add('once', {})).rejects.toThrow(/closed/);
        await expect(q.repeat('once', {}, { everyMs: 1000, scheduleId: 'late' })).rejects.toThrow();
      }));
  });
}
