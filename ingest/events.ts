/**
 * Batch event ingestion with the gateway's guarantee: the batch is validated whole; every valid
 * event is stored in one atomic store call and the invalid ones are reported by index. If the
 * store fails, nothing is acknowledged. An eventId repeated inside the batch is stored (and handed
 * downstream) once, its first occurrence; the repeats are reported with the duplicates.
 */
import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';
import type { InteractionEvent } from '../domain/events';
import { DEFAULT_EVENT_BOUNDS, validateEvent, type EventBounds, type RawEvent } from '../domain/validate';
import type { GraphStore } from '../graph/port';

export interface Rejection {
  readonly index: number;
  readonly eventId: string | null;
  /** Path of the offending field, e.g. `events[3].type`. */
  readonly field: string;
  readonly code: ErrorCode.BAD_USER_INPUT;
  readonly message: string;
}

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
  const stored = valid.filter((e) => !dup.has(e.eventId));
  const unknownItems = stored.reduce((n, e) => n + (e.itemId !== null && !known.has(e.itemId) ? 1 : 0), 0);
  return { accepted: result.inserted, duplicates: [...result.duplicates, ...repeated], unknownItems, rejected, stored };
}
