/**
 * DUVE online user state: per-user exponentially decayed sums of interactions, updated in O(1)
 * per event (independent of the history length) in closed form. Pure data structure, no I/O.
 *
 * For a tracked type k with decay rate λ_k (per day), the decayed count and decayed value are
 *
 *   C_k(t) = Σ_{events e of type k, τ_e ≤ t} exp(−λ_k (t − τ_e))
 *   V_k(t) = Σ_{events e of type k, τ_e ≤ t} exp(−λ_k (t − τ_e)) · value_e
 *
 * kept as (t0_k, C_k(t0_k), V_k(t0_k)) with t0_k = the latest event time of type k:
 * - an event at τ ≥ t0_k advances exactly:   S ← S · exp(−λ_k (τ − t0_k)) + x,  t0_k ← τ
 * - an event at τ < t0_k (out of order):     S ← S + exp(−λ_k (t0_k − τ)) · x
 * - a read at t ≥ t0_k:                      S(t) = S · exp(−λ_k (t − t0_k))
 * Both orders give the batch sum exactly (up to floating-point rounding), so events may arrive in
 * any order. Raw counts, raw value sums, the first and last event times are kept alongside.
 *
 * The temporal embedding e(t) = Σ_e exp(−λ_e (t − τ_e)) · v(item_e) uses ONE decay λ_e for every
 * type (a single accumulator can only be advanced in O(1) under one rate; per-type rates would
 * need one 128-d accumulator per type); v is the hashed random projection of item-vector.ts.
 * W(t) = Σ_e exp(−λ_e (t − τ_e)) is kept with it, so ‖e(t)‖ / W(t) in (0, 1] measures how
 * concentrated the recent activity is on few items (1 = a single item).
 *
 * A state is bound to its layout's decay rates: a model version with other rates needs the
 * states rebuilt from the event log. Events of untracked types are ignored (observe returns false).
 */
import { EVENT_TYPES, type EventType } from '../../domain/events';
import { addItemVector } from './item-vector';

const exp = Math.exp;
const sqrt = Math.sqrt;
const isFinite = Number.isFinite;
export const DAY_MS = 24 * 3600 * 1000;
/**
 * Largest value one event adds to the sums (larger values count as this much). The gateway
 * refuses values past MAX_EVENT_VALUE before they get here; the cap is defence in depth, so no
 * sequence of events can overflow a sum to Infinity (2^53 events of 1e9 stay finite).
 */
export const DUVE_MAX_EVENT_VALUE = 1e9;
const LN2 = Math.LN2;

/** An interaction as the state needs it (`Interaction` and `InteractionEvent` both fit). */
export interface DuveEvent {
  readonly type: EventType;
  /** The item acted on; null for item-less events (they skip the embedding). */
  readonly itemId: string | null;
  /** ms since the epoch. */
  readonly ts: number;
  /** Monetary value (≥ 0); 0 when absent. */
  readonly value: number;
}

export interface DuveLayoutOptions {
  /** Tracked interaction types, in feature order. Default EVENT_TYPES (all of them). */
  readonly types?: readonly EventType[];
  /** Decay rate per day of each tracked type (same order, ≥ 0; 0 = no decay). Default ln 2 / 7 (7-day half-life) for every type. */
  readonly decaysPerDay?: ArrayLike<number>;
  /** Dimension of the temporal embedding. Default 128. */
  readonly embeddingDims?: number;
  /** Half-life of the embedding in days (Infinity = no decay). Default 7. */
  readonly embeddingHalfLifeDays?: number;
  /** Seed of the hashed item projection. Default 42. */
  readonly embeddingSeed?: number;
}

/** Where each quantity lives in a state array, and the decay rates it is bound to. */
export interface DuveLayout {
  readonly types: readonly EventType[];
  readonly decaysPerDay: Float64Array;
  readonly embeddingDims: number;
  readonly embeddingHalfLifeDays: number;
  readonly embeddingSeed: number;
  /** Float64 values per user state. */
  readonly length: number;
  /** Tracked type -> index k. */
  readonly typeIndex: ReadonlyMap<EventType, number>;
  /** λ_k per ms (internal). */
  readonly ratePerMs: Float64Array;
  readonly embeddingRatePerMs: number;
}

// State array: [first, last, embT0, embW, (t0, C, V, N, R) × K, e × dims].
const FIRST = 0;
const LAST = 1;
const EMB_T0 = 2;
const EMB_W = 3;
const HEADER = 4;
const PER_TYPE = 5;
const embOffset = (l: DuveLayout): number => HEADER + PER_TYPE * l.types.length;

export function createDuveLayout(o: DuveLayoutOptions = {}): DuveLayout {
  const types = [...(o.types ?? EVENT_TYPES)];
  if (types.length === 0 || new Set(types).size !== types.length) throw new RangeError('DUVE layout: types must be distinct and non-empty');
  for (const t of types) if (!(EVENT_TYPES as readonly string[]).includes(t)) throw new RangeError(`DUVE layout: unknown event type ${t}`);
  const decays = Float64Array.from(o.decaysPerDay ?? types.map(() => LN2 / 7));
  if (decays.length !== types.length || decays.some((d) => !(d >= 0 && Number.isFinite(d)))) throw new RangeError('DUVE layout: one finite decay ≥ 0 per type');
  const dims = o.embeddingDims ?? 128;
  if (!(Number.isInteger(dims) && dims >= 1)) throw new RangeError(`DUVE layout: embeddingDims must be a positive integer, got ${dims}`);
  const half = o.embeddingHalfLifeDays ?? 7;
  if (!(half > 0)) throw new RangeError(`DUVE layout: embeddingHalfLifeDays must be > 0, got ${half}`);
  return Object.freeze({
    types: Object.freeze(types),
    decaysPerDay: decays,
    embeddingDims: dims,
    embeddingHalfLifeDays: half,
    embeddingSeed: o.embeddingSeed ?? 42,
    length: HEADER + PER_TYPE * types.length + dims,
    typeIndex: new Map(types.map((t, i) => [t, i] as const)),
    ratePerMs: decays.map((d) => d / DAY_MS),
    embeddingRatePerMs: Number.isFinite(half) ? LN2 / half / DAY_MS : 0,
  });
}

/** A user's state: one Float64Array of `layout.length` values. */
export type DuveState = Float64Array;

/** An empty state (no events). */
export function createDuveState(layout: DuveLayout): DuveState {
  const s = new Float64Array(layout.length);
  s[FIRST] = Number.POSITIVE_INFINITY;
  s[LAST] = Number.NEGATIVE_INFINITY;
  s[EMB_T0] = Number.NaN;
  for (let k = 0; k < layout.types.length; k++) s[HEADER + PER_TYPE * k] = Number.NaN;
  return s;
}

/**
 * Add one event in O(1) (O(dims) for the embedding, independent of the history). Returns false
 * for an untracked type (state unchanged). Throws RangeError on a non-finite time or a negative
 * or non-finite value.
 */
export function observeEvent(layout: DuveLayout, s: DuveState, e: DuveEvent): boolean {
  const k = layout.typeIndex.get(e.type);
  if (k === undefined) return false;
  const ts = e.ts;
  let value = e.value;
  if (!isFinite(ts)) throw new RangeError(`DUVE state: event time ${ts} is not finite`);
  if (!(value >= 0 && isFinite(value))) throw new RangeError(`DUVE state: event value ${value} must be finite and ≥ 0`);
  if (value > DUVE_MAX_EVENT_VALUE) value = DUVE_MAX_EVENT_VALUE;
  if (ts < s[FIRST]!) s[FIRST] = ts;
  if (ts > s[LAST]!) s[LAST] = ts;
  const b = HEADER + PER_TYPE * k;
  const t0 = s[b]!;
  const rate = layout.ratePerMs[k]!;
  if (!(t0 === t0)) {
    s[b] = ts;
    s[b + 1] = 1;
    s[b + 2] = value;
  } else if (ts >= t0) {
    const f = exp(-rate * (ts - t0));
    s[b] = ts;
    s[b + 1] = s[b + 1]! * f + 1;
    s[b + 2] = s[b + 2]! * f + value;
  } else {
    const f = exp(-rate * (t0 - ts));
    s[b + 1] = s[b + 1]! + f;
    s[b + 2] = s[b + 2]! + f * value;
  }
  s[b + 3] = s[b + 3]! + 1;
  s[b + 4] = s[b + 4]! + value;
  if (e.itemId !== null) {
    const off = embOffset(layout);
    const dims = layout.embeddingDims;
    const et0 = s[EMB_T0]!;
    let w = 1;
    if (!(et0 === et0)) s[EMB_T0] = ts;
    else if (ts >= et0) {
      const f = exp(-layout.embeddingRatePerMs * (ts - et0));
      if (f !== 1) for (let j = 0; j < dims; j++) s[off + j] = s[off + j]! * f;
      s[EMB_W] = s[EMB_W]! * f;
      s[EMB_T0] = ts;
    } else w = exp(-layout.embeddingRatePerMs * (et0 - ts));
    s[EMB_W] = s[EMB_W]! + w;
    addItemVector(e.itemId, layout.embeddingSeed, dims, w, s, off);
  }
  return true;
}

/** The state read at a time t, for features (reuse one object per caller: `createDuveReading`). */
export interface DuveReading {
  t: number;
  /** Earliest and latest tracked event time (±Infinity when none). */
  firstTs: number;
  lastTs: number;
  /** Per tracked type, in layout order: C_k(t), V_k(t), raw count, raw value sum. */
  readonly decayedCount: Float64Array;
  readonly decayedValue: Float64Array;
  readonly count: Float64Array;
  readonly value: Float64Array;
  /** W(t) and ‖e(t)‖ of the temporal embedding. */
  embeddingWeight: number;
  embeddingNorm: number;
}

export function createDuveReading(layout: DuveLayout): DuveReading {
  const K = layout.types.length;
  return {
    t: Number.NaN,
    firstTs: Infinity,
    lastTs: -Infinity,
    decayedCount: new Float64Array(K),
    decayedValue: new Float64Array(K),
    count: new Float64Array(K),
    value: new Float64Array(K),
    embeddingWeight: 0,
    embeddingNorm: 0,
  };
}

/**
 * Read the state at t into `out` without changing it: O(K + dims). Throws RangeError when t is
 * before the latest event (the state already holds events after t; it cannot forget them).
 */
export function readDuveState(layout: DuveLayout, s: DuveState, t: number, out: DuveReading): DuveReading {
  if (!isFinite(t)) throw new RangeError(`DUVE state: read time ${t} is not finite`);
  if (t < s[LAST]!) throw new RangeError(`DUVE state: read at ${new Date(t).toISOString()} is before the latest event ${new Date(s[LAST]!).toISOString()}`);
  out.t = t;
  out.firstTs = s[FIRST]!;
  out.lastTs = s[LAST]!;
  for (let k = 0; k < layout.types.length; k++) {
    const b = HEADER + PER_TYPE * k;
    const t0 = s[b]!;
    const f = t0 === t0 ? exp(-layout.ratePerMs[k]! * (t - t0)) : 0;
    out.decayedCount[k] = s[b + 1]! * f;
    out.decayedValue[k] = s[b + 2]! * f;
    out.count[k] = s[b + 3]!;
    out.value[k] = s[b + 4]!;
  }
  const et0 = s[EMB_T0]!;
  const f = et0 === et0 ? exp(-layout.embeddingRatePerMs * (t - et0)) : 0;
  const off = embOffset(layout);
  let sq = 0;
  for (let j = 0; j < layout.embeddingDims; j++) sq += s[off + j]! * s[off + j]!;
  out.embeddingWeight = s[EMB_W]! * f;
  out.embeddingNorm = sqrt(sq) * f;
  return out;
}

/** e(t), the temporal embedding read at t ≥ the latest event, into `out` (length dims). */
export function readDuveEmbedding(layout: DuveLayout, s: DuveState, t: number, out: Float64Array = new Float64Array(layout.embeddingDims)): Float64Array {
  if (t < s[LAST]!) throw new RangeError(`DUVE state: read at ${new Date(t).toISOString()} is before the latest event`);
  const et0 = s[EMB_T0]!;
  const f = et0 === et0 ? exp(-layout.embeddingRatePerMs * (t - et0)) : 0;
  const off = embOffset(layout);
  for (let j = 0; j < layout.embeddingDims; j++) out[j] = s[off + j]! * f;
  return out;
}

/** Batch recomputation of C_k(t) and V_k(t) from a history (any order): the definition, O(n). */
export function batchDecayedSums(layout: DuveLayout, events: readonly DuveEvent[], t: number): { decayedCount: Float64Array; decayedValue: Float64Array } {
  const K = layout.types.length;
  const decayedCount = new Float64Array(K);
  const decayedValue = new Float64Array(K);
  for (const e of events) {
    const k = layout.typeIndex.get(e.type);
    if (k === undefined || e.ts > t) continue;
    const f = exp(-layout.ratePerMs[k]! * (t - e.ts));
    decayedCount[k] = decayedCount[k]! + f;
    decayedValue[k] = decayedValue[k]! + f * e.value;
  }
  return { decayedCount, decayedValue };
}

/** Live states of many users, keyed by user id. */
export interface DuveStateStore {
  readonly layout: DuveLayout;
  /** Users with a state. */
  readonly size: number;
  /** Fold one event into its user's state (created on first tracked event). */
  observe(userId: string, e: DuveEvent): boolean;
  get(userId: string): DuveState | undefined;
  /** Read a user's state at t into `out`; false for an unknown user. */
  read(userId: string, t: number, out: DuveReading): boolean;
  userIds(): IterableIterator<string>;
}

export function createDuveStateStore(layout: DuveLayout): DuveStateStore {
  const states = new Map<string, DuveState>();
  return {
    layout,
    get size() {
      return states.size;
    },
    observe(userId, e) {
      if (!layout.typeIndex.has(e.type)) return false;
      let s = states.get(userId);
      if (s === undefined) states.set(userId, (s = createDuveState(layout)));
      return observeEvent(layout, s, e);
    },
    get: (userId) => states.get(userId),
    read(userId, t, out) {
      const s = states.get(userId);
      if (s === undefined) return false;
      readDuveState(layout, s, t, out);
      return true;
    },
    userIds: () => states.keys(),
  };
}

/** Payload bytes of one state (the Float64Array's contents, without object overhead). */
export function duveStateBytes(layout: DuveLayout): number {
  return layout.length * 8;
}

/**
 * Remove one event that `observeEvent` folded in (its exact inverse up to rounding), so a state can
 * be read as of an earlier time: remove every event at or after that time, then set the latest
 * event time with `setDuveStateLastTs`. A type whose raw count drops to 0 is reset exactly.
 * Returns false for an untracked type. Used by DUVE v2's window store (ml/duve2/window-state.ts).
 */
export function unobserveEvent(layout: DuveLayout, s: DuveState, e: DuveEvent): boolean {
  const k = layout.typeIndex.get(e.type);
  if (k === undefined) return false;
  const value = Math.min(e.value, DUVE_MAX_EVENT_VALUE);
  const b = HEADER + PER_TYPE * k;
  const f = exp(-layout.ratePerMs[k]! * (s[b]! - e.ts));
  s[b + 3] = s[b + 3]! - 1;
  if (s[b + 3]! <= 0) {
    s[b] = Number.NaN;
    s[b + 1] = 0;
    s[b + 2] = 0;
    s[b + 3] = 0;
    s[b + 4] = 0;
  } else {
    s[b + 1] = s[b + 1]! - f;
    s[b + 2] = s[b + 2]! - f * value;
    s[b + 4] = s[b + 4]! - value;
  }
  if (e.itemId !== null) {
    const w = exp(-layout.embeddingRatePerMs * (s[EMB_T0]! - e.ts));
    s[EMB_W] = s[EMB_W]! - w;
    addItemVector(e.itemId, layout.embeddingSeed, layout.embeddingDims, -w, s, embOffset(layout));
  }
  return true;
}

/** Set the latest tracked event time of a state (after `unobserveEvent`). */
export function setDuveStateLastTs(s: DuveState, ts: number): void {
  s[LAST] = ts;
}
