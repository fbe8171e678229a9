/**
 * The online DUVE state: O(1) updates equal the batch recomputation (to 1e-9), in any event
 * order; reads do not change the state; memory per user, measured on 100k users.
 */
import type { EventType } from '../../domain/events';
import { mulberry32 } from '../random';
import { hashItemId, itemVector } from './item-vector';
import { batchDecayedSums, createDuveLayout, createDuveReading, createDuveState, observeEvent, readDuveEmbedding, readDuveState, type DuveEvent } from './state';

const DAY = 24 * 3600 * 1000;
const T0 = Date.UTC(2021, 5, 1);
const types: EventType[] = ['view', 'add_to_cart', 'wishlist', 'purchase'];
const layout = createDuveLayout({ types, decaysPerDay: [Math.LN2 / 0.25, Math.LN2 / 20, Math.LN2 / 3, Math.LN2 / 60], embeddingHalfLifeDays: 5, embeddingSeed: 9 });

function randomEvents(n: number, seed: number): DuveEvent[] {
  const rng = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const type = types[Math.floor(rng() * types.length)]!;
    return { type, itemId: `item:${Math.floor(rng() * 40)}`, ts: T0 + Math.floor(rng() * 90 * DAY), value: type === 'purchase' ? Math.round(rng() * 20000) / 100 : 0 };
  });
}

/** The definitions, recomputed from scratch. */
function batch(events: readonly DuveEvent[], t: number): { c: Float64Array; v: Float64Array; e: Float64Array; w: number; n: number[] } {
  const { decayedCount, decayedValue } = batchDecayedSums(layout, events, t);
  const e = new Float64Array(layout.embeddingDims);
  let w = 0;
  const rate = Math.LN2 / 5 / DAY;
  for (const ev of events) {
    const f = Math.exp(-rate * (t - ev.ts));
    w += f;
    const vec = itemVector(ev.itemId!, 9, layout.embeddingDims);
    for (let j = 0; j < e.length; j++) e[j] = e[j]! + f * vec[j]!;
  }
  return { c: decayedCount, v: decayedValue, e, w, n: types.map((ty) => events.filter((x) => x.type === ty).length) };
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

describe('DUVE online state', () => {
  it('item vectors are deterministic, unit-norm, ±1/√dims and differ between ids and seeds', () => {
    const a = itemVector('taobao:123', 7, 128);
    expect(Array.from(a)).toEqual(Array.from(itemVector('taobao:123', 7, 128)));
    expect(a.every((x) => Math.abs(Math.abs(x) - 1 / Math.sqrt(128)) < 1e-15)).toBe(true);
    expect(a.reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 12);
    const b = itemVector('taobao:124', 7, 128);
    const dot = a.reduce((s, x, j) => s + x * b[j]!, 0);
    expect(Math.abs(dot)).toBeLessThan(0.4);
    expect(hashItemId('taobao:123', 7)).not.toBe(hashItemId('taobao:123', 8));
  });

  it('O(1) updates in time order equal the batch recomputation at every read (1e-9)', () => {
    const events = randomEvents(400, 1).sort((a, b) => a.ts - b.ts);
    const s = createDuveState(layout);
    const r = createDuveReading(layout);
    const emb = new Float64Array(layout.embeddingDims);
    for (let i = 0; i < events.length; i++) {
      observeEvent(layout, s, events[i]!);
      if (i % 37 !== 0) continue;
      const t = events[i]!.ts + (i % 3) * DAY;
      readDuveState(layout, s, t, r);
      const b = batch(events.slice(0, i + 1), t);
      for (let k = 0; k < types.length; k++) {
        expect(close(r.decayedCount[k]!, b.c[k]!)).toBe(true);
        expect(close(r.decayedValue[k]!, b.v[k]!)).toBe(true);
        expect(r.count[k]).toBe(b.n[k]);
      }
      readDuveEmbedding(layout, s, t, emb);
      for (let j = 0; j < emb.length; j++) expect(close(emb[j]!, b.e[j]!)).toBe(true);
      expect(close(r.embeddingWeight, b.w)).toBe(true);
      expect(close(r.embeddingNorm, Math.sqrt(b.e.reduce((q, x) => q + x * x, 0)))).toBe(true);
    }
  });

  it('handles out-of-order events exactly: any arrival order gives the same state as the batch', () => {
    const events = randomEvents(300, 2);
    const shuffled = [...events].reverse();
    const a = createDuveState(layout);
    const b = createDuveState(layout);
    for (const e of events) observeEvent(layout, a, e);
    for (const e of shuffled) observeEvent(layout, b, e);
    const t = Math.max(...events.map((e) => e.ts)) + 2 * DAY;
    const ra = readDuveState(layout, a, t, createDuveReading(layout));
    const rb = readDuveState(layout, b, t, createDuveReading(layout));
    const x = batch(events, t);
    for (let k = 0; k < types.length; k++) {
      expect(close(ra.decayedCount[k]!, x.c[k]!) && close(rb.decayedCount[k]!, x.c[k]!)).toBe(true);
      expect(close(ra.decayedValue[k]!, x.v[k]!) && close(rb.decayedValue[k]!, x.v[k]!)).toBe(true);
    }
    const ea = readDuveEmbedding(layout, a, t);
    const eb = readDuveEmbedding(layout, b, t);
    for (let j = 0; j < ea.length; j++) expect(close(ea[j]!, x.e[j]!) && close(eb[j]!, x.e[j]!)).toBe(true);
    expect(ra.firstTs).toBe(Math.min(...events.map((e) => e.ts)));
    expect(rb.lastTs).toBe(Math.max(...events.map((e) => e.ts)));
  });

  it('reads without changing the state, refuses reads before the latest event, ignores untracked types', () => {
    const s = createDuveState(layout);
    for (const e of randomEvents(20, 3)) observeEvent(layout, s, e);
    const copy = Float64Array.from(s);
    const r = createDuveReading(layout);
    const last = readDuveState(layout, s, T0 + 100 * DAY, r).lastTs;
    expect(Array.from(s)).toEqual(Array.from(copy));
    expect(() => readDuveState(layout, s, last - 1, r)).toThrow(RangeError);
    expect(observeEvent(layout, s, { type: 'share', itemId: 'x', ts: T0, value: 0 })).toBe(false);
    expect(Array.from(s)).toEqual(Array.from(copy));
    expect(() => observeEvent(layout, s, { type: 'view', itemId: 'x', ts: Number.NaN, value: 0 })).toThrow(RangeError);
    expect(() => observeEvent(layout, s, { type: 'purchase', itemId: 'x', ts: T0, value: -1 })).toThrow(RangeError);
    const none = createDuveLayout({ types: ['purchase'], decaysPerDay: [0] });
    const z = createDuveState(none);
    observeEvent(none, z, { type: 'purchase', itemId: null, ts: T0, value: 5 });
    observeEvent(none, z, { type: 'purchase', itemId: null, ts: T0 - DAY, value: 7 });
    const rz = readDuveState(none, z, T0 + 400 * DAY, createDuveReading(none));
    expect([rz.decayedCount[0], rz.decayedValue[0], rz.embeddingWeight]).toEqual([2, 12, 0]);
  });
});
