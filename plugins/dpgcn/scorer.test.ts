import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUSION_COLUMNS } from '../../ml/fusion/columns';
import { fusionParamCount, fusionScores } from '../../ml/fusion/mlp';
import { fusionOnnx } from '../../ml/fusion/onnx';
import { loadOnnxModel } from '../../ml/onnx/session';
import { mulberry32 } from '../../ml/random';
import { columnLayout, type ColumnFeatures } from '../sdk/columns';
import type { Scorer } from '../sdk/contract';
import type { FeatureKey } from '../sdk/features';
import { makeFeatureFixture } from '../sdk/fixtures';
import { scorerRetriever } from '../sdk/retriever';
import type { FusionDecisionInput } from './policy-contract';
import { publishDpgcnArtifact, randomDpgcnTables, type DpgcnTables } from './publish';
import { createDpgcnScorer } from './scorer';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const fx = makeFeatureFixture({ n: 40, history: 10, seed: 3 });
const userIds = ['fixture-user', 'other'];
const itemIds = fx.itemIds.slice(0, 30); // item-30..39 have no row
const C = FUSION_COLUMNS.length;
const H = 4;
const rng = mulberry32(9);
const net = {
  columns: C,
  hidden: H,
  theta: Float32Array.from({ length: fusionParamCount({ columns: C, hidden: H }) }, () => rng() * 2 - 1),
  mean: new Float32Array(C).fill(1),
  std: new Float32Array(C).fill(2),
};
const fusion = { onnx: fusionOnnx(net), columns: [...FUSION_COLUMNS], alpha: 0.6, alphaRange: [0.4, 0.8] as [number, number] };

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'dpgcn-scorer-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function live(opts: Partial<Parameters<typeof createDpgcnScorer>[0]> = {}): Promise<Scorer<readonly FeatureKey[], Float32Array>> {
  const plugin = createDpgcnScorer({ artifactDir: root, loadModel: loadOnnxModel, ...opts });
  return plugin.setup({ logger: silent, loadModel: loadOnnxModel, settings: {} });
}

const req = (settings: Record<string, unknown> = {}, userId = fx.userId) => ({ userId, itemIds: fx.itemIds, features: fx.features, now: fx.now, signal: new AbortController().signal, settings });

function cosine(t: DpgcnTables, userId: string, itemId: string): number {
  const u = t.userIds.indexOf(userId);
  const r = t.itemIds.indexOf(itemId);
  if (u < 0 || r < 0) return 0;
  let s = 0;
  for (let k = 0; k < t.dims; k++) s += t.users[u * t.dims + k]! * t.items[r * t.dims + k]!;
  return s;
}

/** The TS forward pass on the columns the scorer computes. */
function expected(t: DpgcnTables, alpha: number): Float64Array {
  const raw = columnLayout(FUSION_COLUMNS).tensor(fx.features as ColumnFeatures, fx.itemIds.length, fx.now).data;
  const xs = Float32Array.from(raw, (v, i) => (v - net.mean[i % C]!) / net.std[i % C]!);
  const g = Float32Array.from(fx.itemIds, (id) => cosine(t, fx.userId, id));
  return fusionScores(net, net.theta, xs, g, fx.itemIds.length, alpha);
}

describe('dpgcn/graph scorer', () => {
  it('scores by cosine without a fusion network: 0 for unknown items and for an unknown user', async () => {
    const t = randomDpgcnTables(userIds, itemIds, 8, 1);
    await publishDpgcnArtifact(root, t);
    const s = await live();
    const out = await s.score(req());
    fx.itemIds.forEach((id, i) => expect(out[i]).toBeCloseTo(cosine(t, fx.userId, id), 5));
    expect(out[35]).toBe(0);
    expect(Array.from(await s.score(req({}, 'stranger'))).every((v) => v === 0)).toBe(true);
    await s.close!();
  });

  it('fuses through ONNX with the fitted α; {"fusion": false} gives the cosine alone', async () => {
    const t = randomDpgcnTables(userIds, itemIds, 8, 2);
    await publishDpgcnArtifact(root, t, { fusion });
    const s = await live();
    const out = await s.score(req());
    const want = expected(t, 0.6);
    want.forEach((v, i) => expect(out[i]).toBeCloseTo(v, 4));
    const plain = await s.score(req({ fusion: false }));
    fx.itemIds.forEach((id, i) => expect(plain[i]).toBeCloseTo(cosine(t, fx.userId, id), 5));
    await expect(s.score(req({ fusion: 'no' }))).rejects.toThrow(/settings.fusion/);
    await expect(s.score(req({ policy: 'sometimes' }))).rejects.toThrow(/settings.policy/);
    await s.close!();
  });

  it('takes α from the policy; "frozen" tells it so, "off" never asks it', async () => {
    const t = randomDpgcnTables(userIds, itemIds, 8, 3);
    await publishDpgcnArtifact(root, t, { fusion });
    const calls: FusionDecisionInput[] = [];
    const s = await live({ policy: { decide: (input) => (calls.push(input), 0.9) } });
    const out = await s.score(req());
    expected(t, 0.9).forEach((v, i) => expect(out[i]).toBeCloseTo(v, 4));
    expect(calls[0]).toMatchObject({ userId: fx.userId, alpha0: 0.6, frozen: false, now: fx.now });
    expect(calls[0]!.history).toBe(fx.features['user.history']);
    await s.score(req({ policy: 'frozen' }));
    expect(calls[1]!.frozen).toBe(true);
    const off = await s.score(req({ policy: 'off' }));
    expect(calls).toHaveLength(2);
    expected(t, 0.6).forEach((v, i) => expect(off[i]).toBeCloseTo(v, 4));
    await s.close!();
  });

  it('swaps to a newer version while serving, and refuses one it cannot serve', async () => {
    const t1 = randomDpgcnTables(userIds, itemIds, 8, 4);
    await publishDpgcnArtifact(root, t1);
    const events: unknown[] = [];
    const s = await live({ watchMs: 1, onSwap: (e) => events.push(e) });
    expect((await s.score(req()))[0]).toBeCloseTo(cosine(t1, fx.userId, 'item-0'), 5);
    const t2 = randomDpgcnTables(userIds, itemIds, 8, 5);
    await publishDpgcnArtifact(root, t2, { fusion });
    for (let k = 0; k < 100 && events.length === 0; k++) {
      await new Promise((r) => setTimeout(r, 5));
      await s.score(req());
    }
    expect(events).toEqual([{ from: 1, to: 2 }]);
    const out = await s.score(req());
    expected(t2, 0.6).forEach((v, i) => expect(out[i]).toBeCloseTo(v, 4));
    // Version 3 names a column that reads a feature the scorer does not declare: refused, 2 keeps serving.
    await publishDpgcnArtifact(root, t1, { fusion: { ...fusion, columns: ['pair.co.sum', ...FUSION_COLUMNS.slice(1)] } });
    for (let k = 0; k < 100 && events.length === 1; k++) {
      await new Promise((r) => setTimeout(r, 5));
      await s.score(req());
    }
    expect(events[1]).toMatchObject({ refused: join(root, '3'), reason: expect.stringContaining('pair.coInteraction') });
    expect((await s.score(req()))[0]).toBeCloseTo(out[0]!, 6);
    await s.close!();
  });

  it('retrieves the exact top K by cosine, without excluded items; none for an unknown user', async () => {
    const t = randomDpgcnTables(userIds, itemIds, 8, 6);
    await publishDpgcnArtifact(root, t);
    const s = await live();
    const r = scorerRetriever(s)!;
    const exclude = new Set(['item-3', 'item-7', 'not-an-item']);
    const got = await r.retrieve({ userId: fx.userId, limit: 5, exclude });
    const want = itemIds
      .filter((id) => !exclude.has(id))
      .sort((a, b) => cosine(t, fx.userId, b) - cosine(t, fx.userId, a))
      .slice(0, 5);
    expect(got).toEqual(want);
    expect(await r.retrieve({ userId: 'stranger', limit: 5, exclude })).toEqual([]);
    expect(scorerRetriever({ score: async () => new Float32Array(0) })).toBeNull();
    await s.close!();
  });

  it('answers from its per-user cache exactly as a full scan, rescanning when exclusions eat the kept items', async () => {
    const many = Array.from({ length: 400 }, (_, i) => `x${i}`);
    const t = randomDpgcnTables(['u'], many, 8, 8);
    await publishDpgcnArtifact(root, t);
    const cached = scorerRetriever(await live({ retrieveCacheUsers: 5 }))!;
    const plain = scorerRetriever(await live({ retrieveCacheUsers: 0 }))!;
    const ranked = [...many].sort((a, b) => cosine(t, 'u', b) - cosine(t, 'u', a));
    for (const exclude of [new Set<string>(), new Set(ranked.slice(0, 3)), new Set(ranked.slice(0, 80)), new Set(ranked.filter((_, i) => i % 2 === 0))]) {
      for (const limit of [1, 10, 30]) {
        const want = ranked.filter((id) => !exclude.has(id)).slice(0, limit);
        expect(await cached.retrieve({ userId: 'u', limit, exclude })).toEqual(want);
        expect(await plain.retrieve({ userId: 'u', limit, exclude })).toEqual(want);
      }
    }
  });

  it('refuses to be created without an artifact source', () => {
    expect(() => createDpgcnScorer({})).toThrow(/artifactDir or loadArtifact/);
  });
});
