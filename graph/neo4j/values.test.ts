import neo4j from 'neo4j-driver';
import { eventTypeIndex, type InteractionEvent } from '../../domain/events';
import { assembleItemStats, assembleNeighbourhood, duplicatesOf, itemFromRow, num, numOrNull, planIngest, planWrites, userFromRow, withDegrees } from './values';

const e = (eventId: string, type: InteractionEvent['type'], itemId: string | null, query: string | null = null): InteractionEvent => ({
  eventId,
  userId: 'u1',
  type,
  itemId,
  ts: 1000 + eventId.length,
  value: 0,
  dwellMs: null,
  session: null,
  referrer: null,
  query,
});

describe('num', () => {
  it('converts neo4j Integers, bigints and numbers; null is 0 or null', () => {
    expect(num(neo4j.int(42))).toBe(42);
    expect(num(BigInt(7))).toBe(7);
    expect(num(1.5)).toBe(1.5);
    expect(num(null)).toBe(0);
    expect(numOrNull(null)).toBeNull();
    expect(numOrNull(neo4j.int(3))).toBe(3);
    expect(() => num('x')).toThrow(TypeError);
  });
});

describe('row mapping', () => {
  it('maps user and item rows, tolerating absent optional properties', () => {
    expect(userFromRow({ id: 'u', demographics: '{"age":"30"}', preferences: ['a'] })).toEqual({
      id: 'u',
      demographics: { age: '30' },
      preferences: ['a'],
    });
    expect(userFromRow({ id: 'u', demographics: null, preferences: null })).toEqual({ id: 'u', demographics: {}, preferences: [] });
    expect(itemFromRow({ id: 'i', title: 'T', categories: ['c'], brand: null, price: null, available: false, createdAt: neo4j.int(5) })).toEqual({
      id: 'i',
      title: 'T',
      categories: ['c'],
      brand: null,
      price: null,
      available: false,
      createdAt: 5,
    });
  });
});

describe('ingest planning', () => {
  it('keeps first occurrences and reports duplicates in input order', () => {
    const batch = [e('a', 'view', 'i1'), e('b', 'view', 'i1'), e('a', 'click', 'i2'), e('c', 'view', 'i3')];
    const plan = planIngest(batch);
    expect(plan.unique.map((x) => x.eventId)).toEqual(['a', 'b', 'c']);
    expect(duplicatesOf(batch, plan, new Set(['a', 'c']))).toEqual(['b', 'a']);
  });

  it('derives bare nodes, interactions, searches and LED_TO counts', () => {
    const w = planWrites([e('a', 'view', 'i1'), e('bb', 'search', 'i1', 'red kettle'), e('ccc', 'search', 'i1', 'red kettle'), e('dddd', 'search', null, 'mug'), e('eeeee', 'search', 'i2', null)]);
    expect(w.users).toEqual(['u1']);
    expect(w.items).toEqual([
      { id: 'i1', createdAt: 1001 },
      { id: 'i2', createdAt: 1005 },
    ]);
    expect(w.interactions.map((x) => x['eventId'])).toEqual(['a']);
    expect(w.searches.map((x) => x['eventId'])).toEqual(['bb', 'ccc', 'dddd']);
    expect(w.queries).toEqual([
      { text: 'red kettle', terms: ['red', 'kettle'] },
      { text: 'mug', terms: ['mug'] },
    ]);
    expect(w.ledTo).toEqual([{ query: 'red kettle', itemId: 'i1', count: 2 }]);
  });
});

describe('assembly', () => {
  it('keeps the top neighbours by total co-count, ties by id, with degrees', () => {
    const nb = assembleNeighbourhood(
      ['A', 'B'],
      [
        { id: 'E', k: 0, co: 1 },
        { id: 'C', k: 0, co: 2 },
        { id: 'D', k: 1, co: 1 },
        { id: 'C', k: 1, co: 1 },
      ],
      2,
    );
    const out = withDegrees(
      nb,
      new Map([
        ['A', 3],
        ['C', 2],
        ['D', 1],
      ]),
    );
    expect([...out.co.keys()]).toEqual(['C', 'D']);
    expect(Array.from(out.co.get('C') ?? [])).toEqual([2, 1]);
    expect(Array.from(out.co.get('D') ?? [])).toEqual([0, 1]);
    expect(Object.fromEntries(out.degree)).toEqual({ A: 3, B: 0, C: 2, D: 1 });
  });

  it('folds per-type rows into ItemStats', () => {
    const stats = assembleItemStats(
      [
        { id: 'X', type: 'view', n: 2, decayed: 0.375, revenue: 0, decayedRevenue: 0 },
        { id: 'X', type: 'purchase', n: 1, decayed: 0.5, revenue: 10, decayedRevenue: 5 },
        { id: 'Y', type: null, n: 0, decayed: 0, revenue: 0, decayedRevenue: 0 },
      ],
      [{ id: 'X', users: 2, lastTs: 99 }],
    );
    const x = stats.get('X');
    expect(x?.totals[eventTypeIndex('view')]).toBe(2);
    expect(x?.decayed[eventTypeIndex('purchase')]).toBe(0.5);
    expect([x?.totalRevenue, x?.decayedRevenue, x?.users, x?.lastTs]).toEqual([10, 5, 2, 99]);
    expect(stats.get('Y')?.users).toBe(0);
    expect(Array.from(stats.get('Y')?.totals ?? [1]).every((v) => v === 0)).toBe(true);
  });
});
