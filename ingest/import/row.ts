/**
 * Row conversion: one CSV record (array of strings) -> a validated InteractionEvent plus what the
 * row says about its item. Pure: no I/O, the same row always gives the same event (and eventId).
 */
import { createHash } from 'node:crypto';
import type { InteractionEvent } from '../../domain/events';
import { validateEvent, type RawEvent } from '../../domain/validate';
import type { CsvMapping, MappedField, ResolvedColumns } from './mapping';
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
  | { readonly kind: 'event'; readonly event: InteractionEvent; readonly item: ItemPatch | null }
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

const ITEM_FIELDS: readonly MappedField[] = ['category', 'title', 'price', 'brand'];

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:([T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Parse a timestamp in the mapping's unit to ms; NaN when unparsable. */
export function parseTs(text: string | number, unit: CsvMapping['tsUnit']): number {
  if (typeof text === 'number') return unit === 's' ? text * 1000 : unit === 'ms' ? text : Number.NaN;
  const t = text.trim();
  if (t === '') return Number.NaN;
  if (unit === 'iso') {
    // Date.parse alone is lenient ("bad-1" parses as 2001-01-01): insist on an ISO-8601 shape first.
    const m = ISO_8601.exec(t);
    if (m === null) return Number.NaN;
    // A date-time without an offset is UTC, not the importing machine's local time.
    return Date.parse(m[1] !== undefined && m[2] === undefined ? `${t.replace(' ', 'T')}Z` : t);
  }
  const n = Number(t);
  if (!Number.isFinite(n)) return Number.NaN;
  return unit === 's' ? Math.round(n * 1000) : n;
}

interface Fail {
  readonly fail: RowError;
}
const isFail = (v: unknown): v is Fail => typeof v === 'object' && v !== null && 'fail' in v;

/** Build the converter once per file (after the header is known). `idPrefix` overrides the mapping's. */
export function createRowConverter(m: CsvMapping, cols: ResolvedColumns, now: number, idPrefix = m.idPrefix): RowConverter {
  const hasItemFacts = ITEM_FIELDS.some((f) => m.fields[f] !== undefined || m.constants[f] !== undefined);
  const ignore = new Set(m.ignore);
  const spec = m.eventId;
  const idMode = 'hash' in spec ? 'hash' : 'concat';
  const idSep = 'concat' in spec ? spec.separator : ':';

  return {
    convert(record, line) {
      if (cols.count !== null && record.length !== cols.count) {
        return { kind: 'error', error: rowError(line, 'row', `expected ${cols.count} columns, got ${record.length}`) };
      }
      if (record.length < cols.minCount) {
        return { kind: 'error', error: rowError(line, 'row', `expected at least ${cols.minCount} columns, got ${record.length}`) };
      }
      const text = (f: MappedField): string | null => {
        const i = cols.fields[f];
        if (i !== undefined) {
          // Blank is absent, also with "trim": false: "  " must not become the id "prefix:".
          const v = (record[i] ?? '').trim();
          return v === '' ? null : v;
        }
        const c = m.constants[f];
        return c === undefined ? null : String(c);
      };
      const num = (f: MappedField): number | null | Fail => {
        const c = m.constants[f];
        if (typeof c === 'number') return c;
        const t = text(f);
        if (t === null) return null;
        const n = Number(t);
        return Number.isFinite(n) ? n : { fail: rowError(line, f, `"${t}" is not a number`) };
      };

      let type = text('type');
      if (type !== null && cols.fields.type !== undefined) {
        if (ignore.has(type)) return { kind: 'ignored' };
        if (m.eventTypes !== null) {
          const mapped = m.eventTypes[type];
          if (mapped === undefined) {
            return { kind: 'error', error: rowError(line, 'type', `unmapped event name "${type}" (not in eventTypes or ignore)`) };
          }
          type = mapped;
        }
      }
      const tsSource = cols.fields.ts !== undefined ? text('ts') : (m.constants.ts ?? null);
      let ts: number | null = null;
      if (tsSource !== null) {
        ts = parseTs(tsSource, m.tsUnit);
        if (!Number.isFinite(ts)) return { kind: 'error', error: rowError(line, 'ts', `"${tsSource}" is not a timestamp in unit ${m.tsUnit}`) };
      }
      const value = num('value');
      if (isFail(value)) return { kind: 'error', error: value.fail };
      const dwellMs = num('dwellMs');
      if (isFail(dwellMs)) return { kind: 'error', error: dwellMs.fail };

      const idParts = cols.eventId.map((i) => (i < 0 ? String(line) : (record[i] ?? '')));
      const rawId = ('column' in spec ? (idParts[0] ?? '') : buildEventId(idParts, idMode, idSep)).trim();
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
      if (!checked.ok) return { kind: 'error', error: rowError(line, checked.problem.field, checked.problem.message) };
      const event = checked.value;
      if (!hasItemFacts || event.itemId === null) return { kind: 'event', event, item: null };

      const price = num('price');
      if (isFail(price)) return { kind: 'error', error: price.fail };
      if (price !== null && price < 0) return { kind: 'error', error: rowError(line, 'price', `must not be negative (got ${price})`) };
      const catText = text('category');
      const cats = catText === null ? [] : m.categorySeparator === null ? [catText] : catText.split(m.categorySeparator);
      const categories = [...new Set(cats.map((c) => c.trim()).filter((c) => c !== '').map((c) => idPrefix + c))];
      const title = text('title');
      const brand = text('brand');
      return { kind: 'event', event, item: { id: event.itemId, categories, title, price, brand } };
    },
  };
}
