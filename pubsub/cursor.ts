/**
 * Value-change cursors: `<ms>-<seq>`, the Redis stream entry id format, used by both adapters so
 * a partner's cursor looks the same whichever adapter serves it. `ms` is the log's clock when it
 * accepted the change; `seq` orders changes within one millisecond. Cursors sort by (ms, seq).
 */
import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';

export interface Cursor {
  readonly ms: number;
  readonly seq: number;
}

const SHAPE = /^(0|[1-9]\d{0,15})-(0|[1-9]\d{0,15})$/;

/** Parse a cursor; undefined when malformed (not `<ms>-<seq>` with safe, canonical integers). */
export function parseCursor(text: string): Cursor | undefined {
  const m = SHAPE.exec(text);
  if (!m) return undefined;
  const ms = Number(m[1]);
  const seq = Number(m[2]);
  return Number.isSafeInteger(ms) && Number.isSafeInteger(seq) ? { ms, seq } : undefined;
}

export function formatCursor(c: Cursor): string {
  return `${c.ms}-${c.seq}`;
}

/** < 0 when a sorts before b, 0 when equal, > 0 after. */
export function compareCursors(a: Cursor, b: Cursor): number {
  return a.ms !== b.ms ? a.ms - b.ms : a.seq - b.seq;
}

/** The cursor before every change. */
export const ORIGIN: Cursor = Object.freeze({ ms: 0, seq: 0 });

/** Parse a client's `after` cursor: BAD_USER_INPUT (field `after`) when malformed. */
export function parseAfter(text: string): Cursor {
  const c = parseCursor(text);
  if (!c) throw new CodedError(ErrorCode.BAD_USER_INPUT, `after: not a cursor (expected "<ms>-<seq>", got ${JSON.stringify(text.slice(0, 64))})`, { field: 'after' });
  return c;
}

/** What a log knows when it decides whether a cursor can be resumed from. */
export interface LogBounds {
  /** The log's clock, ms. */
  readonly now: number;
  readonly retentionMs: number;
  /** Newest dropped cursor (trimmed, evicted, or the log's start): resuming before it would skip changes. */
  readonly floor: Cursor;
  /** Newest cursor the log has issued. */
  readonly newest: Cursor;
}

/** CURSOR_EXPIRED (field `after`) when `after` cannot be resumed from without a gap; see pubsub/port.ts. */
export function checkResumable(after: Cursor, b: LogBounds): void {
  const text = formatCursor(after);
  let why: string | undefined;
  if (after.ms < b.now - b.retentionMs) why = `is older than the retention window (${Math.round(b.retentionMs / 1000)} s)`;
  else if (compareCursors(after, b.floor) < 0) why = `is before the oldest change still held (changes after it were dropped)`;
  else if (compareCursors(after, b.newest) > 0) why = 'is unknown to this log (ahead of its newest change: was the log reset?)';
  if (why) throw new CodedError(ErrorCode.CURSOR_EXPIRED, `cursor ${text} ${why}; re-sync and subscribe without after`, { field: 'after' });
}
