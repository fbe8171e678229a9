/**
 * Validation of untrusted input (GraphQL arguments, imported rows). Pure functions that
 * return either a normalised value or the offending field, so callers can report by index.
 */
import { EVENT_TYPES, ITEMLESS_EVENT_TYPES, isEventType, normaliseQuery, type InteractionEvent } from './events';

/** Longest accepted id (user, item, event, session). */
export const MAX_ID_LENGTH = 256;
/** How far ahead of the server clock an event timestamp may be (clock skew allowance). */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;
/** Oldest accepted event timestamp: 1990-01-01. */
export const MIN_EVENT_TS = Date.UTC(1990, 0, 1);
/** Longest accepted query text. */
export const MAX_QUERY_LENGTH = 512;
/** Longest accepted selling-point keyword (a `selling_point_click`'s `keyword`, a catalogue selling point). */
export const MAX_KEYWORD_LENGTH = 32;

/** Finite bounds on an event's numbers (the gateway takes them from config; see README "Limits"). */
export interface EventBounds {
  /** Largest `value` (MAX_EVENT_VALUE). Default 1,000,000. */
  readonly maxValue: number;
  /** Largest `dwellMs` (MAX_EVENT_DWELL_MS). Default 86,400,000 (24 h). */
  readonly maxDwellMs: number;
  /** How far ahead of the server clock `ts` may be (MAX_EVENT_FUTURE_SKEW_MS). Default 300,000 (5 min). */
  readonly maxFutureSkewMs: number;
}

/** The defaults of the config table (importers and offline tools use these). */
export const DEFAULT_EVENT_BOUNDS: EventBounds = Object.freeze({ maxValue: 1_000_000, maxDwellMs: 86_400_000, maxFutureSkewMs: MAX_FUTURE_SKEW_MS });

export interface FieldProblem {
  /** Field name relative to the validated object (`type`, `ts`, ...). */
  readonly field: string;
  readonly message: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: FieldProblem };

/** Raw event as it arrives (GraphQL input or a mapped CSV row). */
export interface RawEvent {
  eventId?: string | null;
  userId?: string | null;
  type?: string | null;
  itemId?: string | null;
  /** Date, ms since epoch, or ISO-8601 text; anything else is rejected (naming `ts`). */
  ts?: unknown;
  /** A finite number in [0, maxValue]; anything else is rejected (naming `value`). */
  value?: unknown;
  /** A finite number in [0, maxDwellMs]. */
  dwellMs?: unknown;
  session?: string | null;
  referrer?: string | null;
  query?: string | null;
  /** The clicked selling-point keyword: required for `selling_point_click`, ignored for other types. */
  keyword?: string | null;
}

const fail = (field: string, message: string): { ok: false; problem: FieldProblem } => ({
  ok: false,
  problem: { field, message },
});

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CONTROL = /\p{Cc}/u;
const BIDI = /[\u202A-\u202E\u2066-\u2069]/u;
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/u;
/** A short rendering of an offending value for messages (never the whole of a long text). */
const shown = (x: unknown): string => {
  const t = typeof x === 'number' ? String(x) : (JSON.stringify(x) ?? typeof x);
  return t.length > 40 ? `${t.slice(0, 37)}...` : t;
};
/**
 * One pass over the UTF-16 units, for the common path (imports check every row's ids): 0 when the
 * text is printable ASCII (already NFC), 1 when it holds other characters but nothing refused,
 * 2 when something may be refused (then badCharacters says what).
 */
function scanId(v: string): 0 | 1 | 2 {
  let kind: 0 | 1 = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) continue;
    if (c < 0x20 || c <= 0x9f) return 2;
    if ((c >= 0x200b && c <= 0x200d) || c === 0x2060 || c === 0xfeff || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return 2;
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = v.charCodeAt(i + 1);
      if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return 2;
      i++;
    }
    kind = 1;
  }
  return kind;
}
const codePoint = (m: RegExpExecArray): string => `U+${m[0]!.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Why an id's characters are refused, or null: control characters (NUL included), lone
 * surrogates, bidirectional overrides/isolates and zero-width characters make ids that look
 * alike but differ, or that break logs and terminals.
 */
function badCharacters(v: string): string | null {
  if (LONE_SURROGATE.test(v)) return 'holds a lone surrogate (not valid UTF-16)';
  let m = CONTROL.exec(v);
  if (m) return `holds a control character (${codePoint(m)})`;
  m = BIDI.exec(v);
  if (m) return `holds a bidirectional override or isolate (${codePoint(m)})`;
  m = ZERO_WIDTH.exec(v);
  if (m) return `holds a zero-width character (${codePoint(m)})`;
  return null;
}

/**
 * Check an id: a string, NFC-normalised and trimmed, non-empty, at most MAX_ID_LENGTH
 * characters, without control, lone-surrogate, bidi-control or zero-width characters.
 */
export function checkId(field: string, value: unknown): Checked<string> {
  if (value === undefined || value === null) return fail(field, 'is required');
  if (typeof value !== 'string') return fail(field, 'must be a string');
  const kind = scanId(value.trim());
  if (kind === 2) {
    const bad = badCharacters(value.trim());
    if (bad !== null) return fail(field, bad);
  }
  const v = (kind === 0 ? value : value.normalize('NFC')).trim();
  if (v.length === 0) return fail(field, 'must not be empty');
  if (v.length > MAX_ID_LENGTH) return fail(field, `must be at most ${MAX_ID_LENGTH} characters (got ${v.length})`);
  return { ok: true, value: v };
}

/** ms since the epoch of a Date, a number, or numeric / ISO-8601 text; NaN for anything else. */
function toMillis(ts: unknown): number {
  if (ts instanceof Date) return ts.getTime();
  if (typeof ts === 'number') return ts;
  if (typeof ts !== 'string') return Number.NaN;
  const n = Number(ts);
  if (ts.trim() !== '' && Number.isFinite(n)) return n;
  return Date.parse(ts);
}

function optionalText(field: string, value: unknown, max: number): Checked<string | null> {
  if (value === undefined || value === null) return { ok: true, value: null };
  if (typeof value !== 'string') return fail(field, 'must be a string');
  if (value.trim() === '') return { ok: true, value: null };
  if (value.length > max) return fail(field, `must be at most ${max} characters`);
  return { ok: true, value: value.trim() };
}

/** An optional id-like text (session, referrer): same characters as an id, null when blank. */
function optionalId(field: string, value: unknown): Checked<string | null> {
  const t = optionalText(field, value, MAX_ID_LENGTH);
  if (!t.ok || t.value === null) return t;
  return checkId(field, t.value);
}

function bounded(field: string, value: unknown, max: number): Checked<number | null> {
  if (value === undefined || value === null) return { ok: true, value: null };
  if (typeof value !== 'number') return fail(field, `must be a number (got ${shown(value)})`);
  if (!Number.isFinite(value)) return fail(field, `must be a finite number (got ${value})`);
  if (value < 0) return fail(field, `must not be negative (got ${value})`);
  if (value > max) return fail(field, `must be at most ${max} (got ${value})`);
  return { ok: true, value };
}

/** Validate and normalise one event. `now` is the server clock in ms. */
export function validateEvent(raw: RawEvent, now: number, bounds: EventBounds = DEFAULT_EVENT_BOUNDS): Checked<InteractionEvent> {
  const eventId = checkId('eventId', raw.eventId);
  if (!eventId.ok) return eventId;
  const userId = checkId('userId', raw.userId);
  if (!userId.ok) return userId;
  if (raw.type !== undefined && raw.type !== null && typeof raw.type !== 'string') return fail('type', 'must be a string');
  const typeText = (raw.type ?? '').trim();
  if (!isEventType(typeText)) {
    return fail('type', `unknown event type "${typeText}"; expected one of ${EVENT_TYPES.join(', ')}`);
  }
  let itemId: string | null = null;
  if (raw.itemId !== undefined && raw.itemId !== null && raw.itemId !== '') {
    const c = checkId('itemId', raw.itemId);
    if (!c.ok) return c;
    itemId = c.value;
  } else if (!ITEMLESS_EVENT_TYPES.has(typeText)) {
    return fail('itemId', `is required for a ${typeText} event`);
  }
  if (raw.ts === undefined || raw.ts === null) return fail('ts', 'is required');
  const ts = toMillis(raw.ts);
  if (!Number.isFinite(ts)) return fail('ts', `is not a valid timestamp (got ${shown(raw.ts)}); send ISO-8601 text or ms since the epoch`);
  if (ts > now + bounds.maxFutureSkewMs) return fail('ts', ts > 8.64e15 ? 'is out of range' : `is in the future (${new Date(ts).toISOString()})`);
  if (ts < MIN_EVENT_TS) return fail('ts', 'is before 1990-01-01');
  const value = bounded('value', raw.value, bounds.maxValue);
  if (!value.ok) return value;
  const dwell = bounded('dwellMs', raw.dwellMs, bounds.maxDwellMs);
  if (!dwell.ok) return dwell;
  const session = optionalId('session', raw.session);
  if (!session.ok) return session;
  const referrer = optionalId('referrer', raw.referrer);
  if (!referrer.ok) return referrer;
  const queryRaw = optionalText('query', raw.query, MAX_QUERY_LENGTH);
  if (!queryRaw.ok) return queryRaw;
  const query = queryRaw.value === null ? null : normaliseQuery(queryRaw.value) || null;
  if (typeText === 'search' && query === null) return fail('query', 'is required for a search event');
  let keyword: string | null = null;
  if (typeText === 'selling_point_click') {
    const k = checkKeyword('keyword', raw.keyword);
    if (!k.ok) return k;
    keyword = k.value;
  }
  return {
    ok: true,
    value: {
      eventId: eventId.value,
      userId: userId.value,
      type: typeText,
      itemId,
      ts,
      value: value.value ?? 0,
      dwellMs: dwell.value,
      session: session.value,
      referrer: referrer.value,
      query,
      // Only a selling_point_click carries one: other events keep their shape.
      ...(keyword !== null ? { keyword } : {}),
    },
  };
}

/**
 * Check a selling-point keyword: a string, normalised like a query (NFKC, lower case, single
 * spaces), 1..MAX_KEYWORD_LENGTH characters, without control, bidi or zero-width characters.
 */
export function checkKeyword(field: string, value: unknown): Checked<string> {
  if (value === undefined || value === null) return fail(field, 'is required');
  if (typeof value !== 'string') return fail(field, 'must be a string');
  const bad = badCharacters(value);
  if (bad !== null) return fail(field, bad);
  const v = normaliseQuery(value);
  if (v.length === 0) return fail(field, 'must not be empty');
  if (v.length > MAX_KEYWORD_LENGTH) return fail(field, `must be at most ${MAX_KEYWORD_LENGTH} characters (got ${v.length})`);
  return { ok: true, value: v };
}
