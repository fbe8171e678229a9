import { mulberry32 } from '../../ml/random';
import { auc } from '../metrics/classification';
import { mae, meanError, rmse, spearman, topShareCapture } from '../metrics/regression';
import {
  drawUnitWeights,
  meanOfMetrics,
  pairedBootstrap,
  percentile,
  prepareWeightedAuc,
  prepareWeightedMae,
  prepareWeightedMeanError,
  prepareWeightedRmse,
  prepareWeightedSpearman,
  prepareWeightedTopShare,
} from './value-rolling-stats';

/** Row i repeated w[i] times. */
function materialise(xs: ArrayLike<number>, w: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < xs.length; i++) for (let k = 0; k < w[i]!; k++) out.push(xs[i]!);
  return out;
}

describe('weighted metrics equal the metric of the materialised multiset', () => {
  const rng = mulberry32(7);
  const n = 60;
  // Rounded scores make ties, which the rank-based metrics must handle.
  const pred = Float64Array.from({ length: n }, () => Math.round(rng() * 8) / 2);
  const actual = Float64Array.from({ length: n }, (_v, i) => (i % 3 === 0 ? 0 : Math.round(pred[i]! * 3 + rng() * 10)));
  const labels = Float64Array.from(actual, (a) => (a > 8 ? 1 : 0));
  const weights = [
    Float64Array.from({ length: n }, () => 1),
    Float64Array.from({ length: n }, () => Math.floor(rng() * 3)),
    Float64Array.from({ length: n }, (_v, i) => (i < 20 ? 2 : i < 40 ? 0 : 1)),
  ];

  it.each(weights.map((w, k) => [k, w] as const))('weights set %i', (_k, w) => {
    const p = materialise(pred, w);
    const a = materialise(actual, w);
    const l = materialise(labels, w);
    expect(prepareWeightedAuc(pred, labels)(w)).toBeCloseTo(auc(p, l), 12);
    expect(prepareWeightedMae(pred, actual)(w)).toBeCloseTo(mae(p, a), 12);
    expect(prepareWeightedRmse(pred, actual)(w)).toBeCloseTo(rmse(p, a), 10);
    expect(prepareWeightedMeanError(pred, actual)(w)).toBeCloseTo(meanError(p, a), 10);
    expect(prepareWeightedSpearman(pred, actual)(w)).toBeCloseTo(spearman(p, a), 12);
    expect(prepareWeightedTopShare(pred, actual, 0.1)(w)).toBeCloseTo(topShareCapture(p, a, 0.1), 12);
    expect(prepareWeightedTopShare(pred, actual, 0.25)(w)).toBeCloseTo(topShareCapture(p, a, 0.25), 12);
  });

  it('restricts to a row subset', () => {
    const rows = [1, 4, 5, 9, 12, 30, 31, 33, 50, 59];
    const w = Float64Array.from({ length: n }, (_v, i) => 1 + (i % 2));
    const p = materialise(
      rows.map((i) => pred[i]!),
      rows.map((i) => w[i]!),
    );
    const a = materialise(
      rows.map((i) => actual[i]!),
      rows.map((i) => w[i]!),
    );
    expect(prepareWeightedSpearman(pred, actual, rows)(w)).toBeCloseTo(spearman(p, a), 12);
    expect(prepareWeightedTopShare(pred, actual, 0.1, rows)(w)).toBeCloseTo(topShareCapture(p, a, 0.1), 12);
    expect(prepareWeightedMae(pred, actual, rows)(w)).toBeCloseTo(mae(p, a), 12);
  });

  it('known values: AUC with a tie, and NaN without a class', () => {
    // positives 0.8 and 0.5; negatives 0.5 and 0.1 -> pairs: (0.8>0.5) 1, (0.8>0.1) 1, (0.5=0.5) ½, (0.5>0.1) 1 -> 3.5/4
    const f = prepareWeightedAuc([0.8, 0.5, 0.5, 0.1], [1, 1, 0, 0]);
    expect(f(Float64Array.of(1, 1, 1, 1))).toBeCloseTo(0.875, 12);
    // doubling the tied negative: pairs vs it count twice -> (1+1+½·... ) = (0.8: 2+1) + (0.5: 2·½ + 1) = 3 + 2 = 5 of 6
    expect(f(Float64Array.of(1, 1, 2, 1))).toBeCloseTo(5 / 6, 12);
    expect(f(Float64Array.of(1, 1, 0, 0))).toBeNaN();
  });

  it('meanOfMetrics leaves undefined parts out', () => {
    const f = meanOfMetrics([() => 0.5, () => Number.NaN, () => 0.7]);
    expect(f(new Float64Array(0))).toBeCloseTo(0.6, 12);
    expect(meanOfMetrics([() => Number.NaN])(new Float64Array(0))).toBeNaN();
  });
});

describe('pairedBootstrap', () => {
  it('draws n units per resample from the mulberry32 stream', () => {
    const s = Uint32Array.of(3);
    const w = new Float64Array(10);
    drawUnitWeights(10, s, w);
    expect(w.reduce((a, b) => a + b, 0)).toBe(10);
    const rng = mulberry32(3);
    const expected = new Float64Array(10);
    for (let k = 0; k < 10; k++) expected[Math.floor(rng() * 10)]! += 1;
    expect(Array.from(w)).toEqual(Array.from(expected));
  });

  it('pairs users across models: a model identical to the candidate has a zero-width difference, while its own interval is wide', () => {
    const rng = mulberry32(11);
    const users = 80;
    const rowUnit: number[] = [];
    const labels: number[] = [];
    const cand: number[] = [];
    const noise: number[] = [];
    for (let u = 0; u < users; u++) {
      for (let c = 0; c < 4; c++) {
        rowUnit.push(u);
        const y = rng() < 0.3 ? 1 : 0;
        labels.push(y);
        cand.push(y + rng() * 1.5);
        noise.push(rng());
      }
    }
    const scores = [cand, [...cand], noise];
    const r = pairedBootstrap({
      units: users,
      rowUnit,
      models: ['cand', 'copy', 'noise'],
      candidate: 'cand',
      metric: 'auc',
      evaluate: (k) => prepareWeightedAuc(scores[k]!, labels),
      resamples: 300,
      seed: 5,
    });
    const copy = r.differences.find((d) => d.model === 'copy')!;
    expect(copy.estimate).toBe(0);
    expect(copy.ci.lower).toBe(0);
    expect(copy.ci.upper).toBe(0);
    expect(copy.candidateBetter).toBe(0.5);
    const cm = r.models.find((m) => m.model === 'cand')!;
    expect(cm.ci.upper - cm.ci.lower).toBeGreaterThan(0.02);
    const nz = r.differences.find((d) => d.model === 'noise')!;
    expect(nz.separated).toBe(true);
    expect(nz.ci.lower).toBeGreaterThan(0);
    expect(nz.candidateBetter).toBe(1);
    // Same seed, same answer.
    const again = pairedBootstrap({
      units: users,
      rowUnit,
      models: ['cand', 'copy', 'noise'],
      candidate: 'cand',
      metric: 'auc',
      evaluate: (k) => prepareWeightedAuc(scores[k]!, labels),
      resamples: 300,
      seed: 5,
    });
    expect(again).toEqual(r);
  });

  it('uses the same row weights for every model in a replicate', () => {
    const seen: Float64Array[][] = [[], []];
    pairedBootstrap({
      units: 5,
      rowUnit: [0, 0, 1, 2, 3, 4, 4],
      models: ['a', 'b'],
      candidate: 'a',
      metric: 'mae',
      evaluate: (k) => (w) => {
        seen[k]!.push(Float64Array.from(w));
        return 0;
      },
      resamples: 20,
      seed: 1,
    });
    expect(seen[0]!.length).toBe(21);
    expect(seen[0]).toEqual(seen[1]);
    // Rows of one unit share its weight.
    for (const w of seen[0]!) {
      expect(w[0]).toBe(w[1]);
      expect(w[5]).toBe(w[6]);
    }
  });

  it('lower-is-better metrics: a candidate with smaller errors is better in every resample', () => {
    const actual = Array.from({ length: 40 }, (_v, i) => i % 7);
    const good = actual.map((a) => a + 0.1);
    const bad = actual.map((a, i) => a + (i % 2 === 0 ? 3 : -3));
    const preds = [good, bad];
    const r = pairedBootstrap({
      units: 40,
      rowUnit: actual.map((_a, i) => i),
      models: ['good', 'bad'],
      candidate: 'good',
      metric: 'mae',
      evaluate: (k) => prepareWeightedMae(preds[k]!, actual),
      resamples: 100,
      seed: 2,
    });
    expect(r.differences[0]!.estimate).toBeCloseTo(0.1 - 3, 12);
    expect(r.differences[0]!.candidateBetter).toBe(1);
    expect(r.differences[0]!.ci.upper).toBeLessThan(0);
  });

  it('bias: the candidate is better when its bias is closer to 0, whatever the sign of the difference', () => {
    const actual = Array.from({ length: 30 }, (_v, i) => i % 5);
    const preds = [actual.map((a) => a - 0.5), actual.map((a) => a + 2)];
    const r = pairedBootstrap({
      units: 30,
      rowUnit: actual.map((_a, i) => i),
      models: ['small', 'big'],
      candidate: 'small',
      metric: 'bias',
      evaluate: (k) => prepareWeightedMeanError(preds[k]!, actual),
      resamples: 50,
      seed: 3,
    });
    expect(r.differences[0]!.estimate).toBeCloseTo(-2.5, 12);
    expect(r.differences[0]!.candidateBetter).toBe(1);
    const flipped = pairedBootstrap({
      units: 30,
      rowUnit: actual.map((_a, i) => i),
      models: ['big', 'small'],
      candidate: 'big',
      metric: 'bias',
      evaluate: (k) => prepareWeightedMeanError(preds[1 - k]!, actual),
      resamples: 50,
      seed: 3,
    });
    expect(flipped.differences[0]!.candidateBetter).toBe(0);
  });

  it('rejects a missing candidate and out-of-range units', () => {
    const ev = () => () => 0;
    expect(() => pairedBootstrap({ units: 2, rowUnit: [0, 1], models: ['a'], candidate: 'x', metric: 'auc', evaluate: ev, resamples: 1, seed: 1 })).toThrow(/candidate/);
    expect(() => pairedBootstrap({ units: 2, rowUnit: [0, 2], models: ['a'], candidate: 'a', metric: 'auc', evaluate: ev, resamples: 1, seed: 1 })).toThrow(/unit/);
  });

  it('percentile interpolates (type 7)', () => {
    expect(percentile([1, 2, 3, 4], 0.5)).toBeCloseTo(2.5, 12);
    expect(percentile([1, 2, 3, 4], 0.025)).toBeCloseTo(1.075, 12);
  });
});
