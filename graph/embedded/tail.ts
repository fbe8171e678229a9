/**
 * The store tail: rows other processes (an `import` run, another gateway) commit to the same SQLite
 * file are applied to this process's in-memory read indexes, exactly as a local write applies
 * its own rows, without a restart.
 *
 * - Events: the `events` rowid table only grows, and a later commit always gets higher rowids, so
 *   "rowid > cursor" in rowid order is every new event in stored order.
 * - Catalogue: `store_changes` (schema migration 3) holds one row per user / item / query key,
 *   re-inserted with a higher seq by triggers whenever the key's row is inserted (items: also
 *   updated). The tail reads seq > cursor and the current row: a user id, an item record
 *   (title, price, categories...), one more query.
 * - Idempotence: every local write runs in one IMMEDIATE transaction (write lock held from the
 *   start) that reads MAX(rowid) / MAX(seq) before and after, so the rows it added are exactly
 *   (before, after]; the tail skips those ranges (./ranges.ts). A gateway's own events are
 *   therefore never applied twice, whatever other writers commit in between.
 * - Cost when idle: `PRAGMA data_version` changes only when another connection committed. When it
 *   has not and the last pull drained everything, every row past the cursors is local: the
 *   cursors jump to the local ranges' top and nothing is read.
 * - Bounded work per call: at most `maxRows` rows are read and applied per `pull`, which says
 *   whether more remain, so the caller yields to the event loop between slices.
 */
import { isEventType, type InteractionEvent } from '../../domain/events';
import type { ExternalChanges } from '../port';
import { ITEM_COLUMNS, itemFromRow } from './load';
import type { MemoryIndex } from './memory';
import { createRowRanges } from './ranges';
import type { SqliteDb } from './schema';

export interface StoreTail {
  /** Run a local write in one IMMEDIATE transaction, remembering the rows it added so `pull` skips them. */
  local<T>(write: () => T): T;
  /** Apply at most `maxRows` rows other connections committed since the last call; see ExternalChanges. */
  pull(maxRows: number): ExternalChanges;
}

type ItemRow = Parameters<typeof itemFromRow>[0];
type EventRow = [number, string, string, string, string | null, number, number, number | null, string | null, string | null, string | null, string | null];

const NOTHING: ExternalChanges = Object.freeze({ events: [], applied: Object.freeze({ users: 0, items: 0, queries: 0, events: 0 }), more: false });

/**
 * Open the tail at the rows the index was loaded from. Call it in the same read transaction as
 * loadIndex, so no row is both loaded and tailed, or neither.
 */
export function createStoreTail(db: SqliteDb, ix: MemoryIndex): StoreTail {
  const maxEvent = db.prepare('SELECT COALESCE(MAX(rowid), 0) FROM events').pluck();
  const maxChange = db.prepare('SELECT COALESCE(MAX(seq), 0) FROM store_changes').pluck();
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const changesAfter = db.prepare('SELECT seq, kind, key FROM store_changes WHERE seq > ? ORDER BY seq LIMIT ?').raw();
  const eventsAfter = db.prepare('SELECT rowid, event_id, user_id, type, item_id, ts, value, dwell_ms, session, referrer, query, keyword FROM events WHERE rowid > ? ORDER BY rowid LIMIT ?').raw();
  const selectItem = db.prepare(`SELECT ${ITEM_COLUMNS} FROM items WHERE id = ?`).raw();

  let eventCursor = maxEvent.get() as number;
  let changeCursor = maxChange.get() as number;
  let version = dataVersion.get() as number;
  /** The last pull stopped at its row budget. */
  let pending = false;
  const localEvents = createRowRanges();
  const localChanges = createRowRanges();

  const localTx = db.transaction((write: () => unknown) => {
    const e0 = maxEvent.get() as number;
    const c0 = maxChange.get() as number;
    const result = write();
    return { result, e0, e1: maxEvent.get() as number, c0, c1: maxChange.get() as number };
  });

  const readTx = db.transaction((maxRows: number): ExternalChanges => {
    let users = 0;
    let items = 0;
    let queries = 0;
    const changes = changesAfter.all(changeCursor, maxRows) as [number, string, string][];
    for (const [seq, kind, key] of changes) {
      changeCursor = seq;
      if (localChanges.covers(seq)) continue;
      if (kind === 'user') {
        ix.addUser(key);
        users++;
      } else if (kind === 'item') {
        const row = selectItem.get(key) as ItemRow | undefined;
        if (row !== undefined) {
          ix.putItem(itemFromRow(row));
          items++;
        }
      } else if (kind === 'query') {
        ix.queryCount++;
        queries++;
      }
    }
    const budget = maxRows - changes.length;
    const rows = budget > 0 ? (eventsAfter.all(eventCursor, budget) as EventRow[]) : [];
    const events: InteractionEvent[] = [];
    let applied = 0;
    for (const [rowid, eventId, userId, type, itemId, ts, value, dwellMs, session, referrer, query, keyword] of rows) {
      eventCursor = rowid;
      if (localEvents.covers(rowid)) continue;
      ix.applyEvent(userId, type, itemId, ts, value);
      applied++;
      // A type this build does not know is counted (as on open) but not handed to online state.
      if (isEventType(type)) events.push({ eventId, userId, type, itemId, ts, value, dwellMs, session, referrer, query, ...(keyword !== null ? { keyword } : {}) });
    }
    const more = changes.length === maxRows || (budget > 0 && rows.length === budget);
    return { events, applied: { users, items, queries, events: applied }, more };
  });

  return {
    local(write) {
      const o = localTx.immediate(write);
      localEvents.add(o.e0, o.e1);
      localChanges.add(o.c0, o.c1);
      return o.result as ReturnType<typeof write>;
    },
    pull(maxRows) {
      if (!(Number.isInteger(maxRows) && maxRows > 0)) throw new RangeError(`pull: maxRows must be a positive integer, got ${maxRows}`);
      const v = dataVersion.get() as number;
      if (v === version && !pending) {
        // No other connection committed since the last complete pull: whatever lies past the
        // cursors was written here.
        eventCursor = Math.max(eventCursor, localEvents.top());
        changeCursor = Math.max(changeCursor, localChanges.top());
        localEvents.clear();
        localChanges.clear();
        return NOTHING;
      }
      version = v;
      // Stays set if the read throws, so the next pull reads again instead of skipping ahead.
      pending = true;
      const out = readTx(maxRows);
      pending = out.more;
      return out;
    },
  };
}
