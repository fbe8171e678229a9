/**
 * End to end through the real HTTP server: catalogue upserts, event ingestion (idempotent),
 * feed with explanations, cold start, and the bad-input contract.
 */
import { FeedDocument, ItemDocument, RecordEventsDocument, UpsertItemsDocument, UpsertQueriesDocument, UpsertUsersDocument, UserDocument, type EventInput } from './generated/graphql';
import { startTestGateway, type TestGateway } from './support/gateway';

const minute = 60_000;
const at = (minsAgo: number): string => new Date(Date.now() - minsAgo * minute).toISOString();
let seq = 0;
const ev = (userId: string, type: string, itemId: string | null, minsAgo = 10, extra: Partial<EventInput> = {}): EventInput => ({
  eventId: `e-${++seq}`,
  userId,
  type,
  ...(itemId ? { itemId } : {}),
  ts: at(minsAgo),
  ...extra,
});

describe('gateway over HTTP (embedded store)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
    const items = Array.from({ length: 12 }, (_, i) => ({
      id: `i${i + 1}`,
      title: `Item ${i + 1}`,
      categories: [`cat-${i % 3}`],
      brand: `brand-${i % 2}`,
      price: 10 + i,
      available: i !== 10, // i11 unavailable
    }));
    expect((await t.gql(UpsertItemsDocument, { items })).data?.upsertItems.written).toBe(12);
    const users = [{ id: 'u1', demographics: [{ key: 'region', value: 'north' }], preferences: ['cat-1'] }];
    expect((await t.gql(UpsertUsersDocument, { users })).data?.upsertUsers.written).toBe(1);
    const res = await t.gql(RecordEventsDocument, {
      events: [
        ev('u1', 'view', 'i1', 50),
        ev('u1', 'view', 'i2', 40),
        ev('u1', 'purchase', 'i3', 30, { value: 12 }),
        ev('u2', 'view', 'i1', 50),
        ev('u2', 'view', 'i2', 45),
        ev('u2', 'view', 'i4', 44),
        ev('u2', 'add_to_cart', 'i5', 43),
        ev('u2', 'view', 'i11', 42),
        ev('u3', 'view', 'i1', 20),
        ev('u3', 'click', 'i6', 19),
        ev('u3', 'purchase', 'i6', 18, { value: 15 }),
        ev('u3', 'search', null, 17, { query: '  Red   Shoes ' }),
      ],
    });
    expect(res.errors).toBeUndefined();
    expect(res.data?.recordEvents).toMatchObject({ accepted: 12, duplicates: [], rejected: [] });
  });
  afterAll(() => t.stop());

  it('returns a ranked, explained feed with the strategy digest', async () => {
    const { data, errors } = await t.gql(FeedDocument, { userId: 'u1' });
    expect(errors).toBeUndefined();
    const feed = data!.feed;
    expect(feed.coldStart).toBe(false);
    expect(feed.items.length).toBeGreaterThan(0);
    expect(feed.items.map((i) => i.rank)).toEqual(feed.items.map((_, k) => k + 1));
    expect(feed.strategy.digest).toMatch(/^default@[0-9a-f]{12}$/);
    expect(feed.degraded).toEqual([]);
    const ids = feed.items.map((i) => i.itemId);
    expect(ids).not.toContain('i3'); // purchased
    expect(ids).not.toContain('i11'); // unavailable
    // Re-targeting: an item u1 viewed (not bought) is proposed by the `recent` retriever and
    // carries a positive affinity contribution.
    const all = (await t.gql(FeedDocument, { userId: 'u1', limit: 50 })).data!.feed.items;
    const i1 = all.find((i) => i.itemId === 'i1');
    expect(i1?.sources).toContain('recent');
    expect(i1?.contributions.find((c) => c.scorerId === 'baseline/affinity')?.raw).toBeGreaterThan(0);
    const i4 = feed.items.find((i) => i.itemId === 'i4');
    expect(i4?.sources).toContain('neighbourhood');
    expect(i4?.item).toMatchObject({ id: 'i4', title: 'Item 4', categories: ['cat-0'], price: 13 });
    for (const item of feed.items) {
      expect(item.contributions.map((c) => c.scorerId).sort()).toEqual(['baseline/affinity', 'baseline/commercial', 'baseline/item-knn']);
      const sum = item.contributions.reduce((s, c) => s + c.value, 0);
      expect(item.score).toBeCloseTo(sum, 6);
      expect(item.contributions.reduce((s, c) => s + c.weight, 0)).toBeCloseTo(1, 6);
    }
  });

  it('re-sending events changes nothing and reports them as duplicates', async () => {
    const before = (await (await t.get('/healthz')).json()) as { counts: { events: number } };
    const again = await t.gql(RecordEventsDocument, { events: [ev('u9', 'view', 'i1', 5, { eventId: 'e-1' }), ev('u9', 'view', 'i2', 5, { eventId: 'e-2' })] });
    expect(again.data?.recordEvents).toMatchObject({ accepted: 0, duplicates: ['e-1', 'e-2'], rejected: [] });
    const after = (await (await t.get('/healthz')).json()) as { counts: { events: number } };
    expect(after.counts.events).toBe(before.counts.events);
  });

  it('the next feed reflects new events', async () => {
    const before = (await t.gql(FeedDocument, { userId: 'u1', limit: 20 })).data!.feed.items.map((i) => i.itemId);
    expect(before).toContain('i4');
    await t.gql(RecordEventsDocument, { events: [ev('u1', 'purchase', 'i4', 1, { value: 13 })] });
    const after = (await t.gql(FeedDocument, { userId: 'u1', limit: 20 })).data!.feed.items.map((i) => i.itemId);
    expect(after).not.toContain('i4');
  });

  it('gives an unknown user a cold-start feed, not an error', async () => {
    const { data, errors } = await t.gql(FeedDocument, { userId: 'nobody-knows-me' });
    expect(errors).toBeUndefined();
    expect(data!.feed.coldStart).toBe(true);
    expect(data!.feed.items.length).toBeGreaterThan(0);
    expect(data!.feed.items.every((i) => i.sources.some((s) => s === 'trending' || s === 'fresh'))).toBe(true);
  });

  it('honours context.excludeItemIds and limit', async () => {
    const { data } = await t.gql(FeedDocument, { userId: 'u2', limit: 3, context: { excludeItemIds: ['i6'] } });
    expect(data!.feed.items).toHaveLength(3);
    expect(data!.feed.items.map((i) => i.itemId)).not.toContain('i6');
  });

  it('stores users and search queries', async () => {
    const u = (await t.gql(UserDocument, { id: 'u1' })).data?.user;
    expect(u).toMatchObject({ id: 'u1', preferences: ['cat-1'], demographics: [{ key: 'region', value: 'north' }] });
    const q = (await t.gql(UpsertQueriesDocument, { queries: [{ text: ' Blue  JEANS slim' }] })).data?.upsertQueries;
    expect(q).toEqual([{ text: 'blue jeans slim', terms: ['blue', 'jeans', 'slim'] }]);
    expect((await t.gql(ItemDocument, { id: 'nope' })).data?.item).toBeNull();
  });

  it('serves /healthz and Prometheus /metrics', async () => {
    const health = (await (await t.get('/healthz')).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', store: 'embedded', scorers: ['baseline/commercial@1.0.0', 'baseline/item-knn@1.0.0', 'baseline/affinity@1.0.0'] });
    const metrics = await (await t.get('/metrics')).text();
    expect(metrics).toMatch(/recgate_feed_duration_seconds_count\{strategy="default",cold_start="false"\} [1-9]/);
    expect(metrics).toMatch(/recgate_scorer_duration_seconds_count\{scorer="baseline\/commercial",version="1.0.0",outcome="ok"\} [1-9]/);
  });
});
