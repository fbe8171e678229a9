/**
 * The DUVE refresh job through a real gateway on BullMQ (a private redis-server): it runs on its
 * schedule, republishes values that decayed, hot-swaps to a newly published model version, and
 * treats a corrupt artifact as unrecoverable while the gateway keeps serving the last good one.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobOutcome } from '../../jobs/port';
import { RecordEventsDocument, UserValueDocument } from '../generated/graphql';
import { publishTestDuveModel } from '../support/duve-model';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { startRedis, type RunningRedis } from '../support/redis';

let redis: RunningRedis | undefined;
let root: string;
let t: TestGateway;
const outcomes: JobOutcome[] = [];

/** Resolve with the first outcome after now that matches. */
function waitFor(pred: (o: JobOutcome) => boolean, timeoutMs = 20_000): Promise<JobOutcome> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching job outcome in ${timeoutMs} ms; saw ${JSON.stringify(outcomes.slice(-3))}`));
    }, timeoutMs);
    const off = t.gateway.jobs.onOutcome((o) => {
      if (!pred(o)) return;
      clearTimeout(timer);
      off();
      resolve(o);
    });
  });
}

beforeAll(async () => {
  redis = await startRedis();
  root = mkdtempSync(join(tmpdir(), 'refresh-models-'));
  const { modelDir } = await publishTestDuveModel(root);
  // Refresh every 0.6 s; events are real-time, so values decay between refreshes.
  t = await startTestGateway({ env: { DUVE_MODEL_DIR: modelDir, REDIS_URL: redis.url, DUVE_REFRESH_MINUTES: '0.01', VALUE_CHANGE_MIN_DELTA: '0' } });
  t.gateway.jobs.onOutcome((o) => outcomes.push(o));
  const now = Date.now() - 2 * 3_600_000;
  const events = [0, 1, 2, 3].flatMap((u) => [
    { eventId: `r-${u}-v`, userId: `u${u}`, type: 'view', itemId: `i${u}`, ts: new Date(now - 3_600_000 * (u + 1)).toISOString() },
    { eventId: `r-${u}-c`, userId: `u${u}`, type: 'add_to_cart', itemId: `i${u}`, ts: new Date(now - 1_800_000 * (u + 1)).toISOString() },
  ]);
  expect((await t.gql(RecordEventsDocument, { events })).data?.recordEvents.accepted).toBe(8);
});

afterAll(async () => {
  await t?.stop();
  await redis?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('DUVE refresh on BullMQ', () => {
  it('runs on its schedule on the BullMQ adapter, once per period id', async () => {
    expect(t.gateway.jobs.kind).toBe('bullmq');
    const o = await waitFor((x) => x.status === 'completed');
    expect(o.name).toMatch(/^duve:refresh@127\.0\.0\.1:\d+$/);
    const done = outcomes.filter((x) => x.status === 'completed').map((x) => x.id);
    expect(new Set(done).size).toBe(done.length);
  });

  it('republishes the values of users without new events once data time moves on (decay)', async () => {
    const refreshed = new Set<string>();
    const unsubscribe = await t.gateway.valueChanges.subscribe(undefined, (c) => {
      if (c.change.reason === 'refresh') refreshed.add(c.change.userId);
    });
    try {
      const before = (await t.gql(UserValueDocument, { userId: 'u3' })).data!.userValue!;
      // A newer event of another user moves the data time two hours on.
      const later = new Date(Date.now()).toISOString();
      expect((await t.gql(RecordEventsDocument, { events: [{ eventId: 'r-late', userId: 'late', type: 'view', itemId: 'i9', ts: later }] })).data?.recordEvents.accepted).toBe(1);
      await waitFor((x) => x.status === 'completed');
      await waitFor((x) => x.status === 'completed');
      expect([...refreshed].sort()).toEqual(expect.arrayContaining(['u0', 'u1', 'u2', 'u3']));
      const after = (await t.gql(UserValueDocument, { userId: 'u3' })).data!.userValue!;
      expect(Date.parse(after.updatedAt)).toBeGreaterThan(Date.parse(before.updatedAt));
      expect(after.drivers.find((d) => d.type === 'view')!.decayedCount).toBeLessThan(before.drivers.find((d) => d.type === 'view')!.decayedCount);
    } finally {
      unsubscribe();
    }
  });

  it('hot-swaps to a newer model version published under DUVE_MODEL_DIR', async () => {
    expect((await t.gql(UserValueDocument, { userId: 'u1' })).data?.userValue?.modelVersion).toBe('duve/value@1');
    const { version } = await publishTestDuveModel(root);
    expect(version).toBe(2);
    await waitFor((x) => x.status === 'completed');
    await waitFor((x) => x.status === 'completed');
    const v = (await t.gql(UserValueDocument, { userId: 'u1' })).data?.userValue;
    expect(v?.modelVersion).toBe('duve/value@2');
    expect(t.gateway.userValues?.engine().userCount).toBe(5); // rebuilt from the store: u0..u3 and late
  });

  it('fails a corrupt artifact as unrecoverable (one attempt) and keeps serving the last good version', async () => {
    const bad = join(root, 'duve', '3');
    mkdirSync(bad);
    writeFileSync(join(bad, 'manifest.json'), '{"format": "duve-value-head", ');
    const failed = await waitFor((x) => x.status === 'failed');
    expect(failed).toMatchObject({ status: 'failed', unrecoverable: true, attempts: 1 });
    expect((failed as { error: string }).error).toContain('is corrupt');
    const v = (await t.gql(UserValueDocument, { userId: 'u2' })).data?.userValue;
    expect(v?.modelVersion).toBe('duve/value@2');
    expect(v?.purchaseProbability).toBeGreaterThan(0);
  });
});
