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
  /** Date, ms since epoch, or ISO-8601 text. */
  ts?: Date | number | string | null;
  value?: number | null;
  dwellMs?: number | null;
  session?: string | null;
  referrer?: string | null;
  query?: string | null;
}

const fail = (field: string, message: string): { ok: false; problem: FieldProblem } => ({
  ok: false,
  problem: { field, message },
});

/** Check an id: non-empty after trimming, at most MAX_ID_LENGTH characters. */
export function checkId(field: string, value: string | null | undefined): Checked<string> {
  if (value === undefined || value === null) return fail(field, 'is required');
  const v = value.trim();
  if (v.length === 0) return fail(field, 'must not be empty');
  if (v.length > MAX_ID_LENGTH) return fail(field, `must be at most ${MAX_ID_LENGTH} characters (got ${v.length})`);
  return { ok: true, value: v };
}

function toMillis(ts: Date | number | string): number {
  if (ts instanceof Date) return ts.getTime();
  if (typeof ts === 'number') return ts;
  const n = Number(ts);
  if (ts.trim() !== '' && Number.isFinite(n)) return n;
  return Date.parse(ts);
}

function optionalText(field: string, value: string | null | undefined, max: number): Checked<string | null> {
  if (value === undefined || value === null || value.trim() === '') return { ok: true, value: null };
  if (value.length > max) return fail(field, `must be at most ${max} characters`);
  return { ok: true, value: value.trim() };
}

function nonNegative(field: string, value: number | null | undefined): Checked<number | null> {
  if (value === undefined || value === null) return { ok: true, value: null };
  if (!Number.isFinite(value)) return fail(field, 'must be a finite number');
  if (value < 0) return fail(field, `must not be negative (got ${value})`);
  return { ok: true, value };
}

/** Validate and normalise one event. `now` is the server clock in ms. */
export function validateEvent(raw: RawEvent, now: number): Checked<InteractionEvent> {
  const eventId = checkId('eventId', raw.eventId);
  if (!eventId.ok) return eventId;
  const userId = checkId('userId', raw.userId);
  if (!userId.ok) return userId;
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
  if (!Number.isFinite(ts)) return fail('ts', 'is not a valid timestamp');
  if (ts > now + MAX_FUTURE_SKEW_MS) return fail('ts', `is in the future (${new Date(ts).toISOString()})`);
  if (ts < MIN_EVENT_TS) return fail('ts', 'is before 1990-01-01');
  const value = nonNegative('value', raw.value);
  if (!value.ok) return value;
  const dwell = nonNegative('dwellMs', raw.dwellMs);
  if (!dwell.ok) return dwell;
  const session = optionalText('session', raw.session, MAX_ID_LENGTH);
  if (!session.ok) return session;
  const referrer = optionalText('referrer', raw.referrer, MAX_ID_LENGTH);
  if (!referrer.ok) return referrer;
  const queryRaw = optionalText('query', raw.query, MAX_QUERY_LENGTH);
  if (!queryRaw.ok) return queryRaw;
  const query = queryRaw.value === null ? null : normaliseQuery(queryRaw.value) || null;
  if (typeText === 'search' && query === null) return fail('query', 'is required for a search event');
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
    },
  };
}
