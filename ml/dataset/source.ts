/**
 * An event log (eval/datasets/event-log.ts: a mapped CSV, the Taobao head, or an embedded store)
 * as the list builder's input (ml/ltr/lists.ts): the item events before `end` in time order, the
 * item records merged from the rows as `import csv` merges them (ingest/import/sink.ts
 * `mergeItem`), and the category hierarchy. Pure: no I/O.
 */
import type { CategoryRecord, ItemRecord } from '../../domain/catalog';
import type { InteractionEvent } from '../../domain/events';
import type { LogRow } from '../../eval/datasets/event-log';
import { mergeItem } from '../../ingest/import/sink';

export interface ReplayInput {
  /** Item events before `end`, sorted by time (ties: user id, then log order). */
  readonly events: readonly InteractionEvent[];
  readonly items: ReadonlyMap<string, ItemRecord>;
  readonly categories: readonly CategoryRecord[];
}

export function replayInput(rows: readonly LogRow[], end: number): ReplayInput {
  const events: InteractionEvent[] = [];
  const items = new Map<string, ItemRecord>();
  const categories = new Map<string, CategoryRecord>();
  for (const r of rows) {
    const e = r.event;
    if (e.itemId === null || e.ts >= end) continue;
    events.push(e);
    for (const c of r.categories ?? []) if (!categories.has(c.id)) categories.set(c.id, c);
    const p = r.item;
    if (p === null) continue;
    const known = items.get(p.id);
    const merged = mergeItem(p.id, known, { categories: new Set(p.categories), title: p.title, price: p.price, brand: p.brand, firstTs: e.ts });
    if (merged !== null) items.set(p.id, merged);
    const rec = items.get(p.id)!;
    if (e.ts < rec.createdAt) items.set(p.id, { ...rec, createdAt: e.ts });
  }
  events.sort((a, b) => a.ts - b.ts || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  return { events, items, categories: [...categories.values()] };
}
