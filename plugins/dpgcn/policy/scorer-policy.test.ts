/** The dpgcn/graph scorer with the real DDPG policy: freezing per strategy (experiment variant) through `{"policy": "frozen"}`. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDdpg } from '../../../ml/ddpg/agent';
import { encodeActor } from '../../../ml/ddpg/snapshot';
import { FUSION_COLUMNS } from '../../../ml/fusion/columns';
import { fusionParamCount } from '../../../ml/fusion/mlp';
import { fusionOnnx } from '../../../ml/fusion/onnx';
import { loadOnnxModel } from '../../../ml/onnx/session';
import { mulberry32 } from '../../../ml/random';
import { makeFeatureFixture } from '../../sdk/fixtures';
import { publishDpgcnArtifact, randomDpgcnTables } from '../publish';
import { createDpgcnScorer } from '../scorer';
import { createDdpgFusionPolicy } from './policy';
import { openSqlitePolicySnapshots } from './snapshots';
import { POLICY_STATE_DIM, POLICY_STATE_VERSION } from './state';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe('dpgcn/graph with the DDPG policy', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'dpgcn-policy-scorer-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('a strategy with {"policy": "frozen"} gets the actor’s α without noise and records nothing; a live one explores and records', async () => {
    const fx = makeFeatureFixture({ n: 20, history: 10, seed: 3 });
    const C = FUSION_COLUMNS.length;
    const rng = mulberry32(2);
    const net = {
      columns: C,
      hidden: 4,
      theta: Float32Array.from({ length: fusionParamCount({ columns: C, hidden: 4 }) }, () => rng() * 2 - 1),
      mean: new Float32Array(C),
      std: new Float32Array(C).fill(1),
    };
    await publishDpgcnArtifact(root, randomDpgcnTables([fx.userId], fx.itemIds, 8, 1), { fusion: { onnx: fusionOnnx(net), columns: [...FUSION_COLUMNS], alpha: 0.6, alphaRange: [0.4, 0.8] } });
    const snapshots = openSqlitePolicySnapshots(':memory:');
    const agent = createDdpg({ stateDim: POLICY_STATE_DIM, range: [0.4, 0.8], seed: 1, initAction: 0.5 });
    await snapshots.publish({ actor: encodeActor(agent.actor, [0.4, 0.8]), stateVersion: POLICY_STATE_VERSION, createdAt: 0, source: 'test', updates: 0 });
    const policy = createDdpgFusionPolicy({ snapshots, range: [0.4, 0.8], pollMs: 0, noise: { sigma: 0.1, seed: 3 } });
    await policy.refresh();
    const scorer = await createDpgcnScorer({ artifactDir: root, loadModel: loadOnnxModel, policy }).setup({ logger: silent, loadModel: loadOnnxModel, settings: {} });
    const req = (settings: Record<string, unknown>) => ({ userId: fx.userId, itemIds: fx.itemIds, features: fx.features, now: fx.now, signal: new AbortController().signal, settings });

    const frozenA = await scorer.score(req({ policy: 'frozen' }));
    const frozenB = await scorer.score(req({ policy: 'frozen' }));
    expect(Array.from(frozenB)).toEqual(Array.from(frozenA));
    expect(policy.decisions.open()).toBe(0);
    expect(policy.actions().count).toBe(2);
    const alphaFrozen = policy.actions().mean!;

    const liveA = await scorer.score(req({}));
    const liveB = await scorer.score(req({ policy: 'live' }));
    expect(policy.decisions.open()).toBe(2);
    expect(Array.from(liveA)).not.toEqual(Array.from(frozenA));
    expect(Array.from(liveB)).not.toEqual(Array.from(liveA));
    const d = policy.actions();
    expect(d.min).toBeGreaterThanOrEqual(0.4);
    expect(d.max).toBeLessThanOrEqual(0.8);

    await scorer.score(req({ policy: 'off' }));
    expect(policy.actions().count).toBe(4);
    expect(alphaFrozen).toBeCloseTo(0.5, 1);
    await scorer.close?.();
    policy.close();
    snapshots.close();
  });
});
