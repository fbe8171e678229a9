/**
 * The Redis value-change log across a Redis outage and a Redis that comes back empty (a private
 * `redis-server` that the test stops and restarts on the same port, without persistence): appends
 * fail fast instead of hanging, and a cursor from before the reset answers CURSOR_EXPIRED, never
 * a silent skip of the changes the reset lost.
 */
import { ErrorCode } from '../../errors/codes';
import { sampleChange } from '../../pubsub/conformance';
import type { ValueChangeLog } from '../../pubsub/port';
import { createRedisValueChangeLog } from '../../pubsub/redis';
import { restartRedis, startRedis, type RunningRedis } from '../support/redis';
import { until } from '../support/wait';

describe('Redis value-change log: outage and reset', () => {
  let redis: RunningRedis;
  let log: ValueChangeLog;
  beforeEach(async () => {
    redis = await startRedis();
    log = createRedisValueChangeLog({ url: redis.url, key: 'reset-test', blockMs: 200, onError: () => undefined });
  });
  afterEach(async () => {
    await log.close();
    await redis.stop();
  });

  it('rejects appends within a second while Redis is down, and reports the connection down then up', async () => {
    await log.append([sampleChange(0)]);
    expect(log.connection()).toBe('up');
    await redis.stop();
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await expect(log.append([sampleChange(1)])).rejects.toThrow();
      waits.push(performance.now() - t0);
    }
    expect(Math.max(...waits)).toBeLessThan(1_000);
    expect(log.connection()).toBe('down');
    redis = await restartRedis(redis);
    await until('reconnected', () => log.connection() === 'up', 10_000);
    expect(await log.append([sampleChange(2)])).toHaveLength(1);
  });

  it('answers CURSOR_EXPIRED for a cursor from before Redis came back empty, even after new appends', async () => {
    const before = await log.append(Array.from({ length: 40 }, (_, i) => sampleChange(i)));
    const cursor = before[2]!; // 37 changes after it are lost by the reset
    redis = await restartRedis(redis);
    await until('reconnected', () => log.connection() === 'up', 10_000);
    // Empty stream: the cursor is ahead of everything this log knows.
    await expect(log.subscribe(cursor, () => undefined)).rejects.toMatchObject({ code: ErrorCode.CURSOR_EXPIRED });
    const after = await log.append([sampleChange(100), sampleChange(101)]);
    // New changes now come after the cursor in time: the reset must still be detected.
    await expect(log.subscribe(cursor, () => undefined)).rejects.toMatchObject({ code: ErrorCode.CURSOR_EXPIRED });
    // A cursor of the new stream resumes normally.
    const got: string[] = [];
    const stop = await log.subscribe(after[0]!, (c) => got.push(c.cursor));
    await until('replay', () => got.length === 1);
    expect(got).toEqual([after[1]]);
    stop();
  });

  it('ends a live subscription with CURSOR_EXPIRED when Redis comes back empty', async () => {
    await log.append([sampleChange(0)]);
    let ended: Error | undefined;
    let endedCalls = 0;
    const stop = await log.subscribe(
      undefined,
      () => undefined,
      (err) => {
        endedCalls++;
        ended = err;
      },
    );
    redis = await restartRedis(redis);
    await log.append([sampleChange(1)]).catch(() => log.append([sampleChange(1)]));
    await until('subscription ended', () => endedCalls > 0, 10_000);
    expect(ended).toMatchObject({ code: ErrorCode.CURSOR_EXPIRED });
    stop();
  });
});
