/**
 * A small generated shop log for the events/temporal and tune tests (no real data): users with a
 * favourite category view, click and buy items over `days` days, in a CSV with a header, ISO
 * timestamps and the shop's own event names, plus the mapping that imports it.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mulberry32 } from '../../ml/random';

export const DAY_MS = 24 * 3600 * 1000;
/** Day 0 of the generated log. */
export const LOG_START = Date.UTC(2024, 0, 1);

export interface SyntheticRow {
  readonly user: string;
  readonly item: string;
  readonly category: string;
  readonly action: 'page_view' | 'tap' | 'basket' | 'order';
  readonly ts: number;
}

/** The log: `users` users over `days` days; rows sorted by time. Deterministic in `seed`. */
export function syntheticLog(o: { users?: number; items?: number; categories?: number; days?: number; seed?: number } = {}): SyntheticRow[] {
  const users = o.users ?? 40;
  const items = o.items ?? 60;
  const categories = o.categories ?? 6;
  const days = o.days ?? 10;
  const rng = mulberry32(o.seed ?? 3);
  const catOf = (i: number): string => `c${i % categories}`;
  const rows: SyntheticRow[] = [];
  for (let u = 0; u < users; u++) {
    const fav = u % categories;
    const favItems = Array.from({ length: items }, (_, i) => i).filter((i) => i % categories === fav);
    for (let d = 0; d < days; d++) {
      const n = 2 + Math.floor(rng() * 5);
      for (let e = 0; e < n; e++) {
        const i = rng() < 0.75 ? favItems[Math.floor(rng() * favItems.length)]! : Math.floor(rng() * items);
        const ts = LOG_START + d * DAY_MS + Math.floor(rng() * (DAY_MS - 1000));
        const x = rng();
        const action = x < 0.55 ? 'page_view' : x < 0.8 ? 'tap' : x < 0.9 ? 'basket' : 'order';
        rows.push({ user: `u${u}`, item: `i${i}`, category: catOf(i), action, ts });
      }
    }
  }
  return rows.sort((a, b) => a.ts - b.ts || (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
}

/** The mapping of the generated CSV (the import csv format). */
export const SYNTHETIC_MAPPING = {
  name: 'synthetic-shop',
  header: true,
  fields: { userId: 'user', itemId: 'item', category: 'category', type: 'action', ts: 'time' },
  tsUnit: 'iso',
  eventTypes: { page_view: 'view', tap: 'click', basket: 'add_to_cart', order: 'purchase' },
  eventId: { column: 'event_id' },
};

/** Write the CSV and its mapping into `dir`; returns their paths. */
export async function writeSyntheticLog(dir: string, rows: readonly SyntheticRow[], name = 'shop.csv'): Promise<{ file: string; mapping: string }> {
  const file = join(dir, name);
  const mapping = join(dir, `${name}.mapping.json`);
  const lines = ['event_id,user,item,category,action,time', ...rows.map((r, i) => `e${i},${r.user},${r.item},${r.category},${r.action},${new Date(r.ts).toISOString()}`)];
  await writeFile(file, `${lines.join('\n')}\n`);
  await writeFile(mapping, JSON.stringify(SYNTHETIC_MAPPING));
  return { file, mapping };
}
