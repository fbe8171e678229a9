/**
 * DUVE v2 training pieces: the windows training builds (problemWindow) are the windows serving
 * builds (createDuve2Runner().fillWindow) for the same events and time, extras included; the
 * window extras on a known case; training lowers the objective and is deterministic.
 */
import { referenceTimes } from '../duve/examples';
import { syntheticDuveHistories } from '../duve/synthetic';
import { createDuve2Window, windowExtras } from './model';
import { coInteractionNeighbours, itemEntry } from './neighbours';
import { buildDuve2Problem, createDuve2Runner, predictDuve2, problemWindow, trainDuve2 } from './train';

const DAY = 24 * 3600 * 1000;
const start = Date.UTC(2020, 0, 1);
const histories = syntheticDuveHistories({ users: 15, days: 8, seed: 3, items: 12 });
const trainEnd = start + 8 * DAY;
const refTimes = referenceTimes(start, trainEnd, DAY / 2, DAY);
const dims = { window: 6, neighbours: 2, categoryBuckets: 5, itemBuckets: 16, categoryDims: 2, itemDims: 3, stateDims: 3 };

describe('DUVE v2 training', () => {
  it('window extras: same-item counts and bought-later flags', () => {
    const win = createDuve2Window({ window: 5, neighbours: 1 });
    win.n = 5;
    const items = ['a', 'b', 'a', null, 'a'];
    const buys = [false, false, true, false, false];
    windowExtras(
      win,
      (i) => items[i]!,
      (i) => buys[i]!,
    );
    expect(Array.from(win.extra.subarray(0, 10))).toEqual([Math.log1p(3), 1, Math.log1p(1), 0, Math.log1p(3), 0, 0, 0, Math.log1p(3), 0]);
  });

  it('training windows equal serving windows', () => {
    const { model } = trainDuve2(histories, { refTimes, trainEnd, horizonMs: DAY, iterations: 3, v1Iterations: 3, dims });
    const nb = coInteractionNeighbours(histories, { neighbours: dims.neighbours });
    const items = new Map([...nb].map(([id, list]) => [id, itemEntry(id, null, list, model.dims, model.hashSeed)] as const));
    const p = buildDuve2Problem(histories, model.v1, {
      refTimes,
      horizonMs: DAY,
      trainEnd,
      dims: model.dims,
      decayMode: model.decayMode,
      bounds: [1 / 24, 365],
      items,
      hashSeed: model.hashSeed,
      l2: 0,
      headWeights: [1, 1],
    });
    const runner = createDuve2Runner({ ...model, items });
    // Examples are per user (histories with events, in order), t ascending.
    let i = 0;
    let extrasSeen = 0;
    for (const h of histories) {
      const sorted = [...h.events].sort((a, b) => a.ts - b.ts);
      for (const t of refTimes) {
        const before = sorted.filter((e) => e.ts < t);
        if (before.length === 0) continue;
        const a = problemWindow(p, i, createDuve2Window(model.dims));
        const b = runner.fillWindow(before, before.length, t, createDuve2Window(model.dims));
        expect(a.n).toBe(b.n);
        expect(Array.from(a.type.subarray(0, a.n))).toEqual(Array.from(b.type.subarray(0, b.n)));
        expect(Array.from(a.category.subarray(0, a.n))).toEqual(Array.from(b.category.subarray(0, b.n)));
        expect(Array.from(a.neighbours.subarray(0, a.n * 3))).toEqual(Array.from(b.neighbours.subarray(0, b.n * 3)));
        expect(Array.from(a.extra.subarray(0, a.n * 2))).toEqual(Array.from(b.extra.subarray(0, b.n * 2)));
        for (let w = 0; w < a.n; w++) expect(Math.abs(a.ageDays[w]! - b.ageDays[w]!)).toBeLessThan(1e-9);
        for (let w = 0; w < a.n; w++) if (a.extra[w * 2]! > Math.log1p(1)) extrasSeen++;
        i++;
      }
    }
    expect(i).toBe(p.n);
    expect(extrasSeen).toBeGreaterThan(0);
  });

  it('lowers the objective, is deterministic, and predicts null without history', () => {
    const a = trainDuve2(histories, { refTimes, trainEnd, horizonMs: DAY, iterations: 60, v1Iterations: 20, dims, seed: 4 });
    const b = trainDuve2(histories, { refTimes, trainEnd, horizonMs: DAY, iterations: 60, v1Iterations: 20, dims, seed: 4 });
    expect(a.stats.loss[1]!).toBeLessThan(a.stats.loss[0]!);
    expect(Array.from(a.model.params)).toEqual(Array.from(b.model.params));
    expect(predictDuve2(a.model, histories[0]!.events, start)).toBeNull();
    const p = predictDuve2(a.model, histories[0]!.events, trainEnd)!;
    expect(p.pPurchase).toBeGreaterThan(0);
    expect(p.pPurchase).toBeLessThan(1);
    expect(p.state).toHaveLength(dims.stateDims);
  });
});
