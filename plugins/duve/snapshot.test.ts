import { mulberry32 } from '../../ml/random';
import type { UserValue } from '../../domain/user-value';
import { createFirstK, createValueSnapshot, decodeValueCursor } from './snapshot';

const value = (userId: string, v: number, segment: UserValue['segment'] = 'at-risk'): UserValue => ({
  userId,
  value: v,
  valueUnit: 'spend',
  expectedSpend: v,
  expectedPurchases: 0,
  expectedEvents: 0,
  purchaseProbability: 0.1,
  horizonDays: 30,
  segment,
  drivers: [],
  modelVersion: 'duve/value@1',
  asOf: 0,
  lastEventAt: 0,
});

describe('createFirstK', () => {
  it('keeps exactly the k first items of a stream, in order', () => {
    const rng = mulberry32(3);
    for (const k of [0, 1, 5, 50, 2000]) {
      const xs = Array.from({ length: 1000 }, () => Math.floor(rng() * 300));
      const top = createFirstK<number>(k, (a, b) => a - b);
      for (const x of xs) top.offer(x);
      expect(top.sorted()).toEqual([...xs].sort((a, b) => a - b).slice(0, k));
    }
  });
});

describe('published values', () => {
  it('publishes first values, segment moves and moves of at least minDelta', () => {
    const s = createValueSnapshot({ minDelta: 1 });
    expect(s.apply([value('a', 10), value('b', 5)], 'refresh').map((c) => [c.userId, c.previousValue])).toEqual([
      ['a', null],
      ['b', null],
    ]);
    expect(s.apply([value('a', 10.5)], 'event')).toEqual([]);
    expect(s.apply([value('a', 12)], 'event').map((c) => c.delta)).toEqual([1.5]);
    expect(s.apply([value('b', 5, 'dormant')], 'refresh').map((c) => [c.previousSegment, c.segment])).toEqual([['at-risk', 'dormant']]);
  });

  it('pages by value descending then user id, ties included, with the cursor of the last row', () => {
    const s = createValueSnapshot({ minDelta: 0 });
    s.apply([value('c', 3), value('a', 3), value('b', 9), value('d', 1, 'dormant'), value('e', 3)], 'refresh');
    const p1 = s.list({ first: 2 });
    expect(p1.rows.map((r) => r.value.userId)).toEqual(['b', 'a']);
    expect(p1.hasNextPage).toBe(true);
    expect(decodeValueCursor(p1.rows[1]!.cursor)).toEqual({ value: 3, userId: 'a' });
    const p2 = s.list({ first: 2, after: p1.rows[1]!.cursor });
    expect(p2.rows.map((r) => r.value.userId)).toEqual(['c', 'e']);
    const p3 = s.list({ first: 2, after: p2.rows[1]!.cursor });
    expect(p3.rows.map((r) => r.value.userId)).toEqual(['d']);
    expect(p3.hasNextPage).toBe(false);
    expect(s.list({ first: 10, segment: 'dormant' }).rows.map((r) => r.value.userId)).toEqual(['d']);
    expect(s.list({ first: 10, minValue: 3 }).totalCount).toBe(4);
    expect(() => s.list({ first: 1, after: 'garbage' })).toThrow(RangeError);
  });
});
