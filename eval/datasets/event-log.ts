/**
 * Event logs for offline evaluation from any source, as the domain sees them: InteractionEvents
 * plus what each row says about its item (ItemPatch), in source order.
 * - a CSV file + column mapping: read by the importer's own `readMappedCsv` (csv-parse, the row
 *   converter, `validateEvent`), so an evaluation trains on exactly the events (and category
 *   hierarchy) `import csv` would store;
 * - an existing embedded store (SQLite file): its item interactions (`scanInteractions`) and item
 *   records, read once, in time order.
 */
import { existsSync } from 'node:fs';
import type { CategoryRecord } from '../../domain/catalog';
import type { InteractionEvent } from '../../domain/events';
import { ErrorCode } from '../../errors/codes';
import { CodedError } from '../../errors/errors';
import { createGraphStore } from '../../graph/factory';
import { readMappedCsv } from '../../ingest/import/csv';
import type { CsvMapping } from '../../ingest/import/mapping';
import type { ItemPatch } from '../../ingest/import/row';
import type { RowError } from '../../ingest/import/types';

/** One event of the log and what its row says about the item. */
export interface LogRow {
  readonly event: InteractionEvent;
  readonly item: ItemPatch | null;
  /** Hierarchy records of the item's categories (parents first), for the sink; absent when the source has none. */
  readonly categories?: readonly CategoryRecord[];
  /** 1-based line in the source file (the position in the scan for a store). */
  readonly line: number;
}

export interface EventLog {
  /** Valid rows in source order. */
  readonly rows: readonly LogRow[];
  /** Data records read (non-empty lines / stored interactions). */
  readonly lines: number;
  /** Rows the importer would reject, with line and field. */
  readonly rowErrors: readonly RowError[];
}

export interface LogLoadOptions {
  /** Server clock for `validateEvent` (future timestamps are rejected), ms. Default Date.now(). */
  readonly now?: number;
  /** Stop after this many data records. Default: all. */
  readonly maxLines?: number;
}

/** The first and last event time of a log, [first, last + 1 ms): the default observation window. */
export function logSpan(rows: readonly LogRow[]): { readonly start: number; readonly end: number } | null {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const r of rows) {
    if (r.event.ts < lo) lo = r.event.ts;
    if (r.event.ts > hi) hi = r.event.ts;
  }
  return rows.length === 0 ? null : { start: lo, end: hi + 1 };
}

/** Read a CSV event log with a validated mapping, through the importer's readMappedCsv. */
export async function loadMappedCsv(file: string, mapping: CsvMapping, opts: LogLoadOptions = {}): Promise<EventLog> {
  if (!existsSync(file)) throw new CodedError(ErrorCode.EVAL_ARGUMENT_INVALID, `--file: ${file} does not exist`, { flag: '--file' });
  const rows: LogRow[] = [];
  const rowErrors: RowError[] = [];
  let lines = 0;
  for await (const { line, outcome } of readMappedCsv(file, mapping, { now: opts.now ?? Date.now() })) {
    if (opts.maxLines !== undefined && lines >= opts.maxLines) break;
    lines += 1;
    if (outcome.kind === 'event') rows.push({ event: outcome.event, item: outcome.item, ...(outcome.categories.length > 0 ? { categories: outcome.categories } : {}), line });
    else if (outcome.kind === 'error') rowErrors.push(outcome.error);
  }
  return { rows, lines, rowErrors };
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Read the item interactions of an existing embedded store (a SQLite file; not modified beyond the
 * idempotent migration every open runs) in time order (ties by user, item, type). The store keeps no
 * event ids in the scan, so each event gets `store:<user>:<item>:<type>:<ts>` plus `#n` for the n-th
 * repeat of the same key; the item's record becomes the patch of its first event, with the category
 * chains of its categories (`categoryAncestors`) as hierarchy records (named by id: the scan has no
 * display names).
 */
export async function loadStoreLog(path: string, opts: LogLoadOptions = {}): Promise<EventLog> {
  if (!existsSync(path)) throw new CodedError(ErrorCode.EVAL_ARGUMENT_INVALID, `--db: ${path} does not exist`, { flag: '--db' });
  const store = await createGraphStore({ kind: 'embedded', path });
  try {
    const all: Array<{ userId: string; itemId: string; type: InteractionEvent['type']; ts: number; value: number }> = [];
    for await (const page of store.scanInteractions(10_000)) {
      for (const x of page) all.push({ userId: x.userId, itemId: x.itemId, type: x.type, ts: x.ts, value: x.value });
    }
    all.sort((a, b) => a.ts - b.ts || byText(a.userId, b.userId) || byText(a.itemId, b.itemId) || byText(a.type, b.type) || a.value - b.value);
    const kept = opts.maxLines !== undefined ? all.slice(0, opts.maxLines) : all;
    const itemIds = [...new Set(kept.map((x) => x.itemId))];
    const records = new Map<string, ItemPatch>();
    for (let i = 0; i < itemIds.length; i += 5000) {
      const got = await store.getItems(itemIds.slice(i, i + 5000));
      for (const [id, r] of got) records.set(id, { id, categories: r.categories, title: r.title === '' ? null : r.title, price: r.price, brand: r.brand });
    }
    const leaves = [...new Set([...records.values()].flatMap((p) => p.categories))];
    const chains = leaves.length > 0 ? await store.categoryAncestors(leaves) : new Map<string, readonly string[]>();
    const hierarchy = (p: ItemPatch): CategoryRecord[] => {
      const out = new Map<string, CategoryRecord>();
      for (const leaf of p.categories) {
        const chain = chains.get(leaf) ?? [leaf];
        chain.forEach((id, i) => out.set(id, { id, parent: i > 0 ? chain[i - 1]! : null, name: id }));
      }
      return [...out.values()];
    };
    const seen = new Map<string, number>();
    const patched = new Set<string>();
    const rows: LogRow[] = kept.map((x, i) => {
      const key = `store:${x.userId}:${x.itemId}:${x.type}:${x.ts}`;
      const n = seen.get(key) ?? 0;
      seen.set(key, n + 1);
      const item = patched.has(x.itemId) ? null : (records.get(x.itemId) ?? null);
      patched.add(x.itemId);
      const event: InteractionEvent = {
        eventId: n === 0 ? key : `${key}#${n}`,
        userId: x.userId,
        type: x.type,
        itemId: x.itemId,
        ts: x.ts,
        value: x.value,
        dwellMs: null,
        session: null,
        referrer: null,
        query: null,
      };
      const categories = item !== null ? hierarchy(item) : [];
      return { event, item, ...(categories.length > 0 ? { categories } : {}), line: i + 1 };
    });
    return { rows, lines: kept.length, rowErrors: [] };
  } finally {
    await store.close();
  }
}
