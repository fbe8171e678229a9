/**
 * Row conversion: one CSV record (array of strings) -> a validated InteractionEvent plus what the
 * row says about its item and its categories. Pure: no I/O, the same row always gives the same
 * event (and eventId).
 */
import { createHash } from 'node:crypto';
import type { CategoryRecord } from '../../domain/catalog';
import type { InteractionEvent } from '../../domain/events';
import { validateEvent, type RawEvent } from '../../domain/validate';
import { NO_CATEGORIES, categoryFacts, type CategoryFacts } from './categories';
import type { CsvMapping, MappedField, ResolvedColumns } from './mapping';
import { parseTs, parseZone } from './timestamp';
import { rowError, type RowError } from './types';

/** What a row says about its item; merged into the item record before the batch is ingested. */
export interface ItemPatch {
  readonly id: string;
  readonly categories: readonly string[];
  readonly title: string | null;
  readonly price: number | null;
  readonly brand: string | null;
}

export type RowOutcome =
  | {
      readonly kind: 'event';
      readonly event: InteractionEvent;
      readonly item: ItemPatch | null;
      /** Hierarchy records of the item's categories (parents first); empty without category columns. */
      readonly categories: readonly CategoryRecord[];
    }
  | { readonly kind: 'ignored' }
  | { readonly kind: 'error'; readonly error: RowError };

export interface RowConverter {
  convert(record: readonly string[], line: number): RowOutcome;
}

/** Deterministic id from column values: concatenation, or the first 32 hex digits of their sha1. */
export function buildEventId(parts: readonly string[], mode: 'concat' | 'hash', separator = ':'): string {
  // The unit separator cannot appear in a CSV field value by accident, so "a,bc" != "ab,c".
  if (mode === 'hash') return createHash('sha1').update(parts.join('\u001f')).digest('hex').slice(0, 32);
  return parts.join(separator);
}

type SingleField = Exclude<MappedField, 'category'>;
const ITEM_FIELDS: readonly MappedField[] = ['category', 'title', 'price', 'brand'];
/** Distinct category cell combinations remembered per converter (then the cache starts over). */
const FACTS_CACHE_SIZE = 50_000;
const fail = (line: number, field: string, message: string): RowOutcome => ({ kind: 'error', error: rowError(line, field, message) });

/** Build the converter once per file (after the header is known). `idPrefix` overrides the mapping's. */
export function createRowConverter(m: CsvMapping, cols: ResolvedColumns, now: number, idPrefix = m.idPrefix): RowConverter {
  const hasItemFacts = ITEM_FIELDS.some((f) => m.fields[f] !== undefined || m.constants[f] !== undefined);
  const ignore = new Set(m.ignore);
  const nulls = new Set(m.nullValues);
  const valueTypes = m.valueTypes === null ? null : new Set<string>(m.valueTypes);
  const zone = parseZone(m.tsZone) ?? 0;
  const spec = m.eventId;
  const idMode = 'hash' in spec ? 'hash' : 'concat';
  const idSep = 'concat' in spec ? spec.separator : ':';
  const split = { listSeparator: m.categorySeparator, pathSeparator: m.categoryPath, idPrefix };
  const categoryConstant = m.constants.category === undefined ? null : String(m.constants.category);
  // Exports repeat a few thousand category cells millions of times: split each distinct one once.
  const factsCache = new Map<string, CategoryFacts>();
  const cachedFacts = (cells: readonly string[]): CategoryFacts => {
    const key = cells.join('\u001f');
    let facts = factsCache.get(key);
    if (facts === undefined) {
      if (factsCache.size >= FACTS_CACHE_SIZE) factsCache.clear();
      facts = categoryFacts(cells, split);
      factsCache.set(key, facts);
    }
    return facts;
  };

  return {
    convert(record, line) {
      if (cols.count !== null && record.length !== cols.count) {
        // Extra cells are fine when empty (a delimiter at the end of every line).
        const extraEmpty = record.length > cols.count && record.slice(cols.count).every((c) => c.trim() === '');
        if (!extraEmpty) return fail(line, 'row', `expected ${cols.count} columns, got ${record.length}`);
      }
      if (record.length < cols.minCount) return fail(line, 'row', `expected at least ${cols.minCount} columns, got ${record.length}`);
      /** A cell, or null when blank or a null token (blank also with "trim": false). */
      const cell = (i: number): string | null => {
        const v = (record[i] ?? '').trim();
        return v === '' || nulls.has(v) ? null : v;
      };
      const text = (f: SingleField): string | null => {
        const i = cols.fields[f];
        if (i !== undefined) {
          const v = cell(i);
          if (v !== null) return v;
          for (const j of cols.fallbacks[f] ?? []) {
            const w = cell(j);
            if (w !== null) return w;
          }
          return null;
        }
        const c = m.constants[f];
        return c === undefined ? null : String(c);
      };
      const num = (f: SingleField): number | null | RowOutcome => {
        const c = m.constants[f];
        if (typeof c === 'number') return c;
        const t = text(f);
        if (t === null) return null;
        const n = Number(t);
        return Number.isFinite(n) ? n : fail(line, f, `"${t}" is not a number`);
      };

      let type = text('type');
      if (type !== null && cols.fields.type !== undefined) {
        if (ignore.has(type)) return { kind: 'ignored' };
        if (m.eventTypes !== null) {
          const mapped = m.eventTypes[type];
          if (mapped === undefined) return fail(line, 'type', `unmapped event name "${type}" (not in eventTypes or ignore)`);
          type = mapped;
        }
      }
      const tsSource = cols.fields.ts !== undefined ? text('ts') : (m.constants.ts ?? null);
      let ts: number | null = null;
      if (tsSource !== null) {
        ts = parseTs(tsSource, m.tsUnit, zone);
        if (!Number.isFinite(ts)) {
          return fail(
            line,
            'ts',
            `"${tsSource}" is not a timestamp (tsUnit ${m.tsUnit}: ${m.tsUnit === 's' || m.tsUnit === 'ms' ? 'epoch number' : 'e.g. 2019-10-01 00:00:00 UTC, 2019-10-01T08:00:00+08:00, 1569888000'})`,
          );
        }
      }
      // Only the named types carry a value: a view's price is the item's, not revenue.
      const carriesValue = valueTypes === null || (type !== null && valueTypes.has(type));
      const value = carriesValue ? num('value') : null;
      if (typeof value === 'object' && value !== null) return value;
      const dwellMs = num('dwellMs');
      if (typeof dwellMs === 'object' && dwellMs !== null) return dwellMs;

      const idParts = cols.eventId.map((i) => (i < 0 ? String(line) : (record[i] ?? '')));
      const idCol = cols.eventId[0] ?? -1;
      const rawId = 'column' in spec ? (idCol < 0 ? String(line) : (cell(idCol) ?? '')) : buildEventId(idParts, idMode, idSep).trim();
      const userId = text('userId');
      const itemId = text('itemId');
      const raw: RawEvent = {
        eventId: rawId === '' ? null : idPrefix + rawId,
        userId: userId === null ? null : idPrefix + userId,
        itemId: itemId === null ? null : idPrefix + itemId,
        type,
        ts,
        value,
        dwellMs,
        session: text('session'),
        referrer: text('referrer'),
        query: text('query'),
      };
      const checked = validateEvent(raw, now);
      if (!checked.ok) return fail(line, checked.problem.field, checked.problem.message);
      const event = checked.value;
      if (!hasItemFacts || event.itemId === null) return { kind: 'event', event, item: null, categories: [] };

      const price = num('price');
      if (typeof price === 'object' && price !== null) return price;
      if (price !== null && price < 0) return fail(line, 'price', `must not be negative (got ${price})`);
      const cells: string[] = [];
      for (const i of cols.categories) {
        const v = cell(i);
        if (v !== null) cells.push(v);
      }
      if (categoryConstant !== null) cells.push(categoryConstant);
      const cats = cells.length === 0 ? NO_CATEGORIES : cachedFacts(cells);
      const item: ItemPatch = { id: event.itemId, categories: cats.leaves, title: text('title'), price, brand: text('brand') };
      return { kind: 'event', event, item, categories: cats.records };
    },
  };
}
