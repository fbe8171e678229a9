import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../errors/codes';
import { encodeOnnxModel, linearModelSpec } from '../../ml/onnx/export';
import { loadOnnxModel } from '../../ml/onnx/session';
import { defineScorer, type ScorerPlugin } from '../../plugins/sdk/contract';
import { createScorerRegistry } from '../../plugins/sdk/registry';

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
    const scores = await r.scorer.score({ userId: 'u', itemIds: ['a'], features: { 'item.stats': [null] } as never, now: 0, signal: new AbortController().signal });
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
});
