/** The bad-input contract over HTTP: BAD_USER_INPUT naming the field, and nothing invalid stored. */
import { FeedDocument, RecordEventsDocument, UpsertItemsDocument, type EventInput } from './generated/graphql';
import { startTestGateway, type TestGateway } from './support/gateway';

const recent = (): string => new Date(Date.now() - 60_000).toISOString();
const good = (id: string): EventInput => ({ eventId: id, userId: 'u', type: 'view', itemId: 'i1', ts: recent() });

describe('bad input', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ env: { MAX_EVENTS_PER_BATCH: '5' } });
  });
  afterAll(() => t.stop());

  const eventCount = async (): Promise<number> => ((await (await t.get('/healthz')).json()) as { counts: { events: number } }).counts.events;

  it.each([
    ['an empty userId', { userId: '' }, 'userId'],
    ['a whitespace userId', { userId: '   ' }, 'userId'],
    ['an oversized userId', { userId: 'x'.repeat(257) }, 'userId'],
    ['limit 0', { userId: 'u', limit: 0 }, 'limit'],
    ['limit 1000', { userId: 'u', limit: 1000 }, 'limit'],
    ['too many excluded ids', { userId: 'u', context: { excludeItemIds: Array.from({ length: 501 }, (_, i) => `x${i}`) } }, 'context.excludeItemIds'],
  ])('feed rejects %s', async (_name, vars, field) => {
    const res = await t.gql(FeedDocument, vars);
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it.each([
    ['an unknown event type', { type: 'teleport' }, 'type'],
    ['an empty eventId', { eventId: '' }, 'eventId'],
    ['a timestamp far in the future', { ts: new Date(Date.now() + 86_400_000 * 365).toISOString() }, 'ts'],
    ['a negative value', { value: -5 }, 'value'],
    ['a negative dwell', { dwellMs: -1 }, 'dwellMs'],
    ['a view without an item', { itemId: null }, 'itemId'],
    ['a search without a query', { type: 'search', itemId: null }, 'query'],
  ])('recordEvents rejects %s by index, and stores the valid events', async (_name, patch, field) => {
    const before = await eventCount();
    const id = `ok-${field}-${Math.random()}`;
    const bad = { ...good(`bad-${Math.random()}`), ...patch } as EventInput;
    const res = await t.gql(RecordEventsDocument, { events: [good(id), bad] });
    expect(res.errors).toBeUndefined();
    expect(res.data?.recordEvents.accepted).toBe(1);
    expect(res.data?.recordEvents.rejected).toEqual([expect.objectContaining({ index: 1, field: `events[1].${field}`, code: 'BAD_USER_INPUT' })]);
    expect(await eventCount()).toBe(before + 1);
  });

  it('a missing eventId or a malformed timestamp rejects only that event (test/event-input.int.test.ts has the rest)', async () => {
    const before = await eventCount();
    const { eventId: _omit, ...noId } = good('x');
    const res = await t.gql(RecordEventsDocument, { events: [good(`fine-${Math.random()}`), noId as EventInput, { ...good(`m-${Math.random()}`), ts: 'yesterday' }] });
    expect(res.errors).toBeUndefined();
    expect(res.data?.recordEvents.accepted).toBe(1);
    expect(res.data?.recordEvents.rejected.map((r) => r.field)).toEqual(['events[1].eventId', 'events[2].ts']);
    expect(await eventCount()).toBe(before + 1);
  });

  it('a batch over the limit is refused whole', async () => {
    const before = await eventCount();
    const res = await t.gql(RecordEventsDocument, { events: Array.from({ length: 6 }, (_, i) => good(`over-${i}`)) });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'events' });
    expect(await eventCount()).toBe(before);
  });

  it('an item with a negative price is refused, naming the index', async () => {
    const res = await t.gql(UpsertItemsDocument, { items: [{ id: 'ok' }, { id: 'neg', price: -1 }] });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'items[1].price' });
  });

  it('an unknown argument or field is BAD_USER_INPUT too', async () => {
    const res = await t.raw('{ feed(userId: "u", colour: "red") { userId } }');
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
