/**
 * In-process value-change log (the embedded default): a ring buffer of the changes of the last
 * `retentionMs`, bounded by `capacity`, in this process only. Delivery is synchronous inside
 * `append`, so a subscriber sees a change before `append` resolves.
 *
 * The log starts empty at each process start: cursors issued by an earlier process expire
 * (CURSOR_EXPIRED), since this log cannot know what that process published after them.
 */
import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';
import type { ValueChange } from '../domain/user-value';
import { checkResumable, compareCursors, formatCursor, parseAfter, type Cursor } from './cursor';
import { createFanout, type Entry } from './fanout';
import { DEFAULT_RETENTION_MS, type ValueChangeLog, type ValueChangeLogOptions } from './port';

export interface InProcessLogOptions extends ValueChangeLogOptions {
  /** Most changes held; beyond it the oldest are dropped early (their cursors expire). Default 100,000. */
  readonly capacity?: number;
  /** Clock in ms. Default Date.now. */
  readonly clock?: () => number;
}

export function createInProcessValueChangeLog(opts: InProcessLogOptions = {}): ValueChangeLog {
  const retentionMs = opts.retentionMs ?? DEFAULT_RETENTION_MS;
  const capacity = opts.capacity ?? 100_000;
  const clock = opts.clock ?? Date.now;
  if (!(retentionMs > 0)) throw new RangeError(`retentionMs must be > 0 (got ${retentionMs})`);
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be an integer >= 1 (got ${capacity})`);

  const ring: (Entry | undefined)[] = new Array<Entry | undefined>(capacity);
  let head = 0; // index of the oldest entry
  let count = 0;
  const started: Cursor = { ms: clock(), seq: 0 };
  let newest: Cursor = started;
  let floor: Cursor = started;
  const fanout = createFanout();
  let closed = false;

  const at = (i: number): Entry => ring[(head + i) % capacity]!;
  const dropOldest = (): void => {
    const e = at(0);
    ring[head] = undefined;
    head = (head + 1) % capacity;
    count--;
    if (compareCursors(e.at, floor) > 0) floor = e.at;
  };
  const expire = (now: number): void => {
    while (count > 0 && at(0).c.loggedAt < now - retentionMs) dropOldest();
  };
  /** Index of the first held entry after `after` (binary search: entries are sorted). */
  const firstAfter = (after: Cursor): number => {
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareCursors(at(mid).at, after) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const assertOpen = (): void => {
    if (closed) throw new CodedError(ErrorCode.INTERNAL_SERVER_ERROR, 'value-change log is closed');
  };

  return {
    kind: 'in-process',
    connection: () => 'up',
    retentionMs,
    async append(changes: readonly ValueChange[]): Promise<string[]> {
      assertOpen();
      const now = clock();
      expire(now);
      const entries: Entry[] = [];
      for (const change of changes) {
        const ms = Math.max(now, newest.ms);
        newest = ms === newest.ms ? { ms, seq: newest.seq + 1 } : { ms, seq: 0 };
        const e: Entry = { at: newest, c: { cursor: formatCursor(newest), loggedAt: ms, change } };
        if (count === capacity) dropOldest();
        ring[(head + count) % capacity] = e;
        count++;
        entries.push(e);
      }
      for (const e of entries) fanout.publish(e);
      return entries.map((e) => e.c.cursor);
    },
    async subscribe(afterText, onChange, onEnd) {
      assertOpen();
      const now = clock();
      expire(now);
      let after = newest;
      if (afterText !== undefined) {
        after = parseAfter(afterText);
        checkResumable(after, { now, retentionMs, floor, newest });
      }
      // Synchronous from here to goLive: no append can interleave, so nothing is held.
      const sub = fanout.add(after, onChange, onEnd);
      for (let i = firstAfter(after); i < count; i++) fanout.replay(sub, at(i));
      fanout.goLive(sub);
      return () => fanout.remove(sub);
    },
    async close() {
      if (closed) return;
      closed = true;
      fanout.endAll();
      ring.fill(undefined);
      count = 0;
    },
  };
}
