/**
 * The CSV column-mapping file: one JSON object tells the generic importer how to turn a row of any
 * CSV dataset into an InteractionEvent (plus item and category facts), so a new dataset needs no code.
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
 *     "category": ["cat_path", "cat_id"], // one column or several (the item gets one category from each)
 *     "price": "price", "title": "name", "brand": "brand"
 *   },
 *   "constants": { "type": "click" }, // our field -> fixed value for every row (not also in "fields")
 *   "nullValues": ["NA", "null"],   // cell texts that mean "no value" (besides empty). Default DEFAULT_NULL_VALUES
 *   "fallbacks": { "userId": "sid" }, // our field -> column(s) read when its own cell is null. Default {}
 *   "tsUnit": "auto",               // "s" | "ms" | "iso" (date-time text) | "auto" (either, detected). Default "auto"
 *   "tsZone": "UTC",                // zone of date-times that carry none: "UTC" or an offset "+08:00". Default "UTC"
 *   "eventTypes": { "pv": "view" }, // file event name -> EVENT_TYPES name. Default none: names must be ours
 *   "ignore": ["impression_x"],     // file event names skipped silently (counted as ignored). Default []
 *   "valueTypes": ["purchase"],     // our event types that carry `value`; others get 0. Default: every type
 *   "categorySeparator": "|",       // split a category cell into several categories. Default none
 *   "categoryPath": ".",            // split each category into a hierarchy path a > a.b > a.b.c. Default none
 *   "idPrefix": "shop:",            // prepended to user, item, category and event ids. Default ""
 *   "eventId": { "concat": ["user", "item", "time"], "separator": ":" }
 *       // or { "hash": [columns...] } (sha1 of the values, 32 hex) or { "column": "event_id" };
 *       // "$line" may stand for the 1-based line number. Required
 * }
 * ```
 * Numbers (value, dwellMs, price) may be null (absent); category/price/title/brand describe the
 * row's item. Required: userId, type and ts (each from a column or a constant) and eventId. itemId
 * is required per row by `validateEvent` except for `search` events. With `eventTypes`, a name that
 * is neither mapped nor ignored is a row error. Every mistake in the file itself is a CodedError
 * IMPORT_MAPPING_INVALID whose `details.key` names the offending key (e.g. `fields.userId`).
 */
import type { EventType } from '../../domain/events';
import {
  DEFAULT_NULL_VALUES,
  LINE_REF,
  MAPPED_FIELDS,
  bool,
  columnRef,
  isObject,
  mappingError,
  parseConstants,
  parseEventId,
  parseEventTypes,
  parseFallbacks,
  parseFields,
  parseValueTypes,
  separator,
  str,
  stringList,
  type ColumnRef,
  type EventIdSpec,
  type FieldColumns,
  type MappedField,
} from './mapping-keys';
import { TS_UNITS, parseZone, type TsUnit } from './timestamp';

export { DEFAULT_NULL_VALUES, LINE_REF, MAPPED_FIELDS, mappingError, type ColumnRef, type EventIdSpec, type FieldColumns, type MappedField };
export type { TsUnit };

export interface CsvMapping {
  readonly name: string;
  readonly description: string;
  readonly delimiter: string;
  readonly quote: string | null;
  readonly header: boolean;
  readonly columns: readonly string[] | null;
  readonly trim: boolean;
  readonly fields: FieldColumns;
  readonly constants: Readonly<Partial<Record<MappedField, string | number>>>;
  readonly nullValues: readonly string[];
  readonly fallbacks: Readonly<Partial<Record<MappedField, readonly ColumnRef[]>>>;
  readonly tsUnit: TsUnit;
  readonly tsZone: string;
  readonly eventTypes: Readonly<Record<string, EventType>> | null;
  readonly ignore: readonly string[];
  readonly valueTypes: readonly EventType[] | null;
  readonly categorySeparator: string | null;
  readonly categoryPath: string | null;
  readonly idPrefix: string;
  readonly eventId: EventIdSpec;
}

const TOP_KEYS = new Set([
  'name',
  'description',
  'delimiter',
  'quote',
  'header',
  'columns',
  'trim',
  'fields',
  'constants',
  'nullValues',
  'fallbacks',
  'tsUnit',
  'tsZone',
  'eventTypes',
  'ignore',
  'valueTypes',
  'categorySeparator',
  'categoryPath',
  'idPrefix',
  'eventId',
]);

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
  const columns = input.columns === undefined || input.columns === null ? null : stringList('columns', input.columns);
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
  const tsUnit = input.tsUnit ?? 'auto';
  if (!TS_UNITS.includes(tsUnit as TsUnit)) throw mappingError('tsUnit', `must be one of ${TS_UNITS.map((u) => `"${u}"`).join(', ')}`);
  const tsZone = str(input, 'tsZone', 'UTC', false);
  if (parseZone(tsZone) === null) throw mappingError('tsZone', `must be "UTC" or an offset such as "+08:00" (got ${JSON.stringify(tsZone)})`);
  const eventTypes = parseEventTypes(input.eventTypes);
  const ignore = stringList('ignore', input.ignore);
  if (ignore.length > 0 && fields.type === undefined) throw mappingError('ignore', 'needs a type column (fields.type)');
  for (const name of ignore) {
    if (eventTypes?.[name] !== undefined) throw mappingError('ignore', `"${name}" is both mapped and ignored`);
  }
  if (eventTypes !== null && fields.type === undefined) throw mappingError('eventTypes', 'needs a type column (fields.type)');
  const nullValues = input.nullValues === undefined ? DEFAULT_NULL_VALUES : stringList('nullValues', input.nullValues, true);
  const categoryPath = separator(input, 'categoryPath');
  const categorySeparator = separator(input, 'categorySeparator');
  if (categoryPath !== null && categoryPath === categorySeparator) {
    throw mappingError('categoryPath', 'must differ from categorySeparator');
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
    nullValues: [...nullValues],
    fallbacks: parseFallbacks(input.fallbacks, fields),
    tsUnit: tsUnit as TsUnit,
    tsZone,
    eventTypes,
    ignore,
    valueTypes: parseValueTypes(input.valueTypes),
    categorySeparator,
    categoryPath,
    idPrefix: str(input, 'idPrefix', ''),
    eventId: parseEventId(input.eventId),
  };
}

type SingleField = Exclude<MappedField, 'category'>;

/** Column indexes resolved against the header (or `columns`); -1 stands for `$line`. */
export interface ResolvedColumns {
  readonly fields: Readonly<Partial<Record<SingleField, number>>>;
  /** The category columns, in mapping order. */
  readonly categories: readonly number[];
  /** Fallback columns per field, in order. */
  readonly fallbacks: Readonly<Partial<Record<MappedField, readonly number[]>>>;
  readonly eventId: readonly number[];
  /** Column count every record must have (extra empty trailing cells are allowed), or null when unknown. */
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
  const fields: Partial<Record<SingleField, number>> = {};
  for (const f of MAPPED_FIELDS) {
    const ref = f === 'category' ? undefined : m.fields[f];
    if (f !== 'category' && ref !== undefined) fields[f] = index(`fields.${f}`, ref);
  }
  const cat = m.fields.category;
  const categories = (cat === undefined ? [] : Array.isArray(cat) ? cat : [cat as ColumnRef]).map((r) => index('fields.category', r));
  const fallbacks: Partial<Record<MappedField, readonly number[]>> = {};
  for (const [f, refs] of Object.entries(m.fallbacks) as [MappedField, readonly ColumnRef[]][]) {
    fallbacks[f] = refs.map((r) => index(`fallbacks.${f}`, columnRef(`fallbacks.${f}`, r)));
  }
  const spec = m.eventId;
  const refs = 'column' in spec ? [spec.column] : 'concat' in spec ? spec.concat : spec.hash;
  const key = 'column' in spec ? 'eventId.column' : 'concat' in spec ? 'eventId.concat' : 'eventId.hash';
  const eventId = refs.map((r) => index(key, r));
  const all = [...Object.values(fields), ...categories, ...Object.values(fallbacks).flat(), ...eventId];
  // Exports often end every line with the delimiter: unnamed trailing columns are not counted.
  let count = names === null ? null : names.length;
  while (count !== null && count > 0 && names?.[count - 1]?.trim() === '') count -= 1;
  return { fields, categories, fallbacks, eventId, count, minCount: Math.max(0, ...all) + 1 };
}
