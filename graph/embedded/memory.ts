/**
 * In-memory read indexes of the embedded graph store, rebuilt from SQLite on open and updated
 * after every committed write. Ids are interned to dense ints; per-entity data sits in typed
 * arrays indexed by those ints.
 *
 * Semantics shared with the Neo4j adapter:
 * - An "interaction" is an event that names an item and whose type is neither `search` nor
 *   `impression`. Interactions feed history, the neighbourhood walk, degrees (`users`), lastTs
 *   and trending. Impressions count only in item totals / decayed counts (exposure, not action).
 *   `search` events feed queries only (SEARCHED / LED_TO), not item statistics.
 * - Per-user and per-item interaction lists are kept ordered by event ts (ties: arrival order).
 */
import { EVENT_TYPES, eventTypeIndex, isEventType, type Interaction } from '../../domain/events';
import type { UserInteraction } from '../port';
import type { ItemRecord } from '../../domain/catalog';
import { DecayedTable } from './decay';
import { Interner } from './interner';
import { PairSet } from './pairset';

/** Number of event types: width of the totals / decayed rows. */
export const TYPE_COUNT = EVENT_TYPES.length;
/** Decayed column holding revenue (purchase value). */
export const REVENUE_COL = TYPE_COUNT;
/** Decayed column holding the trending score (all interactions, impressions excluded). */
export const TREND_COL = TYPE_COUNT + 1;

const PURCHASE = eventTypeIndex('purchase');
const IMPRESSION = eventTypeIndex('impression');
const SEARCH = eventTypeIndex('search');

function growF64(a: Float64Array, min: number): Float64Array {
  if (a.length >= min) return a;
  const b = new Float64Array(Math.max(min, a.length * 2));
  b.set(a);
  return b;
}
function growI32(a: Int32Array, min: number): Int32Array {
  if (a.length >= min) return a;
  const b = new Int32Array(Math.max(min, a.length * 2));
  b.set(a);
  return b;
}
function growU8(a: Uint8Array, min: number): Uint8Array {
  if (a.length >= min) return a;
  const b = new Uint8Array(Math.max(min, a.length * 2));
  b.set(a);
  return b;
}

/** A bare item: what an event creates for an unknown item id. */
export function bareItem(id: string, createdAt: number): ItemRecord {
  return { id, title: '', categories: [], brand: null, price: null, available: true, createdAt };
}

/** The read indexes. Fields are public for the walk and load modules of this adapter only. */
export class MemoryIndex {
  readonly users = new Interner();
  readonly items = new Interner();
  /** Event indexes (into the interaction log) per user / per item, ordered by ts. */
  readonly userEvents: number[][] = [];
  readonly itemEvents: number[][] = [];
  /** Parallel to userEvents / itemEvents: the item / user of each entry (sequential scans). */
  readonly userItems: number[][] = [];
  readonly itemUsers: number[][] = [];
  readonly purchased = new Map<number, Set<number>>();
  readonly records: ItemRecord[] = [];
  available: Uint8Array = new Uint8Array(1024);
  createdAt: Float64Array = new Float64Array(1024);
  /** Plain counts, TYPE_COUNT per item. */
  totals: Float64Array = new Float64Array(1024 * TYPE_COUNT);
  revenue: Float64Array = new Float64Array(1024);
  lastTs: Float64Array = new Float64Array(1024);
  /** Distinct users with an interaction, per item. */
  degree: Int32Array = new Int32Array(1024);
  readonly decayed: DecayedTable;
  private pairs = new PairSet();

  /** Interaction log, one row per interaction (columnar). */
  logUser: Int32Array = new Int32Array(4096);
  logItem: Int32Array = new Int32Array(4096);
  logType: Uint8Array = new Uint8Array(4096);
  logTs: Float64Array = new Float64Array(4096);
  logValue: Float64Array = new Float64Array(4096);
  logSize = 0;

  latestTs = 0;
  eventCount = 0;
  queryCount = 0;
  /** Items whose trending key grew since the rankings last drained them (see rankings.ts). */
  readonly trending = new TouchLog();
  /** Items added since the fresh ranking last drained them; reset on any other change. */
  readonly freshness = new TouchLog();

  constructor(readonly halfLifeMs: number) {
    this.decayed = new DecayedTable(TYPE_COUNT + 2, halfLifeMs);
  }

  /**
   * Size the arrays for about `events` interactions and `items` items before a bulk load, so
   * they do not grow by doubling (which leaves freed buffers behind). Only on an empty index.
   */
  reserve(events: number, items: number): void {
    if (this.logSize > 0 || this.items.size > 0) return;
    const ev = Math.ceil(events * 1.25) + 1024;
    const it = Math.ceil(items * 1.25) + 1024;
    this.logUser = new Int32Array(ev);
    this.logItem = new Int32Array(ev);
    this.logType = new Uint8Array(ev);
    this.logTs = new Float64Array(ev);
    this.logValue = new Float64Array(ev);
    this.pairs = new PairSet(ev);
    this.available = new Uint8Array(it);
    this.createdAt = new Float64Array(it);
    this.totals = new Float64Array(it * TYPE_COUNT);
    this.revenue = new Float64Array(it);
    this.lastTs = new Float64Array(it);
    this.degree = new Int32Array(it);
    this.decayed.ensureRows(it);
  }

  /** Dense int of a user, registering it when new. */
  addUser(id: string): number {
    const u = this.users.intern(id);
    if (u === this.userEvents.length) {
      this.userEvents.push([]);
      this.userItems.push([]);
    }
    return u;
  }

  /** Insert or replace an item record. */
  putItem(rec: ItemRecord): number {
    const i = this.items.intern(rec.id);
    if (i === this.itemEvents.length) {
      this.itemEvents.push([]);
      this.itemUsers.push([]);
      const n = i + 1;
      this.available = growU8(this.available, n);
      this.createdAt = growF64(this.createdAt, n);
      this.totals = growF64(this.totals, n * TYPE_COUNT);
      this.revenue = growF64(this.revenue, n);
      this.lastTs = growF64(this.lastTs, n);
      this.degree = growI32(this.degree, n);
      this.decayed.ensureRows(n);
      this.freshness.touch(i);
    } else {
      const old = this.records[i] as ItemRecord;
      if (old.available !== rec.available) this.trending.reset();
      if (old.available !== rec.available || old.createdAt !== rec.createdAt) this.freshness.reset();
    }
    this.records[i] = rec;
    this.available[i] = rec.available ? 1 : 0;
    this.createdAt[i] = rec.createdAt;
    return i;
  }

  /** Apply one stored event given by ids (the replay on open). */
  applyEvent(userId: string, type: string, itemId: string | null, ts: number, value: number): void {
    const u = this.addUser(userId);
    let i = -1;
    if (itemId !== null) {
      i = this.items.get(itemId);
      if (i < 0) i = this.putItem(bareItem(itemId, ts));
    }
    this.applyResolved(u, i, isEventType(type) ? eventTypeIndex(type) : -1, ts, value);
  }

  /**
   * Apply one stored event (after its transaction committed) given the interned user, the
   * interned item (-1: none) and the type index (-1: unknown type, counted as an event only).
   */
  applyResolved(u: number, i: number, t: number, ts: number, value: number): void {
    this.eventCount++;
    if (ts > this.latestTs) this.latestTs = ts;
    if (i < 0 || t < 0 || t === SEARCH) return;
    this.totals[i * TYPE_COUNT + t] = (this.totals[i * TYPE_COUNT + t] as number) + 1;
    const w = this.decayed.advance(i, ts);
    this.decayed.addWeighted(i, t, 1, w);
    if (t === PURCHASE) {
      this.revenue[i] = (this.revenue[i] as number) + value;
      this.decayed.addWeighted(i, REVENUE_COL, value, w);
      let set = this.purchased.get(u);
      if (set === undefined) this.purchased.set(u, (set = new Set()));
      set.add(i);
    }
    // Touched even for impressions: moving the row's reference time rescales its trending value.
    this.trending.touch(i);
    if (t === IMPRESSION) return;
    this.decayed.addWeighted(i, TREND_COL, 1, w);
    if (ts > (this.lastTs[i] as number)) this.lastTs[i] = ts;
    if (this.pairs.add(u, i)) this.degree[i] = (this.degree[i] as number) + 1;
    const ev = this.pushLog(u, i, t, ts, value);
    insertByTs(this.userEvents[u] as number[], this.userItems[u] as number[], ev, i, this.logTs);
    insertByTs(this.itemEvents[i] as number[], this.itemUsers[i] as number[], ev, u, this.logTs);
  }

  /** Interactions at log positions [from, to) with their users (the log order). */
  logSlice(from: number, to: number): UserInteraction[] {
    const out: UserInteraction[] = [];
    const end = Math.min(to, this.logSize);
    for (let ev = from; ev < end; ev++) {
      out.push({
        userId: this.users.name(this.logUser[ev] as number),
        itemId: this.items.name(this.logItem[ev] as number),
        type: EVENT_TYPES[this.logType[ev] as number] as (typeof EVENT_TYPES)[number],
        ts: this.logTs[ev] as number,
        value: this.logValue[ev] as number,
      });
    }
    return out;
  }

  /** Newest-first interactions of a user, at most `limit`. */
  history(u: number, limit: number): Interaction[] {
    const out: Interaction[] = [];
    const list = this.userEvents[u];
    if (list === undefined) return out;
    for (let j = list.length - 1; j >= 0 && out.length < limit; j--) {
      const ev = list[j] as number;
      out.push({
        itemId: this.items.name(this.logItem[ev] as number),
        type: EVENT_TYPES[this.logType[ev] as number] as (typeof EVENT_TYPES)[number],
        ts: this.logTs[ev] as number,
        value: this.logValue[ev] as number,
      });
    }
    return out;
  }

  /** Ids of every item the user purchased. */
  purchasedIds(u: number): Set<string> {
    const out = new Set<string>();
    for (const i of this.purchased.get(u) ?? []) out.add(this.items.name(i));
    return out;
  }

  private pushLog(u: number, i: number, t: number, ts: number, value: number): number {
    const n = this.logSize + 1;
    if (n > this.logUser.length) {
      this.logUser = growI32(this.logUser, n);
      this.logItem = growI32(this.logItem, n);
      this.logType = growU8(this.logType, n);
      this.logTs = growF64(this.logTs, n);
      this.logValue = growF64(this.logValue, n);
    }
    const ev = this.logSize;
    this.logUser[ev] = u;
    this.logItem[ev] = i;
    this.logType[ev] = t;
    this.logTs[ev] = ts;
    this.logValue[ev] = value;
    this.logSize = n;
    return ev;
  }
}

/**
 * Deduplicated list of items touched since the last drain, or "reset" when a consumer must
 * recompute from scratch (a change it cannot merge, or too many touches to be worth merging).
 */
export class TouchLog {
  private static readonly MAX = 1 << 15;
  private list: number[] = [];
  private marked = new Set<number>();
  private needsReset = true;

  touch(i: number): void {
    if (this.needsReset || this.marked.has(i)) return;
    if (this.list.length >= TouchLog.MAX) return this.reset();
    this.marked.add(i);
    this.list.push(i);
  }

  reset(): void {
    this.needsReset = true;
    this.list = [];
    this.marked.clear();
  }

  /** The touched items, or null when the consumer must recompute; empties the log. */
  drain(): number[] | null {
    const out = this.needsReset ? null : this.list;
    this.needsReset = false;
    this.list = [];
    this.marked.clear();
    return out;
  }
}

/**
 * Insert event index `ev` into `list` (ordered by ts) after any event with the same ts, and
 * `other` at the same position of the parallel list `others`.
 */
export function insertByTs(list: number[], others: number[], ev: number, other: number, ts: Float64Array): void {
  const t = ts[ev] as number;
  const n = list.length;
  if (n === 0 || (ts[list[n - 1] as number] as number) <= t) {
    list.push(ev);
    others.push(other);
    return;
  }
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((ts[list[mid] as number] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, ev);
  others.splice(lo, 0, other);
}
