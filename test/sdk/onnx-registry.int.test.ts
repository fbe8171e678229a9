import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../errors/codes';
import { encodeOnnxModel, linearModelSpec } from '../../ml/onnx/export';
import { loadOnnxModel } from '../../ml/onnx/session';
import { defineScorer, scoresOf, type ScorerPlugin } from '../../plugins/sdk/contract';
import { createScorerRegistry } from '../../plugins/sdk/registry';
import { createStatsOnnxScorer, STATS_COLUMNS, writeLogisticModel } from '../support/onnx-scorer';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe('registry: ONNX model declarations (real onnxruntime-node session)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onnx-reg-'));
  const file = join(dir, 'ctr.onnx');
  writeFileSync(file, encodeOnnxModel(linearModelSpec({ inputs: [{ name: 'item_features', width: 2 }], weights: new Float32Array([1, -1]), bias: 0, sigmoid: true })));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const onnxPlugin = (inputs: string[]): ScorerPlugin =>
    defineScorer({
      id: 'test/onnx-ctr',
      version: '1.0.0',
      features: ['item.stats'] as const,
      model: { uri: file, inputs },
      async setup(ctx) {
        const model = await ctx.loadModel(file);
        return {
          async score({ itemIds, features }) {
            const x = new Float32Array(itemIds.length * 2);
            features['item.stats'].forEach((s, i) => {
              x[2 * i] = Math.log1p(s?.totals[3] ?? 0);
              x[2 * i + 1] = Math.log1p(s?.totals[0] ?? 0);
            });
            const out = await model.run({ item_features: { data: x, dims: [itemIds.length, 2] } });
            return out.score!.data;
          },
          close: () => model.close(),
        };
      },
    }) as ScorerPlugin;

  it('accepts a plugin whose declared inputs match the model, and serves it', async () => {
    const reg = await createScorerRegistry([onnxPlugin(['item_features'])], { logger: silent, loadModel: loadOnnxModel });
    const r = reg.get('test/onnx-ctr')!;
    const scores = scoresOf(await r.scorer.score({ userId: 'u', itemIds: ['a'], features: { 'item.stats': [null] } as never, now: 0, signal: new AbortController().signal }));
    expect(scores[0]).toBeCloseTo(0.5, 6);
    await reg.close();
  });

  it('fails registration with MODEL_INPUT_MISMATCH naming both sides', async () => {
    const err = await createScorerRegistry([onnxPlugin(['user_features', 'item_features'])], { logger: silent, loadModel: loadOnnxModel }).catch((e) => e);
    expect(err.code).toBe(ErrorCode.MODEL_INPUT_MISMATCH);
    expect(err.details).toMatchObject({ declared: ['item_features', 'user_features'], actual: ['item_features'] });
  });

  it('fails registration with INVALID_PLUGIN when the model file is missing', async () => {
    const p = { ...onnxPlugin(['x']), model: { uri: join(dir, 'missing.onnx'), inputs: ['x'] } };
    const err = await createScorerRegistry([p], { logger: silent, loadModel: loadOnnxModel }).catch((e) => e);
    expect(err.code).toBe(ErrorCode.INVALID_PLUGIN);
  });

  describe('shapes against the declared feature-vector layout', () => {
    writeLogisticModel(dir, 'five.onnx', 5);
    writeLogisticModel(dir, 'six.onnx', 6);
    // The same 5-wide model with its width left symbolic in the file: only a probe can tell.
    const spec = linearModelSpec({ inputs: [{ name: 'item_features', width: 5 }], weights: new Float32Array(5), bias: 0 });
    writeFileSync(join(dir, 'open.onnx'), encodeOnnxModel({ ...spec, inputs: [{ name: 'item_features', dims: ['N', 'W'] }] }));

    it('refuses a 5-wide model against a 6-column featuriser, naming scorer, input, expected and actual shape', async () => {
      const err = await createScorerRegistry([createStatsOnnxScorer({ uri: 'five.onnx' })], { logger: silent, loadModel: loadOnnxModel, modelsDir: dir }).catch((e) => e);
      expect(err.code).toBe(ErrorCode.MODEL_SHAPE_MISMATCH);
      expect(err.message).toMatch(/scorer acme\/stats-logit: model input "item_features" has shape \[N, 5\], 5 wide; the declared layout needs float32 \[N, 6\]/);
      expect(err.details).toEqual({ scorerId: 'acme/stats-logit', input: 'item_features', expected: { dtype: 'float32', shape: ['N', 6] }, actual: { dtype: 'float32', shape: ['N', 5] } });
    });

    it('accepts the 6-wide model and serves it', async () => {
      const reg = await createScorerRegistry([createStatsOnnxScorer({ uri: 'six.onnx' })], { logger: silent, loadModel: loadOnnxModel, modelsDir: dir });
      const scores = scoresOf(
        await reg.get('acme/stats-logit')!.scorer.score({ userId: 'u', itemIds: ['a'], features: { 'item.stats': [null] } as never, now: 0, signal: new AbortController().signal }),
      );
      expect(scores[0]).toBeCloseTo(1 / (1 + Math.E), 6);
      await reg.close();
    });

    it('refuses a model whose width is symbolic by a failed probe batch, and accepts the matching layout', async () => {
      const err = await createScorerRegistry([createStatsOnnxScorer({ uri: 'open.onnx' })], { logger: silent, loadModel: loadOnnxModel, modelsDir: dir }).catch((e) => e);
      expect(err.code).toBe(ErrorCode.MODEL_SHAPE_MISMATCH);
      expect(err.message).toMatch(/refused a probe batch/);
      expect(err.details.actual).toEqual({ dtype: 'float32', shape: ['N', 'W'] });
      const reg = await createScorerRegistry([createStatsOnnxScorer({ uri: 'open.onnx', columns: STATS_COLUMNS.slice(0, 5) })], { logger: silent, loadModel: loadOnnxModel, modelsDir: dir });
      expect(reg.list()).toHaveLength(1);
      await reg.close();
    });
  });
});
