/**
 * The JobQueue conformance suite against BullMQ on a real Redis: a private `redis-server` on a
 * loopback port for this file, and a fresh key prefix for every test so no test sees another's
 * jobs or schedules. The queues are opened through the factory, as the gateway opens them.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { describeJobQueueConformance } from '../../jobs/conformance';
import { createJobQueue } from '../../jobs/factory';
import { useRedisForThisFile } from '../support/redis';

const redisUrl = useRedisForThisFile();

const freshPrefix = (): string => `recgate-test-${randomUUID()}`;

describeJobQueueConformance('bullmq', async () => {
  const queue = createJobQueue({ redisUrl: redisUrl(), prefix: freshPrefix() });
  return { queue, cleanup: () => queue.close() };
});

describe('BullMQ job queue (adapter-specific)', () => {
  it('is the adapter the factory picks when a Redis URL is set', async () => {
    const q = createJobQueue({ redisUrl: redisUrl(), prefix: freshPrefix() });
    expect(q.kind).toBe('bullmq');
    await q.close();
  });

  it('keeps the schedule in Redis after close, under the configured prefix, once per scheduleId', async () => {
    const prefix = freshPrefix();
    const q = createJobQueue({ redisUrl: redisUrl(), prefix });
    await q.repeat('duve:refresh', { v: 1 }, { everyMs: 60_000, scheduleId: 'duve-refresh' });
    await q.repeat('duve:refresh', { v: 2 }, { everyMs: 60_000, scheduleId: 'duve-refresh' });
    await q.close();
    // Read back with a plain BullMQ client: the queue name encodes ':' (BullMQ forbids it).
    const probe = new Queue('duve%3Arefresh', { connection: { url: redisUrl() }, prefix });
    try {
      const schedulers = await probe.getJobSchedulers();
      expect(schedulers.map((s) => [s.key, s.every, s.template?.data])).toEqual([['duve-refresh', 60_000, { v: 2 }]]);
      const other = new Queue('duve%3Arefresh', { connection: { url: redisUrl() }, prefix: freshPrefix() });
      try {
        expect(await other.getJobSchedulers()).toEqual([]);
      } finally {
        await other.close();
      }
    } finally {
      await probe.close();
    }
  });
});
