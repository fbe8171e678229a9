import type { EventType } from '../../domain/events';
import { mulberry32 } from '../../ml/random';
import { cutFeatures, groupByUser, scoreCut } from './value-rolling';
import { originFeatures } from './value-rolling-cdnow';
import { ROLLING_FIXTURE_START as START, generateRollingEvents } from './value-rolling-fixtures';
import { DUVE2_GRID, duve2Classifier, duve2Regressor, gridOf, rollingModels } from './value-rolling-models';
import type { DuveEvent } from '../../ml/duve/state';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

describe('value/rolling models', () => {
  it('gridOf is the cartesian product in key then value order', () => {
    expect(gridOf({ a: [1, 2], b: [3] })).toEqual([
      { a: 1, b: 3 },
      { a: 2, b: 3 },
    ]);
    expect(DUVE2_GRID).toHaveLength(9);
  });

  it('v2 is the candidate and v1 a baseline; with v1 only, v1 is the candidate', () => {
    const both = rollingModels({ v2: true });
    expect(both.taobao.filter((m) => m.info.role === 'candidate').map((m) => m.info.id)).toEqual(['duve2/per-type']);
    expect(both.taobao.map((m) => m.info.id)).toEqual(['duve2/per-type', 'duve/v1-per-type', 'duve/v1-no-decay', 'baseline/rfm', 'clv/bgnbd']);
    expect(both.cdnow.filter((m) => m.info.role === 'candidate').map((m) => m.info.id)).toEqual(['duve2/value']);
    const v1 = rollingModels({ v2: false });
    expect(v1.taobao.filter((m) => m.info.role === 'candidate').map((m) => m.info.id)).toEqual(['duve/v1-per-type']);
    expect(v1.cdnow.filter((m) => m.info.role === 'candidate').map((m) => m.info.id)).toEqual(['duve/v1']);
    expect(rollingModels({ v2: true, v2Grid: [{ iterations: 3 }] }).taobao[0]!.grid).toEqual([{ iterations: 3 }]);
  });

  it('DUVE v2 scores at a cut ignore every event (and category) at or after it', async () => {
    const events = generateRollingEvents(12, 30);
    const cut = START + 4 * DAY;
    const rng = mulberry32(4);
    const rewritten = events.map((e) => (e.ts >= cut ? { ...e, type: (rng() < 0.5 ? 'purchase' : 'wishlist') as EventType, itemId: `z${Math.floor(rng() * 5)}`, categoryId: 'cz' } : e));
    // A late row re-labels an item seen before the cut: its category before the cut must win.
    rewritten.push({ userId: 'u1', type: 'view', itemId: 'i3', ts: cut + 1, value: 0, categoryId: 'c-late' });
    const m = duve2Classifier({ grid: [{ iterations: 5, v1Iterations: 5 }] });
    const ctx = { windowStart: START, horizonMs: 12 * HOUR, seed: 3 };
    const a = await scoreCut(m, cutFeatures(groupByUser(events), cut), ctx, m.grid[0]!);
    const b = await scoreCut(m, cutFeatures(groupByUser(rewritten), cut), ctx, m.grid[0]!);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(a.some((x) => x > 0)).toBe(true);
  });

  it('DUVE v2 holdout spend at an origin ignores purchases at or after it', async () => {
    const W = 7 * DAY;
    const s0 = Date.UTC(1997, 0, 1);
    const rng = mulberry32(2);
    const byCustomer = new Map<string, DuveEvent[]>();
    for (let c = 1; c <= 40; c++) {
      const evs: DuveEvent[] = [];
      for (let d = Math.floor(rng() * 30); d < 200; d += 1 + Math.floor(rng() * 40)) evs.push({ type: 'purchase', itemId: 'cdnow:cds', ts: s0 + d * DAY, value: 5 + Math.round(rng() * 50) });
      byCustomer.set(String(c), evs);
    }
    const origin = s0 + 16 * W;
    const later = new Map([...byCustomer].map(([c, evs]) => [c, evs.map((e) => (e.ts >= origin ? { ...e, value: e.value * 9 } : e))]));
    const m = duve2Regressor({ grid: [{ iterations: 5 }] });
    const a = await m.predictSpend(originFeatures(byCustomer, s0, origin, 8 * W), { seed: 1 }, m.grid[0]!);
    const b = await m.predictSpend(originFeatures(later, s0, origin, 8 * W), { seed: 1 }, m.grid[0]!);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(a.every((x) => Number.isFinite(x) && x >= 0)).toBe(true);
  });
});
