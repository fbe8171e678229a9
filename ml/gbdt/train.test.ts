import { ndcgAt } from './lambdarank';
import { syntheticRanking } from './synthetic';
import { trainGbdt } from './train';
import type { GbdtDataset } from './types';

const rank = syntheticRanking({ groups: 150, groupSize: 20, d: 6, missing: 0.05, seed: 21 });
const heldOut = syntheticRanking({ groups: 150, groupSize: 20, d: 6, missing: 0.05, seed: 22 });

function asBinary(ds: GbdtDataset): GbdtDataset {
  return { ...ds, y: Float32Array.from(ds.y, (v) => (v >= 2 ? 1 : 0)), groups: undefined };
}

function utility(ds: GbdtDataset): GbdtDataset {
  const x = ds.x.map((v) => (Number.isNaN(v) ? 0 : v));
  const y = new Float32Array(ds.n);
  for (let i = 0; i < ds.n; i++) y[i] = 2 * x[i * ds.d]! + x[i * ds.d + 1]! * x[i * ds.d + 2]!;
  return { ...ds, x, y, groups: undefined };
}

describe('trainGbdt', () => {
  it.each(['regression', 'binary'] as const)('%s: the training loss never increases', (objective) => {
    const ds = objective === 'binary' ? asBinary(rank) : utility(rank);
    const { history } = trainGbdt(ds, { objective, trees: 40, learningRate: 0.1, earlyStoppingRounds: 0 });
    expect(history).toHaveLength(40);
    for (let i = 1; i < history.length; i++) expect(history[i]!.train).toBeLessThanOrEqual(history[i - 1]!.train + 1e-12);
    expect(history[39]!.train).toBeLessThan(history[0]!.train * 0.7);
  });

  it('is deterministic for a seed, with bagging and feature sampling; another seed differs', () => {
    const params = { trees: 15, baggingFraction: 0.7, featureFraction: 0.5, minDataInLeaf: 5 };
    const a = trainGbdt(rank, params).model.toJSON();
    const b = trainGbdt(rank, params).model.toJSON();
    const c = trainGbdt(rank, { ...params, seed: 7 }).model.toJSON();
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });

  it('the training scores it tracks (binned, with out-of-bag rows) equal predict() on the raw rows', () => {
    const ds = utility(rank);
    const { model, history } = trainGbdt(ds, { objective: 'regression', trees: 12, baggingFraction: 0.6, featureFraction: 0.7, earlyStoppingRounds: 0 });
    expect(model.trees).toHaveLength(12);
    const p = model.predict(ds.x, ds.n);
    let s = 0;
    for (let i = 0; i < ds.n; i++) s += (p[i]! - ds.y[i]!) ** 2;
    expect(Math.sqrt(s / ds.n)).toBeCloseTo(history[11]!.train, 5);
  });

  it('feature fraction limits each tree to its drawn features', () => {
    const { model } = trainGbdt(rank, { trees: 10, featureFraction: 0.34, minDataInLeaf: 5 });
    for (const t of model.trees) expect(new Set(t.splitFeature).size).toBeLessThanOrEqual(2);
  });

  it('lambdarank bagging grows each tree on whole groups', () => {
    // Grouped bagging at 0.5: each tree's root sees a multiple of the group size.
    const { model } = trainGbdt(rank, { trees: 5, baggingFraction: 0.5, minDataInLeaf: 5 });
    for (const t of model.trees) {
      const total = t.leafCount.reduce((s, v) => s + v, 0);
      expect(total).toBe(75 * 20);
    }
  });

  it('learns a ranking: held-out NDCG@10 beats the trivial baselines', () => {
    const { model, bestIteration, history } = trainGbdt(rank, { trees: 80, learningRate: 0.15, minDataInLeaf: 10 }, heldOut);
    const g = heldOut.groups!;
    const learned = ndcgAt(model.predict(heldOut.x, heldOut.n), heldOut.y, g, 10);
    const constant = ndcgAt(new Float32Array(heldOut.n), heldOut.y, g, 10);
    // The strongest single feature alone (x0, NaN as 0).
    const x0 = Float32Array.from({ length: heldOut.n }, (_, i) => heldOut.x[i * heldOut.d]! || 0);
    const single = ndcgAt(x0, heldOut.y, g, 10);
    expect(learned).toBeGreaterThan(constant + 0.3);
    expect(learned).toBeGreaterThan(single + 0.03);
    expect(history[bestIteration - 1]!.valid).toBeCloseTo(learned, 5);
  });

  it('early stopping keeps the best validation round and stops after the patience', () => {
    const { model, bestIteration, history } = trainGbdt(rank, { trees: 300, learningRate: 0.5, numLeaves: 63, minDataInLeaf: 2, earlyStoppingRounds: 10 }, heldOut);
    expect(history.length).toBeLessThan(300);
    expect(history.length).toBe(bestIteration + 10);
    expect(model.trees).toHaveLength(bestIteration);
    const best = Math.max(...history.map((h) => h.valid!));
    expect(history[bestIteration - 1]!.valid).toBe(best);
  });

  it('treats an explicit undefined parameter as the default', () => {
    const a = trainGbdt(rank, { trees: 2, learningRate: undefined });
    const b = trainGbdt(rank, { trees: 2 });
    expect(JSON.stringify(a.model.toJSON())).toBe(JSON.stringify(b.model.toJSON()));
  });

  it('with early stopping off keeps every tree even when validation gets worse', () => {
    const r = trainGbdt(rank, { trees: 40, learningRate: 0.5, numLeaves: 63, minDataInLeaf: 2, earlyStoppingRounds: 0 }, heldOut);
    expect(r.history).toHaveLength(40);
    expect(r.bestIteration).toBe(40);
    expect(r.model.trees).toHaveLength(40);
    expect(Math.max(...r.history.map((h) => h.valid!))).toBeGreaterThan(r.history[39]!.valid!);
  });

  it('calls onIteration once per round with the metrics', () => {
    const seen: Array<[number, number, number | undefined]> = [];
    const { history } = trainGbdt(rank, { trees: 3 }, heldOut, (i, t, v) => seen.push([i, t, v]));
    expect(seen).toEqual(history.map((h, i) => [i, h.train, h.valid]));
  });

  it.each([
    [{ trees: 0 }, 'params.trees'],
    [{ maxBins: 300 }, 'params.maxBins'],
    [{ learningRate: -1 }, 'params.learningRate'],
    [{ objective: 'poisson' as never }, 'params.objective'],
    [{ numLeafs: 4 } as never, 'params.numLeafs'],
  ])('refuses bad params %j', (params, field) => {
    expect(() => trainGbdt(rank, params)).toThrow(RangeError);
    expect(() => trainGbdt(rank, params)).toThrow(field);
  });

  it('refuses malformed datasets, naming the field', () => {
    expect(() => trainGbdt({ ...rank, groups: Uint32Array.from([10]) })).toThrow('train.groups');
    expect(() => trainGbdt({ ...rank, groups: undefined })).toThrow('train.groups');
    expect(() => trainGbdt({ ...rank, y: rank.y.map((v, i) => (i === 4 ? 1.5 : v)) })).toThrow('train.y[4]');
    expect(() => trainGbdt(asBinary(rank), { objective: 'binary' }, { ...asBinary(heldOut), d: 5 })).toThrow('valid.d');
    expect(() => trainGbdt({ ...rank, x: rank.x.subarray(1) })).toThrow('train.x');
  });
});
