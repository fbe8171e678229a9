/**
 * Row ceilings of the embedded store: the in-memory read indexes grow with every user, item and
 * event, so growth past a configured bound is refused (STORE_FULL) instead of running the process
 * out of memory. Rows already stored are never dropped; a store loaded above its ceiling (the
 * ceiling was lowered) still opens and serves, and refuses only new growth.
 * Per-row costs behind the defaults: README "Memory" (bench/store-memory.ts).
 */
import { ErrorCode } from '../../errors/codes';
import { CodedError } from '../../errors/errors';
import type { InteractionEvent } from '../../domain/events';
import type { IngestRefusal, StoreFullKind } from '../port';

export interface StoreCeiling {
  /** Most users (rows of `users`). Default 1,000,000. */
  readonly maxUsers: number;
  /** Most items (rows of `items`). Default 500,000. */
  readonly maxItems: number;
  /** Most events (rows of `events`). Default 4,000,000. */
  readonly maxEvents: number;
}

/** Defaults: about 1.9 GB of read indexes (RSS) in the worst mix when all three are reached (README "Memory"). */
export const DEFAULT_STORE_CEILING: StoreCeiling = { maxUsers: 1_000_000, maxItems: 500_000, maxEvents: 4_000_000 };

/** Rows the store holds now. */
export interface StoreRows {
  readonly users: number;
  readonly items: number;
  readonly events: number;
}

const ENV: Record<StoreFullKind, string> = { users: 'STORE_MAX_USERS', items: 'STORE_MAX_ITEMS', events: 'STORE_MAX_EVENTS' };

function limitOf(c: StoreCeiling, kind: StoreFullKind): number {
  return kind === 'users' ? c.maxUsers : kind === 'items' ? c.maxItems : c.maxEvents;
}

/** The STORE_FULL error naming the ceiling that `adding` more rows of `kind` would pass. */
export function storeFull(kind: StoreFullKind, rows: StoreRows, ceiling: StoreCeiling, adding: number): CodedError {
  const max = limitOf(ceiling, kind);
  return new CodedError(ErrorCode.STORE_FULL, `store full: ${kind} (${rows[kind]} stored, ${adding} more would pass ${ENV[kind]}=${max})`, {
    full: kind,
    max,
    stored: rows[kind],
  });
}

/** Check the ceiling ranges (positive integers); CONFIG_INVALID otherwise. */
export function validateCeiling(c: StoreCeiling): StoreCeiling {
  for (const kind of ['users', 'items', 'events'] as const) {
    const v = limitOf(c, kind);
    if (!(Number.isInteger(v) && v > 0)) throw new CodedError(ErrorCode.CONFIG_INVALID, `${ENV[kind]} must be a positive integer, got ${v}`);
  }
  return c;
}

/** Throw STORE_FULL when `added` new rows of `kind` would pass the ceiling (a whole upsert call). */
export function checkRows(kind: StoreFullKind, added: number, rows: StoreRows, ceiling: StoreCeiling): void {
  if (added > 0 && rows[kind] + added > limitOf(ceiling, kind)) throw storeFull(kind, rows, ceiling, added);
}

/** What the batch knows before writing: existing rows of each event's user / item, stored event ids. */
export interface AdmissionLookups {
  knownUser(j: number): boolean;
  knownItem(j: number): boolean;
  /** Whether the event id is already stored (asked only when the batch could reach the event ceiling). */
  storedEvent(eventId: string): boolean;
}

/**
 * Split a batch, in input order, into the positions that fit under the ceilings and the refused
 * ones. An event is refused when storing it would create an event, user or item row past its
 * ceiling (checked in that order); re-sent (already stored) or repeated event ids always pass,
 * they create nothing. Earlier events of the batch win over later ones.
 */
export function admit(events: readonly InteractionEvent[], rows: StoreRows, ceiling: StoreCeiling, look: AdmissionLookups): { admitted: number[]; refused: IngestRefusal[] } {
  const admitted: number[] = [];
  const refused: IngestRefusal[] = [];
  const newUsers = new Set<string>();
  const newItems = new Set<string>();
  const seen = new Set<string>();
  let newEvents = 0;
  const nearEventCeiling = rows.events + events.length > ceiling.maxEvents;
  events.forEach((e, j) => {
    if (seen.has(e.eventId) || (nearEventCeiling && look.storedEvent(e.eventId))) {
      admitted.push(j);
      return;
    }
    const userIsNew = !look.knownUser(j) && !newUsers.has(e.userId);
    const itemIsNew = e.itemId !== null && !look.knownItem(j) && !newItems.has(e.itemId);
    let full: StoreFullKind | null = null;
    if (rows.events + newEvents + 1 > ceiling.maxEvents) full = 'events';
    else if (userIsNew && rows.users + newUsers.size + 1 > ceiling.maxUsers) full = 'users';
    else if (itemIsNew && rows.items + newItems.size + 1 > ceiling.maxItems) full = 'items';
    if (full !== null) {
      refused.push({ index: j, eventId: e.eventId, full });
      return;
    }
    seen.add(e.eventId);
    newEvents++;
    if (userIsNew) newUsers.add(e.userId);
    if (itemIsNew && e.itemId !== null) newItems.add(e.itemId);
    admitted.push(j);
  });
  return { admitted, refused };
}
