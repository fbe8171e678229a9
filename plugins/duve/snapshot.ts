/**
 * The published user values: the last value computed for each user (on an event or by the
 * refresh job), what changed since, and the listing `users(segment, minValue, first, after)`
 * pages through. Pure and in memory.
 *
 * A change is published when the segment moves, or when |value − previous| ≥ minDelta (and is
 * not 0); a user's first value is always published.
 *
 * Listing order: value descending, then userId ascending. The cursor is the (value, userId) key
 * of the last row, so paging stays consistent while values move: a row is never shown twice
 * within one walk unless its value rose past the cursor.
 */
import type { UserSegment, UserValue, ValueChange } from '../../domain/user-value';

export interface ValueQuery {
  readonly segment?: UserSegment | undefined;
  readonly minValue?: number | undefined;
  /** Page size. */
  readonly first: number;
  /** Cursor of the last row of the previous page. */
  readonly after?: string | undefined;
}

export interface ValuePage {
  readonly rows: ReadonlyArray<{ readonly cursor: string; readonly value: UserValue }>;
  readonly hasNextPage: boolean;
  /** Users matching segment and minValue (all pages). */
  readonly totalCount: number;
}

export interface ValueSnapshot {
  get(userId: string): UserValue | undefined;
  /** Store new values; returns the changes worth publishing, in input order. */
  apply(values: Iterable<UserValue>, reason: ValueChange['reason']): ValueChange[];
  list(q: ValueQuery): ValuePage;
}

/** Thrown for a cursor this snapshot did not produce. */
export class BadCursorError extends RangeError {}

export function encodeValueCursor(value: number, userId: string): string {
  return Buffer.from(JSON.stringify([value, userId]), 'utf8').toString('base64url');
}

export function decodeValueCursor(cursor: string): { value: number; userId: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadCursorError('not a cursor returned by users()');
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'number' || !Number.isFinite(parsed[0]) || typeof parsed[1] !== 'string') {
    throw new BadCursorError('not a cursor returned by users()');
  }
  return { value: parsed[0], userId: parsed[1] };
}

/**
 * The k first items of a stream under `cmp` (ascending), without sorting the stream: a binary
 * max-heap of size k whose root is the worst item kept.
 */
export function createFirstK<T>(k: number, cmp: (a: T, b: T) => number): { offer(x: T): void; sorted(): T[] } {
  const heap: T[] = [];
  const worse = (i: number, j: number): boolean => cmp(heap[i]!, heap[j]!) > 0;
  const swap = (i: number, j: number): void => {
    const t = heap[i]!;
    heap[i] = heap[j]!;
    heap[j] = t;
  };
  return {
    offer(x) {
      if (k <= 0) return;
      if (heap.length < k) {
        heap.push(x);
        for (let i = heap.length - 1; i > 0;) {
          const p = (i - 1) >> 1;
          if (!worse(i, p)) break;
          swap(i, p);
          i = p;
        }
        return;
      }
      if (cmp(x, heap[0]!) >= 0) return;
      heap[0] = x;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && worse(l, m)) m = l;
        if (r < heap.length && worse(r, m)) m = r;
        if (m === i) break;
        swap(i, m);
        i = m;
      }
    },
    sorted: () => [...heap].sort(cmp),
  };
}

/** Value descending, then user id ascending. */
const before = (a: UserValue, b: UserValue): number => b.value - a.value || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0);

export function createValueSnapshot(opts: { minDelta: number }): ValueSnapshot {
  if (!(opts.minDelta >= 0)) throw new RangeError(`minDelta must be ≥ 0, got ${opts.minDelta}`);
  const values = new Map<string, UserValue>();
  return {
    get: (id) => values.get(id),
    apply(incoming, reason) {
      const changes: ValueChange[] = [];
      for (const v of incoming) {
        const prev = values.get(v.userId);
        values.set(v.userId, v);
        const delta = v.value - (prev?.value ?? 0);
        const moved = prev === undefined || prev.segment !== v.segment || (delta !== 0 && Math.abs(delta) >= opts.minDelta);
        if (!moved) continue;
        changes.push({
          userId: v.userId,
          segment: v.segment,
          previousSegment: prev?.segment ?? null,
          value: v.value,
          previousValue: prev?.value ?? null,
          delta,
          purchaseProbability: v.purchaseProbability,
          modelVersion: v.modelVersion,
          reason,
          asOf: v.asOf,
        });
      }
      return changes;
    },
    list(q) {
      const from = q.after === undefined ? null : decodeValueCursor(q.after);
      let total = 0;
      const anchor = from === null ? null : ({ value: from.value, userId: from.userId } as UserValue);
      // One pass, keeping only the first `first + 1` rows after the cursor: O(users · log page).
      const page = createFirstK<UserValue>(q.first + 1, before);
      for (const v of values.values()) {
        if (q.segment !== undefined && v.segment !== q.segment) continue;
        if (q.minValue !== undefined && v.value < q.minValue) continue;
        total++;
        if (anchor !== null && before(v, anchor) <= 0) continue;
        page.offer(v);
      }
      const rows = page.sorted();
      return {
        rows: rows.slice(0, q.first).map((v) => ({ cursor: encodeValueCursor(v.value, v.userId), value: v })),
        hasNextPage: rows.length > q.first,
        totalCount: total,
      };
    },
  };
}
