import type { InteractionEvent } from '../../domain/events';
import { ErrorCode } from '../../errors/codes';
import { admit, checkRows, validateCeiling } from './ceiling';

const ev = (eventId: string, userId: string, itemId: string | null): InteractionEvent => ({
  eventId,
  userId,
  type: 'view',
  itemId,
  ts: 1,
  value: 0,
  dwellMs: null,
  session: null,
  referrer: null,
  query: null,
});

describe('admit', () => {
  const nothingKnown = { knownUser: () => false, knownItem: () => false, storedEvent: () => false };

  it('admits events until a new user would pass the user ceiling; events of users already admitted still fit', () => {
    const batch = [ev('a', 'u1', 'i1'), ev('b', 'u2', 'i1'), ev('c', 'u3', 'i1'), ev('d', 'u1', 'i1')];
    const plan = admit(batch, { users: 0, items: 0, events: 0 }, { maxUsers: 2, maxItems: 10, maxEvents: 10 }, nothingKnown);
    expect(plan.admitted).toEqual([0, 1, 3]);
    expect(plan.refused).toEqual([{ index: 2, eventId: 'c', full: 'users' }]);
  });

  it('names items and events when those are full, in the order events, users, items', () => {
    const batch = [ev('a', 'u1', 'i1'), ev('b', 'u1', 'i2'), ev('c', 'u2', 'i3'), ev('d', 'u1', null)];
    const plan = admit(batch, { users: 0, items: 0, events: 0 }, { maxUsers: 1, maxItems: 1, maxEvents: 3 }, nothingKnown);
    expect(plan.admitted).toEqual([0, 3]);
    expect(plan.refused.map((r) => [r.index, r.full])).toEqual([
      [1, 'items'],
      [2, 'users'],
    ]);
    const full = admit(batch, { users: 0, items: 0, events: 2 }, { maxUsers: 9, maxItems: 9, maxEvents: 3 }, nothingKnown);
    expect(full.admitted).toEqual([0]);
    expect(full.refused.map((r) => r.full)).toEqual(['events', 'events', 'events']);
  });

  it('lets re-sent and repeated event ids through at the event ceiling (they create nothing)', () => {
    const batch = [ev('old', 'u9', 'i9'), ev('new', 'u1', 'i1'), ev('new', 'u1', 'i1'), ev('new2', 'u1', 'i1')];
    const look = { knownUser: () => true, knownItem: () => true, storedEvent: (id: string) => id === 'old' };
    const plan = admit(batch, { users: 5, items: 5, events: 9 }, { maxUsers: 9, maxItems: 9, maxEvents: 10 }, look);
    expect(plan.admitted).toEqual([0, 1, 2]);
    expect(plan.refused).toEqual([{ index: 3, eventId: 'new2', full: 'events' }]);
  });

  it('creates nothing new for known users and items, so only the event ceiling applies', () => {
    const known = { knownUser: () => true, knownItem: () => true, storedEvent: () => false };
    const plan = admit([ev('a', 'u1', 'i1'), ev('b', 'u2', 'i2')], { users: 5, items: 5, events: 0 }, { maxUsers: 1, maxItems: 1, maxEvents: 9 }, known);
    expect(plan.refused).toEqual([]);
  });
});

describe('checkRows / validateCeiling', () => {
  it('throws STORE_FULL naming the ceiling only when the new rows pass it', () => {
    const c = { maxUsers: 3, maxItems: 3, maxEvents: 3 };
    expect(() => checkRows('users', 1, { users: 2, items: 0, events: 0 }, c)).not.toThrow();
    expect(() => checkRows('users', 2, { users: 2, items: 0, events: 0 }, c)).toThrow(
      expect.objectContaining({ code: ErrorCode.STORE_FULL, details: expect.objectContaining({ full: 'users', max: 3 }) }),
    );
    expect(() => checkRows('items', 0, { users: 0, items: 9, events: 0 }, c)).not.toThrow();
  });

  it('rejects a non-positive ceiling with CONFIG_INVALID', () => {
    expect(() => validateCeiling({ maxUsers: 0, maxItems: 1, maxEvents: 1 })).toThrow(expect.objectContaining({ code: ErrorCode.CONFIG_INVALID }));
  });
});
