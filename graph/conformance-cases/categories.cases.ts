/** Conformance cases for the category hierarchy: upserts, root-first chains, cycles, restarts. */
import { expect, it } from '@jest/globals';
import type { CategoryRecord } from '../../domain/catalog';
import { T0, HOUR, item, many, withStore, type OpenHarness } from './fixtures';

const cat = (id: string, parent: string | null, name = id.split('.').pop() ?? id): CategoryRecord => ({ id, parent, name });

const TREE: readonly CategoryRecord[] = [
  cat('s:appliances.kitchen.washer', 's:appliances.kitchen', 'washer'),
  cat('s:appliances', null, 'appliances'),
  cat('s:appliances.kitchen', 's:appliances', 'kitchen'),
  cat('s:electronics', null, 'electronics'),
];

export function categoryCases(open: OpenHarness): void {
  it('answers root-first chains for every requested id, [id] for an id without a record', () =>
    withStore(open, async ({ store }) => {
      expect(await store.upsertCategories([])).toBe(0);
      expect(await store.categoryAncestors([])).toEqual(new Map());
      expect(await store.upsertCategories(TREE)).toBe(4);
      const chains = await store.categoryAncestors(['s:appliances.kitchen.washer', 's:appliances', 'nope', 's:appliances.kitchen.washer', 's:electronics']);
      expect(chains).toEqual(
        new Map([
          ['s:appliances.kitchen.washer', ['s:appliances', 's:appliances.kitchen', 's:appliances.kitchen.washer']],
          ['s:appliances', ['s:appliances']],
          ['nope', ['nope']],
          ['s:electronics', ['s:electronics']],
        ]),
      );
      // Categories are not users, items or queries.
      expect(await store.counts()).toEqual({ users: 0, items: 0, queries: 0, events: 0 });
    }));

  it('an upsert replaces the parent; a parent needs no record of its own', () =>
    withStore(open, async ({ store }) => {
      await store.upsertCategories(TREE);
      await store.upsertCategories([cat('s:appliances.kitchen', 's:electronics', 'kitchen'), cat('s:orphan', 's:unrecorded')]);
      const chains = await store.categoryAncestors(['s:appliances.kitchen.washer', 's:orphan', 's:unrecorded']);
      expect(chains.get('s:appliances.kitchen.washer')).toEqual(['s:electronics', 's:appliances.kitchen', 's:appliances.kitchen.washer']);
      expect(chains.get('s:orphan')).toEqual(['s:unrecorded', 's:orphan']);
      expect(chains.get('s:unrecorded')).toEqual(['s:unrecorded']);
      await store.upsertCategories([cat('s:appliances.kitchen', null, 'kitchen')]);
      expect((await store.categoryAncestors(['s:appliances.kitchen.washer'])).get('s:appliances.kitchen.washer')).toEqual(['s:appliances.kitchen', 's:appliances.kitchen.washer']);
    }));

  it('cuts a parent cycle instead of looping', () =>
    withStore(open, async ({ store }) => {
      await store.upsertCategories([cat('x', 'y'), cat('y', 'z'), cat('z', 'x'), cat('leaf', 'x'), cat('me', 'me')]);
      const chains = await store.categoryAncestors(['leaf', 'x', 'me']);
      expect(chains.get('leaf')).toEqual(['z', 'y', 'x', 'leaf']);
      expect(chains.get('x')).toEqual(['z', 'y', 'x']);
      expect(chains.get('me')).toEqual(['me']);
    }));

  it('keeps the hierarchy across a restart, and another instance on the same data sees new categories', () =>
    withStore(open, async ({ store, reopen }) => {
      if (reopen === undefined) {
        console.warn('categories: restart not checked: the harness offers no reopen()');
        expect(reopen).toBeUndefined();
        return;
      }
      await store.upsertCategories(TREE);
      const other = await reopen();
      expect((await other.categoryAncestors(['s:appliances.kitchen.washer'])).get('s:appliances.kitchen.washer')).toHaveLength(3);
      // Asked before it exists, then written by the first instance: the second must not remember the miss.
      expect((await other.categoryAncestors(['s:late.child'])).get('s:late.child')).toEqual(['s:late.child']);
      await store.upsertCategories([cat('s:late', null), cat('s:late.child', 's:late', 'child')]);
      expect((await other.categoryAncestors(['s:late.child'])).get('s:late.child')).toEqual(['s:late', 's:late.child']);
    }));

  it('lists the most popular available items of a category and its descendants', () =>
    withStore(open, async ({ store }) => {
      await store.upsertCategories(TREE);
      await store.upsertItems([
        item('w1', { categories: ['s:appliances.kitchen.washer'] }),
        item('w2', { categories: ['s:appliances.kitchen.washer'] }),
        item('k1', { categories: ['s:appliances.kitchen'] }),
        item('gone', { categories: ['s:appliances.kitchen'], available: false }),
        item('e1', { categories: ['s:electronics'] }),
      ]);
      await store.ingestEvents([
        ...many('a', 3, 'view', 'w2', T0 + HOUR),
        ...many('b', 2, 'view', 'k1', T0 + HOUR),
        ...many('c', 1, 'click', 'w1', T0 + HOUR),
        ...many('d', 5, 'view', 'gone', T0 + HOUR),
        ...many('e', 9, 'view', 'e1', T0 + HOUR),
      ]);
      const top = await store.categoryItems(['s:appliances', 's:appliances.kitchen.washer', 's:electronics', 'nope'], 2);
      // The subtree of s:appliances holds w1, w2 and k1 (gone is unavailable); w2 has the most interactions.
      expect(top.get('s:appliances')).toEqual(['w2', 'k1']);
      expect(top.get('s:appliances.kitchen.washer')).toEqual(['w2', 'w1']);
      expect(top.get('s:electronics')).toEqual(['e1']);
      expect(top.get('nope')).toEqual([]);
      expect((await store.categoryItems(['s:appliances'], 10)).get('s:appliances')).toEqual(['w2', 'k1', 'w1']);
    }));
}
