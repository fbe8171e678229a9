import { describeJobQueueConformance } from './conformance';
import { createJobQueue } from './factory';
import { createInProcessQueue } from './in-process';
import type { JobOutcome } from './port';

describeJobQueueConformance('in-process', async () => {
  const queue = createInProcessQueue();
  return { queue, cleanup: () => queue.close() };
});

describe('in-process job queue (adapter-specific)', () => {
  it('fails a job whose name has no processor, unrecoverably and at once', async () => {
    const q = createInProcessQueue();
    const got: JobOutcome[] = [];
    q.onOutcome((o) => got.push(o));
    await q.add('nobody-home', {}, { jobId: 'n-1', attempts: 3, backoffMs: 1 });
    await q.close();
    expect(got).toEqual([{ status: 'failed', name: 'nobody-home', id: 'n-1', attempts: 1, unrecoverable: true, error: 'no processor for job "nobody-home"' }]);
  });

  it('passes final failures, and only those, to onError', async () => {
    const errors: JobOutcome[] = [];
    const q = createInProcessQueue({ onError: (o) => errors.push(o) });
    q.process<{ fail: boolean }>('maybe', async (job) => {
      if (job.data.fail) throw new Error('boom');
    });
    const done = new Promise<void>((resolve) => {
      let n = 0;
      q.onOutcome(() => {
        if (++n === 2) resolve();
      });
    });
    await q.add('maybe', { fail: false });
    await q.add('maybe', { fail: true }, { jobId: 'bad', attempts: 1 });
    await done;
    await q.close();
    expect(errors).toEqual([{ status: 'failed', name: 'maybe', id: 'bad', attempts: 1, unrecoverable: false, error: 'boom' }]);
  });

  it('limits running jobs to `concurrency` across all job names', async () => {
    const q = createInProcessQueue({ concurrency: 2 });
    let running = 0;
    let peak = 0;
    const work = async (): Promise<void> => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 10));
      running--;
    };
    q.process('a', work);
    q.process('b', work);
    const done = new Promise<void>((resolve) => {
      let n = 0;
      q.onOutcome(() => {
        if (++n === 6) resolve();
      });
    });
    for (let i = 0; i < 3; i++) {
      await q.add('a', {});
      await q.add('b', {});
    }
    await done;
    await q.close();
    expect(peak).toBe(2);
  });
});

describe('createJobQueue', () => {
  it('runs in-process when no Redis URL is configured', async () => {
    const unset = createJobQueue({});
    const empty = createJobQueue({ redisUrl: '', prefix: 'ignored' });
    expect([unset.kind, empty.kind]).toEqual(['in-process', 'in-process']);
    await Promise.all([unset.close(), empty.close()]);
  });
});
