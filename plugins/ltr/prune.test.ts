import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gbdtToOnnx, trainGbdt } from '../../ml/gbdt';
import { mulberry32 } from '../../ml/random';
import { loadOnnxModel } from '../../ml/onnx/session';
import { makeFeatureFixture } from '../sdk/fixtures';
import { LTR_FORMAT, LTR_INPUT, LTR_ONNX, LTR_OUTPUT, type LtrManifest } from './artifact';
import { ltrFeatureNames, ltrFeatures, type LtrInput } from './features';
import { mergePruned, preRankOrder, type LtrPrune } from './prune';
import { createLtrScorer } from './scorer';

describe('second-stage pruning', () => {
  it('pre-ranks best first, NaN last, ties by index', () => {
    expect(Array.from(preRankOrder([0.5, Number.NaN, 2, 0.5, -1]))).toEqual([2, 0, 3, 4, 1]);
    expect(Array.from(preRankOrder([]))).toEqual([]);
  });

  it('keeps the scored rows and puts every other candidate below them, in pre-rank order', () => {
    const order = Uint32Array.from([3, 0, 4, 1, 2]);
    const rows = order.subarray(0, 2);
    const out = mergePruned(5, order, rows, [-0.5, 0.25]);
    expect(out[3]).toBe(-0.5);
    expect(out[0]).toBe(0.25);
    expect(out[4]!).toBeLessThan(-0.5);
    expect(out[1]!).toBeLessThan(out[4]!);
    expect(out[2]!).toBeLessThan(out[1]!);
  });
});

describe('ltr/lambdamart with a pruning manifest', () => {
  const scorerIds = ['fixture/a', 'fixture/b'];
  const names = ltrFeatureNames(scorerIds);
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recgate-ltr-prune-'));
    // A small real model over the featuriser's columns: relevance follows the first score column and a noise column.
    const rnd = mulberry32(5);
    const n = 600;
    const d = names.length;
    const x = new Float32Array(n * d).map(() => rnd());
    const y = Float32Array.from({ length: n }, (_, i) => (x[i * d]! + 0.3 * x[i * d + 7]! > 0.9 ? 2 : x[i * d]! > 0.6 ? 1 : 0));
    const model = trainGbdt({ n, d, x, y, groups: Uint32Array.from({ length: 20 }, () => 30), featureNames: names }, { objective: 'lambdarank', trees: 15, numLeaves: 7, minDataInLeaf: 5 }).model;
    await writeFile(join(dir, LTR_ONNX), gbdtToOnnx(model, { inputName: LTR_INPUT, outputName: LTR_OUTPUT }));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  const manifest = (prune: LtrPrune | null): LtrManifest => ({
    format: LTR_FORMAT,
    formatVersion: 1,
    model: 'ltr/lambdamart',
    version: 1,
    createdAt: new Date(0).toISOString(),
    createdBy: 'test',
    scorerIds,
    featureNames: names,
    halfLifeMs: 72 * 3600 * 1000,
    grades: { purchase: 3 },
    onnx: { file: LTR_ONNX, input: LTR_INPUT, output: LTR_OUTPUT },
    prune,
    importance: [],
    training: {},
  });
  const scorerFor = async (prune: LtrPrune | null) => {
    const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
    return createLtrScorer({ dir, manifest: manifest(prune) }).setup({ logger, loadModel: loadOnnxModel, settings: {} });
  };

  it('scores only the top candidates by the named first-stage score, each exactly as without pruning, and ranks the rest below', async () => {
    const f = makeFeatureFixture({ n: 40, seed: 9 });
    const features = f.features as unknown as LtrInput;
    const req = { userId: f.userId, itemIds: f.itemIds, features, now: f.now, signal: new AbortController().signal };
    const full = await (await scorerFor(null)).score(req);
    const pruned = await (await scorerFor({ scorerId: 'fixture/a', top: 12 })).score(req);
    const col = features['scores.firstStage'].columns[features['scores.firstStage'].scorerIds.indexOf('fixture/a')]!;
    const order = preRankOrder(col);
    const top = new Set(order.subarray(0, 12));
    let lowestTop = Infinity;
    for (const i of top) {
      expect(pruned[i]).toBeCloseTo(full[i]!, 6);
      lowestTop = Math.min(lowestTop, pruned[i]!);
    }
    for (let p = 12; p < 40; p++) {
      expect(pruned[order[p]!]!).toBeLessThan(lowestTop);
      if (p > 12) expect(pruned[order[p]!]!).toBeLessThan(pruned[order[p - 1]!]!);
    }
    // The featuriser's rows for the top candidates are the full matrix's rows.
    const rows = order.subarray(0, 12);
    const d = names.length;
    const some = ltrFeatures(features, f.itemIds, f.now, { scorerIds }, rows);
    const all = ltrFeatures(features, f.itemIds, f.now, { scorerIds });
    rows.forEach((i, j) => expect(Array.from(some.subarray(j * d, (j + 1) * d))).toEqual(Array.from(all.subarray(i * d, (i + 1) * d))));
  });

  it('scores every candidate when the pre-ranking scorer did not answer, or the list is short', async () => {
    const f = makeFeatureFixture({ n: 40, seed: 9 });
    const features = f.features as unknown as LtrInput;
    const first = features['scores.firstStage'];
    const withoutA: LtrInput = { ...features, 'scores.firstStage': { ...first, columns: first.columns.map((c, k) => (first.scorerIds[k] === 'fixture/a' ? null : c)) } };
    const req = { userId: f.userId, itemIds: f.itemIds, now: f.now, signal: new AbortController().signal };
    const full = await (await scorerFor(null)).score({ ...req, features: withoutA });
    const pruned = await (await scorerFor({ scorerId: 'fixture/a', top: 12 })).score({ ...req, features: withoutA });
    expect(Array.from(pruned)).toEqual(Array.from(full));
    const wide = await (await scorerFor({ scorerId: 'fixture/a', top: 40 })).score({ ...req, features });
    expect(Array.from(wide)).toEqual(Array.from(await (await scorerFor(null)).score({ ...req, features })));
  });
});
