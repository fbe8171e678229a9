import type { ItemRecord } from '../domain/catalog';
import { categoryAffinity } from './category-affinity';

const DAY = 24 * 3600 * 1000;
const rec = (id: string, categories: string[]): ItemRecord => ({ id, title: id, categories, brand: null, price: null, available: true, createdAt: 0 });

describe('categoryAffinity', () => {
  const items = new Map([
    ['a', rec('a', ['shoes.trail'])],
    ['b', rec('b', ['shoes.road'])],
    ['c', rec('c', ['hats'])],
  ]);
  const ancestors = new Map<string, readonly string[]>([
    ['shoes.trail', ['shoes', 'shoes.trail']],
    ['shoes.road', ['shoes', 'shoes.road']],
  ]);
  const now = 10 * DAY;
  const history = [
    { itemId: 'a', type: 'view' as const, ts: now, value: 0 },
    { itemId: 'b', type: 'add_to_cart' as const, ts: now - 3 * DAY, value: 0 },
    { itemId: 'c', type: 'view' as const, ts: now, value: 0 },
    { itemId: 'zz', type: 'view' as const, ts: now, value: 0 }, // no record: ignored
  ];

  it('weights by type and half-life, and rolls leaves up to their ancestors', () => {
    const out = categoryAffinity(history, items, ancestors, 1, { now, halfLifeMs: 3 * DAY });
    // shoes = view of a (1) + cart of b (2.5 · 2^-1 = 1.25); leaves keep their own mass.
    expect(out.map((c) => [c.category, c.score, c.level])).toEqual([
      ['shoes', 2.25, 1],
      ['shoes.road', 1.25, 0],
      ['hats', 1, 0],
      ['shoes.trail', 1, 0],
    ]);
  });

  it('stays at the leaves with levels = 0', () => {
    expect(categoryAffinity(history, items, ancestors, 0, { now, halfLifeMs: 3 * DAY }).map((c) => c.category)).toEqual(['shoes.road', 'hats', 'shoes.trail']);
  });
});
