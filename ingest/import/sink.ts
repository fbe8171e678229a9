/**
 * The batching sink every importer writes through: collects validated events (and item and
 * category facts), and per batch makes at most one `upsertCategories` (categories not yet written
 * by this run), one `getItems` + at most one `upsertItems`, and one `ingestEvents` call.
 * Items are merged, never clobbered: categories are unioned, a known title/price/brand is kept
 * unless the row gives one, and an item is written only when something changed, so a re-run
 * writes no items and ingests only duplicates.
 * When the store is at a row ceiling (embedded store) the import stops with STORE_FULL: batches
 * before it stay stored, as do the events of the refusing batch that still fit.
 */
import { ErrorCode } from '../../errors/codes';
import { CodedError } from '../../errors/errors';
import type { InteractionEvent } from '../../domain/events';
import type { CategoryRecord, ItemRecord } from '../../domain/catalog';
import type { GraphStore } from '../../graph/port';
import type { ItemPatch } from './row';

export interface SinkTotals {
  readonly events: number;
  readonly inserted: number;
  readonly duplicates: number;
  readonly itemsUpserted: number;
  /** Category records written (each distinct record once per run). */
  readonly categoriesUpserted: number;
  readonly batches: number;
}

export interface EventSink {
  /**
   * Queue one event (with what its row says about the item and the item's categories); flushes,
   * and resolves after the store calls, when the batch is full. `categories` default [].
   */
  add(event: InteractionEvent, item: ItemPatch | null, categories?: readonly CategoryRecord[]): Promise<void>;
  /** Write what is queued. */
  flush(): Promise<void>;
  totals(): SinkTotals;
}

interface PendingItem {
  categories: Set<string>;
  title: string | null;
  price: number | null;
  brand: string | null;
  firstTs: number;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Merge what the batch says about an item into what the store holds; null when nothing changes. */
export function mergeItem(id: string, known: ItemRecord | undefined, p: PendingItem): ItemRecord | null {
  if (known === undefined) {
    return {
      id,
      title: p.title ?? '',
      categories: [...p.categories],
      brand: p.brand,
      price: p.price,
      available: true,
      createdAt: p.firstTs,
    };
  }
  const categories = [...known.categories];
  for (const c of p.categories) if (!categories.includes(c)) categories.push(c);
  const merged: ItemRecord = {
    ...known,
    categories,
    title: p.title ?? known.title,
    price: p.price ?? known.price,
    brand: p.brand ?? known.brand,
  };
  const changed = !sameList(categories, known.categories) || merged.title !== known.title || merged.price !== known.price || merged.brand !== known.brand;
  return changed ? merged : null;
}

export function createEventSink(store: GraphStore, batchSize: number): EventSink {
  let events: InteractionEvent[] = [];
  let items = new Map<string, PendingItem>();
  let categories = new Map<string, CategoryRecord>();
  /** parent and name of every category this run wrote, so a record is written once per run. */
  const written = new Map<string, string>();
  const categoryKey = (c: CategoryRecord): string => `${c.parent ?? ''}\u001f${c.name}`;
  const t = { events: 0, inserted: 0, duplicates: 0, itemsUpserted: 0, categoriesUpserted: 0, batches: 0 };

  async function flush(): Promise<void> {
    if (events.length === 0) return;
    const batch = events;
    const pending = items;
    const pendingCategories = categories;
    events = [];
    items = new Map();
    categories = new Map();
    if (pendingCategories.size > 0) {
      // Categories before the items that name them, so a reader never sees a leaf without its parents.
      const records = [...pendingCategories.values()];
      t.categoriesUpserted += await store.upsertCategories(records);
      for (const c of records) written.set(c.id, categoryKey(c));
    }
    if (pending.size > 0) {
      // Items first, so that ingestEvents finds them and does not create bare nodes.
      const known = await store.getItems([...pending.keys()]);
      const writes: ItemRecord[] = [];
      for (const [id, p] of pending) {
        const merged = mergeItem(id, known.get(id), p);
        if (merged !== null) writes.push(merged);
      }
      if (writes.length > 0) t.itemsUpserted += await store.upsertItems(writes);
    }
    const res = await store.ingestEvents(batch);
    t.events += batch.length;
    t.inserted += res.inserted;
    t.duplicates += res.duplicates.length;
    t.batches += 1;
    const refused = res.refused ?? [];
    if (refused.length > 0) {
      const first = refused[0] as NonNullable<typeof res.refused>[number];
      throw new CodedError(
        ErrorCode.STORE_FULL,
        `import stopped: the store is full (${first.full}; raise STORE_MAX_${first.full.toUpperCase()}); ${refused.length} events of the last batch were not stored (first: ${first.eventId}), ${t.inserted} events stored by this run`,
        { full: first.full, refused: refused.length, inserted: t.inserted },
      );
    }
  }

  return {
    async add(event, item, cats = []) {
      events.push(event);
      for (const c of cats) if (written.get(c.id) !== categoryKey(c)) categories.set(c.id, c);
      if (item !== null) {
        const p = items.get(item.id);
        if (p === undefined) {
          items.set(item.id, {
            categories: new Set(item.categories),
            title: item.title,
            price: item.price,
            brand: item.brand,
            firstTs: event.ts,
          });
        } else {
          for (const c of item.categories) p.categories.add(c);
          p.title = item.title ?? p.title;
          p.price = item.price ?? p.price;
          p.brand = item.brand ?? p.brand;
          p.firstTs = Math.min(p.firstTs, event.ts);
        }
      }
      if (events.length >= batchSize) await flush();
    },
    flush,
    totals: () => ({ ...t }),
  };
}
