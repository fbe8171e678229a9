import { encodeOnnxModel, linearModelSpec } from '../ml/onnx/export';
import { loadOnnxModelBytes } from '../ml/onnx/session';
import { columnLayout } from '../plugins/sdk/columns';
import { describeScorerConformance } from '../plugins/sdk/conformance';
import { makeFeatureFixture } from '../plugins/sdk/fixtures';
import type { ModelSession } from '../plugins/sdk/model';
import { parseManifest } from './manifest';
import { createPublishedScorer } from './onnx-scorer';

const manifest = parseManifest({
  id: 'acme/published',
  version: '1.1.0',
  features: ['item.stats', 'pair.coInteraction', 'user.value'],
  inputs: [
    { name: 'item', columns: ['log1p(item.stats.purchase)', 'log1p(item.stats.view.decayed)', 'item.stats.ageDays'] },
    { name: 'pair', columns: ['pair.co.sum', 'user.value.purchaseProbability'] },
  ],
  output: { name: 'score', meaning: 'probability' },
  timeoutMs: 40,
});
const WEIGHTS = new Float32Array([0.8, 0.3, -0.01, 0.2, 1.5]);
const bytes = encodeOnnxModel(
  linearModelSpec({
    inputs: [
      { name: 'item', width: 3 },
      { name: 'pair', width: 2 },
    ],
    weights: WEIGHTS,
    bias: -1,
    sigmoid: true,
  }),
);

describeScorerConformance(createPublishedScorer(manifest, bytes, loadOnnxModelBytes));

describe('createPublishedScorer', () => {
  /** The real loader, counting runs and closes. */
  const counting = (): { load: (b: Uint8Array) => Promise<ModelSession>; runs: number; closed: number } => {
    const c = {
      runs: 0,
      closed: 0,
      load: async (b: Uint8Array): Promise<ModelSession> => {
        const s = await loadOnnxModelBytes(b);
        return {
          ...s,
          run: (feeds) => {
            c.runs++;
            return s.run(feeds);
          },
          close: async () => {
            c.closed++;
            await s.close();
          },
        };
      },
    };
    return c;
  };

  it('takes id, version, features and timeoutMs from the manifest, and declares no model', () => {
    const p = createPublishedScorer(manifest, bytes, loadOnnxModelBytes);
    expect([p.id, p.version, p.features, p.timeoutMs, p.model]).toEqual(['acme/published', '1.1.0', ['item.stats', 'pair.coInteraction', 'user.value'], 40, undefined]);
  });

  it('scores sigmoid(columns · w + b) per candidate, from the standard columns', async () => {
    const f = makeFeatureFixture({ n: 30, seed: 21 });
    const c = counting();
    const scorer = await createPublishedScorer(manifest, bytes, c.load).setup({ logger: console, loadModel: () => Promise.reject(new Error('unused')), settings: {} });
    const s = await scorer.score({ userId: f.userId, itemIds: f.itemIds, features: f.features, now: f.now, signal: new AbortController().signal });
    const item = columnLayout(manifest.inputs[0]!.columns).tensor(f.features, 30, f.now).data;
    const pair = columnLayout(manifest.inputs[1]!.columns).tensor(f.features, 30, f.now).data;
    expect(s).toHaveLength(30);
    for (let i = 0; i < 30; i++) {
      const x = [item[i * 3]!, item[i * 3 + 1]!, item[i * 3 + 2]!, pair[i * 2]!, pair[i * 2 + 1]!];
      const z = x.reduce((acc, v, k) => acc + v * WEIGHTS[k]!, -1);
      expect(s[i]).toBeCloseTo(1 / (1 + Math.exp(-z)), 5);
    }
    expect(c.runs).toBe(1);
    await scorer.close!();
    expect(c.closed).toBe(1);
  });

  it('does not run the model when the signal is already aborted', async () => {
    const f = makeFeatureFixture({ n: 10, seed: 22 });
    const c = counting();
    const scorer = await createPublishedScorer(manifest, bytes, c.load).setup({ logger: console, loadModel: () => Promise.reject(new Error('unused')), settings: {} });
    const ac = new AbortController();
    ac.abort(new Error('deadline'));
    await expect(scorer.score({ userId: f.userId, itemIds: f.itemIds, features: f.features, now: f.now, signal: ac.signal })).rejects.toThrow('deadline');
    expect(c.runs).toBe(0);
    await scorer.close!();
  });
});
