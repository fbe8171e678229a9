import type { ItemRecord, UserRecord } from '../domain/catalog';
import type { InteractionEvent } from '../domain/events';
import type { StoreCounts } from '../graph/port';
import { generateDemoData } from './generate';
import { strictStore } from '../test/support/strict-store';
import { loadDemoData } from './load';

/** In-memory stand-in for the calls loadDemoData makes; anything else fails loudly. */
function fakeStore(initialEvents = 0) {
  const users: UserRecord[] = [];
  const items: ItemRecord[] = [];
  const batches: InteractionEvent[][] = [];
  const store = strictStore({
    async counts(): Promise<StoreCounts> {
      return { users: users.length, items: items.length, queries: 0, events: initialEvents + batches.flat().length };
    },
    async upsertUsers(list) {
      users.push(...list);
      return list.length;
    },
    async upsertItems(list) {
      items.push(...list);
      return list.length;
    },
    async ingestEvents(events) {
      batches.push([...events]);
      return { inserted: events.length, duplicates: [] };
    },
  });
  return { store, users, items, batches };
}

const opts = { seed: 5, users: 120, items: 90, days: 14, now: Date.UTC(2025, 0, 15) };

describe('loadDemoData', () => {
  it('loads users, items, then every event in batches, into an empty store', async () => {
    const f = fakeStore();
    const res = await loadDemoData(f.store, { ...opts, batchSize: 1000 });
    const expected = generateDemoData(opts);
    expect(res).toMatchObject({ loaded: true, users: 120, items: 90, events: expected.events.length, inserted: expected.events.length });
    expect(f.users).toEqual(expected.users);
    expect(f.items).toEqual(expected.items);
    expect(f.batches.flat()).toEqual(expected.events);
    expect(f.batches.every((b) => b.length <= 1000)).toBe(true);
    expect(f.batches.length).toBe(Math.ceil(expected.events.length / 1000));
  });

  it('does nothing when the store already holds events (also a second call)', async () => {
    const f = fakeStore(3);
    expect(await loadDemoData(f.store, opts)).toEqual({ loaded: false, reason: 'store-not-empty', existingEvents: 3, users: 0, items: 0, events: 0 });
    expect(f.users).toHaveLength(0);
    const g = fakeStore();
    await loadDemoData(g.store, opts);
    const second = await loadDemoData(g.store, opts);
    expect(second.loaded).toBe(false);
    expect(g.users).toHaveLength(120);
  });
});
