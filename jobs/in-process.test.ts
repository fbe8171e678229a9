import { createInProcessQueue } from './in-process';
import { UnrecoverableJobError, type JobOutcome } from './port';

function outcomes(q: ReturnType<typeof createInProcessQueue>, n: number): Promise<JobOutcome[]> {
  const got: JobOutcome[] = [];
  return new Promise((resolve) => {
    q.onOutcome((o) => {
      got.push(o);
      if (got.length === n) resolve(got);
    });
  });
}

describe('in-process job queue', () => {
  it('retries transient errors with backoff, then completes', async () => {
    const q = createInProcessQueue();
    const attempts: number[] = [];
    q.process<{ x: number }>('flaky', async (job) => {
      attempts.push(job.attempt);
      if (job.attempt < 3) throw new Error('redis hiccup');
    });
    const done = outcomes(q, 1);
    await q.add('flaky', { x: 1 }, { attempts: 3, backoffMs: 5 });
    expect(await done).toEqual([{ status: 'completed', name: 'flaky', id: expect.any(String), attempts: 3 }]);
    expect(attempts).toEqual([1, 2, 3]);
    await q.close();
  });

  it('does not retry an unrecoverable error', async () => {
    const q = createInProcessQueue();
    let runs = 0;
    q.process('load-model', async () => {
      runs++;
      throw new UnrecoverableJobError('model file is corrupt');
    });
    const done = outcomes(q, 1);
    await q.add('load-model', {}, { attempts: 5, backoffMs: 1 });
    expect((await done)[0]).toMatchObject({ status: 'failed', unrecoverable: true, attempts: 1, error: 'model file is corrupt' });
    expect(runs).toBe(1);
    await q.close();
  });

  it('gives up after the last attempt of a transient error', async () => {
    const q = createInProcessQueue();
    q.process('down', async () => {
      throw new Error('still down');
    });
    const done = outcomes(q, 1);
    await q.add('down', {}, { attempts: 2, backoffMs: 1 });
    expect((await done)[0]).toMatchObject({ status: 'failed', unrecoverable: false, attempts: 2 });
    await q.close();
  });

  it('ignores a job id that is already queued or running (idempotent)', async () => {
    const q = createInProcessQueue();
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    q.process('refresh', async () => {
      runs++;
      await gate;
    });
    const done = outcomes(q, 1);
    await q.add('refresh', {}, { jobId: 'refresh:42' });
    await q.add('refresh', {}, { jobId: 'refresh:42' });
    release();
    await done;
    expect(runs).toBe(1);
    await q.close();
  });

  it('repeats on a schedule and stops on close', async () => {
    const q = createInProcessQueue();
    let runs = 0;
    q.process('tick', async () => {
      runs++;
    });
    await q.repeat('tick', {}, { everyMs: 20, scheduleId: 'tick', immediately: true });
    await new Promise((r) => setTimeout(r, 110));
    await q.close();
    const seen = runs;
    expect(seen).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 60));
    expect(runs).toBe(seen);
  });
});
