/**
 * DUVE through the real gateway: recordEvents folds events into the online state, `userValue`
 * serves the exported value head (onnxruntime-node) with drivers, `users` pages through the
 * published values, the LTV strategy blends duve/purchase, and a restart rebuilds the state
 * from the store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FeedDocument, RecordEventsDocument, UserValueDocument, UsersDocument, type EventInput } from './generated/graphql';
import { duveForecast, duveLayout, duveRawFeatures, duveSegment, valueScore } from '../ml/duve/model';
import { createDuveReading, createDuveState, observeEvent, readDuveState } from '../ml/duve/state';
import { parseStrategy } from '../pipeline/strategy';
import { publishTestDuveModel, testDuveModel } from './support/duve-model';
import { startTestGateway, type TestGateway } from './support/gateway';

const minute = 60_000;
const base = Date.now() - 3 * 24 * 60 * minute;
let seq = 0;
const ev = (userId: string, type: string, itemId: string, minsAfterBase: number, value?: number): EventInput => ({
  eventId: `uv-${++seq}`,
  userId,
  type,
  itemId,
  ts: new Date(base + minsAfterBase * minute).toISOString(),
  ...(value !== undefined ? { value } : {}),
});

/** The TS forward pass over the same events read at t: what the ONNX head must reproduce. */
function expected(events: readonly EventInput[], userId: string, t: number) {
  const model = testDuveModel();
  const layout = duveLayout(model);
  const s = createDuveState(layout);
  for (const e of events) if (e.userId === userId) observeEvent(layout, s, { type: e.type as never, itemId: e.itemId ?? null, ts: Date.parse(String(e.ts)), value: e.value ?? 0 });
  const r = readDuveState(layout, s, t, createDuveReading(layout));
  const f = duveForecast(model, duveRawFeatures(model, r));
  return { f, segment: duveSegment(model, f, r), value: valueScore(model, f) };
}

describe('DUVE user values through the gateway', () => {
  let root: string;
  let t: TestGateway;
  let stopped = false;
  const events: EventInput[] = [];
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'uv-models-'));
    const { modelDir } = await publishTestDuveModel(root);
    t = await startTestGateway({ env: { DUVE_MODEL_DIR: modelDir } });
    // Twelve users with different mixes of views, carts and purchases over three days.
    for (let u = 0; u < 12; u++) {
      for (let k = 0; k <= u; k++) events.push(ev(`u${u}`, 'view', `i${(u + k) % 7}`, 60 * k + u));
      for (let k = 0; k < u % 4; k++) events.push(ev(`u${u}`, 'add_to_cart', `i${k}`, 60 * k + 30 + u));
      if (u % 3 === 0) events.push(ev(`u${u}`, 'purchase', `i${u % 5}`, 600 + u, 10 + u));
    }
    const res = await t.gql(RecordEventsDocument, { events });
    expect(res.data?.recordEvents.accepted).toBe(events.length);
  });
  afterAll(async () => {
    if (!stopped) await t?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves the ONNX forecast of the live state, equal to the TS forward pass, with drivers', async () => {
    const res = await t.gql(UserValueDocument, { userId: 'u9' });
    const v = res.data?.userValue;
    expect(res.errors).toBeUndefined();
    expect(v?.modelVersion).toBe('duve/value@1');
    const at = Date.parse(v!.updatedAt);
    const want = expected(events, 'u9', at);
    expect(v!.purchaseProbability).toBeCloseTo(want.f.pPurchase, 5);
    expect(v!.expectedPurchases).toBeCloseTo(want.f.expectedPurchases, 4);
    expect(v!.expectedSpend).toBeCloseTo(want.f.expectedSpend, 3);
    expect(v!.value).toBeCloseTo(want.value, 3);
    expect(v!.segment).toBe(want.segment.toUpperCase().replace(/-/g, '_'));
    expect(v!.horizonDays).toBe(1);
    expect(v!.drivers.map((d) => d.type).sort()).toEqual(['add_to_cart', 'purchase', 'view']);
    const mags = v!.drivers.map((d) => Math.abs(d.purchaseLogit));
    expect(mags).toEqual([...mags].sort((a, b) => b - a));
    expect(v!.drivers.find((d) => d.type === 'view')!.decayedCount).toBeGreaterThan(0);
    expect((await t.gql(UserValueDocument, { userId: 'nobody' })).data?.userValue).toBeNull();
  });

  it('folds a new event before recordEvents answers (read-your-writes), moving the value', async () => {
    const before = (await t.gql(UserValueDocument, { userId: 'u1' })).data!.userValue!;
    const more = [ev('u1', 'add_to_cart', 'i3', 700), ev('u1', 'add_to_cart', 'i4', 701), ev('u1', 'view', 'i4', 702)];
    events.push(...more);
    expect((await t.gql(RecordEventsDocument, { events: more })).data?.recordEvents.accepted).toBe(3);
    const after = (await t.gql(UserValueDocument, { userId: 'u1' })).data!.userValue!;
    expect(Date.parse(after.lastEventAt)).toBe(base + 702 * minute);
    expect(after.purchaseProbability).not.toBeCloseTo(before.purchaseProbability, 6);
    expect(after.purchaseProbability).toBeCloseTo(expected(events, 'u1', Date.parse(after.updatedAt)).f.pPurchase, 5);
    // A re-sent event is a duplicate: the state does not count it twice.
    expect((await t.gql(RecordEventsDocument, { events: more })).data?.recordEvents.duplicates).toHaveLength(3);
    expect((await t.gql(UserValueDocument, { userId: 'u1' })).data!.userValue!.purchaseProbability).toBe(after.purchaseProbability);
  });

  it('pages through every published value once, highest first, with filters and cursor errors', async () => {
    const seen: Array<{ userId: string; value: number }> = [];
    let after: string | undefined;
    for (let page = 0; page < 20; page++) {
      const res = await t.gql(UsersDocument, { first: 5, ...(after ? { after } : {}) });
      const c = res.data!.users;
      expect(c.totalCount).toBe(12);
      seen.push(...c.edges.map((e) => ({ userId: e.node.userId, value: e.node.value })));
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor!;
    }
    expect(seen.map((s) => s.userId).sort()).toEqual(Array.from({ length: 12 }, (_, u) => `u${u}`).sort());
    for (let i = 1; i < seen.length; i++) expect(seen[i - 1]!.value).toBeGreaterThanOrEqual(seen[i]!.value);
    const cut = seen[4]!.value;
    const rich = (await t.gql(UsersDocument, { minValue: cut, first: 50 })).data!.users;
    expect(rich.edges.every((e) => e.node.value >= cut)).toBe(true);
    expect(rich.totalCount).toBe(seen.filter((s) => s.value >= cut).length);
    const seg = (await t.gql(UserValueDocument, { userId: 'u9' })).data!.userValue!.segment;
    const inSeg = (await t.gql(UsersDocument, { segment: seg, first: 50 })).data!.users;
    expect(inSeg.edges.length).toBeGreaterThan(0);
    expect(inSeg.edges.every((e) => e.node.segment === seg)).toBe(true);
    const bad = await t.gql(UsersDocument, { after: 'not-a-cursor' });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const zero = await t.gql(UsersDocument, { first: 0 });
    expect(zero.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const neg = await t.gql(UsersDocument, { minValue: -1 });
    expect(neg.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'minValue' });
  });

  it('rebuilds the same state from the store after a restart', async () => {
    const before = (await t.gql(UserValueDocument, { userId: 'u6' })).data!.userValue!;
    const dbPath = join(t.dir, 'store.db');
    await t.gateway.stop();
    await t.store.close();
    stopped = true;
    const { createGraphStore } = await import('../graph/factory');
    const { startGateway } = await import('../server/gateway');
    const { loadConfig } = await import('../config/config');
    const pino = (await import('pino')).default;
    const store = await createGraphStore({ kind: 'embedded', path: dbPath });
    const gw = await startGateway({
      config: loadConfig({
        PORT: '0',
        DB_PATH: dbPath,
        DUVE_MODEL_DIR: join(root, 'duve'),
        EXPERIMENTS_DB_PATH: join(root, 'experiments.db'),
        PUBLISHED_DB_PATH: join(root, 'published.db'),
        ACCESS_DB_PATH: join(t.dir, 'access.db'),
        LOG_LEVEL: 'silent',
      }),
      store,
      logger: pino({ level: 'silent' }),
    });
    try {
      const res = await fetch(gw.url, { method: 'POST', headers: t.headers(), body: JSON.stringify({ query: '{ userValue(userId: "u6") { purchaseProbability lastEventAt segment } }' }) });
      const v = ((await res.json()) as { data: { userValue: { purchaseProbability: number; lastEventAt: string; segment: string } } }).data.userValue;
      expect(v.lastEventAt).toBe(before.lastEventAt);
      expect(v.purchaseProbability).toBeCloseTo(before.purchaseProbability, 6);
    } finally {
      await gw.stop();
      await store.close();
      rmSync(t.dir, { recursive: true, force: true });
    }
  });
});

describe('the LTV strategy and a gateway without a model', () => {
  let root: string;
  let t: TestGateway;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'uv-ltv-'));
    const { modelDir } = await publishTestDuveModel(root);
    const strategy = parseStrategy({
      id: 'ltv',
      scorers: [
        { id: 'baseline/commercial', weight: 0.5 },
        { id: 'duve/purchase', weight: 0.4 },
      ],
      diversity: { method: 'mmr', lambda: 0.9 },
    });
    t = await startTestGateway({ env: { DUVE_MODEL_DIR: modelDir }, strategy });
  });
  afterAll(async () => {
    await t?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it("blends duve/purchase: the user's warm items carry its contribution", async () => {
    const evs = [ev('a', 'add_to_cart', 'x1', 10), ev('a', 'view', 'x1', 11), ev('a', 'view', 'x2', 12)];
    for (let u = 0; u < 6; u++) evs.push(ev(`b${u}`, 'view', 'x1', 20 + u), ev(`b${u}`, 'view', `x${3 + u}`, 21 + u), ev(`b${u}`, 'purchase', `x${3 + u}`, 22 + u, 5));
    expect((await t.gql(RecordEventsDocument, { events: evs })).data?.recordEvents.accepted).toBe(evs.length);
    const feed = (await t.gql(FeedDocument, { userId: 'a', limit: 5 })).data!.feed;
    expect(feed.strategy.id).toBe('ltv');
    const contrib = (itemId: string) => feed.items.find((i) => i.itemId === itemId)?.contributions.find((c) => c.scorerId === 'duve/purchase');
    expect(contrib('x1')?.weight).toBeCloseTo(0.4 / 0.9, 6);
    // x1 (carted and viewed) is the warmest: the largest purchase probability, normalised to 1.
    expect(contrib('x1')?.normalized).toBeCloseTo(1, 6);
    expect(contrib('x1')!.raw).toBeGreaterThan(0);
  });

  it('answers MODEL_UNAVAILABLE for userValue when no model is served', async () => {
    const off = await startTestGateway();
    try {
      const res = await off.gql(UserValueDocument, { userId: 'a' });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'MODEL_UNAVAILABLE' });
      const users = await off.gql(UsersDocument, {});
      expect(users.errors?.[0]?.extensions).toMatchObject({ code: 'MODEL_UNAVAILABLE' });
    } finally {
      await off.stop();
    }
  });
});
