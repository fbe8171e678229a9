import { checkResumable, compareCursors, formatCursor, parseCursor } from './cursor';

describe('value-change cursors', () => {
  it('parses canonical <ms>-<seq> and round-trips', () => {
    expect(parseCursor('1732233600000-0')).toEqual({ ms: 1732233600000, seq: 0 });
    expect(parseCursor('0-0')).toEqual({ ms: 0, seq: 0 });
    expect(formatCursor({ ms: 17, seq: 4 })).toBe('17-4');
    for (const bad of ['', '1', '1-', '-1', '01-0', '1-01', '1-2-3', ' 1-2', '1.0-2', 'a-b', '99999999999999999-0']) expect(parseCursor(bad)).toBeUndefined();
  });

  it('orders by ms, then seq (not as text)', () => {
    const c = (t: string) => parseCursor(t)!;
    expect(compareCursors(c('9-0'), c('10-0'))).toBeLessThan(0);
    expect(compareCursors(c('10-2'), c('10-10'))).toBeLessThan(0);
    expect(compareCursors(c('10-10'), c('10-10'))).toBe(0);
    expect(compareCursors(c('11-0'), c('10-99'))).toBeGreaterThan(0);
  });

  it('accepts a cursor inside the window, between the floor and the newest cursor', () => {
    const b = { now: 10_000, retentionMs: 1_000, floor: { ms: 9_100, seq: 0 }, newest: { ms: 9_900, seq: 3 } };
    expect(() => checkResumable({ ms: 9_100, seq: 0 }, b)).not.toThrow();
    expect(() => checkResumable({ ms: 9_900, seq: 3 }, b)).not.toThrow();
  });

  it.each([
    ['older than the window', { ms: 8_999, seq: 0 }, /older than the retention window/],
    ['before the floor', { ms: 9_050, seq: 5 }, /before the oldest change still held/],
    ['ahead of the newest cursor', { ms: 9_900, seq: 4 }, /unknown to this log/],
  ])('expires a cursor %s', (_label, after, why) => {
    const b = { now: 10_000, retentionMs: 1_000, floor: { ms: 9_060, seq: 0 }, newest: { ms: 9_900, seq: 3 } };
    let err: unknown;
    try {
      checkResumable(after, b);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'CURSOR_EXPIRED', details: { field: 'after' } });
    expect((err as Error).message).toMatch(why);
  });
});
