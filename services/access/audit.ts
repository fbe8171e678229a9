/**
 * The audit log: every write (mutations) and every admin action (key management), attributed to
 * the key that made it. Rows only go in; `seq` orders them and is the page cursor.
 */
import type { AccessDb } from './db';

/** Who acted: a key, or the CLI run by an operator on the host (`cli:<user>`). */
export interface Actor {
  readonly keyId: string;
  readonly keyName: string;
  readonly role: string;
}

export interface AuditEntry extends Actor {
  readonly seq: number;
  readonly ts: string;
  /** The root field (`recordEvents`, `startExperiment`) or the CLI action (`keys.revoke`). */
  readonly action: string;
  /** A JSON summary of the arguments: ids and scalars as given, lists by their length. */
  readonly detail: string;
  /** `ok`, or the public error code it failed with. */
  readonly outcome: string;
}

export interface AuditLog {
  append(actor: Actor, action: string, detail: unknown, outcome: string): void;
  /** Entries after `after` (exclusive, a seq), oldest first, at most `first`. */
  page(first: number, after?: number): AuditEntry[];
}

/** Longest string kept in a detail summary. */
const MAX_TEXT = 200;

/** Summarise arguments for the log: lists by length (an event batch is not copied), strings cut at 200 characters. */
export function summarise(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) return { count: value.length };
  if (typeof value === 'string') return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= 3) return '{…}';
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, summarise(v, depth + 1)]));
}

interface Row {
  seq: number;
  ts: string;
  key_id: string;
  key_name: string;
  role: string;
  action: string;
  detail: string;
  outcome: string;
}

export function createAuditLog(db: AccessDb, clock: () => number = Date.now): AuditLog {
  const insert = db.prepare('INSERT INTO audit_log (ts, key_id, key_name, role, action, detail, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const select = db.prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?');
  return {
    append(actor, action, detail, outcome) {
      insert.run(new Date(clock()).toISOString(), actor.keyId, actor.keyName, actor.role, action, JSON.stringify(summarise(detail)) ?? 'null', outcome);
    },
    page(first, after = 0) {
      return (select.all(after, first) as Row[]).map((r) => ({ seq: r.seq, ts: r.ts, keyId: r.key_id, keyName: r.key_name, role: r.role, action: r.action, detail: r.detail, outcome: r.outcome }));
    },
  };
}
