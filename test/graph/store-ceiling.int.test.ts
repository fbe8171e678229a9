/**
 * Row ceilings of the embedded store end to end: recordEvents refuses per event with STORE_FULL
 * (the rest of the batch is stored), upserts and imports stop with the code, the metrics move,
 * and a store at its ceiling reopens and serves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InteractionEvent } from '../../domain/events';
import { ErrorCode } from '../../errors/codes';
import { createEmbeddedGraphStore } from '../../graph/embedded';
import type { StoreCeiling } from '../../graph/embedded/ceiling';
import type { GraphStore } from '../../graph/port';
import { recordEvents } from '../../ingest/events';
import { createEventSink } from '../../ingest/import/sink';
import { createGatewayMetrics } from '../../services/metrics';

const T0 = Date.UTC(2026, 0, 1);
const NOW = T0 + 3600_000;
const raw = (eventId: string, userId: string, itemId: string, type = 'view') => ({ eventId, userId, itemId, type, ts: T0 + Number(eventId.replace(/\D/g, '') || 0) * 1000 });
const ev = (eventId: string, userId: string, itemId: string): InteractionEvent => ({
  eventId,
  userId,
  type: 'click',
  itemId,
  ts: T0,
  value: 0,
  dwellMs: null,
  session: null,
  referrer: null,
  query: null,
});

let dir: string;
const open: GraphStore[] = [];
const openStore = async (ceiling: Partial<StoreCeiling>, file = 'store.db'): Promise<GraphStore> => {
  const s = await createEmbeddedGraphStore({ path: join(dir, file), synchronous: 'NORMAL', ceiling });
  open.push(s);
  return s;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'recgate-ceiling-'));
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('embedded store ceilings', () => {
  it('recordEvents refuses per event the ones that would create a user past STORE_MAX_USERS, stores the rest, and the metric moves', async () => {
    const store = await openStore({ maxUsers: 2 });
    const metrics = createGatewayMetrics({ defaultMetrics: false });
    metrics.trackStore(async () => {
      const c = await store.counts();
      return { rows: { users: c.users, items: c.items, events: c.events }, ceiling: { users: 2, items: 500_000, events: 4_000_000 } };
    });
    const out = await recordEvents(store, [raw('e1', 'u1', 'i1'), raw('e2', 'u2', 'i1'), raw('e3', 'u3', 'i1'), { eventId: 'bad' }, raw('e5', 'u1', 'i2'), raw('e6', 'u4', 'i2')], NOW);
    expect(out.accepted).toBe(3);
    expect(out.stored.map((e) => e.eventId)).toEqual(['e1', 'e2', 'e5']);
    expect(out.rejected.map((r) => [r.index, r.code, r.field])).toEqual([
      [2, ErrorCode.STORE_FULL, 'events[2].userId'],
      [3, ErrorCode.BAD_USER_INPUT, expect.stringMatching(/^events\[3\]\./)],
      [5, ErrorCode.STORE_FULL, 'events[5].userId'],
    ]);
    expect(await store.counts()).toEqual({ users: 2, items: 2, queries: 0, events: 3 });
    for (const r of out.rejected) if (r.full !== undefined) metrics.observeStoreFull(r.full, 1);
    const text = await metrics.registry.metrics();
    expect(text).toContain('recgate_store_refusals_total{full="users"} 2');
    expect(text).toContain('recgate_store_rows{kind="users"} 2');
    expect(text).toContain('recgate_store_rows{kind="events"} 3');
    expect(text).toContain('recgate_store_ceiling_rows{kind="users"} 2');
    // Under the ceiling everything still goes in: known users, new items.
    const more = await recordEvents(store, [raw('e7', 'u2', 'i3'), raw('e8', 'u1', 'i1')], NOW);
    expect(more).toMatchObject({ accepted: 2, rejected: [] });
  });

  it('at the event ceiling refuses new events but reports re-sends as duplicates, not as refused', async () => {
    const store = await openStore({ maxEvents: 2 });
    expect((await recordEvents(store, [raw('e1', 'u1', 'i1'), raw('e2', 'u1', 'i1')], NOW)).accepted).toBe(2);
    const out = await recordEvents(store, [raw('e1', 'u1', 'i1'), raw('e3', 'u1', 'i1')], NOW);
    expect(out.accepted).toBe(0);
    expect(out.duplicates).toEqual(['e1']);
    expect(out.rejected).toEqual([expect.objectContaining({ index: 1, eventId: 'e3', code: ErrorCode.STORE_FULL, full: 'events', field: 'events[1].eventId' })]);
  });

  it('refuses a whole upsert that would pass the ceiling (nothing written) and accepts updates of known rows', async () => {
    const store = await openStore({ maxUsers: 2, maxItems: 1 });
    await store.upsertUsers([{ id: 'u1', demographics: {}, preferences: [] }]);
    await expect(
      store.upsertUsers([
        { id: 'u2', demographics: {}, preferences: [] },
        { id: 'u3', demographics: {}, preferences: [] },
      ]),
    ).rejects.toMatchObject({ code: ErrorCode.STORE_FULL, details: { full: 'users' } });
    expect((await store.counts()).users).toBe(1);
    const item = { id: 'i1', title: 't', categories: [], brand: null, price: 1, available: true, createdAt: T0 };
    await store.upsertItems([item]);
    await store.upsertItems([{ ...item, title: 'renamed' }]);
    await expect(store.upsertItems([{ ...item, id: 'i2' }])).rejects.toMatchObject({ code: ErrorCode.STORE_FULL });
    expect((await store.getItems(['i1'])).get('i1')?.title).toBe('renamed');
  });

  it('an import stops with STORE_FULL; what fit stays stored', async () => {
    const store = await openStore({ maxEvents: 3 });
    const sink = createEventSink(store, 2);
    await sink.add(ev('a1', 'u1', 'i1'), null);
    await sink.add(ev('a2', 'u1', 'i2'), null);
    await sink.add(ev('a3', 'u2', 'i1'), null);
    await expect(sink.add(ev('a4', 'u2', 'i2'), null)).rejects.toMatchObject({ code: ErrorCode.STORE_FULL, details: { full: 'events', refused: 1, inserted: 3 } });
    expect((await store.counts()).events).toBe(3);
  });

  it('a store at its ceiling reopens and serves; a lowered ceiling only refuses new growth', async () => {
    const first = await openStore({ maxUsers: 3 });
    const batch = ['u1', 'u2', 'u3', 'u4'].map((u, k) => raw(`e${k + 1}`, u, `i${k % 2}`, 'purchase'));
    expect((await recordEvents(first, batch, NOW)).accepted).toBe(3);
    await first.close();
    const again = await openStore({ maxUsers: 3 });
    expect(await again.counts()).toEqual({ users: 3, items: 2, queries: 0, events: 3 });
    expect((await again.userProfile('u2', 10)).history).toHaveLength(1);
    expect((await again.trending(5)).length).toBe(2);
    expect((await again.neighbourhood(['i0'])).degree.get('i0')).toBe(2);
    const out = await recordEvents(again, [raw('e9', 'u9', 'i0'), raw('e10', 'u1', 'i1')], NOW);
    expect(out.accepted).toBe(1);
    expect(out.rejected.map((r) => r.full)).toEqual(['users']);
    await again.close();
    const lowered = await openStore({ maxUsers: 1, maxEvents: 2 });
    expect((await lowered.counts()).events).toBe(4);
    expect((await recordEvents(lowered, [raw('e11', 'u1', 'i1')], NOW)).rejected.map((r) => r.full)).toEqual(['events']);
  });
});
