/**
 * Bounded, per-event input through the real server: whatever is wrong with one event (a bad
 * time, NaN, an out-of-range number, a missing field, a hostile id) rejects that event alone,
 * naming `events[i].<field>`; the rest of the batch is stored. Duplicates inside a batch are
 * stored once; events for unknown items are stored and counted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordEventsDocument, UpsertItemsDocument, UserValueDocument, type EventInput } from './generated/graphql';
import { publishTestDuveModel } from './support/duve-model';
import { startTestGateway, type TestGateway } from './support/gateway';

const recent = (): string => new Date(Date.now() - 60_000).toISOString();
let n = 0;
const good = (patch: Partial<EventInput> = {}): EventInput => ({ eventId: `e${++n}-${Math.random()}`, userId: 'u', type: 'view', itemId: 'known', ts: recent(), ...patch });

describe('per-event input', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ env: { MAX_EVENT_VALUE: '1000', MAX_EVENT_DWELL_MS: '60000' } });
    const up = await t.gql(UpsertItemsDocument, { items: [{ id: 'known' }] });
    expect(up.errors).toBeUndefined();
  });
  afterAll(() => t.stop());

  const eventCount = async (): Promise<number> => ((await (await t.get('/healthz')).json()) as { counts: { events: number } }).counts.events;

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['an unparsable timestamp', { ts: 'yesterday' }, 'ts', /not a valid timestamp/],
    ['a numeric timestamp far out of range', { ts: 1e300 }, 'ts', /out of range/],
    ['a timestamp of the wrong kind', { ts: true }, 'ts', /not a valid timestamp/],
    ['a missing timestamp', { ts: null }, 'ts', /required/],
    ['a value past MAX_EVENT_VALUE', { type: 'purchase', value: 1001 }, 'value', /at most 1000/],
    ['a value of 1e308', { type: 'purchase', value: 1e308 }, 'value', /at most 1000/],
    ['a value given as text', { value: 'lots' }, 'value', /must be a number/],
    ['a negative value', { value: -1 }, 'value', /negative/],
    ['a dwell past MAX_EVENT_DWELL_MS', { dwellMs: 60_001 }, 'dwellMs', /at most 60000/],
    ['a missing eventId', { eventId: null }, 'eventId', /required/],
    ['a missing userId', { userId: null }, 'userId', /required/],
    ['a missing type', { type: null }, 'type', /unknown event type/],
    ['a NUL in the userId', { userId: 'u\u0000x' }, 'userId', /control character \(U\+0000\)/],
    ['a newline inside the itemId', { itemId: 'a\nb' }, 'itemId', /control character \(U\+000A\)/],
    ['a lone surrogate in the userId', { userId: 'u\uD800' }, 'userId', /lone surrogate/],
    ['a bidi override in the userId', { userId: 'admin\u202Egnp' }, 'userId', /bidirectional.*U\+202E/],
    ['a bidi isolate in the eventId', { eventId: 'e\u2066x' }, 'eventId', /bidirectional.*U\+2066/],
    ['a zero-width space in the itemId', { itemId: 'kno\u200Bwn' }, 'itemId', /zero-width.*U\+200B/],
    ['a zero-width no-break space inside the userId', { userId: 'u\uFEFFv' }, 'userId', /zero-width.*U\+FEFF/],
    ['a control character in the session', { session: 's\u0007' }, 'session', /control character/],
  ])('%s rejects only that event, naming events[1].%s', async (_name, patch, field, message) => {
    const before = await eventCount();
    const res = await t.gql(RecordEventsDocument, { events: [good(), { ...good(), ...patch } as EventInput, good()] });
    expect(res.errors).toBeUndefined();
    expect(res.data?.recordEvents.accepted).toBe(2);
    expect(res.data?.recordEvents.rejected).toEqual([expect.objectContaining({ index: 1, field: `events[1].${field}`, code: 'BAD_USER_INPUT', message: expect.stringMatching(message) })]);
    expect(await eventCount()).toBe(before + 2);
  });

  it('literal NaN and Infinity in the query text name their field', async () => {
    const ev = (id: string, extra: string): string => `{ eventId: "${id}", userId: "u", type: "purchase", itemId: "known", ts: "${recent()}"${extra} }`;
    const id = `lit-${Math.random()}`;
    const res = await t.raw(
      `mutation { recordEvents(events: [${ev(`${id}-ok`, '')}, ${ev(`${id}-nan`, ', value: NaN')}, ${ev(`${id}-inf`, ', dwellMs: Infinity')}]) { accepted rejected { index field message } } }`,
    );
    expect(res.errors).toBeUndefined();
    const out = res.data?.recordEvents as { accepted: number; rejected: Array<{ index: number; field: string; message: string }> };
    expect(out.accepted).toBe(1);
    expect(out.rejected).toEqual([
      { index: 1, field: 'events[1].value', message: expect.stringContaining('finite') },
      { index: 2, field: 'events[2].dwellMs', message: expect.stringContaining('finite') },
    ]);
  });

  it('accepts epoch milliseconds and a value at the bound', async () => {
    const res = await t.gql(RecordEventsDocument, { events: [good({ ts: Date.now() - 1000, type: 'purchase', value: 1000, dwellMs: 60_000 })] });
    expect(res.data?.recordEvents).toMatchObject({ accepted: 1, rejected: [] });
  });

  it('normalises ids to NFC: a decomposed and a composed id are one user', async () => {
    const decomposed = 'jose\u0301';
    const res = await t.gql(RecordEventsDocument, { events: [good({ userId: decomposed })] });
    expect(res.data?.recordEvents.accepted).toBe(1);
    const profile = await t.store.userProfile('jos\u00e9', 10);
    expect(profile.history).toHaveLength(1);
  });

  it('a duplicate eventId inside one batch is stored once and reported once', async () => {
    const before = await eventCount();
    const twin = good();
    const res = await t.gql(RecordEventsDocument, { events: [twin, good(), { ...twin, type: 'click' }] });
    expect(res.data?.recordEvents).toMatchObject({ accepted: 2, duplicates: [twin.eventId], rejected: [] });
    expect(await eventCount()).toBe(before + 2);
  });

  it('events for unknown items are stored and counted', async () => {
    const before = await eventCount();
    const res = await t.gql(RecordEventsDocument, { events: [good(), good({ itemId: 'nobody-knows-1' }), good({ itemId: 'nobody-knows-2' }), good({ type: 'search', itemId: null, query: 'shoes' })] });
    expect(res.data?.recordEvents).toMatchObject({ accepted: 4, unknownItems: 2, rejected: [] });
    expect(await eventCount()).toBe(before + 4);
  });
});

describe('a duplicate inside one batch reaches DUVE once', () => {
  let root: string;
  let t: TestGateway;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'dup-models-'));
    const { modelDir } = await publishTestDuveModel(root);
    t = await startTestGateway({ env: { DUVE_MODEL_DIR: modelDir } });
  });
  afterAll(async () => {
    await t?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('gives the user a value, equal to one where the event was sent once', async () => {
    const ts = new Date(Date.now() - 3_600_000).toISOString();
    const once = { eventId: 'p-once', userId: 'solo', type: 'purchase', itemId: 'i1', ts, value: 30 };
    const twice = { ...once, eventId: 'p-twice', userId: 'twin' };
    const res = await t.gql(RecordEventsDocument, { events: [once, twice, twice] });
    expect(res.data?.recordEvents).toMatchObject({ accepted: 2, duplicates: ['p-twice'] });
    const solo = (await t.gql(UserValueDocument, { userId: 'solo' })).data?.userValue;
    const twin = (await t.gql(UserValueDocument, { userId: 'twin' })).data?.userValue;
    expect(twin).not.toBeNull();
    expect(twin?.lastEventAt).toBe(ts);
    // Same single purchase: the same forecast (a double fold would raise the counts).
    expect(twin?.purchaseProbability).toBeCloseTo(solo!.purchaseProbability, 9);
    expect(twin?.expectedPurchases).toBeCloseTo(solo!.expectedPurchases, 9);
  });
});
