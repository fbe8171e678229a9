/** Conformance cases for GraphStore writes: idempotency, atomicity, bare nodes, upserts, searches. */
import { expect, it } from '@jest/globals';
import { T0, HOUR, ev, item, totalsOf, withStore, type OpenHarness } from './fixtures';

export function writeCases(open: OpenHarness): void {
  it('starts empty', () =>
    withStore(open, async ({ store }) => {
      expect(await store.counts()).toEqual({ users: 0, items: 0, queries: 0, events: 0 });
      expect(await store.latestEventTs()).toBe(0);
      expect(await store.trending(5)).toEqual([]);
      expect(await store.fresh(5)).toEqual([]);
    }));

  it('ingests idempotently by eventId and reports duplicates in input order', () =>
    withStore(open, async ({ store }) => {
      const a = ev('e1', 'u1', 'view', 'i1', T0);
      const b = ev('e2', 'u1', 'click', 'i1', T0 + 1000);
      const c = ev('e3', 'u2', 'view', 'i1', T0 + 2000);
      const d = ev('e4', 'u3', 'view', 'i1', T0 + 3000);
      expect(await store.ingestEvents([a, b])).toEqual({ inserted: 2, duplicates: [] });
      expect(await store.ingestEvents([a])).toEqual({ inserted: 0, duplicates: ['e1'] });
      expect(await store.ingestEvents([c, a, c, d, b])).toEqual({ inserted: 2, duplicates: ['e1', 'e3', 'e2'] });
      expect(await store.ingestEvents([c, a, c, d, b])).toEqual({
        inserted: 0,
        duplicates: ['e3', 'e1', 'e3', 'e4', 'e2'],
      });
      // A re-send with different content is still the same event: nothing changes.
      expect(await store.ingestEvents([{ ...a, type: 'purchase', value: 99 }])).toEqual({
        inserted: 0,
        duplicates: ['e1'],
      });
      expect(await store.counts()).toEqual({ users: 3, items: 1, queries: 0, events: 4 });
      const stats = (await store.itemStats(['i1'])).get('i1');
      expect(Array.from(stats?.totals ?? [])).toEqual(totalsOf({ view: 3, click: 1 }));
      expect(stats?.totalRevenue).toBe(0);
      expect(stats?.users).toBe(3);
      expect((await store.userProfile('u1', 10)).history).toHaveLength(2);
      expect((await store.userProfile('u1', 10)).purchased.size).toBe(0);
      expect(await store.latestEventTs()).toBe(T0 + 3000);
    }));

  it('stores nothing from a batch the store rejects', () =>
    withStore(open, async ({ store }) => {
      const good = ev('g1', 'u1', 'view', 'i1', T0);
      const bad = { ...ev('g2', 'u2', 'view', 'i2', T0 + 1), userId: null as unknown as string };
      await expect(store.ingestEvents([good, bad])).rejects.toThrow();
      expect(await store.counts()).toEqual({ users: 0, items: 0, queries: 0, events: 0 });
      expect(await store.latestEventTs()).toBe(0);
      expect((await store.userProfile('u1', 10)).known).toBe(false);
      expect(await store.ingestEvents([good])).toEqual({ inserted: 1, duplicates: [] });
      expect((await store.userProfile('u1', 10)).history.map((h) => h.itemId)).toEqual(['i1']);
    }));

  it('creates bare users and items for unknown ids, and leaves known ones alone', () =>
    withStore(open, async ({ store }) => {
      await store.upsertItems([item('known', { title: 'Kettle', price: 20, createdAt: T0 - HOUR })]);
      await store.ingestEvents([ev('e1', 'nu', 'view', 'ni', T0 + 5000), ev('e2', 'nu', 'click', 'ni', T0 + 1000), ev('e3', 'nu', 'view', 'known', T0 + 6000)]);
      const users = await store.getUsers(['nu', 'nobody']);
      expect([...users.keys()]).toEqual(['nu']);
      expect(users.get('nu')).toEqual({ id: 'nu', demographics: {}, preferences: [] });
      const items = await store.getItems(['ni', 'known', 'nothing']);
      expect(items.size).toBe(2);
      // createdAt of a bare item is the ts of the first event (in input order) that named it.
      expect(items.get('ni')).toEqual({
        id: 'ni',
        title: '',
        categories: [],
        brand: null,
        price: null,
        available: true,
        createdAt: T0 + 5000,
      });
      expect(items.get('known')).toEqual(item('known', { title: 'Kettle', price: 20, createdAt: T0 - HOUR }));
      expect(await store.counts()).toEqual({ users: 1, items: 2, queries: 0, events: 3 });
    }));

  it('upserts insert, then replace by id', () =>
    withStore(open, async ({ store }) => {
      const first = item('i1', {
        title: 'Red kettle',
        categories: ['kitchen', 'sale'],
        brand: 'Acme',
        price: 19.5,
        createdAt: T0,
      });
      const second = item('i1', { title: 'Blue kettle', categories: ['kitchen'], available: false, createdAt: T0 + 10 });
      expect(await store.upsertItems([first, item('i2')])).toBe(2);
      expect((await store.getItems(['i1'])).get('i1')).toEqual(first);
      expect(await store.upsertItems([second])).toBe(1);
      expect((await store.getItems(['i1', 'i2'])).get('i1')).toEqual(second);

      const u = { id: 'u1', demographics: { age: '25-34', region: 'north' }, preferences: ['kitchen'] };
      expect(await store.upsertUsers([u])).toBe(1);
      expect((await store.getUsers(['u1'])).get('u1')).toEqual(u);
      const u2 = { id: 'u1', demographics: { region: 'south' }, preferences: [] };
      expect(await store.upsertUsers([u2])).toBe(1);
      expect((await store.getUsers(['u1'])).get('u1')).toEqual(u2);

      expect(await store.upsertQueries([{ text: 'red kettle', terms: ['red', 'kettle'] }])).toBe(1);
      expect(await store.upsertQueries([{ text: 'red kettle', terms: ['kettle'] }])).toBe(1);
      const qs = await store.getQueries(['red kettle', 'never searched']);
      expect([...qs.values()]).toEqual([{ text: 'red kettle', terms: ['kettle'] }]);

      // A bare item is replaced entirely by a later upsert.
      await store.ingestEvents([ev('e1', 'u9', 'view', 'bare', T0 + HOUR)]);
      await store.upsertItems([item('bare', { title: 'Mug', createdAt: T0 - HOUR })]);
      expect((await store.getItems(['bare'])).get('bare')).toEqual(item('bare', { title: 'Mug', createdAt: T0 - HOUR }));
      expect(await store.counts()).toEqual({ users: 2, items: 3, queries: 1, events: 1 });
    }));

  it('stores search events as queries, not as item interactions', () =>
    withStore(open, async ({ store }) => {
      const res = await store.ingestEvents([
        ev('s1', 'u1', 'search', null, T0, { query: 'red kettle' }),
        ev('s2', 'u1', 'search', 'i1', T0 + 1, { query: 'red kettle' }),
        ev('s3', 'u2', 'search', 'i2', T0 + 2, { query: 'blue mug' }),
      ]);
      expect(res).toEqual({ inserted: 3, duplicates: [] });
      const qs = await store.getQueries(['red kettle', 'blue mug', 'green']);
      expect(qs.size).toBe(2);
      expect([...(qs.get('red kettle')?.terms ?? [])].sort()).toEqual(['kettle', 'red']);
      expect([...(qs.get('blue mug')?.terms ?? [])].sort()).toEqual(['blue', 'mug']);
      expect(await store.counts()).toEqual({ users: 2, items: 2, queries: 2, events: 3 });
      const profile = await store.userProfile('u1', 10);
      expect(profile.known).toBe(true);
      expect(profile.history).toEqual([]);
      expect(Array.from((await store.itemStats(['i1'])).get('i1')?.totals ?? [1])).toEqual(totalsOf({}));
      expect(await store.trending(5)).toEqual([]);
      expect(await store.latestEventTs()).toBe(T0 + 2);
    }));

  it('fails calls after close', () =>
    withStore(open, async ({ store }) => {
      await store.ingestEvents([ev('e1', 'u1', 'view', 'i1', T0)]);
      await store.close();
      await expect(store.counts()).rejects.toThrow();
      await expect(store.ingestEvents([ev('e2', 'u1', 'view', 'i1', T0)])).rejects.toThrow();
    }));
}
