import { MemoryIndex, TouchLog, insertByTs } from './memory';

describe('insertByTs', () => {
  it('keeps the list ordered by ts, later arrivals after equal ts, and the parallel list aligned', () => {
    const ts = new Float64Array([50, 10, 30, 30, 5, 60]);
    const list: number[] = [];
    const others: number[] = [];
    for (let ev = 0; ev < ts.length; ev++) insertByTs(list, others, ev, 100 + ev, ts);
    expect(list).toEqual([4, 1, 2, 3, 0, 5]);
    expect(others).toEqual([104, 101, 102, 103, 100, 105]);
  });
});

describe('TouchLog', () => {
  it('asks for a recompute first, then lists each touched item once', () => {
    const log = new TouchLog();
    log.touch(1);
    expect(log.drain()).toBeNull();
    log.touch(3);
    log.touch(1);
    log.touch(3);
    expect(log.drain()).toEqual([3, 1]);
    expect(log.drain()).toEqual([]);
    log.touch(2);
    log.reset();
    expect(log.drain()).toBeNull();
  });
});

describe('MemoryIndex', () => {
  it('keeps interactions, impressions and searches apart', () => {
    const ix = new MemoryIndex(1000);
    ix.applyEvent('u1', 'view', 'a', 10, 0);
    ix.applyEvent('u1', 'impression', 'b', 20, 0);
    ix.applyEvent('u1', 'search', 'c', 30, 0);
    ix.applyEvent('u1', 'purchase', 'a', 5, 7);
    expect(ix.eventCount).toBe(4);
    expect(ix.latestTs).toBe(30);
    expect(ix.history(ix.users.get('u1'), 10).map((h) => `${h.type}:${h.itemId}`)).toEqual(['view:a', 'purchase:a']);
    expect([...ix.purchasedIds(ix.users.get('u1'))]).toEqual(['a']);
    expect(ix.degree[ix.items.get('a')]).toBe(1);
    expect(ix.degree[ix.items.get('b')]).toBe(0);
    expect(ix.items.has('c')).toBe(true);
    expect(ix.lastTs[ix.items.get('a')]).toBe(10);
    expect(ix.revenue[ix.items.get('a')]).toBe(7);
  });
});
