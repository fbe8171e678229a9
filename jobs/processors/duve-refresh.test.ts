import { CorruptModelError } from '../../ml/duve/export';
import type { RefreshOutcome } from '../../services/user-values';
import { createInProcessQueue } from '../in-process';
import type { JobOutcome, JobQueue } from '../port';
import { duveRefreshProcessor, scheduleDuveRefresh } from './duve-refresh';

const quiet = { info: () => undefined, warn: () => undefined };
const ok: RefreshOutcome = { users: 3, changes: 1, modelVersion: 'duve/value@1', ms: 1 };

function nextOutcome(q: JobQueue): Promise<JobOutcome> {
  return new Promise((resolve) => {
    const off = q.onOutcome((o) => {
      off();
      resolve(o);
    });
  });
}

describe('the DUVE refresh processor', () => {
  let q: JobQueue;
  beforeEach(() => {
    q = createInProcessQueue();
  });
  afterEach(() => q.close());

  it('retries a transient failure with backoff and completes', async () => {
    let calls = 0;
    q.process('duve:refresh@a', duveRefreshProcessor({ refresh: async () => (++calls === 1 ? Promise.reject(new Error('log unreachable')) : ok) }, quiet));
    const done = nextOutcome(q);
    await q.add('duve:refresh@a', {}, { jobId: 'r1', backoffMs: 5 });
    expect(await done).toEqual({ status: 'completed', name: 'duve:refresh@a', id: 'r1', attempts: 2 });
    expect(calls).toBe(2);
  });

  it('treats a corrupt model artifact as unrecoverable: one attempt, no retry', async () => {
    let calls = 0;
    q.process(
      'duve:refresh@a',
      duveRefreshProcessor(
        {
          refresh: async () => {
            calls++;
            throw new CorruptModelError('models/duve/7', 'Unexpected end of JSON input');
          },
        },
        quiet,
      ),
    );
    const done = nextOutcome(q);
    await q.add('duve:refresh@a', {}, { jobId: 'r2', backoffMs: 5 });
    expect(await done).toMatchObject({ status: 'failed', attempts: 1, unrecoverable: true, error: expect.stringContaining('models/duve/7 is corrupt') });
    expect(calls).toBe(1);
  });

  it('runs on a per-instance schedule whose job ids name the period (idempotent)', async () => {
    const name = await scheduleDuveRefresh(q, { refresh: async () => ok }, { everyMs: 40, instanceId: 'gw-1', logger: quiet });
    expect(name).toBe('duve:refresh@gw-1');
    const first = await nextOutcome(q);
    expect(first.status).toBe('completed');
    expect(first.name).toBe('duve:refresh@gw-1');
    expect(first.id).toMatch(/^duve:refresh@gw-1:\d+$/);
    const period = Number(first.id.split(':').at(-1));
    expect(Math.abs(period - Math.floor(Date.now() / 40))).toBeLessThanOrEqual(2);
  });
});
