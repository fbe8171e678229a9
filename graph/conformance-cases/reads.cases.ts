/** Conformance cases for GraphStore reads: profile, neighbourhood, item stats, trending, fresh. */
import { expect, it } from '@jest/globals';
import { EVENT_TYPES } from '../../domain/events';
import type { GraphStore, Neighbourhood } from '../port';
import { T0, HOUR, ev, item, ix, many, totalsOf, weight, withStore, type OpenHarness } from './fixtures';

/**
 * u1: A B C   u2: A B   u3: B D   u4: A C E (+ an impression of D, which is not an interaction).
 * Seeds [A, B]: C co [2, 1], E [1, 0], D [0, 1]; degrees A 3, B 3, C 2, D 1, E 1.
 */
export async function buildSmallGraph(store: GraphStore): Promise<void> {
  const rows: [string, string][] = [
    ['u1', 'A'],
    ['u1', 'B'],
    ['u1', 'C'],
    ['u2', 'A'],
    ['u2', 'B'],
    ['u3', 'B'],
    ['u3', 'D'],
    ['u4', 'A'],
    ['u4', 'C'],
    ['u4', 'E'],
  ];
  await store.ingestEvents(rows.map(([u, i], j) => ev(`g${j}`, u, 'view', i, T0 + j * HOUR)));
  await store.ingestEvents([ev('g-imp', 'u4', 'impression', 'D', T0 + 20 * HOUR)]);
}

/** The neighbourhood as plain data: neighbour -> co-count array, and the degree map. */
export function plain(nb: Neighbourhood): { seeds: string[]; co: Record<string, number[]>; degree: Record<string, number> } {
  const co: Record<string, number[]> = {};
  for (const [id, v] of nb.co) co[id] = Array.from(v);
  return { seeds: [...nb.seeds], co, degree: Object.fromEntries(nb.degree) };
}

export function readCases(open: OpenHarness): void {
  it('scanInteractions: every item interaction exactly once, in pages, without impressions or searches', () =>
    withStore(open, async ({ store }) => {
      const empty: unknown[] = [];
      for await (const page of store.scanInteractions(2)) empty.push(...page);
      expect(empty).toEqual([]);
      const batch = [
        ev('s1', 'u1', 'view', 'i1', T0),
        ev('s2', 'u1', 'purchase', 'i1', T0 + HOUR, { value: 9.5 }),
        ev('s3', 'u2', 'add_to_cart', 'i2', T0 + 2 * HOUR),
        ev('s4', 'u2', 'impression', 'i3', T0 + 3 * HOUR),
        ev('s5', 'u3', 'search', null, T0 + 4 * HOUR, { query: 'lamp' }),
        ev('s6', 'u3', 'click', 'i2', T0 + 5 * HOUR),
        ev('s7', 'u1', 'wishlist', 'i3', T0 + 6 * HOUR),
      ];
      await store.ingestEvents(batch);
      const pages: number[] = [];
      const seen: unknown[] = [];
      for await (const page of store.scanInteractions(2)) {
        pages.push(page.length);
        seen.push(...page);
      }
      expect(pages.every((n) => n >= 1 && n <= 2)).toBe(true);
      const key = (r: { ts: number }) => r.ts;
      expect([...(seen as { ts: number }[])].sort((a, b) => key(a) - key(b))).toEqual([
        { userId: 'u1', itemId: 'i1', type: 'view', ts: T0, value: 0 },
        { userId: 'u1', itemId: 'i1', type: 'purchase', ts: T0 + HOUR, value: 9.5 },
        { userId: 'u2', itemId: 'i2', type: 'add_to_cart', ts: T0 + 2 * HOUR, value: 0 },
        { userId: 'u3', itemId: 'i2', type: 'click', ts: T0 + 5 * HOUR, value: 0 },
        { userId: 'u1', itemId: 'i3', type: 'wishlist', ts: T0 + 6 * HOUR, value: 0 },
      ]);
    }));

  it('scanSearches: every search with query text exactly once, in pages, with the item it led to', () =>
    withStore(open, async ({ store }) => {
      const empty: unknown[] = [];
      for await (const page of store.scanSearches(2)) empty.push(...page);
      expect(empty).toEqual([]);
      await store.ingestEvents([
        ev('q1', 'u1', 'search', null, T0, { query: 'red lamp' }),
        ev('q2', 'u1', 'view', 'i1', T0 + HOUR),
        ev('q3', 'u2', 'search', 'i1', T0 + 2 * HOUR, { query: 'red lamp' }),
        ev('q4', 'u2', 'search', null, T0 + 3 * HOUR),
        ev('q5', 'u3', 'click', 'i2', T0 + 4 * HOUR, { query: 'kettle' }),
        ev('q6', 'u3', 'search', 'i2', T0 + 5 * HOUR, { query: 'kettle' }),
      ]);
      const pages: number[] = [];
      const seen: { ts: number }[] = [];
      for await (const page of store.scanSearches(2)) {
        pages.push(page.length);
        seen.push(...page);
      }
      expect(pages.every((n) => n >= 1 && n <= 2)).toBe(true);
      expect(seen.sort((a, b) => a.ts - b.ts)).toEqual([
        { userId: 'u1', query: 'red lamp', ts: T0, itemId: null },
        { userId: 'u2', query: 'red lamp', ts: T0 + 2 * HOUR, itemId: 'i1' },
        { userId: 'u3', query: 'kettle', ts: T0 + 5 * HOUR, itemId: 'i2' },
      ]);
      await expect(
        (async () => {
          for await (const _ of store.scanSearches(0)) break;
        })(),
      ).rejects.toThrow(RangeError);
    }));

  it('userProfile: unknown users, newest-first limited history, full purchased set', () =>
    withStore(open, async ({ store }) => {
      expect(await store.userProfile('ghost', 10)).toEqual({ known: false, user: null, history: [], purchased: new Set() });
      await store.upsertUsers([{ id: 'quiet', demographics: { region: 'east' }, preferences: [] }]);
      expect(await store.userProfile('quiet', 10)).toEqual({
        known: true,
        user: { id: 'quiet', demographics: { region: 'east' }, preferences: [] },
        history: [],
        purchased: new Set(),
      });
      const p1 = ev('p1', 'u1', 'purchase', 'old', T0, { value: 30 });
      const p2 = ev('p2', 'u1', 'view', 'i1', T0 + HOUR);
      const p3 = ev('p3', 'u1', 'view', 'i2', T0 + 2 * HOUR);
      const p4 = ev('p4', 'u1', 'purchase', 'i2', T0 + 3 * HOUR, { value: 12.5 });
      const p5 = ev('p5', 'u1', 'click', 'i3', T0 + 4 * HOUR);
      const p6 = ev('p6', 'u1', 'impression', 'i9', T0 + 5 * HOUR);
      const p7 = ev('p7', 'u1', 'search', null, T0 + 6 * HOUR, { query: 'kettle' });
      const p8 = ev('p8', 'u2', 'purchase', 'i7', T0 + 7 * HOUR, { value: 1 });
      // Arrival order differs from time order.
      await store.ingestEvents([p5, p1, p3, p7, p2, p6]);
      await store.ingestEvents([p4, p8]);
      const p = await store.userProfile('u1', 3);
      expect(p.known).toBe(true);
      expect(p.user).toEqual({ id: 'u1', demographics: {}, preferences: [] });
      expect(p.history).toEqual([
        { itemId: 'i3', type: 'click', ts: T0 + 4 * HOUR, value: 0 },
        { itemId: 'i2', type: 'purchase', ts: T0 + 3 * HOUR, value: 12.5 },
        { itemId: 'i2', type: 'view', ts: T0 + 2 * HOUR, value: 0 },
      ]);
      expect(p.purchased).toEqual(new Set(['old', 'i2']));
      const all = await store.userProfile('u1', 100);
      expect(all.history.map((h) => h.itemId)).toEqual(['i3', 'i2', 'i2', 'i1', 'old']);
      expect((await store.userProfile('u1', 0)).history).toEqual([]);
    }));

  it('neighbourhood: exact distinct-user co-counts and degrees, seeds excluded, limit honoured', () =>
    withStore(open, async ({ store }) => {
      await buildSmallGraph(store);
      expect(plain(await store.neighbourhood(['A', 'B']))).toEqual({
        seeds: ['A', 'B'],
        co: { C: [2, 1], E: [1, 0], D: [0, 1] },
        degree: { A: 3, B: 3, C: 2, D: 1, E: 1 },
      });
      expect(plain(await store.neighbourhood(['A', 'B'], { limit: 1 }))).toEqual({
        seeds: ['A', 'B'],
        co: { C: [2, 1] },
        degree: { A: 3, B: 3, C: 2 },
      });
      // Repeated seeds count once; unknown seeds have no neighbours and degree 0.
      expect(plain(await store.neighbourhood(['A', 'A', 'Z']))).toEqual({
        seeds: ['A', 'Z'],
        co: { B: [2, 0], C: [2, 0], E: [1, 0] },
        degree: { A: 3, Z: 0, B: 3, C: 2, E: 1 },
      });
      expect(plain(await store.neighbourhood([]))).toEqual({ seeds: [], co: {}, degree: {} });
    }));

  it('neighbourhood: walks the most recent distinct users and items', () =>
    withStore(open, async ({ store }) => {
      await store.ingestEvents([
        ev('n1', 'v1', 'view', 'S', T0 + HOUR),
        ev('n2', 'v2', 'view', 'S', T0 + 2 * HOUR),
        ev('n3', 'v3', 'view', 'S', T0 + 3 * HOUR),
        ev('n4', 'v1', 'view', 'X1', T0 + 10 * HOUR),
        ev('n5', 'v2', 'view', 'X2', T0 + 10 * HOUR),
        ev('n6', 'v2', 'view', 'X3', T0 + 11 * HOUR),
        ev('n7', 'v3', 'view', 'X3', T0 + 12 * HOUR),
        ev('n8', 'v3', 'view', 'X4', T0 + 13 * HOUR),
      ]);
      expect(plain(await store.neighbourhood(['S'], { usersPerItem: 2, itemsPerUser: 2 })).co).toEqual({
        X3: [2],
        X4: [1],
        X2: [1],
      });
      expect(plain(await store.neighbourhood(['S'], { itemsPerUser: 2 })).co).toEqual({
        X1: [1],
        X2: [1],
        X3: [2],
        X4: [1],
      });
      // v1 interacts with S again, later than anyone: it becomes S's most recent user, once.
      await store.ingestEvents([ev('n9', 'v1', 'click', 'S', T0 + 20 * HOUR)]);
      const nb = plain(await store.neighbourhood(['S'], { usersPerItem: 1 }));
      expect(nb.co).toEqual({ X1: [1] });
      expect(nb.degree).toEqual({ S: 3, X1: 1 });
    }));

  it('itemStats: totals, revenue, distinct users and decayed values as of the newest event', () =>
    withStore(open, async ({ store }) => {
      const H = store.statsHalfLifeMs;
      expect(H).toBeGreaterThan(0);
      const x1 = ev('x1', 'u1', 'view', 'X', T0);
      const x2 = ev('x2', 'u2', 'view', 'X', T0 + H);
      const x3 = ev('x3', 'u1', 'purchase', 'X', T0 + 2 * H, { value: 10 });
      const x4 = ev('x4', 'u3', 'impression', 'X', T0 + 2.5 * H);
      const y1 = ev('y1', 'u4', 'view', 'Y', T0 + 3 * H);
      await store.ingestEvents([x3, x1]);
      await store.ingestEvents([y1, x4, x2]);
      const stats = await store.itemStats(['X', 'Y', 'missing', 'X']);
      expect([...stats.keys()].sort()).toEqual(['X', 'Y']);
      const x = stats.get('X');
      const now = T0 + 3 * H;
      expect(x?.itemId).toBe('X');
      expect(Array.from(x?.totals ?? [])).toEqual(totalsOf({ view: 2, purchase: 1, impression: 1 }));
      expect(x?.decayed).toHaveLength(EVENT_TYPES.length);
      expect(x?.decayed[ix('view')]).toBeCloseTo(weight(now - x1.ts, H) + weight(now - x2.ts, H), 9);
      expect(x?.decayed[ix('view')]).toBeCloseTo(0.375, 9);
      expect(x?.decayed[ix('purchase')]).toBeCloseTo(0.5, 9);
      expect(x?.decayed[ix('impression')]).toBeCloseTo(Math.SQRT1_2, 9);
      expect(x?.decayed[ix('click')]).toBe(0);
      expect(x?.totalRevenue).toBeCloseTo(10, 9);
      expect(x?.decayedRevenue).toBeCloseTo(5, 9);
      expect(x?.users).toBe(2);
      expect(x?.lastTs).toBe(T0 + 2 * H);
      const y = stats.get('Y');
      expect(Array.from(y?.totals ?? [])).toEqual(totalsOf({ view: 1 }));
      expect(y?.decayed[ix('view')]).toBeCloseTo(1, 9);
      expect(y?.users).toBe(1);
      expect(y?.lastTs).toBe(now);
      await store.upsertItems([item('quiet')]);
      const quiet = (await store.itemStats(['quiet'])).get('quiet');
      expect(quiet && { users: quiet.users, lastTs: quiet.lastTs, revenue: quiet.totalRevenue }).toEqual({
        users: 0,
        lastTs: 0,
        revenue: 0,
      });
    }));

  it('trending: available items by decayed interactions, impressions and unavailable items excluded', () =>
    withStore(open, async ({ store }) => {
      const H = store.statsHalfLifeMs;
      const now = T0 + 10 * H;
      await store.ingestEvents([
        ...many('p', 3, 'view', 'P', now),
        ...many('q', 5, 'view', 'Q', now - 4 * H),
        ...many('r', 10, 'view', 'R', now),
        ...many('s', 20, 'impression', 'S', now),
        ...many('v', 1, 'click', 'V', now),
        ...many('w', 3, 'like', 'W', now - H),
      ]);
      await store.upsertItems([item('R', { available: false })]);
      // P 3, W 1.5, V 1, Q 5/16; R unavailable; S only impressions.
      expect(await store.trending(10)).toEqual(['P', 'W', 'V', 'Q']);
      expect(await store.trending(2)).toEqual(['P', 'W']);
      await store.upsertItems([item('R', { available: true })]);
      expect(await store.trending(10)).toEqual(['R', 'P', 'W', 'V', 'Q']);
      await store.ingestEvents(many('q2', 2, 'view', 'Q', now));
      expect(await store.trending(10)).toEqual(['R', 'P', 'Q', 'W', 'V']);
    }));

  it('fresh: available items by createdAt, newest first', () =>
    withStore(open, async ({ store }) => {
      await store.upsertItems([item('F1', { createdAt: T0 + 1 }), item('F2', { createdAt: T0 + 3, available: false }), item('F3', { createdAt: T0 + 2 }), item('F4', { createdAt: T0 + 5 })]);
      await store.ingestEvents([ev('e1', 'u1', 'view', 'F5', T0 + 4)]);
      expect(await store.fresh(10)).toEqual(['F4', 'F5', 'F3', 'F1']);
      expect(await store.fresh(2)).toEqual(['F4', 'F5']);
      await store.upsertItems([item('F4', { createdAt: T0 + 5, available: false })]);
      expect(await store.fresh(2)).toEqual(['F5', 'F3']);
      await store.upsertItems([item('F2', { createdAt: T0 + 10 })]);
      expect(await store.fresh(1)).toEqual(['F2']);
      expect(await store.fresh(0)).toEqual([]);
    }));
}
