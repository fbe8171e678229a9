import { termsOf, type InteractionEvent } from '../domain/events';
import { validateEvent } from '../domain/validate';
import { DAY_MS } from './catalogue';
import { generateDemoData, type DemoData } from './generate';

const NOW = Date.UTC(2025, 5, 1, 12);
const full = generateDemoData({ now: NOW });

const sameEvent = (a: InteractionEvent, b: InteractionEvent): boolean => {
  const keys = Object.keys(a) as (keyof InteractionEvent)[];
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
};
const count = (d: DemoData, type: string): number => d.events.filter((e) => e.type === type).length;

describe('generateDemoData', () => {
  it('is deterministic for a seed and now, and differs across seeds', () => {
    const a = generateDemoData({ seed: 7, users: 150, items: 120, days: 10, now: NOW });
    const b = generateDemoData({ seed: 7, users: 150, items: 120, days: 10, now: NOW });
    const c = generateDemoData({ seed: 8, users: 150, items: 120, days: 10, now: NOW });
    expect(b).toEqual(a);
    expect(c.events.length === a.events.length && c.items.every((it, i) => it.title === a.items[i]?.title)).toBe(false);
  });

  it('has the requested sizes and default shape', () => {
    expect(full.users).toHaveLength(2000);
    expect(full.items).toHaveLength(1500);
    expect(full.events.length).toBeGreaterThan(20_000);
    expect(full.events.length).toBeLessThan(150_000);
  });

  it('every event passes validateEvent unchanged', () => {
    const problems: string[] = [];
    for (const e of full.events) {
      const checked = validateEvent(e, NOW);
      if (!checked.ok) problems.push(`${e.eventId}: ${checked.problem.field} ${checked.problem.message}`);
      else if (!sameEvent(checked.value, e)) problems.push(`${e.eventId}: normalised differently`);
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('ids, titles and demographics say it is demo data; event ids are unique', () => {
    expect(full.users[0]?.id).toBe('demo-u-0001');
    expect(full.items[0]?.id).toBe('demo-i-0001');
    expect(full.users.every((u) => /^demo-u-\d{4}$/.test(u.id) && u.demographics.source === 'demo')).toBe(true);
    expect(full.items.every((i) => /^demo-i-\d{4}$/.test(i.id) && i.title.startsWith('[demo] '))).toBe(true);
    expect(full.items.every((i) => i.categories.length === 1 && i.categories[0]?.startsWith('demo-c-'))).toBe(true);
    expect(new Set(full.events.map((e) => e.eventId)).size).toBe(full.events.length);
    expect(full.events.every((e) => e.eventId.startsWith('demo-e-'))).toBe(true);
  });

  it('~20 categories with several brands each and log-normal (right-skewed) prices', () => {
    const cats = new Set(full.items.flatMap((i) => i.categories));
    expect(cats.size).toBe(20);
    const brands = new Set(full.items.map((i) => i.brand));
    expect(brands.size).toBeGreaterThanOrEqual(60);
    const prices = full.items.map((i) => i.price ?? 0).sort((a, b) => a - b);
    const mean = prices.reduce((s, p) => s + p, 0) / prices.length;
    const median = prices[Math.floor(prices.length / 2)] ?? 0;
    expect(prices[0]).toBeGreaterThan(0);
    expect(mean).toBeGreaterThan(median);
  });

  it('events stay inside the window, follow a day/night rhythm, and come after the item existed', () => {
    const created = new Map(full.items.map((i) => [i.id, i.createdAt]));
    const hours = new Array<number>(24).fill(0);
    const outside = full.events.filter((e) => e.ts < NOW - 30 * DAY_MS || e.ts > NOW);
    const beforeItem = full.events.filter((e) => e.itemId !== null && e.ts < (created.get(e.itemId) ?? Infinity));
    expect(outside).toEqual([]);
    expect(beforeItem).toEqual([]);
    for (const e of full.events) {
      const h = new Date(e.ts).getUTCHours();
      hours[h] = (hours[h] ?? 0) + 1;
    }
    const night = (hours[3] ?? 0) + (hours[4] ?? 0);
    const evening = (hours[20] ?? 0) + (hours[21] ?? 0);
    expect(evening).toBeGreaterThan(4 * night);
  });

  it('funnel: purchases < carts < clicks < views, with purchase value = price x quantity', () => {
    const [views, clicks, carts, purchases] = ['view', 'click', 'add_to_cart', 'purchase'].map((t) => count(full, t)) as [number, number, number, number];
    expect(purchases).toBeGreaterThan(0);
    expect(purchases).toBeLessThan(carts);
    expect(carts).toBeLessThan(clicks);
    expect(clicks).toBeLessThan(views);
    const price = new Map(full.items.map((i) => [i.id, i.price ?? 0]));
    for (const e of full.events.filter((x) => x.type === 'purchase')) {
      const q = e.value / (price.get(e.itemId ?? '') ?? NaN);
      expect([1, 2, 3].some((n) => Math.abs(q - n) < 1e-6)).toBe(true);
    }
    for (const t of ['like', 'wishlist', 'share', 'comment', 'dwell', 'search']) expect(count(full, t)).toBeGreaterThan(0);
    expect(full.events.filter((e) => e.type === 'dwell').every((e) => (e.dwellMs ?? 0) > 0)).toBe(true);
  });

  it('nothing unavailable is bought; about 3% of items are unavailable', () => {
    const unavailable = new Set(full.items.filter((i) => !i.available).map((i) => i.id));
    expect(unavailable.size / full.items.length).toBeGreaterThan(0.01);
    expect(unavailable.size / full.items.length).toBeLessThan(0.06);
    expect(full.events.some((e) => e.type === 'purchase' && unavailable.has(e.itemId ?? ''))).toBe(false);
  });

  it('fresh items exist and get interactions', () => {
    const fresh = new Set(full.items.filter((i) => i.createdAt > NOW - 7 * DAY_MS).map((i) => i.id));
    expect(fresh.size).toBeGreaterThan(20);
    const touched = new Set(full.events.filter((e) => fresh.has(e.itemId ?? '')).map((e) => e.itemId));
    expect(touched.size).toBeGreaterThan(fresh.size / 2);
  });

  it('popularity is Zipf-like: the top 1% of items get far more than their share', () => {
    const per = new Map<string, number>();
    for (const e of full.events) if (e.itemId !== null) per.set(e.itemId, (per.get(e.itemId) ?? 0) + 1);
    const sorted = [...per.values()].sort((a, b) => b - a);
    const top = sorted.slice(0, 15).reduce((s, n) => s + n, 0);
    const total = sorted.reduce((s, n) => s + n, 0);
    expect(top / total).toBeGreaterThan(0.1);
  });

  it('users mostly act in 2-3 preferred categories', () => {
    const cat = new Map(full.items.map((i) => [i.id, i.categories[0] ?? '']));
    let inTop3 = 0;
    let total = 0;
    const byUser = new Map<string, Map<string, number>>();
    for (const e of full.events) {
      if (e.itemId === null) continue;
      const m = byUser.get(e.userId) ?? new Map<string, number>();
      m.set(cat.get(e.itemId) ?? '', (m.get(cat.get(e.itemId) ?? '') ?? 0) + 1);
      byUser.set(e.userId, m);
    }
    for (const m of byUser.values()) {
      const counts = [...m.values()].sort((a, b) => b - a);
      inTop3 += counts.slice(0, 3).reduce((s, n) => s + n, 0);
      total += counts.reduce((s, n) => s + n, 0);
    }
    expect(inTop3 / total).toBeGreaterThan(0.8);
    const stated = full.users.filter((u) => u.preferences.length > 0);
    expect(stated.every((u) => u.preferences.length >= 2 && u.preferences.length <= 3)).toBe(true);
  });

  it('search queries are built from the title terms of the item they led to', () => {
    const title = new Map(full.items.map((i) => [i.id, i.title]));
    const searches = full.events.filter((e) => e.type === 'search');
    expect(searches.length).toBeGreaterThan(0);
    for (const s of searches.filter((x) => x.itemId !== null)) {
      const terms = termsOf(title.get(s.itemId ?? '') ?? '');
      expect(termsOf(s.query ?? '').every((t) => terms.includes(t))).toBe(true);
    }
  });

  it('rejects bad sizes', () => {
    expect(() => generateDemoData({ users: 0 })).toThrow(RangeError);
    expect(() => generateDemoData({ days: 1.5 })).toThrow(RangeError);
  });
});
