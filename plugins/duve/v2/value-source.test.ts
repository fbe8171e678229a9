/**
 * DUVE v2's online state and Contract A:
 * - the incremental window store (events folded one by one, out of order too) reads exactly what a
 *   batch recomputation from the full history gives (predictDuve2);
 * - a read with refreshMinutes uses only events before the refresh boundary (equal to the batch
 *   forecast at the boundary, and different from the live read once later events arrived);
 * - the ring keeps its bound (O(1) append, eviction), and a read with more events after the
 *   boundary than the slack degrades without throwing;
 * - the v1 adapter obeys the same boundary rule; trainDuve2FromStore + loadDuve2ValueSource on a store.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { referenceTimes } from '../../../ml/duve/examples';
import { duveForecast, duveLayout, duveRawFeatures } from '../../../ml/duve/model';
import { createDuveReading, createDuveState, observeEvent, readDuveState, type DuveEvent } from '../../../ml/duve/state';
import { syntheticDuveHistories } from '../../../ml/duve/synthetic';
import { createDuve2Runner, predictDuve2, trainDuve2 } from '../../../ml/duve2/train';
import { loadOnnxModel } from '../../../ml/onnx/session';
import { mulberry32 } from '../../../ml/random';
import { createGraphStore } from '../../../graph/factory';
import { clipDuveFeatures } from '../engine';
import { createDuveV1ValueSource } from '../value-source';
import { createDuve2Engine } from './engine';
import { loadDuve2ValueSource, trainDuve2FromStore } from './index';

const DAY = 24 * 3600 * 1000;
const MIN = 60_000;
const start = Date.UTC(2020, 0, 1);
const histories = syntheticDuveHistories({ users: 25, days: 10, seed: 12, items: 50 });
const trainEnd = start + 10 * DAY;
const refTimes = referenceTimes(start, trainEnd, DAY, DAY);
const dims = { window: 8, neighbours: 2, categoryBuckets: 7, itemBuckets: 32, categoryDims: 3, itemDims: 4, stateDims: 5 };
const { model } = trainDuve2(histories, { refTimes, trainEnd, horizonMs: DAY, iterations: 30, v1Iterations: 20, dims, categories: (id) => `c${id.length % 3}` });
const runner = createDuve2Runner(model);
const shuffle = <T>(xs: readonly T[], seed: number): T[] => {
  const rng = mulberry32(seed);
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
};
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(tol);
};

describe('DUVE v2 window state and value source', () => {
  it('incremental updates (in and out of order) equal the batch recomputation', () => {
    for (const seed of [0, 1]) {
      const engine = createDuve2Engine({ model, version: 1 });
      const all = histories.flatMap((h) => h.events.map((e) => ({ ...e, userId: h.userId })));
      engine.observe(seed === 0 ? [...all].sort((a, b) => a.ts - b.ts) : shuffle(all, 5));
      const at = trainEnd + DAY / 3;
      let checked = 0;
      for (const h of histories) {
        const want = predictDuve2(model, h.events, at, runner);
        const got = engine.source.read(h.userId, at);
        if (want === null) {
          expect(got).toBeNull();
          continue;
        }
        expect(got).not.toBeNull();
        expect(Math.abs(got!.purchaseProb - want.pPurchase)).toBeLessThan(1e-9);
        expect(Math.abs(got!.value - want.value)).toBeLessThan(1e-9 * Math.max(1, want.value));
        close(got!.state, want.state, 1e-6);
        expect(got!.version).toBe('duve2/value@1');
        expect(got!.state).toHaveLength(engine.source.stateDim);
        checked++;
      }
      expect(checked).toBeGreaterThan(20);
      expect(engine.source.read('nobody', at)).toBeNull();
    }
  });

  it('with refreshMinutes reads only the events before the refresh boundary', () => {
    const engine = createDuve2Engine({ model, version: 1 });
    const h = histories.find((x) => x.events.filter((e) => e.type === 'purchase').length >= 2)!;
    for (const e of h.events) engine.source.observe({ ...e, userId: h.userId });
    const last = Math.max(...h.events.map((e) => e.ts));
    // A boundary r just after the history, then events at r, r + 3 min and r + 14 min.
    const r = Math.ceil((last + 1) / (15 * MIN)) * 15 * MIN;
    const later: DuveEvent[] = [
      { type: 'purchase', itemId: 'syn:item:1', ts: r, value: 50 },
      { type: 'add_to_cart', itemId: 'syn:item:2', ts: r + 3 * MIN, value: 0 },
      { type: 'view', itemId: 'syn:item:3', ts: r + 14 * MIN, value: 0 },
    ];
    for (const e of later) engine.source.observe({ ...e, userId: h.userId });
    const at = r + 14 * MIN + 30_000;
    const boundary = engine.source.read(h.userId, at, { refreshMinutes: 15 })!;
    const want = predictDuve2(model, h.events, r, runner)!;
    expect(Math.abs(boundary.purchaseProb - want.pPurchase)).toBeLessThan(1e-9);
    close(boundary.state, want.state, 1e-6);
    // The live read sees the later events; the hourly boundary is earlier still.
    const live = engine.source.read(h.userId, at)!;
    const wantLive = predictDuve2(model, [...h.events, ...later], at + 1, runner)!;
    expect(Math.abs(live.purchaseProb - wantLive.pPurchase)).toBeLessThan(1e-6);
    expect(Math.abs(live.purchaseProb - boundary.purchaseProb)).toBeGreaterThan(1e-6);
    const hourly = engine.source.read(h.userId, at, { refreshMinutes: 60 })!;
    const r60 = Math.floor(at / (60 * MIN)) * 60 * MIN;
    expect(Math.abs(hourly.purchaseProb - predictDuve2(model, [...h.events, ...later], r60, runner)!.pPurchase)).toBeLessThan(1e-9);
    // The live state is untouched by boundary reads.
    expect(engine.source.read(h.userId, at)!.purchaseProb).toBe(live.purchaseProb);
    expect(() => engine.source.read(h.userId, at, { refreshMinutes: 0 })).toThrow(/refreshMinutes/);
    expect(() => engine.source.read(h.userId, Number.NaN)).toThrow(/at/);
    // A user whose only events are after the boundary has no value at it.
    engine.source.observe({ userId: 'fresh', type: 'view', itemId: 'x', ts: r + MIN, value: 0 });
    expect(engine.source.read('fresh', at, { refreshMinutes: 15 })).toBeNull();
    expect(engine.source.read('fresh', at)).not.toBeNull();
  });

  it('keeps a bounded ring: in-order appends evict the oldest, the window reads the last W', () => {
    const engine = createDuve2Engine({ model, version: 1, slack: 5 });
    const cap = engine.store.capacity;
    expect(cap).toBe(dims.window + 5);
    const evs: DuveEvent[] = Array.from({ length: 50 }, (_x, i) => ({ type: i % 7 === 0 ? 'add_to_cart' : 'view', itemId: `syn:item:${i % 9}`, ts: start + i * MIN, value: 0 }));
    for (const e of evs) engine.source.observe({ ...e, userId: 'u' });
    const s = engine.store.get('u')!;
    expect(s.size).toBe(cap);
    expect(s.ts[s.head]).toBe(evs[50 - cap]!.ts);
    const at = start + 60 * MIN;
    expect(Math.abs(engine.source.read('u', at)!.purchaseProb - predictDuve2(model, evs, at, runner)!.pPurchase)).toBeLessThan(1e-9);
    // More events after a boundary than the slack: the read degrades (fewer window events) without throwing.
    // Boundary start + 30 min: 20 events after it, the ring holds 13.
    const degraded = engine.source.read('u', start + 49 * MIN + 1, { refreshMinutes: 30 });
    expect(Number.isFinite(degraded!.purchaseProb)).toBe(true);
    // Within the slack it is exact: boundary start + 45 min, 5 events after it (slack 5).
    const exact = engine.source.read('u', start + 49 * MIN + 1, { refreshMinutes: 15 })!;
    expect(Math.abs(exact.purchaseProb - predictDuve2(model, evs, start + 45 * MIN, runner)!.pPurchase)).toBeLessThan(1e-9);
  });

  it('the v1 adapter reads v1 forecasts, as of the refresh boundary with refreshMinutes', () => {
    const v1 = model.v1;
    const src = createDuveV1ValueSource(v1, 3);
    expect(src.id).toBe('v1');
    const h = histories[3]!;
    for (const e of h.events) src.observe({ ...e, userId: h.userId });
    const last = Math.max(...h.events.map((e) => e.ts));
    const r = Math.ceil((last + 1) / (15 * MIN)) * 15 * MIN;
    src.observe({ userId: h.userId, type: 'purchase', itemId: 'syn:item:4', ts: r + MIN, value: 20 });
    const v1At = (events: readonly DuveEvent[], t: number): number => {
      const layout = duveLayout(v1);
      const s = createDuveState(layout);
      for (const e of events) observeEvent(layout, s, e);
      return duveForecast(v1, clipDuveFeatures(v1, duveRawFeatures(v1, readDuveState(layout, s, t, createDuveReading(layout))))).pPurchase;
    };
    const got = src.read(h.userId, r + 5 * MIN, { refreshMinutes: 15 })!;
    expect(Math.abs(got.purchaseProb - v1At(h.events, r))).toBeLessThan(1e-9);
    expect(got.version).toBe('duve/value@3');
    expect(got.state).toHaveLength(src.stateDim);
    const live = src.read(h.userId, r + 5 * MIN)!;
    expect(Math.abs(live.purchaseProb - v1At([...h.events, { type: 'purchase', itemId: 'syn:item:4', ts: r + MIN, value: 20 }], r + 5 * MIN))).toBeLessThan(1e-9);
    expect(live.purchaseProb).not.toBeCloseTo(got.purchaseProb, 6);
  });

  it('trainDuve2FromStore publishes a version and loadDuve2ValueSource serves it warm from the store', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'duve2-store-'));
    const store = await createGraphStore({ kind: 'embedded', path: join(dir, 'store.db') });
    try {
      const hs = histories.slice(0, 12);
      await store.upsertItems(
        [...new Set(hs.flatMap((h) => h.events.map((e) => e.itemId!)))].map((id) => ({
          id,
          title: id,
          categories: [`cat:${id.length % 3}`],
          brand: null,
          price: null,
          available: true,
          createdAt: start,
        })),
      );
      await store.ingestEvents(
        hs.flatMap((h) =>
          h.events.map((e, i) => ({
            eventId: `${h.userId}:${i}`,
            userId: h.userId,
            itemId: e.itemId,
            type: e.type,
            ts: e.ts,
            value: e.value,
            dwellMs: null,
            session: null,
            referrer: null,
            query: null,
          })),
        ),
      );
      const modelDir = join(dir, 'duve2');
      await expect(trainDuve2FromStore(store, { modelDir, decay: 'per-type', horizonDays: 30, seed: 1 })).rejects.toThrow(/horizonDays/);
      const out = await trainDuve2FromStore(store, { modelDir, decay: 'per-type', horizonDays: 1, seed: 1, iterations: 20 });
      expect(out.version).toBe(1);
      expect(out.examples).toBeGreaterThan(50);
      expect(out.halfLivesDays['view']).toBeGreaterThan(0);
      const src = await loadDuve2ValueSource(modelDir, { loadModel: loadOnnxModel, store });
      expect(src.id).toBe('v2');
      const at = trainEnd + DAY;
      const h = hs[0]!;
      const got = src.read(h.userId, at)!;
      const want = predictDuve2(src.engine.v2, h.events, at)!;
      expect(Math.abs(got.purchaseProb - want.pPurchase)).toBeLessThan(1e-9);
      expect(src.engine.v2.items.get(h.events[0]!.itemId!)![0]).toBeGreaterThan(0);
      await expect(loadDuve2ValueSource(join(dir, 'none'), { loadModel: loadOnnxModel })).rejects.toThrow(/dir/);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
