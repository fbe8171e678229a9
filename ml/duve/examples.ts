/**
 * DUVE training examples: for each user and each reference time t, the state as of t (events
 * strictly before t) and the labels of the window [t, t+H). Every window must end at or before
 * `trainEnd` (the evaluation cut) and every event handed in must be before it, so no label and
 * no feature can come from the evaluation period. Pure: no I/O.
 *
 * Features that do not depend on the learned decays (raw counts and money, recency, tenure,
 * embedding focus) are computed once through the online state itself (state.ts), so training
 * and serving read the same quantities. The decayed sums depend on λ and are recomputed at every
 * training step by `scanDecayedSums`, together with their exact derivative in λ:
 *
 *   C(t) = Σ_{τ<t} e^{−λ(t−τ)}        ∂C/∂λ = −D(t),  D(t) = Σ_{τ<t} (t−τ) e^{−λ(t−τ)}
 *   D(t+δ) = e^{−λδ} (D(t) + δ C(t))   (closed-form advance, as for C)
 */
import type { EventType } from '../../domain/events';
import { DAY_MS, createDuveLayout, createDuveReading, createDuveState, observeEvent, readDuveState, type DuveEvent } from './state';

const exp = Math.exp;

/** One user's events before the training end, in any order. */
export interface DuveHistory {
  readonly userId: string;
  readonly events: readonly DuveEvent[];
}

export interface DuveExampleOptions {
  /** Tracked types; must include `purchase` (the labels). */
  readonly types: readonly EventType[];
  /** Reference times (ms), ascending. */
  readonly refTimes: readonly number[];
  /** Label window length H (ms). */
  readonly horizonMs: number;
  /** No label window may end after this (the evaluation cut), and no event may be at or after it. */
  readonly trainEnd: number;
  readonly embeddingDims: number;
  readonly embeddingHalfLifeDays: number;
  readonly embeddingSeed: number;
}

export interface DuveExamples {
  readonly n: number;
  readonly K: number;
  readonly types: readonly EventType[];
  readonly userIds: readonly string[];
  /** Example i belongs to user exUser[i]; a user's examples are contiguous, t ascending. */
  readonly exUser: Int32Array;
  /** User u's examples are exStart[u] .. exStart[u+1]-1. */
  readonly exStart: Int32Array;
  /** Reference time of each example, ms and days since `baseMs`. */
  readonly exT: Float64Array;
  readonly exDay: Float64Array;
  readonly baseMs: number;
  /** Raw count and raw money per example × type (row-major n × K). */
  readonly count: Float64Array;
  readonly value: Float64Array;
  readonly recencyDays: Float64Array;
  readonly tenureDays: Float64Array;
  readonly focus: Float64Array;
  /** Labels over [t, t+H): any purchase (0/1), purchases, tracked events, spend. */
  readonly purchased: Float64Array;
  readonly purchases: Float64Array;
  readonly events: Float64Array;
  readonly spend: Float64Array;
  /** Events of user u and type k: evStart[u·K+k] .. evStart[u·K+k+1]-1, day ascending. */
  readonly evStart: Int32Array;
  readonly evDay: Float64Array;
  readonly evValue: Float64Array;
  /** Tracked types with a positive value somewhere in the training events. */
  readonly typesWithValue: readonly EventType[];
}

/** t = start + step, start + 2·step, ... while t + horizon ≤ end. */
export function referenceTimes(start: number, end: number, stepMs: number, horizonMs: number): number[] {
  if (!(stepMs > 0 && horizonMs > 0)) throw new RangeError('referenceTimes: step and horizon must be > 0');
  const out: number[] = [];
  for (let t = start + stepMs; t + horizonMs <= end; t += stepMs) out.push(t);
  return out;
}

function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function buildDuveExamples(histories: readonly DuveHistory[], o: DuveExampleOptions): DuveExamples {
  const K = o.types.length;
  const purchaseK = o.types.indexOf('purchase');
  if (purchaseK < 0) throw new RangeError('DUVE examples: types must include purchase (the labels)');
  const refs = o.refTimes;
  if (refs.length === 0) throw new RangeError('DUVE examples: no reference time');
  for (let i = 0; i < refs.length; i++) {
    if (i > 0 && !(refs[i]! > refs[i - 1]!)) throw new RangeError('DUVE examples: reference times must be strictly ascending');
    if (refs[i]! + o.horizonMs > o.trainEnd)
      throw new RangeError(`DUVE examples: the label window at ${new Date(refs[i]!).toISOString()} ends after the training end ${new Date(o.trainEnd).toISOString()}`);
  }
  const baseMs = refs[0]!;
  const layout = createDuveLayout({ types: o.types, embeddingDims: o.embeddingDims, embeddingHalfLifeDays: o.embeddingHalfLifeDays, embeddingSeed: o.embeddingSeed });
  const reading = createDuveReading(layout);
  const cols = { exUser: [] as number[], exT: [] as number[], count: [] as number[], value: [] as number[], recency: [] as number[], tenure: [] as number[], focus: [] as number[] };
  const labels = { purchased: [] as number[], purchases: [] as number[], events: [] as number[], spend: [] as number[] };
  const exStart: number[] = [0];
  const evStart: number[] = [0];
  const evDay: number[] = [];
  const evValue: number[] = [];
  const userIds: string[] = [];
  const withValue = new Set<EventType>();
  for (const h of histories) {
    const evs = h.events.filter((e) => layout.typeIndex.has(e.type));
    for (const e of evs) {
      if (!(e.ts < o.trainEnd)) throw new RangeError(`DUVE examples: ${h.userId} has an event at ${new Date(e.ts).toISOString()}, not before the training end`);
      if (e.value > 0) withValue.add(e.type);
    }
    if (evs.length === 0) continue;
    const sorted = evs
      .map((e, i) => ({ e, i }))
      .sort((a, b) => a.e.ts - b.e.ts || a.i - b.i)
      .map((x) => x.e);
    const times = sorted.map((e) => e.ts);
    // Prefix sums for the labels of overlapping windows.
    const pBuy = [0];
    const pSpend = [0];
    for (const e of sorted) {
      const buy = e.type === 'purchase';
      pBuy.push(pBuy[pBuy.length - 1]! + (buy ? 1 : 0));
      pSpend.push(pSpend[pSpend.length - 1]! + (buy ? e.value : 0));
    }
    const state = createDuveState(layout);
    let fed = 0;
    let made = 0;
    const u = userIds.length;
    for (const t of refs) {
      while (fed < sorted.length && sorted[fed]!.ts < t) observeEvent(layout, state, sorted[fed++]!);
      if (fed === 0) continue;
      readDuveState(layout, state, t, reading);
      cols.exUser.push(u);
      cols.exT.push(t);
      for (let k = 0; k < K; k++) {
        cols.count.push(reading.count[k]!);
        cols.value.push(reading.value[k]!);
      }
      cols.recency.push((t - reading.lastTs) / DAY_MS);
      cols.tenure.push((t - reading.firstTs) / DAY_MS);
      cols.focus.push(reading.embeddingWeight > 0 ? reading.embeddingNorm / reading.embeddingWeight : 0);
      const a = lowerBound(times, t);
      const b = lowerBound(times, t + o.horizonMs);
      const buys = pBuy[b]! - pBuy[a]!;
      labels.purchased.push(buys > 0 ? 1 : 0);
      labels.purchases.push(buys);
      labels.events.push(b - a);
      labels.spend.push(pSpend[b]! - pSpend[a]!);
      made += 1;
    }
    if (made === 0) continue;
    userIds.push(h.userId);
    exStart.push(cols.exT.length);
    for (let k = 0; k < K; k++) {
      const type = o.types[k]!;
      for (const e of sorted) {
        if (e.type !== type) continue;
        evDay.push((e.ts - baseMs) / DAY_MS);
        evValue.push(e.value);
      }
      evStart.push(evDay.length);
    }
  }
  const n = cols.exT.length;
  return {
    n,
    K,
    types: [...o.types],
    userIds,
    exUser: Int32Array.from(cols.exUser),
    exStart: Int32Array.from(exStart),
    exT: Float64Array.from(cols.exT),
    exDay: Float64Array.from(cols.exT, (t) => (t - baseMs) / DAY_MS),
    baseMs,
    count: Float64Array.from(cols.count),
    value: Float64Array.from(cols.value),
    recencyDays: Float64Array.from(cols.recency),
    tenureDays: Float64Array.from(cols.tenure),
    focus: Float64Array.from(cols.focus),
    purchased: Float64Array.from(labels.purchased),
    purchases: Float64Array.from(labels.purchases),
    events: Float64Array.from(labels.events),
    spend: Float64Array.from(labels.spend),
    evStart: Int32Array.from(evStart),
    evDay: Float64Array.from(evDay),
    evValue: Float64Array.from(evValue),
    typesWithValue: o.types.filter((t) => withValue.has(t)),
  };
}

/** Decayed sums of every example (n × K) and their λ-derivatives' magnitudes D (∂C/∂λ = −D). */
export interface DecayedSums {
  readonly c: Float64Array;
  readonly d: Float64Array;
  readonly v: Float64Array;
  readonly dv: Float64Array;
}

export function allocDecayedSums(ex: DuveExamples): DecayedSums {
  const m = ex.n * ex.K;
  return { c: new Float64Array(m), d: new Float64Array(m), v: new Float64Array(m), dv: new Float64Array(m) };
}

/** One pass over every user's events and reference times under decay rates `ratesPerDay` (K). */
export function scanDecayedSums(ex: DuveExamples, ratesPerDay: ArrayLike<number>, out: DecayedSums): DecayedSums {
  const { K, exStart, exDay, evStart, evDay, evValue } = ex;
  const { c, d, v, dv } = out;
  const users = exStart.length - 1;
  for (let u = 0; u < users; u++) {
    for (let k = 0; k < K; k++) {
      const lam = ratesPerDay[k]!;
      const end = evStart[u * K + k + 1]!;
      let j = evStart[u * K + k]!;
      let C = 0;
      let D = 0;
      let V = 0;
      let DV = 0;
      let tp = 0;
      let has = false;
      for (let i = exStart[u]!; i < exStart[u + 1]!; i++) {
        const t = exDay[i]!;
        while (j < end && evDay[j]! < t) {
          const te = evDay[j]!;
          if (has) {
            const dt = te - tp;
            const f = exp(-lam * dt);
            D = f * (D + dt * C);
            C = f * C;
            DV = f * (DV + dt * V);
            V = f * V;
          }
          C += 1;
          V += evValue[j]!;
          tp = te;
          has = true;
          j++;
        }
        const o = i * K + k;
        if (has) {
          const dt = t - tp;
          const f = exp(-lam * dt);
          c[o] = f * C;
          d[o] = f * (D + dt * C);
          v[o] = f * V;
          dv[o] = f * (DV + dt * V);
        } else {
          c[o] = 0;
          d[o] = 0;
          v[o] = 0;
          dv[o] = 0;
        }
      }
    }
  }
  return out;
}
