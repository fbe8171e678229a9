/** Conformance cases for the MTL-ads data: selling-point click keywords, scanAdEvents, explicit selling points. */
import { expect, it } from '@jest/globals';
import type { AdEventRecord } from '../port';
import { T0, HOUR, ev, item, withStore, type OpenHarness } from './fixtures';

export function adsCases(open: OpenHarness): void {
  it('scanAdEvents: every ad_click and selling_point_click exactly once, with query and keyword', () =>
    withStore(open, async ({ store, reopen }) => {
      const empty: unknown[] = [];
      for await (const page of store.scanAdEvents(2)) empty.push(...page);
      expect(empty).toEqual([]);
      await store.ingestEvents([
        ev('a1', 'u1', 'ad_click', 'i1', T0, { query: 'red lamp' }),
        ev('a2', 'u1', 'click', 'i1', T0 + HOUR),
        { ...ev('a3', 'u1', 'selling_point_click', 'i1', T0 + 2 * HOUR, { query: 'red lamp' }), keyword: 'waterproof' },
        { ...ev('a4', 'u2', 'selling_point_click', 'i2', T0 + 3 * HOUR), keyword: 'free shipping' },
        ev('a5', 'u2', 'ad_click', 'i2', T0 + 4 * HOUR),
      ]);
      const want: AdEventRecord[] = [
        { eventId: 'a1', userId: 'u1', type: 'ad_click', itemId: 'i1', ts: T0, query: 'red lamp', keyword: null },
        { eventId: 'a3', userId: 'u1', type: 'selling_point_click', itemId: 'i1', ts: T0 + 2 * HOUR, query: 'red lamp', keyword: 'waterproof' },
        { eventId: 'a4', userId: 'u2', type: 'selling_point_click', itemId: 'i2', ts: T0 + 3 * HOUR, query: null, keyword: 'free shipping' },
        { eventId: 'a5', userId: 'u2', type: 'ad_click', itemId: 'i2', ts: T0 + 4 * HOUR, query: null, keyword: null },
      ];
      const read = async (s: typeof store): Promise<AdEventRecord[]> => {
        const seen: AdEventRecord[] = [];
        for await (const page of s.scanAdEvents(3)) {
          expect(page.length).toBeGreaterThan(0);
          expect(page.length).toBeLessThanOrEqual(3);
          seen.push(...page);
        }
        return seen.sort((a, b) => a.ts - b.ts);
      };
      expect(await read(store)).toEqual(want);
      if (reopen) expect(await read(await reopen())).toEqual(want);
      await expect(
        (async () => {
          for await (const _ of store.scanAdEvents(0)) break;
        })(),
      ).rejects.toThrow(RangeError);
    }));

  it('keeps explicit selling points on items, and drops them when an upsert declares none', () =>
    withStore(open, async ({ store, reopen }) => {
      await store.upsertItems([item('i1', { title: 'Trail jacket', sellingPoints: ['waterproof', 'free shipping'] }), item('i2', { title: 'Mug' })]);
      const got = await store.getItems(['i1', 'i2']);
      expect(got.get('i1')?.sellingPoints).toEqual(['waterproof', 'free shipping']);
      expect(got.get('i2')?.sellingPoints ?? []).toEqual([]);
      if (reopen) expect((await (await reopen()).getItems(['i1'])).get('i1')?.sellingPoints).toEqual(['waterproof', 'free shipping']);
      await store.upsertItems([item('i1', { title: 'Trail jacket' })]);
      expect((await store.getItems(['i1'])).get('i1')?.sellingPoints ?? []).toEqual([]);
    }));
}
