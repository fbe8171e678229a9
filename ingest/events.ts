/**
 * Batch event ingestion with the gateway's guarantee: the batch is validated whole; every valid
 * event is stored in one atomic store call and the invalid ones are reported by index. If the
 * store fails, nothing is acknowledged. An eventId repeated inside the batch is stored (and handed
 * downstream) once, its first occurrence; the repeats are reported with the duplicates.
 * Events the store refuses because a row ceiling is reached (embedded store, STORE_FULL) are
 * reported per event in `rejected` with that code; the others of the batch are stored.
 */
import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';
import type { InteractionEvent } from '../domain/events';
import { DEFAULT_EVENT_BOUNDS, validateEvent, type EventBounds, type RawEvent } from '../domain/validate';
import type { GraphStore, StoreFullKind } from '../graph/port';

export interface Rejection {
  readonly index: number;
  readonly eventId: string | null;
  /** Path of the offending field, e.g. `events[3].type`. */
  readonly field: string;
  readonly code: ErrorCode.BAD_USER_INPUT | ErrorCode.STORE_FULL;
  readonly message: string;
  /** STORE_FULL only: the ceiling the event would pass. */
  readonly full?: StoreFullKind;
}

const FULL_FIELD: Record<StoreFullKind, string> = { users: 'userId', items: 'itemId', events: 'eventId' };
const FULL_MESSAGE: Record<StoreFullKind, string> = {
  users: 'not stored: the store is full (STORE_MAX_USERS) and the event names a new user',
  items: 'not stored: the store is full (STORE_MAX_ITEMS) and the event names a new item',
  events: 'not stored: the store is full (STORE_MAX_EVENTS)',
};

export interface RecordOutcome {
  readonly accepted: number;
  /** Ids already stored, then ids repeated inside this batch (after their first occurrence). */
  readonly duplicates: readonly string[];
  /** Stored events whose itemId names no catalogue item. */
  readonly unknownItems: number;
  readonly rejected: readonly Rejection[];
  /** The events stored by this call (for downstream consumers such as online state). */
  readonly stored: readonly InteractionEvent[];
}

export interface RecordOptions {
  /** Path prefix of rejections. Default `events`. */
  readonly field?: string;
  /** Bounds on each event's numbers. Default DEFAULT_EVENT_BOUNDS. */
  readonly bounds?: EventBounds;
}

export async function recordEvents(store: GraphStore, raw: readonly RawEvent[], now: number, opts: RecordOptions = {}): Promise<RecordOutcome> {
  const field = opts.field ?? 'events';
  const bounds = opts.bounds ?? DEFAULT_EVENT_BOUNDS;
  const valid: InteractionEvent[] = [];
  /** Input position of each valid event. */
  const positions: number[] = [];
  const rejected: Rejection[] = [];
  const seen = new Set<string>();
  const repeated: string[] = [];
  raw.forEach((r, index) => {
    const c = validateEvent(r, now, bounds);
    if (c.ok) {
      if (seen.has(c.value.eventId)) repeated.push(c.value.eventId);
      else {
        seen.add(c.value.eventId);
        valid.push(c.value);
        positions.push(index);
      }
    } else {
      rejected.push({
        index,
        eventId: typeof r.eventId === 'string' ? r.eventId : null,
        field: `${field}[${index}].${c.problem.field}`,
        code: ErrorCode.BAD_USER_INPUT,
        message: c.problem.message,
      });
    }
  });
  if (valid.length === 0) return { accepted: 0, duplicates: repeated, unknownItems: 0, rejected, stored: [] };
  let result;
  let known: ReadonlyMap<string, unknown>;
  try {
    // Read before the write: if the store fails here, nothing was stored either.
    known = await store.getItems([...new Set(valid.flatMap((e) => (e.itemId === null ? [] : [e.itemId])))]);
    result = await store.ingestEvents(valid);
  } catch (err) {
    throw new CodedError(ErrorCode.STORE_UNAVAILABLE, `events were not stored: ${(err as Error).message}`);
  }
  const dup = new Set(result.duplicates);
  const refused = new Set<string>();
  for (const r of result.refused ?? []) {
    const index = positions[r.index] as number;
    refused.add(r.eventId);
    rejected.push({
      index,
      eventId: r.eventId,
      field: `${field}[${index}].${FULL_FIELD[r.full]}`,
      code: ErrorCode.STORE_FULL,
      message: FULL_MESSAGE[r.full],
      full: r.full,
    });
  }
  if (refused.size > 0) rejected.sort((a, b) => a.index - b.index);
  const stored = valid.filter((e) => !dup.has(e.eventId) && !refused.has(e.eventId));
  const unknownItems = stored.reduce((n, e) => n + (e.itemId !== null && !known.has(e.itemId) ? 1 : 0), 0);
  return { accepted: result.inserted, duplicates: [...result.duplicates, ...repeated], unknownItems, rejected, stored };
}
