import { trainGbdt } from './train';
import type { GbdtDataset } from './types';

const stumpParams = { objective: 'regression', trees: 1, learningRate: 1, numLeaves: 2, minDataInLeaf: 1, lambdaL2: 1, earlyStoppingRounds: 0 } as const;

function dataset(x: number[], y: number[]): GbdtDataset {
  return { x: Float32Array.from(x), n: x.length, d: 1, y: Float32Array.from(y), featureNames: ['x'] };
}

describe('a single stump worked by hand', () => {
  // y = [1,2,3,10,11,12], base = mean 6.5, g = base − y = [5.5,4.5,3.5,−3.5,−4.5,−5.5], h = 1.
  // Split x ≤ 6.5: G_L = 13.5, G_R = −13.5, H = 3 each; gain = 2·13.5²/(3+1) − 0²/(6+1) = 91.125.
  // Leaves −G/(H+λ): −13.5/4 = −3.375 and +3.375. The next best split ({1,2} | rest) gains only 53.33.
  const ds = dataset([1, 2, 3, 4, 5, 6], [1, 2, 3, 10, 11, 12]);
  const { model } = trainGbdt(ds, stumpParams);

  it('has the expected base score, split, leaf values and gain', () => {
    expect(model.baseScore).toBe(6.5);
    expect(model.trees).toHaveLength(1);
    const t = model.trees[0]!;
    expect(Array.from(t.splitFeature)).toEqual([0]);
    expect(t.threshold[0]).toBe(3.5);
    expect(Array.from(t.leafValue)).toEqual([-3.375, 3.375]);
    expect(Array.from(t.leafCount)).toEqual([3, 3]);
    expect(t.splitGain[0]).toBeCloseTo(91.125, 10);
    expect(model.featureImportance()).toEqual([{ feature: 'x', gain: t.splitGain[0], splits: 1 }]);
  });

  it('predicts base + leaf, with x ≤ threshold going left', () => {
    const p = model.predict(Float32Array.from([1, 3, 3.5, 3.5000002, 4, 100]), 6);
    expect(Array.from(p)).toEqual([3.125, 3.125, 3.125, 9.875, 9.875, 9.875]);
  });

  it('sends missing values where they lower the loss most, and predict() follows', () => {
    // The NaN row has a low target, so it joins the low side: missing goes left.
    const withNaN = dataset([1, 2, 3, 4, 5, Number.NaN], [1, 2, 10, 11, 12, 1]);
    const t = trainGbdt(withNaN, stumpParams).model.trees[0]!;
    expect(t.threshold[0]).toBe(2.5);
    expect(t.defaultLeft[0]).toBe(1);
    const base = 37 / 6;
    const gl = 3 * base - (1 + 2 + 1);
    expect(t.leafValue[0]).toBeCloseTo(-gl / 4, 5);
    expect(t.leafValue[1]).toBeCloseTo(gl / 4, 5);
    expect(Array.from(t.leafCount)).toEqual([3, 3]);
    const m = trainGbdt(withNaN, stumpParams).model;
    const p = m.predict(Float32Array.from([Number.NaN, 1, 5]), 3);
    expect(p[0]).toBe(p[1]);
    expect(p[0]).not.toBe(p[2]);
    // High-target NaN rows go right instead.
    const high = trainGbdt(dataset([1, 2, 3, 4, 5, Number.NaN], [1, 2, 10, 11, 12, 13]), stumpParams).model.trees[0]!;
    expect(high.defaultLeft[0]).toBe(0);
  });

  it('splits missing against present values when that is the best split', () => {
    const t = trainGbdt(dataset([1, 2, 3, Number.NaN, Number.NaN, Number.NaN], [0, 0, 0, 5, 5, 5]), stumpParams).model.trees[0]!;
    expect(t.defaultLeft[0]).toBe(0);
    expect(t.threshold[0]).toBe(3.4028234663852886e38);
    expect(Array.from(t.leafCount)).toEqual([3, 3]);
  });

  it('respects minDataInLeaf and stops when no split is allowed', () => {
    const r = trainGbdt(ds, { ...stumpParams, minDataInLeaf: 4 });
    expect(r.model.trees).toHaveLength(0);
    expect(r.model.predict(Float32Array.from([1]), 1)[0]).toBe(6.5);
    // 8 rows y = x: with minDataInLeaf 3 the only allowed splits leave 3..5 rows per side.
    const x = [1, 2, 3, 4, 5, 6, 7, 8];
    const t = trainGbdt(dataset(x, x), { ...stumpParams, numLeaves: 8, minDataInLeaf: 3, lambdaL2: 0 }).model.trees[0]!;
    expect(Array.from(t.leafCount)).toEqual([4, 4]);
    const loose = trainGbdt(dataset(x, x), { ...stumpParams, numLeaves: 8, minDataInLeaf: 1, lambdaL2: 0 }).model.trees[0]!;
    expect(loose.leafValue.length).toBe(8);
  });

  it('respects maxDepth', () => {
    const x = Array.from({ length: 64 }, (_, i) => i);
    const y = x.map((v) => Math.sin(v));
    const t = trainGbdt(dataset(x, y), { ...stumpParams, numLeaves: 31, maxDepth: 2 }).model.trees[0]!;
    expect(t.leafValue.length).toBe(4);
  });
});
