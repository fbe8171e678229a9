import { fitLog, type LogEvent } from './fit';
import { createPricing } from './prices';
import { scheduleSessions } from './schedule';
import { personaRows } from './setup';
import { createWorld } from './world';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const START = Date.UTC(2020, 0, 1) - 8 * HOUR;
let t = START;
const view = (userId: string, itemId: string, category: string): LogEvent => ({ userId, itemId, category, type: 'view', ts: (t += 60_000) });
// a: i1 twice (the second is a revisit), i2, i3; b: i3, i4. Views: i1 2, i2 1, i3 2, i4 1.
const LOG = [view('a', 'i1', 'c1'), view('a', 'i1', 'c1'), view('a', 'i2', 'c1'), view('a', 'i3', 'c2'), view('b', 'i3', 'c2'), view('b', 'i4', 'c2')];
const fit = fitLog(LOG, { window: { start: START, end: START + 2 * DAY } });

describe('world', () => {
  it("computes intent from the user's history, category preference and item popularity", () => {
    const w = createWorld(fit, { seed: 1 });
    const a = w.users.find((u) => u.id === 'a')!;
    const R = 1 / 6;
    expect(fit.revisitShare).toBeCloseTo(R, 12);
    // g_c1 = g_c2 = (3 + ½·2) / (6 + ½·4) = ½;  pref_a(c1) = (3 + 10·½) / (4 + 10);  pop(i2 | c1) = (1 + ½) / (3 + ½·2)
    expect(w.intent(a, 'i2')).toBeCloseTo(R * (1 / 4) + (1 - R) * (8 / 14) * (1.5 / 4), 12);
    expect(w.intent(a, 'i4')).toBeCloseTo((1 - R) * (6 / 14) * (1.5 / 4), 12);
    w.observe(a, 'i4');
    expect(a.total).toBe(5);
    expect(w.intent(a, 'i4')).toBeCloseTo(R * (1 / 5) + (1 - R) * (7 / 15) * (1.5 / 4), 12);
    expect(w.categoryOf('i4')).toBe('c2');
  });

  it('sets the appeal scale to the median intent of the engaged pairs', () => {
    const w = createWorld(fit, { seed: 1 });
    const a = w.users.find((u) => u.id === 'a')!;
    const b = w.users.find((u) => u.id === 'b')!;
    const xs = [w.intent(a, 'i1'), w.intent(a, 'i2'), w.intent(a, 'i3'), w.intent(b, 'i3'), w.intent(b, 'i4')].sort((p, q) => p - q);
    expect(w.appealScale).toBeCloseTo(xs[2]!, 15);
  });

  it('samples users without replacement, by seed', () => {
    expect(createWorld(fit, { seed: 1 }).users.map((u) => u.id)).toEqual(['a', 'b']);
    const picks = new Set(
      Array.from({ length: 20 }, (_, s) =>
        createWorld(fit, { seed: s, users: 1 })
          .users.map((u) => u.id)
          .join(),
      ),
    );
    expect(picks).toEqual(new Set(['a', 'b']));
    expect(createWorld(fit, { seed: 5, users: 1 }).users.map((u) => u.id)).toEqual(createWorld(fit, { seed: 5, users: 1 }).users.map((u) => u.id));
  });
});

describe('synthetic prices', () => {
  it('are a function of (seed, item), whatever the order they are asked in', () => {
    const p1 = createPricing(42);
    const p2 = createPricing(42);
    const ids = Array.from({ length: 50 }, (_, i) => `item-${i}`);
    const forward = ids.map((id) => p1.price(id, 'cat'));
    const backward = [...ids]
      .reverse()
      .map((id) => p2.price(id, 'cat'))
      .reverse();
    expect(forward).toEqual(backward);
    expect(createPricing(43).price('item-0', 'cat')).not.toBe(forward[0]);
    for (const p of forward) {
      expect(p).toBeGreaterThanOrEqual(0.01);
      expect(Math.round(p * 100) / 100).toBe(p);
    }
  });

  it('scatter log-normally around the category median', () => {
    const p = createPricing(7, { median: 50, categorySigma: 0.8, itemSigma: 0.4 });
    const m = p.categoryMedian('c');
    const logs = Array.from({ length: 4000 }, (_, i) => Math.log(p.price(`i${i}`, 'c') / m));
    const mean = logs.reduce((x, y) => x + y, 0) / logs.length;
    const sd = Math.sqrt(logs.reduce((x, y) => x + (y - mean) ** 2, 0) / logs.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(sd).toBeGreaterThan(0.37);
    expect(sd).toBeLessThan(0.43);
    const medians = Array.from({ length: 2000 }, (_, i) => Math.log(p.categoryMedian(`cat${i}`) / 50));
    const mm = medians.reduce((x, y) => x + y, 0) / medians.length;
    expect(Math.abs(mm)).toBeLessThan(0.06);
  });
});

describe('session schedule', () => {
  const users = Array.from({ length: 200 }, (_, i) => ({ id: `u${i}`, sessionsPerDay: 2 }));
  const profile = Array.from({ length: 24 }, (_, h) => (h === 5 ? 1 : 0));
  const sessions = scheduleSessions(users, { seed: 3, start: START, days: 7, hourProfile: profile });

  it('draws Poisson(rate) sessions per user and day, in time order', () => {
    const mean = sessions.length / (users.length * 7);
    expect(Math.abs(mean - 2)).toBeLessThan(4 * Math.sqrt(2 / (users.length * 7)));
    for (let i = 1; i < sessions.length; i++) expect(sessions[i]!.ts).toBeGreaterThanOrEqual(sessions[i - 1]!.ts);
    expect(scheduleSessions(users, { seed: 3, start: START, days: 7, hourProfile: profile })).toEqual(sessions);
  });

  it("places the first session of a day in a profile hour and keeps 30 minutes between a user's sessions", () => {
    const byUserDay = new Map<string, number[]>();
    for (const s of sessions) {
      const k = `${s.userId}/${s.day}`;
      byUserDay.set(k, [...(byUserDay.get(k) ?? []), s.ts]);
    }
    for (const [k, times] of byUserDay) {
      const day = Number(k.split('/')[1]);
      const first = times[0]! - START - day * DAY;
      expect(first).toBeGreaterThanOrEqual(5 * HOUR);
      expect(first).toBeLessThan(6 * HOUR);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(30 * 60 * 1000);
    }
  });
});

describe('personas (resample)', () => {
  it('keeps every log user and adds seeded copies under new ids with the same fitted rates', () => {
    const w = createWorld(fit, { seed: 3, users: 7, resample: true });
    expect(w.users).toHaveLength(7);
    expect(w.users.slice(0, 2).map((u) => u.id)).toEqual(['a', 'b']);
    for (const p of w.users.slice(2)) {
      expect(p.id).toMatch(/^[ab]-p\d+$/);
      expect(p.id.startsWith(`${p.sourceId}-p`)).toBe(true);
      const src = w.users.find((u) => u.id === p.sourceId)!;
      expect({ ...p, id: src.id, categoryCounts: src.categoryCounts, itemCounts: src.itemCounts }).toEqual(src);
      expect(p.itemCounts).toEqual(src.itemCounts);
      expect(p.itemCounts).not.toBe(src.itemCounts); // own state
    }
    expect(new Set(w.users.map((u) => u.id)).size).toBe(7);
    expect(createWorld(fit, { seed: 3, users: 7, resample: true }).users.map((u) => u.id)).toEqual(w.users.map((u) => u.id));
    expect(createWorld(fit, { seed: 3, users: 7 }).users).toHaveLength(2); // without resample: at most the log's
  });

  it("copies a persona's warm-up rows under its id", () => {
    const row = (userId: string, n: number) => ({ event: { eventId: `e${n}`, userId, type: 'view' as const, itemId: 'i1', ts: n, value: 0, session: null }, item: null, line: n });
    const rows = [row('a', 1), row('b', 2), row('a', 3)];
    const out = personaRows(rows as unknown as Parameters<typeof personaRows>[0], [
      { id: 'a', sourceId: 'a' },
      { id: 'a-p1', sourceId: 'a' },
      { id: 'a-p2', sourceId: 'a' },
    ]);
    expect(out.map((r) => [r.event.userId, r.event.eventId, r.line])).toEqual([
      ['a-p1', 'e1@a-p1', 1],
      ['a-p2', 'e1@a-p2', 1],
      ['a-p1', 'e3@a-p1', 3],
      ['a-p2', 'e3@a-p2', 3],
    ]);
    expect(personaRows(rows as unknown as Parameters<typeof personaRows>[0], [{ id: 'a', sourceId: 'a' }])).toEqual([]);
  });
});
