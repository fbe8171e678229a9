/**
 * DUVE v2 through the real gateway (DUVE_VERSION=v2, a small v2 model trained on generated
 * histories): `userValue` serves the exported ONNX graph and equals the TS forward pass of the
 * same events, recordEvents moves the value (on-event update, published to the partners' change
 * log), the refresh job hot-swaps to a newer
 * v2 version, `users` pages the published values, the LTV strategy blends `duve/purchase` from v2,
 * and DUVE_VERSION=v1 with both folders still serves v1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FeedDocument, RecordEventsDocument, UserValueDocument, UsersDocument, type EventInput } from './generated/graphql';
import { referenceTimes } from '../ml/duve/examples';
import type { DuveEvent } from '../ml/duve/state';
import { syntheticDuveHistories } from '../ml/duve/synthetic';
import { exportDuve2Model } from '../ml/duve2/export';
import { predictDuve2, trainDuve2 } from '../ml/duve2/train';
import type { Duve2Model } from '../ml/duve2/model';
import { parseStrategy } from '../pipeline/strategy';
import { publishTestDuveModel } from './support/duve-model';
import { startTestGateway, type TestGateway } from './support/gateway';

const DAY = 24 * 3600 * 1000;
const minute = 60_000;
const start = Date.UTC(2020, 0, 1);
const histories = syntheticDuveHistories({ users: 40, days: 10, seed: 21, start, items: 30 });
const trainEnd = start + 10 * DAY;
const dims = { window: 16, neighbours: 3, categoryBuckets: 16, itemBuckets: 64, categoryDims: 4, itemDims: 4, stateDims: 6 };
const model: Duve2Model = trainDuve2(histories, {
  refTimes: referenceTimes(start, trainEnd, DAY / 2, DAY),
  trainEnd,
  horizonMs: DAY,
  iterations: 60,
  v1Iterations: 40,
  dims,
  l2: 1e-3,
}).model;

const base = Date.now() - 2 * DAY;
let seq = 0;
const ev = (userId: string, type: string, itemId: string, mins: number, value?: number): EventInput => ({
  eventId: `d2-${++seq}`,
  userId,
  type,
  itemId,
  ts: new Date(base + mins * minute).toISOString(),
  ...(value !== undefined ? { value } : {}),
});
const toDuve = (e: EventInput): DuveEvent => ({ type: e.type as DuveEvent['type'], itemId: e.itemId ?? null, ts: Date.parse(String(e.ts)), value: e.value ?? 0 });

describe('DUVE v2 served by the gateway (DUVE_VERSION=v2)', () => {
  let root: string;
  let t: TestGateway;
  const events: EventInput[] = [];
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'duve2-gw-'));
    await exportDuve2Model(model, { root, name: 'duve2' });
    const strategy = parseStrategy({
      id: 'ltv',
      scorers: [
        { id: 'baseline/commercial', weight: 0.5 },
        { id: 'duve/purchase', weight: 0.4 },
      ],
      diversity: { method: 'mmr', lambda: 0.9 },
    });
    t = await startTestGateway({ env: { DUVE_VERSION: 'v2', DUVE2_MODEL_DIR: join(root, 'duve2'), DUVE_REFRESH_MINUTES: '0.01', VALUE_CHANGE_MIN_DELTA: '0' }, strategy });
    for (let u = 0; u < 8; u++) {
      for (let k = 0; k <= u + 2; k++) events.push(ev(`u${u}`, 'view', `syn:item:${(u + k) % 9}`, 30 * k + u));
      for (let k = 0; k < u % 3; k++) events.push(ev(`u${u}`, 'add_to_cart', `syn:item:${k}`, 30 * k + 7 + u));
      if (u % 2 === 0) events.push(ev(`u${u}`, 'purchase', `syn:item:${u % 5}`, 400 + u, 10 + u));
    }
    expect((await t.gql(RecordEventsDocument, { events })).data?.recordEvents.accepted).toBe(events.length);
  });
  afterAll(async () => {
    await t?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves the v2 ONNX forecast, equal to the TS forward pass of the same events', async () => {
    const v = (await t.gql(UserValueDocument, { userId: 'u6' })).data!.userValue!;
    expect(v.modelVersion).toBe('duve2/value@1');
    const at = Date.parse(v.updatedAt);
    // The gateway reads events at or before `at`; predictDuve2 those strictly before at + 1 ms.
    const want = predictDuve2(model, events.filter((e) => e.userId === 'u6').map(toDuve), at + 1)!;
    expect(v.purchaseProbability).toBeCloseTo(want.pPurchase, 4);
    expect(v.expectedPurchases).toBeCloseTo(want.expectedPurchases, 3);
    expect(v.value).toBeCloseTo(want.value, 3);
    expect(v.horizonDays).toBe(1);
    expect(v.drivers.length).toBeGreaterThan(0);
    expect((await t.gql(UserValueDocument, { userId: 'nobody' })).data?.userValue).toBeNull();
    const users = (await t.gql(UsersDocument, { first: 50 })).data!.users;
    expect(users.totalCount).toBe(8);
  });

  it('folds new events at once (on-event update) and the refresh job hot-swaps to a newer v2 version', async () => {
    const before = (await t.gql(UserValueDocument, { userId: 'u1' })).data!.userValue!;
    const more = [ev('u1', 'add_to_cart', 'syn:item:3', 700), ev('u1', 'add_to_cart', 'syn:item:4', 701), ev('u1', 'purchase', 'syn:item:4', 702, 30)];
    events.push(...more);
    // Partners' value-change log carries v2's values.
    const seen: Array<{ userId: string; modelVersion: string; reason: string }> = [];
    const stop = await t.gateway.valueChanges.subscribe(undefined, (c) => seen.push({ userId: c.change.userId, modelVersion: c.change.modelVersion, reason: c.change.reason }));
    expect((await t.gql(RecordEventsDocument, { events: more })).data?.recordEvents.accepted).toBe(3);
    for (let i = 0; i < 50 && !seen.some((c) => c.userId === 'u1' && c.reason === 'event'); i++) await new Promise((r) => setTimeout(r, 20));
    stop();
    expect(seen.find((c) => c.userId === 'u1' && c.reason === 'event')?.modelVersion).toBe('duve2/value@1');
    const after = (await t.gql(UserValueDocument, { userId: 'u1' })).data!.userValue!;
    expect(Date.parse(after.lastEventAt)).toBe(base + 702 * minute);
    expect(after.purchaseProbability).not.toBeCloseTo(before.purchaseProbability, 6);
    await exportDuve2Model({ ...model, params: model.params.map((p, i) => (i === model.params.length - 3 ? p + 1 : p)) }, { root, name: 'duve2' });
    const deadline = Date.now() + 15_000;
    let version = '';
    while (Date.now() < deadline) {
      version = (await t.gql(UserValueDocument, { userId: 'u1' })).data!.userValue!.modelVersion;
      if (version === 'duve2/value@2') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(version).toBe('duve2/value@2');
    const swapped = (await t.gql(UserValueDocument, { userId: 'u1' })).data!.userValue!;
    // The new version's purchase bias is 1 higher: P(purchase) rises.
    expect(swapped.purchaseProbability).toBeGreaterThan(after.purchaseProbability);
  });

  it('blends duve/purchase from v2 in the LTV strategy', async () => {
    const feed = (await t.gql(FeedDocument, { userId: 'u4', limit: 5 })).data!.feed;
    expect(feed.strategy.id).toBe('ltv');
    const contribs = feed.items.flatMap((i) => i.contributions.filter((c) => c.scorerId === 'duve/purchase'));
    expect(contribs.length).toBeGreaterThan(0);
    expect(contribs.some((c) => c.raw > 0)).toBe(true);
  });

  it('DUVE_VERSION=v1 keeps serving v1 with a v2 folder present', async () => {
    const v1root = mkdtempSync(join(tmpdir(), 'duve2-gw-v1-'));
    const { modelDir } = await publishTestDuveModel(v1root);
    const g = await startTestGateway({ env: { DUVE_MODEL_DIR: modelDir, DUVE2_MODEL_DIR: join(root, 'duve2') } });
    try {
      expect((await g.gql(RecordEventsDocument, { events: [ev('z', 'view', 'syn:item:1', 5)] })).data?.recordEvents.accepted).toBe(1);
      expect((await g.gql(UserValueDocument, { userId: 'z' })).data!.userValue!.modelVersion).toBe('duve/value@1');
    } finally {
      await g.stop();
      rmSync(v1root, { recursive: true, force: true });
    }
  });
});
