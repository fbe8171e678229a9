import type { ItemRecord } from '../../domain/catalog';
import type { InteractionEvent } from '../../domain/events';
import { strictStore } from '../../test/support/strict-store';
import { createEventSink, mergeItem } from './sink';

/** In-memory stand-in for the three calls the sink makes; everything else fails loudly. */
function fakeStore() {
  const items = new Map<string, ItemRecord>();
  const eventIds = new Set<string>();
  const calls: string[] = [];
  const store = strictStore({
    async getItems(ids) {
      calls.push(`getItems:${ids.length}`);
      return new Map(ids.flatMap((id) => (items.has(id) ? [[id, items.get(id) as ItemRecord] as const] : [])));
    },
    async upsertCategories(list) {
      calls.push(`upsertCategories:${list.map((c) => `${c.id}<${c.parent ?? ''}`).join(',')}`);
      return list.length;
    },
    async upsertItems(list) {
      calls.push(`upsertItems:${list.length}`);
      for (const it of list) items.set(it.id, it);
      return list.length;
    },
    async ingestEvents(events) {
      calls.push(`ingestEvents:${events.length}`);
      const duplicates: string[] = [];
      let inserted = 0;
      for (const e of events) {
        if (eventIds.has(e.eventId)) duplicates.push(e.eventId);
        else {
          eventIds.add(e.eventId);
          inserted += 1;
        }
      }
      return { inserted, duplicates };
    },
  });
  return { store, items, calls };
}

const ev = (id: string, itemId: string, ts: number): InteractionEvent => ({
  eventId: id,
  userId: 'u',
  type: 'view',
  itemId,
  ts,
  value: 0,
  dwellMs: null,
  session: null,
  referrer: null,
  query: null,
});
const patch = (id: string, categories: string[], title: string | null = null) => ({ id, categories, title, price: null, brand: null });

describe('createEventSink', () => {
  it('batches, upserts items before events, and counts duplicates across runs', async () => {
    const { store, items, calls } = fakeStore();
    const run = async () => {
      const sink = createEventSink(store, 2);
      await sink.add(ev('e1', 'i1', 30), patch('i1', ['c1']));
      await sink.add(ev('e2', 'i1', 10), patch('i1', ['c2']));
      await sink.add(ev('e3', 'i2', 20), null);
      await sink.flush();
      return sink.totals();
    };
    expect(await run()).toEqual({ events: 3, inserted: 3, duplicates: 0, itemsUpserted: 1, categoriesUpserted: 0, batches: 2 });
    expect(calls).toEqual(['getItems:1', 'upsertItems:1', 'ingestEvents:2', 'ingestEvents:1']);
    expect(items.get('i1')).toMatchObject({ categories: ['c1', 'c2'], createdAt: 10, available: true, title: '' });
    calls.length = 0;
    expect(await run()).toEqual({ events: 3, inserted: 0, duplicates: 3, itemsUpserted: 0, categoriesUpserted: 0, batches: 2 });
    expect(calls).toEqual(['getItems:1', 'ingestEvents:2', 'ingestEvents:1']);
  });

  it('writes categories before the items, each record once per run unless it changes', async () => {
    const { store, calls } = fakeStore();
    const sink = createEventSink(store, 2);
    const a = { id: 'a', parent: null, name: 'a' };
    const ab = { id: 'a.b', parent: 'a', name: 'b' };
    await sink.add(ev('e1', 'i1', 1), patch('i1', ['a.b']), [a, ab]);
    await sink.add(ev('e2', 'i2', 2), patch('i2', ['a.b']), [a, ab]);
    await sink.add(ev('e3', 'i3', 3), patch('i3', ['a.b']), [a, ab]);
    await sink.add(ev('e4', 'i4', 4), patch('i4', ['a.b']), [a, { ...ab, parent: null }]);
    await sink.flush();
    expect(calls).toEqual(['upsertCategories:a<,a.b<a', 'getItems:2', 'upsertItems:2', 'ingestEvents:2', 'upsertCategories:a.b<', 'getItems:2', 'upsertItems:2', 'ingestEvents:2']);
    expect(sink.totals().categoriesUpserted).toBe(3);
  });

  it('flush with nothing queued makes no call', async () => {
    const { store, calls } = fakeStore();
    await createEventSink(store, 10).flush();
    expect(calls).toEqual([]);
  });
});

describe('mergeItem', () => {
  const known: ItemRecord = { id: 'i', title: 'Lamp', categories: ['a'], brand: 'B', price: 5, available: false, createdAt: 1 };
  const pending = (over: Partial<{ categories: Set<string>; title: string | null; price: number | null }>) => ({
    categories: new Set<string>(),
    title: null,
    price: null,
    brand: null,
    firstTs: 99,
    ...over,
  });

  it('keeps what the store knows when the rows add nothing', () => {
    expect(mergeItem('i', known, pending({ categories: new Set(['a']) }))).toBeNull();
  });

  it('unions categories and takes given values, keeping availability and createdAt', () => {
    expect(mergeItem('i', known, pending({ categories: new Set(['b']), price: 7 }))).toEqual({
      ...known,
      categories: ['a', 'b'],
      price: 7,
    });
  });
});
