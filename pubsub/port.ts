/**
 * The value-change log port: an append-only, ordered log of ValueChange records with monotonic
 * cursors and a retention window. Gateways append the changes they compute; every gateway's
 * subscriptions read from it, so a partner on instance B sees a change computed on instance A.
 * Adapters: in-process (embedded default) and Redis Streams (REDIS_URL). One conformance suite
 * (pubsub/conformance.ts) runs against both.
 *
 * Cursors (pubsub/cursor.ts) are `<ms>-<seq>` strings: `ms` is the log's clock when it accepted
 * the change. A cursor `after` can be resumed from while all of these hold:
 * - it is within the retention window: `ms >= now - retentionMs` (now: the log's clock);
 * - no change after it was dropped (trimming is approximate, capacity can evict early: the log
 *   records the newest dropped cursor and refuses anything before it);
 * - the log knows it: it is not ahead of the newest cursor the log ever issued (a reset log,
 *   e.g. a restarted in-process gateway or a flushed Redis, cannot vouch for older cursors).
 * Otherwise `subscribe` rejects with CodedError CURSOR_EXPIRED (details: `{ field: 'after' }`).
 * A malformed cursor rejects with BAD_USER_INPUT (same details).
 */
import type { ValueChange } from '../domain/user-value';

/** A stored change with its cursor. */
export interface LoggedChange {
  /** `<ms>-<seq>`; sorts in log order (compare with pubsub/cursor.ts, not as text). */
  readonly cursor: string;
  /** When the log accepted it (ms, the log's clock: the `ms` part of the cursor). */
  readonly loggedAt: number;
  readonly change: ValueChange;
}

/**
 * Receives changes in log order. Runs synchronously inside the log's dispatch: keep it cheap
 * (enqueue and return). A listener that throws ends its own subscription (reported to `onEnd`).
 */
export type ChangeListener = (c: LoggedChange) => void;

/**
 * Called once when a subscription ends for a reason other than its own unsubscribe: the log
 * closed (no error), the listener threw, or the log lost changes it owed the subscriber
 * (CURSOR_EXPIRED, e.g. a Redis outage longer than the retention window).
 */
export type EndListener = (err?: Error) => void;

export interface ValueChangeLog {
  readonly kind: 'in-process' | 'redis';
  /** Retention window in ms (VALUE_CHANGE_RETENTION_HOURS). */
  readonly retentionMs: number;
  /** Whether the backing service answers now ('up' always in-process): readiness reporting only. */
  connection(): 'up' | 'down';
  /**
   * Append in order, atomically as one contiguous run; resolves with one cursor per change once
   * the log holds them. Empty input resolves with []. Rejects after `close`.
   */
  append(changes: readonly ValueChange[]): Promise<string[]>;
  /**
   * Deliver every change after `after` (exclusive), in log order, then live ones, without gaps or
   * duplicates, until the returned function is called (idempotent). `after` undefined starts at
   * the newest cursor as of some moment during the call: changes whose append resolved before
   * the call are not delivered, changes appended after the promise resolves all are (ones racing
   * with the call may be either). Rejects with CURSOR_EXPIRED / BAD_USER_INPUT (see above), or
   * after `close`.
   */
  subscribe(after: string | undefined, onChange: ChangeListener, onEnd?: EndListener): Promise<() => void>;
  /** Stop delivery (every live subscription ends: onEnd without error) and release resources. Idempotent. */
  close(): Promise<void>;
}

/** Options every adapter takes. */
export interface ValueChangeLogOptions {
  /** How long changes stay resumable, ms. Default 24 h (VALUE_CHANGE_RETENTION_HOURS). */
  readonly retentionMs?: number;
}

export const DEFAULT_RETENTION_MS = 24 * 3600 * 1000;
