/**
 * The demo catalogue, generated in code (no data files): users, items and interaction events that
 * look like a small shop's last month. Deterministic for a given `seed` and `now`. Every id and
 * title says it is demo data (`demo-u-0001`, `demo-i-0001`, "[demo] ..."; demographics.source = 'demo').
 */
import type { ItemRecord, UserRecord } from '../domain/catalog';
import type { InteractionEvent } from '../domain/events';
import { createBehaviour } from './behaviour';
import { DAY_MS, makeCategories, makeItems, makeUsers } from './catalogue';
import { createRng } from './prng';

export interface DemoOptions {
  /** PRNG seed; the same seed (and `now`) gives the same data. Default 42. */
  readonly seed?: number;
  /** Number of users. Default 2000. */
  readonly users?: number;
  /** Number of items. Default 1500. */
  readonly items?: number;
  /** Length of the event window ending at `now`, in days. Default 30. */
  readonly days?: number;
  /** End of the window (ms since epoch); no event is later. Default Date.now(). */
  readonly now?: number;
}

export interface DemoData {
  readonly users: UserRecord[];
  readonly items: ItemRecord[];
  /** Sorted by ts (ties by eventId). */
  readonly events: InteractionEvent[];
}

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer (got ${v})`);
  return v;
}

export function generateDemoData(opts: DemoOptions = {}): DemoData {
  const seed = opts.seed ?? 42;
  const nUsers = positiveInt('users', opts.users ?? 2000);
  const nItems = positiveInt('items', opts.items ?? 1500);
  const days = positiveInt('days', opts.days ?? 30);
  const now = opts.now ?? Date.now();
  if (!Number.isFinite(now)) throw new RangeError('now must be a finite timestamp');
  const windowStart = now - days * DAY_MS;

  const rng = createRng(seed);
  const cats = makeCategories(rng);
  const items = makeItems(rng, cats, nItems, windowStart, now);
  const users = makeUsers(rng, cats, nUsers, days);
  const behaviour = createBehaviour(rng, cats, items, { now, windowStart, days });
  const events: InteractionEvent[] = [];
  for (const u of users) behaviour.userEvents(u, events);
  events.sort((a, b) => a.ts - b.ts || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
  return { users: users.map((u) => u.record), items: items.map((i) => i.record), events };
}
