/**
 * The embedded store tail: two stores on one SQLite file (two connections, as a gateway and an
 * importer are). What one writes, the other applies with `syncExternal`; after it, the reader's
 * read indexes equal those of a store freshly opened on the file (the oracle), whatever the
 * interleaving of its own writes with the other's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventType, InteractionEvent } from '../../domain/events';
import type { ItemRecord } from '../../domain/catalog';
import { createEmbeddedGraphStore } from '../../graph/embedded';
import type { GraphStore } from '../../graph/port';

const T0 = Date.UTC(2026, 0, 1);
const TYPES: readonly EventType[] = ['view', 'click', 'add_to_cart', 'purchase', 'impression', 'search', 'like'];

function event(id: string, userId: string, itemId: string | null, type: EventType, ts: number, value = 0, query: string | null = null): InteractionEvent {
  return { eventId: id, userId, type, itemId, ts, value, dwellMs: null, session: null, referrer: null, query };
}

/** `n` deterministic events over `users` x `items`, ids prefixed. */
function events(prefix: string, n: number, users: number, items: number, seed: number): InteractionEvent[] {
  let s = seed;
  const out: InteractionEvent[] = [];
  for (let k = 0; k < n; k++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const type = TYPES[s % TYPES.length] as EventType;
    const item = type === 'search' && s % 3 === 0 ? null : `i${(s >>> 8) % items}`;
    out.push(event(`${prefix}${k}`, `u${(s >>> 4) % users}`, item, type, T0 + ((s >>> 12) % 100_000) * 1000, type === 'purchase' ? 5 : 0, type === 'search' ? `q ${(s >>> 6) % 7}` : null));
  }
  return out;
}

function item(id: string, title: string, price: number, categories: string[] = ['c1']): ItemRecord {
  return { id, title, categories, brand: null, price, available: true, createdAt: T0 };
}

const round = (x: number): number => Number(x.toPrecision(9));

/** Everything the read indexes answer, for comparison with the oracle. */
async function readState(store: GraphStore, itemIds: string[], userIds: string[]) {
  const items = await store.getItems(itemIds);
  const profiles = await Promise.all(userIds.map((u) => store.userProfile(u, 1000)));
  return {
    counts: await store.counts(),
    // Decayed sums depend on the order events were applied in: compare them to 9 digits.
    stats: [...(await store.itemStats(itemIds))]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, st]) => ({ ...st, id, decayed: [...st.decayed].map(round), decayedRevenue: round(st.decayedRevenue) })),
    items: itemIds.map((id) => items.get(id) ?? null),
    profiles: profiles.map((p) => ({
      known: p.known,
      history: [...p.history].sort((a, b) => a.ts - b.ts || a.itemId.localeCompare(b.itemId) || a.type.localeCompare(b.type)),
      purchased: [...p.purchased].sort(),
    })),
    trending: await store.trending(20),
    fresh: await store.fresh(20),
    latest: await store.latestEventTs(),
  };
}

/** Pull until nothing remains; returns the calls made and everything applied. */
async function drain(store: GraphStore, maxRows: number) {
  const events: InteractionEvent[] = [];
  const applied = { users: 0, items: 0, queries: 0, events: 0 };
  let calls = 0;
  for (;;) {
    const r = await store.syncExternal!(maxRows);
    calls++;
    expect(r.applied.users + r.applied.items + r.applied.queries + r.events.length).toBeLessThanOrEqual(maxRows);
    events.push(...r.events);
    for (const k of ['users', 'items', 'queries', 'events'] as const) applied[k] += r.applied[k];
    if (!r.more) return { calls, events, applied };
  }
}

let dir: string;
let path: string;
let gateway: GraphStore;
let importer: GraphStore;
const ITEMS = Array.from({ length: 40 }, (_, k) => `i${k}`);
const USERS = Array.from({ length: 30 }, (_, k) => `u${k}`);

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'store-tail-'));
  path = join(dir, 'store.db');
  gateway = await createEmbeddedGraphStore({ path, synchronous: 'NORMAL' });
  importer = await createEmbeddedGraphStore({ path, synchronous: 'NORMAL' });
});
afterEach(async () => {
  await gateway.close();
  await importer.close();
  rmSync(dir, { recursive: true, force: true });
});

async function expectEqualsOracle(): Promise<void> {
  const oracle = await createEmbeddedGraphStore({ path, synchronous: 'NORMAL' });
  try {
    expect(await readState(gateway, ITEMS, USERS)).toEqual(await readState(oracle, ITEMS, USERS));
  } finally {
    await oracle.close();
  }
}

describe('embedded store tail (syncExternal)', () => {
  it('applies another connection’s users, items, queries and events, and hands over the events in stored order', async () => {
    await importer.upsertUsers([{ id: 'u-only', demographics: { age: '30' }, preferences: [] }]);
    await importer.upsertItems([item('i1', 'Red shoe', 10), item('i2', 'Green hat', 12)]);
    await importer.upsertQueries([{ text: 'red shoe', terms: ['red', 'shoe'] }]);
    const batch = events('imp-', 300, 30, 40, 7);
    await importer.ingestEvents(batch);
    expect((await gateway.counts()).events).toBe(0);

    const r = await drain(gateway, 10_000);
    expect(r.events.map((e) => e.eventId)).toEqual(batch.map((e) => e.eventId));
    expect(r.applied.events).toBe(300);
    expect(await gateway.counts()).toEqual(await importer.counts());
    expect((await gateway.getItems(['i1'])).get('i1')).toMatchObject({ title: 'Red shoe', price: 10 });
    expect((await gateway.userProfile('u-only', 5)).known).toBe(true);
    await expectEqualsOracle();

    // Nothing new: nothing applied.
    expect(await gateway.syncExternal!(100)).toMatchObject({ events: [], more: false, applied: { users: 0, items: 0, queries: 0, events: 0 } });
  });

  it('a catalogue update (title, price, categories) from another connection replaces the record', async () => {
    await gateway.upsertItems([item('i1', 'Red shoe', 10)]);
    await importer.upsertItems([item('i1', 'Red shoe v2', 8, ['c2'])]);
    const r = await drain(gateway, 100);
    expect(r.applied.items).toBe(1);
    expect((await gateway.getItems(['i1'])).get('i1')).toMatchObject({ title: 'Red shoe v2', price: 8, categories: ['c2'] });
    await expectEqualsOracle();
  });

  it('never applies its own writes twice, however they interleave with the other connection’s', async () => {
    const mine = events('gw-', 400, 30, 40, 11);
    const theirs = events('imp-', 400, 30, 40, 13);
    for (let k = 0; k < 400; k += 50) {
      await gateway.ingestEvents(mine.slice(k, k + 50));
      await importer.ingestEvents(theirs.slice(k, k + 50));
      await importer.upsertItems([item(`i${k / 50}`, `title ${k}`, k)]);
      await gateway.upsertQueries([{ text: `own query ${k}`, terms: ['own'] }]);
      // The importer re-sends some of the gateway's events: duplicates, stored once.
      await importer.ingestEvents(mine.slice(k, k + 5));
      if (k === 200) await drain(gateway, 37);
    }
    const before = await gateway.itemStats(ITEMS);
    const r = await drain(gateway, 64);
    expect(r.events.every((e) => e.eventId.startsWith('imp-'))).toBe(true);
    expect(await gateway.counts()).toMatchObject({ events: 800 });
    expect((await gateway.itemStats(ITEMS)).size).toBe(before.size);
    await expectEqualsOracle();
  });

  it('skips its own writes when no other connection committed (no reads), and catches up after', async () => {
    await gateway.ingestEvents(events('gw-', 100, 10, 10, 3));
    const before = await readState(gateway, ITEMS, USERS);
    expect(await gateway.syncExternal!(10)).toMatchObject({ events: [], more: false });
    expect(await readState(gateway, ITEMS, USERS)).toEqual(before);
    await importer.ingestEvents(events('imp-', 5, 10, 10, 5));
    const r = await drain(gateway, 10);
    expect(r.applied.events).toBe(5);
    await expectEqualsOracle();
  });

  it('applies a large import in slices of at most maxRows, saying when more remain', async () => {
    const big = events('big-', 5000, 200, 40, 17);
    for (let k = 0; k < big.length; k += 1000) await importer.ingestEvents(big.slice(k, k + 1000));
    const first = await gateway.syncExternal!(1000);
    expect(first.more).toBe(true);
    const rest = await drain(gateway, 1000);
    // Changes rows (new users, items, queries) and events both count against the budget.
    expect(rest.calls).toBeGreaterThanOrEqual(4);
    expect(first.applied.events + rest.applied.events).toBe(5000);
    await expectEqualsOracle();
  });

  it('a store opened after the other wrote starts past those rows (nothing applied twice)', async () => {
    await importer.ingestEvents(events('imp-', 50, 10, 10, 19));
    const late = await createEmbeddedGraphStore({ path, synchronous: 'NORMAL' });
    try {
      expect((await late.syncExternal!(100)).applied.events).toBe(0);
      expect((await late.counts()).events).toBe(50);
    } finally {
      await late.close();
    }
  });

  it('refuses a non-positive row budget', async () => {
    await expect(gateway.syncExternal!(0)).rejects.toThrow(RangeError);
  });
});
