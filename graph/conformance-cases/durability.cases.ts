/** Conformance case for restart durability: everything acknowledged before close survives. */
import { expect, it } from '@jest/globals';
import type { GraphStore } from '../port';
import { T0, HOUR, ev, item, withStore, type OpenHarness } from './fixtures';
import { buildSmallGraph, plain } from './reads.cases';

/** Every read the port offers, as plain comparable data. */
async function snapshot(store: GraphStore) {
  const items = ['A', 'B', 'C', 'D', 'E', 'K', 'M', 'Z'];
  const stats = await store.itemStats(items);
  return {
    counts: await store.counts(),
    latest: await store.latestEventTs(),
    trending: await store.trending(10),
    fresh: await store.fresh(10),
    neighbourhood: plain(await store.neighbourhood(['A', 'B'])),
    stats: [...stats.values()].map((s) => ({ ...s, totals: Array.from(s.totals), decayed: Array.from(s.decayed) })).sort((a, b) => (a.itemId < b.itemId ? -1 : 1)),
    profile: await store.userProfile('u1', 10),
    users: await store.getUsers(['u1', 'u4', 'shopper']),
    items: await store.getItems(items),
    queries: await store.getQueries(['red kettle', 'mug']),
  };
}

export function durabilityCases(name: string, open: OpenHarness): void {
  it('keeps everything acknowledged before a restart', () =>
    withStore(open, async ({ store, reopen }) => {
      if (reopen === undefined) {
        console.warn(`${name}: restart durability not checked: the harness offers no reopen()`);
        expect(reopen).toBeUndefined();
        return;
      }
      await store.upsertUsers([{ id: 'shopper', demographics: { region: 'west' }, preferences: ['kitchen'] }]);
      await store.upsertItems([
        item('K', { title: 'Kettle', categories: ['kitchen'], price: 25, createdAt: T0 + 30 * HOUR }),
        item('M', { title: 'Mug', available: false, createdAt: T0 + 31 * HOUR }),
      ]);
      await store.upsertQueries([{ text: 'mug', terms: ['mug'] }]);
      await buildSmallGraph(store);
      const late = [
        ev('d1', 'shopper', 'purchase', 'K', T0 + 40 * HOUR, { value: 25 }),
        ev('d2', 'shopper', 'search', 'K', T0 + 39 * HOUR, { query: 'red kettle' }),
        ev('d3', 'u1', 'add_to_cart', 'K', T0 + 38 * HOUR, { session: 's1', referrer: 'mail', dwellMs: 1200 }),
        ev('d4', 'u1', 'impression', 'M', T0 + 41 * HOUR),
      ];
      await store.ingestEvents(late);
      const before = await snapshot(store);
      expect(before.counts).toEqual({ users: 5, items: 7, queries: 2, events: 15 });
      expect(before.trending).toContain('K');
      expect(before.trending).not.toContain('M');
      await store.close();

      const again = await reopen();
      const after = await snapshot(again);
      expect(after).toEqual(before);
      expect(await again.ingestEvents(late)).toEqual({ inserted: 0, duplicates: ['d1', 'd2', 'd3', 'd4'] });
      expect(await again.ingestEvents([ev('d5', 'u2', 'view', 'E', T0 + 50 * HOUR)])).toEqual({
        inserted: 1,
        duplicates: [],
      });
      expect((await again.counts()).events).toBe(16);
      expect(await again.latestEventTs()).toBe(T0 + 50 * HOUR);
      await again.close();
    }));
}
