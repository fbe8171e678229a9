/**
 * Batch event ingestion with the gateway's guarantee: the batch is validated whole; every valid
 * event is stored in one atomic store call and the invalid ones are reported by index. If the
 * store fails, nothing is acknowledged.
 */
import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';
import type { InteractionEvent } from '../domain/events';
import { validateEvent, type RawEvent } from '../domain/validate';
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
  readonly duplicates: readonly string[];
  readonly rejected: readonly Rejection[];
  /** The events stored by this call (for downstream consumers such as online state). */
  readonly stored: readonly InteractionEvent[];
}

export async function recordEvents(store: GraphStore, raw: readonly RawEvent[], now: number, field = 'events'): Promise<RecordOutcome> {
  const valid: InteractionEvent[] = [];
  const rejected: Rejection[] = [];
  raw.forEach((r, index) => {
    const c = validateEvent(r, now);
    if (c.ok) valid.push(c.value);
    else {
      rejected.push({
        index,
        eventId: typeof r.eventId === 'string' ? r.eventId : null,
        field: `${field}[${index}].${c.problem.field}`,
        code: ErrorCode.BAD_USER_INPUT,
        message: c.problem.message,
      });
    }
  });
  if (valid.length === 0) return { accepted: 0, duplicates: [], rejected, stored: [] };
  let result;
  try {
    result = await store.ingestEvents(valid);
  } catch (err) {
    throw new CodedError(ErrorCode.STORE_UNAVAILABLE, `events were not stored: ${(err as Error).message}`);
  }
  const dup = new Set(result.duplicates);
  return { accepted: result.inserted, duplicates: result.duplicates, rejected, stored: valid.filter((e) => !dup.has(e.eventId)) };
}
