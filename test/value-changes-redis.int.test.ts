/**
 * Fan-out across gateway instances: two gateways on one real Redis (a private `redis-server` on a
 * loopback port), each with its own store. A partner subscribed on instance B receives a change
 * caused on instance A: appended to A's value-change log, and computed by A's DUVE engine from a
 * `recordEvents` sent to A over HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordEventsDocument, UserValueDocument } from './generated/graphql';
import { sampleChange } from '../pubsub/conformance';
import { publishTestDuveModel } from './support/duve-model';
import { startTestGateway, type TestGateway } from './support/gateway';
import { subscribeValueChanges, writePartnersFile, type PartnerSubscription } from './support/partners';
import { startRedis, type RunningRedis } from './support/redis';

describe('userValueChanged across two gateways on one Redis', () => {
  let redis: RunningRedis;
  let dir: string;
  let a: TestGateway;
  let b: TestGateway;
  let keys: Record<string, string>;
  const subs: PartnerSubscription[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'fanout-'));
    const partners = writePartnersFile(dir, { acme: ['high-value'], wide: ['new', 'latent-high-intent', 'high-value', 'at-risk', 'dormant'] });
    keys = partners.keys;
    const { modelDir } = await publishTestDuveModel(join(dir, 'models'));
    const env = { REDIS_URL: redis.url, PARTNERS_FILE: partners.file, DUVE_MODEL_DIR: modelDir };
    a = await startTestGateway({ env });
    b = await startTestGateway({ env });
  });
  afterEach(async () => {
    await Promise.all(subs.splice(0).map((s) => s.dispose()));
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('uses the Redis log on both instances', () => {
    expect([a.gateway.valueChanges.kind, b.gateway.valueChanges.kind]).toEqual(['redis', 'redis']);
    expect(a.gateway.port).not.toBe(b.gateway.port);
  });

  it('delivers a change appended on instance A to a subscriber on instance B, with the same cursor', async () => {
    const [after] = await b.gateway.valueChanges.append([sampleChange(0, { userId: 'baseline', segment: 'new' })]);
    const onB = subscribeValueChanges(b.gateway.url, keys.acme, { after });
    subs.push(onB);
    const cursors = await a.gateway.valueChanges.append([
      sampleChange(1, { userId: 'from-a', segment: 'high-value' }),
      sampleChange(2, { userId: 'hidden', segment: 'dormant' }),
      sampleChange(3, { userId: 'from-a-2', segment: 'high-value' }),
    ]);
    const got = await onB.waitFor(2);
    expect(got.map((c) => [c.userId, c.cursor])).toEqual([
      ['from-a', cursors[0]],
      ['from-a-2', cursors[2]],
    ]);
  });

  it('resumes on instance B from a cursor received on instance A', async () => {
    const [after] = await a.gateway.valueChanges.append([sampleChange(0, { userId: 'baseline', segment: 'new' })]);
    const onA = subscribeValueChanges(a.gateway.url, keys.acme, { after });
    subs.push(onA);
    await a.gateway.valueChanges.append([sampleChange(1, { userId: 'seen-on-a', segment: 'high-value' })]);
    const [last] = await onA.waitFor(1);
    await onA.dispose();
    const missed = await b.gateway.valueChanges.append([sampleChange(2, { userId: 'missed', segment: 'high-value' })]);
    const onB = subscribeValueChanges(b.gateway.url, keys.acme, { after: last!.cursor });
    subs.push(onB);
    expect((await onB.waitFor(1)).map((c) => c.cursor)).toEqual(missed);
  });

  it('delivers to a subscriber on B the value change DUVE computes on A from recordEvents sent to A', async () => {
    const [after] = await b.gateway.valueChanges.append([sampleChange(0, { userId: 'baseline', segment: 'new' })]);
    const onB = subscribeValueChanges(b.gateway.url, keys.wide, { after, userIds: ['fan-1'] });
    subs.push(onB);
    const t0 = Date.now() - 60 * 60_000;
    const ts = (min: number): string => new Date(t0 + min * 60_000).toISOString();
    const res = await a.gql(RecordEventsDocument, {
      events: [
        { eventId: 'fan-e1', userId: 'fan-1', type: 'view', itemId: 'i-1', ts: ts(0) },
        { eventId: 'fan-e2', userId: 'fan-1', type: 'add_to_cart', itemId: 'i-1', ts: ts(5) },
        { eventId: 'fan-e3', userId: 'fan-1', type: 'purchase', itemId: 'i-1', ts: ts(10), value: 42 },
      ],
    });
    expect(res.errors).toBeUndefined();
    expect(res.data?.recordEvents.accepted).toBe(3);
    const [first] = await onB.waitFor(1, 10_000);
    expect(first).toMatchObject({ userId: 'fan-1', previousSegment: null, previousValue: null, reason: 'EVENT', modelVersion: 'duve/value@1' });
    // The change B delivered is the value A now serves for that user.
    const onA = (await a.gql(UserValueDocument, { userId: 'fan-1' })).data?.userValue;
    const changes = await onB.waitFor(1);
    const latest = changes[changes.length - 1]!;
    expect(onA?.segment).toBe(latest.segment);
    expect(onA?.value).toBeCloseTo(latest.value, 6);
    expect(first!.delta).toBeCloseTo(first!.value, 9);
  });
});
