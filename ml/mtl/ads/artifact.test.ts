/**
 * ONNX export of the three kinds: onnxruntime-node (through the SDK ModelSession) against the TS
 * forward pass within 1e-4, with ragged keyword lists (padding), an ad without keywords, unknown
 * users/keywords and AMTDL's features; the artifact's versions, manifest and sha256 check.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOnnxModel } from '../../onnx/session';
import { latestMtlAdsArtifact, loadMtlAdsModel, readMtlAdsManifest, writeMtlAdsArtifact } from './artifact';
import { createAdsFeatureContext } from './features';
import { syntheticAdsLog } from './synthetic';
import { predictMtlAdsTs, trainMtlAds } from './train';
import type { AdsScoringRow } from './types';

describe('ml/mtl/ads ONNX artifact', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mtl-ads-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const log = syntheticAdsLog({ users: 30, items: 40, exposures: 1500, seed: 9 });
  const ctx = createAdsFeatureContext(log.history, log.itemCategories);
  const rows: AdsScoringRow[] = [
    ...log.examples.slice(0, 20).map((e) => ({ userId: e.userId, query: e.query, itemId: e.itemId, keywords: e.keywords })),
    { userId: 'u1', query: 'c2', itemId: 'i3', keywords: ['kw 1', 'kw 5'] },
    { userId: 'u2', query: '', itemId: 'i4', keywords: [] },
    { userId: 'never-seen', query: 'Unknown  Query', itemId: 'nope', keywords: ['never', 'KW 2', 'kw 3', 'kw 4', 'kw 6'] },
  ];

  it.each([
    ['bm', false],
    ['bm', true],
    ['mtdl', false],
    ['amtdl', true],
  ] as const)('%s (extra features: %s): ONNX matches the TS forward pass (1e-4); manifest and versions', async (kind, extraFeatures) => {
    const t = trainMtlAds(log.examples, { kind, schedule: 'alternating', k: 2, seed: 4, epochs: 1, learningRate: 0.01, context: ctx, extraFeatures });
    const a = await writeMtlAdsArtifact(t, join(dir, String(extraFeatures)), { createdBy: 'test' });
    const b = await writeMtlAdsArtifact(t, join(dir, String(extraFeatures)), { createdBy: 'test' });
    expect([a.version, b.version]).toEqual([1, 2]);
    expect(await latestMtlAdsArtifact(join(dir, String(extraFeatures)), kind)).toBe(b.dir);
    const m = await readMtlAdsManifest(b.dir);
    expect(m).toMatchObject({ kind, schedule: 'alternating', version: 2, modelVersion: `mtl-ads/${kind}@2`, features: { embeddingDim: 8 } });
    expect(m.vocab.users.length).toBe(30);
    expect(m.features.extra.length).toBe(extraFeatures ? 7 : 0);
    expect(m.onnx.sha256).toMatch(/^[0-9a-f]{64}$/);
    const model = await loadMtlAdsModel(b.dir, { loadModel: loadOnnxModel });
    try {
      expect(model.modelVersion).toBe(`mtl-ads/${kind}@2`);
      const got = await model.predict(rows, ctx);
      const want = predictMtlAdsTs(t, rows, ctx);
      let worst = 0;
      rows.forEach((r, e) => {
        expect(got[e]!.keywordScores.length).toBe(r.keywords.length);
        worst = Math.max(worst, Math.abs(got[e]!.ctr - want[e]!.ctr));
        r.keywords.forEach((_, j) => (worst = Math.max(worst, Math.abs(got[e]!.keywordScores[j]! - want[e]!.keywordScores[j]!))));
      });
      expect(worst).toBeLessThan(1e-4);
      if (kind === 'bm') expect(got.every((p) => Math.abs(p.ctr - t.baseCtr) < 1e-6)).toBe(true);
      else expect(new Set(got.map((p) => p.ctr.toFixed(5))).size).toBeGreaterThan(5);
      expect(await model.predict([], ctx)).toEqual([]);
    } finally {
      await model.close();
    }
  });

  it('refuses a model file that does not match its sha256, and a folder without a manifest', async () => {
    const t = trainMtlAds(log.examples, { kind: 'mtdl', schedule: 'pretrain-finetune', pretrainEpochs: 1, seed: 4, epochs: 1 });
    const a = await writeMtlAdsArtifact(t, join(dir, 'other'));
    const bytes = await readFile(join(a.dir, 'model.onnx'));
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    writeFileSync(join(a.dir, 'model.onnx'), bytes);
    await expect(loadMtlAdsModel(a.dir, { loadModel: loadOnnxModel })).rejects.toThrow(/sha256/);
    await expect(loadMtlAdsModel(join(dir, 'missing'), { loadModel: loadOnnxModel })).rejects.toThrow(/manifest/);
    expect(await latestMtlAdsArtifact(join(dir, 'none'), 'bm')).toBeNull();
  });
});
