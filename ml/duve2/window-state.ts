/**
 * DUVE v2's online state: per user, DUVE v1's O(1) decayed-sum state (ml/duve/state.ts, with the v1
 * block's learned decays) and a bounded window of the user's latest events: a ring buffer of
 * capacity C = W + slack, kept sorted by time.
 *
 * Costs:
 * - observe: O(1) for an event at or after the user's latest (the common case: append, evicting the
 *   oldest when full), plus v1's O(1) fold (O(dims) for its item embedding); an out-of-order event
 *   is inserted in place, O(C) worst case; one older than everything a full buffer holds only
 *   enters the v1 state.
 * - read: O(W · d) to build the window (d = width of x_e) + O(K + dims) for the v1 features.
 * - memory: v1's layout.length Float64 + C × (8 ts + 8 value + 1 type + 1 pointer to the item id).
 *
 * A read "as of" a cut c (events with ts < c only, e.g. the last refresh boundary) is exact while
 * at most `slack` of the user's events are at or after c: those are dropped from the window, and
 * subtracted from a copy of the v1 state (`unobserveEvent`, exact up to rounding). When more than
 * `slack` events arrived after c, the buffer no longer holds all of them and the read uses what it
 * holds (the window then has fewer than W events before c; the v1 part keeps the unremovable ones).
 * Pure data structure, no I/O.
 */
import type { EventType } from '../../domain/events';
import { DUVE_MAX_EVENT_VALUE, createDuveState, observeEvent, setDuveStateLastTs, unobserveEvent, type DuveEvent, type DuveLayout, type DuveState } from '../duve/state';

export interface WindowEvent {
  readonly type: EventType;
  readonly itemId: string | null;
  readonly ts: number;
  readonly value: number;
}

export interface Duve2UserState {
  readonly v1: DuveState;
  readonly ts: Float64Array;
  readonly value: Float64Array;
  readonly type: Uint8Array;
  readonly item: Array<string | null>;
  /** Ring start and size. */
  head: number;
  size: number;
  /** Latest ts of an event evicted from the ring (−Infinity when none). */
  evictedLast: number;
}

export interface Duve2WindowStore {
  readonly layout: DuveLayout;
  readonly capacity: number;
  readonly size: number;
  /** Fold one event; false for an untracked type or an invalid time/value. */
  observe(userId: string, e: DuveEvent): boolean;
  get(userId: string): Duve2UserState | undefined;
  userIds(): IterableIterator<string>;
  /**
   * The user's events with ts < cut (or ts ≤ cut when `inclusive`): the last `count` of them (oldest
   * first) into `out`, and the v1 state as of the cut (the live state when nothing is after the cut, else
   * a rewound copy). null for an unknown user or one with no event before the cut.
   */
  asOf(userId: string, cut: number, inclusive: boolean, count: number, out: WindowEvent[]): { v1: DuveState; lastTs: number } | null;
}

export function createDuve2WindowStore(layout: DuveLayout, o: { window: number; slack?: number }): Duve2WindowStore {
  const C = o.window + (o.slack ?? 32);
  const users = new Map<string, Duve2UserState>();
  const typeCode = new Map(layout.types.map((t, k) => [t, k] as const));
  const at = (s: Duve2UserState, i: number): number => (s.head + i) % C;

  function push(s: Duve2UserState, e: DuveEvent): void {
    const k = typeCode.get(e.type)!;
    const value = Math.min(e.value, DUVE_MAX_EVENT_VALUE);
    if (s.size === C && e.ts < s.ts[s.head]!) {
      if (e.ts > s.evictedLast) s.evictedLast = e.ts;
      return;
    }
    if (s.size === C) {
      // Evict the oldest.
      const old = s.ts[s.head]!;
      if (old > s.evictedLast) s.evictedLast = old;
      s.item[s.head] = null;
      s.head = (s.head + 1) % C;
      s.size--;
    }
    // Insert after every event with ts ≤ e.ts (scan from the newest: O(1) when in order).
    let i = s.size;
    while (i > 0 && s.ts[at(s, i - 1)]! > e.ts) {
      const from = at(s, i - 1);
      const to = at(s, i);
      s.ts[to] = s.ts[from]!;
      s.value[to] = s.value[from]!;
      s.type[to] = s.type[from]!;
      s.item[to] = s.item[from]!;
      i--;
    }
    const p = at(s, i);
    s.ts[p] = e.ts;
    s.value[p] = value;
    s.type[p] = k;
    s.item[p] = e.itemId;
    s.size++;
  }

  return {
    layout,
    capacity: C,
    get size() {
      return users.size;
    },
    observe(userId, e) {
      if (!typeCode.has(e.type)) return false;
      if (!(Number.isFinite(e.ts) && e.value >= 0 && Number.isFinite(e.value))) return false;
      let s = users.get(userId);
      if (s === undefined) {
        s = {
          v1: createDuveState(layout),
          ts: new Float64Array(C),
          value: new Float64Array(C),
          type: new Uint8Array(C),
          item: new Array<string | null>(C).fill(null),
          head: 0,
          size: 0,
          evictedLast: Number.NEGATIVE_INFINITY,
        };
        users.set(userId, s);
      }
      observeEvent(layout, s.v1, e);
      push(s, e);
      return true;
    },
    get: (userId) => users.get(userId),
    userIds: () => users.keys(),
    asOf(userId, cut, inclusive, count, out) {
      const s = users.get(userId);
      if (s === undefined) return null;
      const after = (ts: number): boolean => (inclusive ? ts > cut : ts >= cut);
      let j = s.size;
      while (j > 0 && after(s.ts[at(s, j - 1)]!)) j--;
      let v1 = s.v1;
      let lastTs = j > 0 ? s.ts[at(s, j - 1)]! : s.evictedLast;
      if (j === 0 && !(s.evictedLast > -Infinity)) return null;
      if (j < s.size) {
        v1 = Float64Array.from(s.v1);
        for (let i = j; i < s.size; i++) {
          const p = at(s, i);
          unobserveEvent(layout, v1, { type: layout.types[s.type[p]!]!, itemId: s.item[p]!, ts: s.ts[p]!, value: s.value[p]! });
        }
        // More than `slack` events after the cut: some were evicted and cannot be removed.
        if (after(lastTs)) lastTs = inclusive ? cut : cut - 1;
        setDuveStateLastTs(v1, lastTs);
      }
      out.length = 0;
      for (let i = Math.max(0, j - count); i < j; i++) {
        const p = at(s, i);
        out.push({ type: layout.types[s.type[p]!]!, itemId: s.item[p]!, ts: s.ts[p]!, value: s.value[p]! });
      }
      return { v1, lastTs };
    },
  };
}

/** Payload bytes of one user's state (typed arrays + item pointers; without object and string overhead). */
export function duve2UserStateBytes(layout: DuveLayout, capacity: number): number {
  return layout.length * 8 + capacity * (8 + 8 + 1 + 8);
}
