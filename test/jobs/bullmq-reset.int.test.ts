/**
 * A BullMQ repeatable schedule survives a Redis that comes back empty (a private `redis-server`
 * that the test stops and restarts on the same port, without persistence): the queue notices the
 * schedule is missing and re-creates it, and the job runs again without restarting the process.
 */
import { Queue } from 'bullmq';
import { createBullMqQueue } from '../../jobs/bullmq';
import { restartRedis, startRedis, type RunningRedis } from '../support/redis';
import { until } from '../support/wait';

describe('BullMQ schedule after Redis comes back empty', () => {
  let redis: RunningRedis;
  afterEach(async () => {
    await redis?.stop();
  });

  it('re-creates the repeatable schedule and runs the job again', async () => {
    redis = await startRedis();
    const errors: string[] = [];
    const q = createBullMqQueue({ connection: redis.url, prefix: 'reset-test', scheduleCheckMs: 200, onError: (e) => errors.push(e.message) });
    const runs: number[] = [];
    q.process('tick', async () => {
      runs.push(Date.now());
    });
    try {
      await q.repeat('tick', {}, { everyMs: 300, scheduleId: 'tick-schedule' });
      await until('a first run', () => runs.length >= 1, 10_000);
      redis = await restartRedis(redis);
      const before = runs.length;
      const restartedAt = Date.now();
      await until('a run after Redis came back empty', () => runs.length > before && runs[runs.length - 1]! > restartedAt, 15_000);
      expect(errors.some((m) => m.includes('job schedule "tick-schedule" was missing from Redis'))).toBe(true);
      // The schedule is back in Redis with its period.
      const inspect = new Queue('tick', { connection: { url: redis.url }, prefix: 'reset-test' });
      try {
        expect((await inspect.getJobScheduler('tick-schedule'))?.every).toBe(300);
      } finally {
        await inspect.close();
      }
    } finally {
      await q.close();
    }
  });
});
