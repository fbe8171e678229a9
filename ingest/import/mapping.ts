/**
 * The CSV column-mapping file: one JSON object tells the generic importer how to turn a row of any
 * CSV dataset into an InteractionEvent (plus item facts), so a new dataset needs no code.
 *
 * ```jsonc
 * {
 *   "name": "shop-log",             // label in progress and summary. Default "csv"
 *   "description": "...",           // free text, ignored
 *   "delimiter": ",",               // field delimiter (one or more characters). Default ","
 *   "quote": "\"",                  // quote character, or null for none. Default "\""
 *   "header": true,                 // first record names the columns. Default true
 *   "columns": ["user", "item"],    // names for a header-less file (also fixes the column count). Default none
 *   "trim": true,                   // trim spaces around fields. Default true
 *   "fields": {                     // our field -> column: a name (header/columns) or a 0-based index
 *     "userId": "user", "itemId": "item", "type": "action", "ts": "time",
 *     "value": "amount", "dwellMs": "dwell", "session": "sid", "referrer": "ref", "query": "q",
 *     "category": "cat", "price": "price", "title": "name", "brand": "brand"
 *   },
 *   "constants": { "type": "click" }, // our field -> fixed value for every row (not also in "fields")
 *   "tsUnit": "s",                  // "s" | "ms" | "iso" (no offset = UTC): how ts is read. Required
 *   "eventTypes": { "pv": "view" }, // file event name -> EVENT_TYPES name. Default none: names must be ours
 *   "ignore": ["impression_x"],     // file event names skipped silently (counted as ignored). Default []
 *   "categorySeparator": "|",       // split the category column into several. Default none
 *   "idPrefix": "shop:",            // prepended to user, item, category and event ids. Default ""
 *   "eventId": { "concat": ["user", "item", "time"], "separator": ":" }
 *       // or { "hash": [columns...] } (sha1 of the values, 32 hex) or { "column": "event_id" };
 *       // "$line" may stand for the 1-based line number. Required
 * }
 * ```
 * Numbers (value, dwellMs, price) may be empty (absent); category/price/title/brand describe the
 * row's item. The example `examples/taobao.mapping.json` is the built-in Taobao preset.
 * Required: userId, type and ts (each from a column or a constant), tsUnit and eventId. itemId is
 * required per row by `validateEvent` except for `search` events. With `eventTypes`, a name that is
 * neither mapped nor ignored is a row error. Every mistake in the file itself is a CodedError
 * IMPORT_MAPPING_INVALID whose `details.key` names the offending key (e.g. `fields.userId`).
 */
import { ErrorCode } from '../../errors/codes';
import { CodedError } from '../../errors/errors';
import { EVENT_TYPES, isEventType, type EventType } from '../../domain/events';

/** Fields a row can provide. */
export const MAPPED_FIELDS = [
  'userId', 'itemId', 'type', 'ts', 'value', 'dwellMs', 'session', 'referrer', 'query',
  'category', 'price', 'title', 'brand',
] as const;
export type MappedField = (typeof MAPPED_FIELDS)[number];

/** A column: its name (from the header or `columns`) or its 0-based index. */
export type ColumnRef = string | number;
/** Pseudo-column for the 1-based line number, usable in `eventId`. */
export const LINE_REF = '$line';

export type EventIdSpec =
  | { readonly column: ColumnRef }
  | { readonly concat: readonly ColumnRef[]; readonly separator: string }
  | { readonly hash: readonly ColumnRef[] };

export type TsUnit = 's' | 'ms' | 'iso';

export interface CsvMapping {
  readonly name: string;
  readonly description: string;
  readonly delimiter: string;
  readonly quote: string | null;
  readonly header: boolean;
  readonly columns: readonly string[] | null;
  readonly trim: boolean;
  readonly fields: Readonly<Partial<Record<MappedField, ColumnRef>>>;
  readonly constants: Readonly<Partial<Record<MappedField, string | number>>>;
  readonly tsUnit: TsUnit;
  readonly eventTypes: Readonly<Record<string, EventType>> | null;
  readonly ignore: readonly string[];
  readonly categorySeparator: string | null;
  readonly idPrefix: string;
  readonly eventId: EventIdSpec;
}

const TOP_KEYS = new Set([
  'name', 'description', 'delimiter', 'quote', 'header', 'columns', 'trim', 'fields', 'constants',
  'tsUnit', 'eventTypes', 'ignore', 'categorySeparator', 'idPrefix', 'eventId',
]);
const NUMERIC_FIELDS: ReadonlySet<MappedField> = new Set(['value', 'dwellMs', 'price']);

export function mappingError(key: string, message: string): CodedError {
  return new CodedError(ErrorCode.IMPORT_MAPPING_INVALID, `mapping ${key}: ${message}`, { key });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(obj: Record<string, unknown>, key: string, fallback: string, allowEmpty = true): string {
  const v = obj[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'string') throw mappingError(key, `must be a string (got ${JSON.stringify(v)})`);
  if (!allowEmpty && v === '') throw mappingError(key, 'must not be empty');
  return v;
}

function bool(obj: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const v = obj[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw mappingError(key, `must be true or false (got ${JSON.stringify(v)})`);
  return v;
}

function columnRef(key: string, v: unknown, allowLine = false): ColumnRef {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && v !== '') {
    if (v === LINE_REF && !allowLine) throw mappingError(key, `"${LINE_REF}" is only allowed in eventId`);
    return v;
  }
  throw mappingError(key, `must be a column name or a 0-based column index (got ${JSON.stringify(v)})`);
}

function refList(key: string, v: unknown): ColumnRef[] {
  if (!Array.isArray(v) || v.length === 0) throw mappingError(key, 'must be a non-empty array of columns');
  return v.map((c, i) => columnRef(`${key}[${i}]`, c, true));
}

function parseEventId(v: unknown): EventIdSpec {
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
    const separator = v.separator ?? ':';
    if (typeof separator !== 'string') throw mappingError('eventId.separator', 'must be a string');
    return { concat: refList('eventId.concat', v.concat), separator };
  }
  return { hash: refList('eventId.hash', v.hash) };
}

function parseFields(v: unknown): Partial<Record<MappedField, ColumnRef>> {
  if (v === undefined) return {};
  if (!isObject(v)) throw mappingError('fields', 'must be an object');
  const out: Partial<Record<MappedField, ColumnRef>> = {};
  for (const [k, ref] of Object.entries(v)) {
    if (!(MAPPED_FIELDS as readonly string[]).includes(k)) {
      throw mappingError(`fields.${k}`, `unknown field; expected one of ${MAPPED_FIELDS.join(', ')}`);
    }
    out[k as MappedField] = columnRef(`fields.${k}`, ref);
  }
  return out;
}

function parseConstants(v: unknown, fields: Partial<Record<MappedField, ColumnRef>>): Partial<Record<MappedField, string | number>> {
  if (v === undefined) return {};
  if (!isObject(v)) throw mappingError('constants', 'must be an object');
  const out: Partial<Record<MappedField, string | number>> = {};
  for (const [k, c] of Object.entries(v)) {
    const key = `constants.${k}`;
    if (!(MAPPED_FIELDS as readonly string[]).includes(k)) throw mappingError(key, `unknown field; expected one of ${MAPPED_FIELDS.join(', ')}`);
    const field = k as MappedField;
    if (fields[field] !== undefined) throw mappingError(key, `is also mapped in fields.${k}; keep one`);
    if (NUMERIC_FIELDS.has(field)) {
      if (typeof c !== 'number' || !Number.isFinite(c) || c < 0) throw mappingError(key, 'must be a non-negative number');
    } else if (field === 'ts') {
      if (typeof c !== 'number' && typeof c !== 'string') throw mappingError(key, 'must be a number or a string');
    } else if (typeof c !== 'string' || c.trim() === '') {
      throw mappingError(key, 'must be a non-empty string');
    }
    if (field === 'type' && !isEventType(String(c))) {
      throw mappingError(key, `unknown event type ${JSON.stringify(c)}; expected one of ${EVENT_TYPES.join(', ')}`);
    }
    out[field] = c as string | number;
  }
  return out;
}

function parseEventTypes(v: unknown): Record<string, EventType> | null {
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

function parseStringList(key: string, v: unknown): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s === '')) {
    throw mappingError(key, 'must be an array of non-empty strings');
  }
  return v as string[];
}

/**
 * Validate a mapping (parsed JSON) and apply defaults. Throws IMPORT_MAPPING_INVALID naming the key.
 * Column names are checked against the header later, by `resolveColumns`.
 */
export function parseMapping(input: unknown): CsvMapping {
  if (!isObject(input)) throw mappingError('(root)', 'must be a JSON object');
  for (const k of Object.keys(input)) if (!TOP_KEYS.has(k)) throw mappingError(k, 'unknown key');
  const quoteRaw = input.quote;
  if (quoteRaw !== undefined && quoteRaw !== null && (typeof quoteRaw !== 'string' || quoteRaw.length !== 1)) {
    throw mappingError('quote', 'must be one character or null');
  }
  const header = bool(input, 'header', true);
  const columns = input.columns === undefined || input.columns === null ? null : parseStringList('columns', input.columns);
  if (columns !== null && columns.length === 0) throw mappingError('columns', 'must not be empty');
  if (columns !== null && new Set(columns).size !== columns.length) throw mappingError('columns', 'names must be unique');
  if (header && columns !== null) throw mappingError('columns', 'only for header-less files ("header": false)');
  const fields = parseFields(input.fields);
  const constants = parseConstants(input.constants, fields);
  for (const req of ['userId', 'type', 'ts'] as const) {
    if (fields[req] === undefined && constants[req] === undefined) {
      throw mappingError(`fields.${req}`, 'is required (map a column or give a constant)');
    }
  }
  const tsUnit = input.tsUnit;
  if (tsUnit !== 's' && tsUnit !== 'ms' && tsUnit !== 'iso') throw mappingError('tsUnit', 'must be "s", "ms" or "iso"');
  const eventTypes = parseEventTypes(input.eventTypes);
  const ignore = parseStringList('ignore', input.ignore);
  if (ignore.length > 0 && fields.type === undefined) throw mappingError('ignore', 'needs a type column (fields.type)');
  for (const name of ignore) {
    if (eventTypes?.[name] !== undefined) throw mappingError('ignore', `"${name}" is both mapped and ignored`);
  }
  if (eventTypes !== null && fields.type === undefined) throw mappingError('eventTypes', 'needs a type column (fields.type)');
  const sep = input.categorySeparator;
  if (sep !== undefined && sep !== null && (typeof sep !== 'string' || sep === '')) {
    throw mappingError('categorySeparator', 'must be a non-empty string or null');
  }
  return {
    name: str(input, 'name', 'csv', false),
    description: str(input, 'description', ''),
    delimiter: str(input, 'delimiter', ',', false),
    quote: quoteRaw === undefined ? '"' : (quoteRaw as string | null),
    header,
    columns,
    trim: bool(input, 'trim', true),
    fields,
    constants,
    tsUnit,
    eventTypes,
    ignore,
    categorySeparator: (sep as string | null | undefined) ?? null,
    idPrefix: str(input, 'idPrefix', ''),
    eventId: parseEventId(input.eventId),
  };
}

/** Column indexes resolved against the header (or `columns`); -1 stands for `$line`. */
export interface ResolvedColumns {
  readonly fields: Readonly<Partial<Record<MappedField, number>>>;
  readonly eventId: readonly number[];
  /** Exact column count every record must have, or null when unknown (index-only, header-less). */
  readonly count: number | null;
  /** Smallest record length that holds every referenced column. */
  readonly minCount: number;
}

/** Resolve column names to indexes. `header` is the header record (null for header-less files). */
export function resolveColumns(m: CsvMapping, header: readonly string[] | null): ResolvedColumns {
  const names = header ?? m.columns;
  const index = (key: string, ref: ColumnRef): number => {
    if (ref === LINE_REF) return -1;
    if (typeof ref === 'number') {
      if (names !== null && ref >= names.length) throw mappingError(key, `column index ${ref} is beyond the ${names.length} columns`);
      return ref;
    }
    if (names === null) throw mappingError(key, `column "${ref}" named but the file has no header and no "columns" list`);
    const i = names.indexOf(ref);
    if (i < 0) throw mappingError(key, `column "${ref}" not found; columns are ${names.join(', ')}`);
    return i;
  };
  const fields: Partial<Record<MappedField, number>> = {};
  for (const f of MAPPED_FIELDS) {
    const ref = m.fields[f];
    if (ref !== undefined) fields[f] = index(`fields.${f}`, ref);
  }
  const spec = m.eventId;
  const refs = 'column' in spec ? [spec.column] : 'concat' in spec ? spec.concat : spec.hash;
  const key = 'column' in spec ? 'eventId.column' : 'concat' in spec ? 'eventId.concat' : 'eventId.hash';
  const eventId = refs.map((r) => index(key, r));
  const all = [...Object.values(fields), ...eventId];
  return { fields, eventId, count: names === null ? null : names.length, minCount: Math.max(0, ...all) + 1 };
}
