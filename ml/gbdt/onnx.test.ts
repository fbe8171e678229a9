import * as ort from 'onnxruntime-node';
import { mulberry32 } from '../random';
import { gbdtToOnnx } from './onnx';
import { syntheticRanking } from './synthetic';
import { trainGbdt } from './train';
import type { GbdtModel } from './types';

/** Run the exported model in onnxruntime (from bytes: no file I/O). */
async function runOnnx(model: GbdtModel, x: Float32Array, n: number, inputName = 'features', outputName = 'score'): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(gbdtToOnnx(model, { inputName, outputName }), { intraOpNumThreads: 1 });
  try {
    const out = await session.run({ [inputName]: new ort.Tensor('float32', x, [n, model.featureNames.length]) });
    const t = out[outputName]!;
    return { data: t.data as Float32Array, dims: t.dims };
  } finally {
    await session.release();
  }
}

/** Random rows with NaN, ±0, and values equal to the model's thresholds (the x ≤ t boundary). */
function probeRows(model: GbdtModel, n: number, seed: number): Float32Array {
  const d = model.featureNames.length;
  const rnd = mulberry32(seed);
  const thresholds = model.trees.flatMap((t) => Array.from(t.threshold).map((v, i) => ({ f: t.splitFeature[i]!, v })));
  const x = new Float32Array(n * d);
  for (let i = 0; i < x.length; i++) {
    const u = rnd();
    if (u < 0.15) x[i] = Number.NaN;
    else if (u < 0.35 && thresholds.length > 0) {
      const t = thresholds[Math.floor(rnd() * thresholds.length)]!;
      x[Math.floor(i / d) * d + t.f] = t.v;
    } else x[i] = rnd() * 2.4 - 1.2;
  }
  return x;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('ONNX export (TreeEnsembleRegressor) agrees with predict()', () => {
  const train = syntheticRanking({ groups: 60, groupSize: 20, d: 6, missing: 0.2, seed: 3 });

  it('lambdarank model with missing values, on random rows, NaN and threshold values', async () => {
    const { model } = trainGbdt(train, { trees: 40, minDataInLeaf: 5, learningRate: 0.2 });
    expect(model.trees.length).toBe(40);
    expect(model.trees.some((t) => t.defaultLeft.some((v) => v === 1))).toBe(true);
    expect(model.trees.some((t) => t.defaultLeft.some((v) => v === 0))).toBe(true);
    const n = 2000;
    const x = probeRows(model, n, 11);
    const got = await runOnnx(model, x, n);
    expect(got.dims).toEqual([n, 1]);
    const want = model.predict(x, n);
    expect(maxAbsDiff(got.data, want)).toBeLessThan(1e-5);
    // The scores are not all the same (the check above could not pass by accident).
    expect(new Set(Array.from(want)).size).toBeGreaterThan(100);
  });

  it('binary model: base score and custom tensor names', async () => {
    const y = Float32Array.from(train.y, (v) => (v >= 2 ? 1 : 0));
    const { model } = trainGbdt({ ...train, y, groups: undefined }, { objective: 'binary', trees: 25, minDataInLeaf: 5 });
    expect(model.baseScore).not.toBe(0);
    const x = probeRows(model, 500, 12);
    const got = await runOnnx(model, x, 500, 'x', 'logit');
    expect(maxAbsDiff(got.data, model.predict(x, 500))).toBeLessThan(1e-5);
  });

  it('a model without trees predicts its base score', async () => {
    const { model } = trainGbdt(train, { objective: 'regression', minDataInLeaf: 100000 });
    expect(model.trees).toHaveLength(0);
    const got = await runOnnx(model, new Float32Array(12), 2);
    expect(Array.from(got.data)).toEqual([Math.fround(model.baseScore), Math.fround(model.baseScore)]);
  });
});
