/**
 * A freshly trained tiny DUVE on synthetic data with a known decay structure (views drive
 * purchases with a 3-hour half-life, carts with a 10-day one): it recovers the ordering of the
 * half-lives, beats the trivial base-rate forecast and the no-decay ablation on held-out users
 * (scored through the online state), and training is reproducible.
 */
import { auc } from '../../eval/metrics/classification';
import { referenceTimes } from './examples';
import { duveForecast, duveLayout, duveRawFeatures, duveSegment, type DuveModel } from './model';
import { createDuveReading, createDuveState, observeEvent, readDuveState } from './state';
import { logLoss, syntheticDuveHistories } from './synthetic';
import { trainDuve, type DuveTrainOptions } from './train';

const DAY = 24 * 3600 * 1000;
const start = Date.UTC(2020, 0, 1);
const days = 20;
const trainEnd = start + days * DAY;
const beta = [-10, 1.5, 2.5] as const;
const train = syntheticDuveHistories({ users: 150, days, seed: 1, beta });
const test = syntheticDuveHistories({ users: 150, days, seed: 2, beta });
const refs = referenceTimes(start + DAY, trainEnd, DAY / 2, DAY);
const opts: DuveTrainOptions = { refTimes: refs, trainEnd, horizonMs: DAY, iterations: 150, types: ['view', 'add_to_cart', 'purchase'], embedding: { dims: 32 }, seed: 3 };

/** P(purchase) of every held-out (user, reference time) through the online state, and the labels. */
function score(m: DuveModel): { p: number[]; y: number[]; segments: Set<string> } {
  const layout = duveLayout(m);
  const r = createDuveReading(layout);
  const p: number[] = [];
  const y: number[] = [];
  const segments = new Set<string>();
  for (const h of test) {
    const ev = [...h.events].sort((a, b) => a.ts - b.ts);
    const s = createDuveState(layout);
    let i = 0;
    for (const t of refs) {
      while (i < ev.length && ev[i]!.ts < t) observeEvent(layout, s, ev[i++]!);
      if (i === 0) continue;
      readDuveState(layout, s, t, r);
      const f = duveForecast(m, duveRawFeatures(m, r));
      segments.add(duveSegment(m, f, r));
      p.push(f.pPurchase);
      y.push(ev.some((e) => e.type === 'purchase' && e.ts >= t && e.ts < t + DAY) ? 1 : 0);
    }
  }
  return { p, y, segments };
}

describe('DUVE training on synthetic data with a known decay structure', () => {
  const perType = trainDuve(train, opts);
  const none = trainDuve(train, { ...opts, decayMode: 'none' });

  it('recovers the ordering of the half-lives: carts last, views fade', () => {
    const h = perType.stats.halfLivesDays;
    expect(h.add_to_cart! / h.view!).toBeGreaterThan(5);
    expect(h.view!).toBeLessThan(0.5);
    expect(perType.stats.loss.at(-1)!).toBeLessThan(perType.stats.loss[0]!);
  });

  it('beats the base-rate forecast and the no-decay ablation on held-out users', () => {
    const a = score(perType.model);
    const b = score(none.model);
    const base = perType.stats.positiveRate;
    expect(a.y.some((v) => v === 1) && a.y.some((v) => v === 0)).toBe(true);
    expect(logLoss(a.p, a.y)).toBeLessThan(
      0.8 *
        logLoss(
          a.p.map(() => base),
          a.y,
        ),
    );
    expect(auc(a.p, a.y)).toBeGreaterThan(0.8);
    expect(logLoss(a.p, a.y)).toBeLessThan(logLoss(b.p, b.y));
    expect(auc(a.p, a.y)).toBeGreaterThan(auc(b.p, b.y));
    expect(a.segments.size).toBeGreaterThan(1);
  });

  it('is reproducible: same seed, same parameters', () => {
    const again = trainDuve(train, opts);
    expect(Array.from(again.model.weights)).toEqual(Array.from(perType.model.weights));
    expect(Array.from(again.model.theta)).toEqual(Array.from(perType.model.theta));
    const other = trainDuve(train, { ...opts, seed: 4, iterations: 5 });
    expect(Array.from(other.model.weights)).not.toEqual(Array.from(trainDuve(train, { ...opts, iterations: 5 }).model.weights));
  });

  it('refuses label windows that cross the training end, and events after it', () => {
    expect(() => trainDuve(train, { ...opts, refTimes: [trainEnd - DAY / 2] })).toThrow(RangeError);
    expect(() => trainDuve(train, { ...opts, trainEnd: trainEnd - 2 * DAY, refTimes: [start + 2 * DAY] })).toThrow(/not before the training end/);
  });
});
