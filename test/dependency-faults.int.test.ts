/**
 * Dependency faults through the gateway, on a real `redis-server` that the test stops and restarts
 * (same port, no persistence: it comes back empty). With Redis down, recordEvents acknowledges
 * stored events at its normal latency, value changes wait in the durable outbox, /readyz reports
 * the degraded dependency, and when Redis returns the outbox publishes every change in order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { ErrorCode } from '../errors/codes';
import type { ValueChange } from '../domain/user-value';
import { RecordEventsDocument } from './generated/graphql';
import { publishTestDuveModel } from './support/duve-model';
import { startTestGateway, type TestGateway } from './support/gateway';
import { restartRedis, startRedis, type RunningRedis } from './support/redis';
import { until } from './support/wait';

const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

describe('dependency faults: Redis down and back empty', () => {
  let redis: RunningRedis;
  let dir: string;
  let t: TestGateway;
  let n = 0;

  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'faults-'));
    const { modelDir } = await publishTestDuveModel(join(dir, 'models'));
    t = await startTestGateway({ env: { REDIS_URL: redis.url, DUVE_MODEL_DIR: modelDir } });
  });
  afterAll(async () => {
    await t?.stop();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** One recordEvents for a new user (so it yields a value change); returns its latency in ms. */
  async function record(prefix: string): Promise<number> {
    const user = `${prefix}-${n++}`;
    const ts = new Date(Date.now() - 60_000).toISOString();
    const t0 = performance.now();
    const res = await t.gql(RecordEventsDocument, { events: [{ eventId: `${user}-e`, userId: user, type: 'purchase', itemId: 'i-1', ts, value: 20 }] });
    const ms = performance.now() - t0;
    expect(res.errors).toBeUndefined();
    expect(res.data?.recordEvents.accepted).toBe(1);
    return ms;
  }
  const readyz = async (): Promise<{ status: string; dependencies: { redis: string; outbox: { backlog: number } | null } }> => {
    const res = await t.get('/readyz', { key: null });
    expect(res.status).toBe(200);
    return (await res.json()) as never;
  };
  const stream = async (url: string): Promise<ValueChange[]> => {
    const r = new Redis(url);
    try {
      const entries = (await r.xrange('recgate:value-changes', '-', '+')) as [string, string[]][];
      return entries.map(([, f]) => JSON.parse(f[1]!) as ValueChange);
    } finally {
      r.disconnect();
    }
  };

  it('keeps acknowledging events during an outage, reports it, and publishes the outbox in order afterwards', async () => {
    await until('redis up', () => t.gateway.valueChanges.connection() === 'up', 10_000);
    for (let i = 0; i < 3; i++) await record('warm');
    const normal: number[] = [];
    for (let i = 0; i < 20; i++) normal.push(await record('normal'));
    await t.gateway.outbox!.drained();
    expect((await readyz()).status).toBe('ready');
    const [cursorBefore] = await t.gateway.valueChanges.append([(await stream(redis.url))[0]!]);

    await redis.stop();
    const outage: number[] = [];
    const outageUsers: string[] = [];
    for (let i = 0; i < 20; i++) {
      outageUsers.push(`outage-${n}`);
      outage.push(await record('outage'));
    }
    // No call waits on Redis: each is about as fast as before the outage (bounded generously for a shared CI box).
    expect(quantile(outage, 0.99)).toBeLessThan(Math.max(500, 10 * quantile(normal, 0.5)));
    const during = await readyz();
    expect(during.status).toBe('degraded');
    expect(during.dependencies.redis).toBe('down');
    const backlog = t.gateway.outbox!.status().backlog;
    expect(backlog).toBeGreaterThanOrEqual(outageUsers.length);
    expect(during.dependencies.outbox?.backlog).toBe(backlog);
    // The feed still serves.
    expect((await t.raw('{ feed(userId: "outage-0", limit: 3) { items { itemId } } }')).errors).toBeUndefined();

    redis = await restartRedis(redis);
    const t0 = performance.now();
    await t.gateway.outbox!.drained();
    const drainMs = performance.now() - t0;
    const published = await stream(redis.url);
    // Every change made during the outage, in order, none lost (the new stream holds only these).
    expect(published).toHaveLength(backlog);
    const order = published.map((c) => c.userId).filter((u, i, all) => u.startsWith('outage-') && all[i - 1] !== u);
    expect(order).toEqual(outageUsers);
    await until('ready again', () => t.gateway.valueChanges.connection() === 'up', 10_000);
    const after = await readyz();
    expect([after.status, after.dependencies.redis, after.dependencies.outbox?.backlog]).toEqual(['ready', 'up', 0]);
    // A cursor from before Redis came back empty cannot be resumed from: it would skip what the reset lost.
    await expect(t.gateway.valueChanges.subscribe(cursorBefore, () => undefined)).rejects.toMatchObject({ code: ErrorCode.CURSOR_EXPIRED });
    // Let BullMQ's worker finish reconnecting (<= 1 s backoff) before the gateway stops: a Worker
    // closed mid-reconnect waits forever (taskforcesh/bullmq#4656; jobs/bullmq.ts bounds that wait).
    await new Promise((r) => setTimeout(r, 1_500));
    console.log(
      `recordEvents ms: normal p50 ${quantile(normal, 0.5).toFixed(1)} p99 ${quantile(normal, 0.99).toFixed(1)}; ` +
        `Redis down p50 ${quantile(outage, 0.5).toFixed(1)} p99 ${quantile(outage, 0.99).toFixed(1)}; outbox of ${backlog} changes drained ${drainMs.toFixed(0)} ms after restart`,
    );
  });
});
