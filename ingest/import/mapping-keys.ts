/**
 * Validators for the keys of a CSV mapping file (see mapping.ts for the format). Each returns the
 * parsed value or throws IMPORT_MAPPING_INVALID naming the key (`details.key`, e.g. `fields.userId`).
 */
import { ErrorCode } from '../../errors/codes';
import { CodedError } from '../../errors/errors';
import { EVENT_TYPES, isEventType, type EventType } from '../../domain/events';

/** Fields a row can provide. */
export const MAPPED_FIELDS = ['userId', 'itemId', 'type', 'ts', 'value', 'dwellMs', 'session', 'referrer', 'query', 'category', 'price', 'title', 'brand'] as const;
export type MappedField = (typeof MAPPED_FIELDS)[number];

/** A column: its name (from the header or `columns`) or its 0-based index. */
export type ColumnRef = string | number;
/** Pseudo-column for the 1-based line number, usable in `eventId`. */
export const LINE_REF = '$line';

/** Our field -> column; `category` may list several columns (each gives the item one category). */
export type FieldColumns = Readonly<Partial<Record<Exclude<MappedField, 'category'>, ColumnRef>>> & {
  readonly category?: ColumnRef | readonly ColumnRef[];
};

export type EventIdSpec = { readonly column: ColumnRef } | { readonly concat: readonly ColumnRef[]; readonly separator: string } | { readonly hash: readonly ColumnRef[] };

export const NUMERIC_FIELDS: ReadonlySet<MappedField> = new Set(['value', 'dwellMs', 'price']);

/** Cell texts read as "no value" when `nullValues` is not given (an empty cell always is). */
export const DEFAULT_NULL_VALUES: readonly string[] = ['NA', 'N/A', 'n/a', 'null', 'NULL', 'None', 'nan', 'NaN', '\\N'];

export function mappingError(key: string, message: string): CodedError {
  return new CodedError(ErrorCode.IMPORT_MAPPING_INVALID, `mapping ${key}: ${message}`, { key });
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const isField = (k: string): k is MappedField => (MAPPED_FIELDS as readonly string[]).includes(k);

export function str(obj: Record<string, unknown>, key: string, fallback: string, allowEmpty = true): string {
  const v = obj[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'string') throw mappingError(key, `must be a string (got ${JSON.stringify(v)})`);
  if (!allowEmpty && v === '') throw mappingError(key, 'must not be empty');
  return v;
}

export function bool(obj: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const v = obj[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw mappingError(key, `must be true or false (got ${JSON.stringify(v)})`);
  return v;
}

/** A non-empty separator string, or null (absent or null). */
export function separator(obj: Record<string, unknown>, key: string): string | null {
  const v = obj[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v === '') throw mappingError(key, 'must be a non-empty string or null');
  return v;
}

export function columnRef(key: string, v: unknown, allowLine = false): ColumnRef {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && v !== '') {
    if (v === LINE_REF && !allowLine) throw mappingError(key, `"${LINE_REF}" is only allowed in eventId`);
    return v;
  }
  throw mappingError(key, `must be a column name or a 0-based column index (got ${JSON.stringify(v)})`);
}

function refList(key: string, v: unknown, allowLine: boolean): ColumnRef[] {
  if (!Array.isArray(v) || v.length === 0) throw mappingError(key, 'must be a non-empty array of columns');
  return v.map((c, i) => columnRef(`${key}[${i}]`, c, allowLine));
}

export function stringList(key: string, v: unknown, allowEmptyStrings = false): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || (s === '' && !allowEmptyStrings))) {
    throw mappingError(key, `must be an array of ${allowEmptyStrings ? '' : 'non-empty '}strings`);
  }
  return v as string[];
}

export function parseEventId(v: unknown): EventIdSpec {
  if (v === undefined) throw mappingError('eventId', 'is required: { "column" }, { "concat" } or { "hash" }');
  if (!isObject(v)) throw mappingError('eventId', 'must be an object');
  const modes = ['column', 'concat', 'hash'].filter((k) => v[k] !== undefined);
  if (modes.length !== 1) throw mappingError('eventId', 'needs exactly one of "column", "concat", "hash"');
  for (const k of Object.keys(v)) {
    if (!['column', 'concat', 'hash', 'separator'].includes(k)) throw mappingError(`eventId.${k}`, 'unknown key');
  }
  if (v.separator !== undefined && v.concat === undefined) throw mappingError('eventId.separator', 'only applies to "concat"');
  if (v.column !== undefined) return { column: columnRef('eventId.column', v.column, true) };
  if (v.concat !== undefined) {
    const sep = v.separator ?? ':';
    if (typeof sep !== 'string') throw mappingError('eventId.separator', 'must be a string');
    return { concat: refList('eventId.concat', v.concat, true), separator: sep };
  }
  return { hash: refList('eventId.hash', v.hash, true) };
}

export function parseFields(v: unknown): FieldColumns {
  if (v === undefined) return {};
  if (!isObject(v)) throw mappingError('fields', 'must be an object');
  const out: Record<string, ColumnRef | ColumnRef[]> = {};
  for (const [k, ref] of Object.entries(v)) {
    if (!isField(k)) throw mappingError(`fields.${k}`, `unknown field; expected one of ${MAPPED_FIELDS.join(', ')}`);
    out[k] = k === 'category' && Array.isArray(ref) ? refList('fields.category', ref, false) : columnRef(`fields.${k}`, ref);
  }
  return out as FieldColumns;
}

export function parseConstants(v: unknown, fields: FieldColumns): Partial<Record<MappedField, string | number>> {
  if (v === undefined) return {};
  if (!isObject(v)) throw mappingError('constants', 'must be an object');
  const out: Partial<Record<MappedField, string | number>> = {};
  for (const [k, c] of Object.entries(v)) {
    const key = `constants.${k}`;
    if (!isField(k)) throw mappingError(key, `unknown field; expected one of ${MAPPED_FIELDS.join(', ')}`);
    if (fields[k] !== undefined) throw mappingError(key, `is also mapped in fields.${k}; keep one`);
    if (NUMERIC_FIELDS.has(k)) {
      if (typeof c !== 'number' || !Number.isFinite(c) || c < 0) throw mappingError(key, 'must be a non-negative number');
    } else if (k === 'ts') {
      if (typeof c !== 'number' && typeof c !== 'string') throw mappingError(key, 'must be a number or a string');
    } else if (typeof c !== 'string' || c.trim() === '') {
      throw mappingError(key, 'must be a non-empty string');
    }
    if (k === 'type' && !isEventType(String(c))) {
      throw mappingError(key, `unknown event type ${JSON.stringify(c)}; expected one of ${EVENT_TYPES.join(', ')}`);
    }
    out[k] = c as string | number;
  }
  return out;
}

/** `fallbacks`: our field -> column(s) read, in order, when the field's own cell is null. */
export function parseFallbacks(v: unknown, fields: FieldColumns): Partial<Record<MappedField, readonly ColumnRef[]>> {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw mappingError('fallbacks', 'must be an object { "field": column or [columns] }');
  const out: Partial<Record<MappedField, readonly ColumnRef[]>> = {};
  for (const [k, refs] of Object.entries(v)) {
    const key = `fallbacks.${k}`;
    if (!isField(k)) throw mappingError(key, `unknown field; expected one of ${MAPPED_FIELDS.join(', ')}`);
    if (k === 'category') throw mappingError(key, 'list several category columns in fields.category instead');
    if (fields[k] === undefined) throw mappingError(key, `needs fields.${k} (a fallback is read when that column is null)`);
    out[k] = Array.isArray(refs) ? refList(key, refs, false) : [columnRef(key, refs)];
  }
  return out;
}

export function parseEventTypes(v: unknown): Record<string, EventType> | null {
  if (v === undefined || v === null) return null;
  if (!isObject(v)) throw mappingError('eventTypes', 'must be an object { "fileName": "ourType" }');
  const out: Record<string, EventType> = {};
  for (const [name, t] of Object.entries(v)) {
    if (typeof t !== 'string' || !isEventType(t)) {
      throw mappingError(`eventTypes.${name}`, `unknown event type ${JSON.stringify(t)}; expected one of ${EVENT_TYPES.join(', ')}`);
    }
    out[name] = t;
  }
  return out;
}

/** `valueTypes`: our event types that carry `value`; null = every type. */
export function parseValueTypes(v: unknown): EventType[] | null {
  if (v === undefined || v === null) return null;
  const list = stringList('valueTypes', v);
  if (list.length === 0) throw mappingError('valueTypes', 'must name at least one event type (or be omitted)');
  for (const t of list) {
    if (!isEventType(t)) throw mappingError('valueTypes', `unknown event type ${JSON.stringify(t)}; expected one of ${EVENT_TYPES.join(', ')}`);
  }
  return list as EventType[];
}
