/** The DDPG fusion policy's GraphQL operations and events hook through a real gateway: scopes, audit, freeze, rollback, learning from recordEvents, /healthz. */
import pino from 'pino';
import { ErrorCode } from '../errors/codes';
import { createInProcessQueue } from '../jobs/in-process';
import { createDdpg } from '../ml/ddpg/agent';
import { encodeActor } from '../ml/ddpg/snapshot';
import { createDpgcnPolicyService, type DpgcnPolicyService } from '../plugins/dpgcn/policy/service';
import { openSqlitePolicySnapshots, type PolicySnapshotStore } from '../plugins/dpgcn/policy/snapshots';
import { POLICY_STATE_DIM, POLICY_STATE_VERSION } from '../plugins/dpgcn/policy/state';
import { startTestGateway, type TestGateway } from './support/gateway';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUSION_COLUMNS } from '../ml/fusion/columns';
import { fusionParamCount } from '../ml/fusion/mlp';
import { fusionOnnx } from '../ml/fusion/onnx';
import { mulberry32 } from '../ml/random';
import { publishDpgcnArtifact, randomDpgcnTables } from '../plugins/dpgcn/publish';

const STATUS = `{ dpgcnPolicy { version { version source } versions frozen range updates replaySize recentMeanReward decisions openDecisions halted alpha { count mean min max } } }`;

describe('dpgcnPolicy operations', () => {
  let t: TestGateway;
  let snaps: PolicySnapshotStore;
  let svc: DpgcnPolicyService;
  let now = Date.now();

  beforeAll(async () => {
    snaps = openSqlitePolicySnapshots(':memory:');
    const agent = createDdpg({ stateDim: POLICY_STATE_DIM, range: [0.1, 0.9], seed: 1, initAction: 0.5 });
    await snaps.publish({ actor: encodeActor(agent.actor, [0.1, 0.9]), stateVersion: POLICY_STATE_VERSION, createdAt: now, source: 'pretrain', updates: 0 });
    const jobs = createInProcessQueue();
    svc = createDpgcnPolicyService({
      snapshots: snaps,
      jobs,
      instanceId: 'it',
      clock: () => now,
      logger: pino({ level: 'silent' }),
      policy: { range: [0.1, 0.9], pollMs: 0, decisions: { windowMs: 60_000 } },
      learner: { minReplay: 4, batch: 4, updatesPerJob: 3 },
    });
    await svc.policy.refresh();
    t = await startTestGateway({ jobs, dpgcnPolicy: svc });
  });
  afterAll(async () => {
    await t.stop();
    svc.close();
    snaps.close();
  });

  it('reads the status with scorers:read; freeze and rollback need scorers:write and are audited', async () => {
    const analyst = t.keyFor('analyst');
    const read = await t.raw(STATUS, {}, { key: analyst });
    expect(read.errors).toBeUndefined();
    expect(read.data!.dpgcnPolicy).toMatchObject({ version: { version: 1, source: 'pretrain' }, versions: 1, frozen: false, range: [0.1, 0.9], halted: null, alpha: { count: 0, mean: null } });
    const refused = await t.raw('mutation { freezeDpgcnPolicy(frozen: true) { frozen } }', {}, { key: analyst });
    expect(refused.errors?.[0]?.extensions?.code).toBe(ErrorCode.FORBIDDEN);
    const frozen = await t.raw('mutation { freezeDpgcnPolicy(frozen: true) { frozen } }');
    expect(frozen.data!.freezeDpgcnPolicy).toEqual({ frozen: true });
    expect((await t.raw('mutation { freezeDpgcnPolicy(frozen: false) { frozen } }')).data!.freezeDpgcnPolicy).toEqual({ frozen: false });
    const none = await t.raw('mutation { rollbackDpgcnPolicy { version { version } } }');
    expect(none.errors?.[0]?.extensions?.code).toBe(ErrorCode.LIFECYCLE_CONFLICT);
    const audit = await t.raw('{ auditLog(first: 20) { entries { action outcome } } }');
    const actions = (audit.data!.auditLog as { entries: Array<{ action: string; outcome: string }> }).entries.map((e) => `${e.action}:${e.outcome}`);
    expect(actions).toEqual(expect.arrayContaining(['freezeDpgcnPolicy:ok', 'rollbackDpgcnPolicy:LIFECYCLE_CONFLICT']));
  });

  it('learns from recordEvents through the job queue, publishes a version, rolls it back, and shows in /healthz', async () => {
    for (let u = 0; u < 6; u++) svc.policy.decide({ userId: `u${u}`, history: [], now, alpha0: 0.5, frozen: false });
    const clickAt = new Date(now + 1000).toISOString();
    now += 120_000; // the windows close by the time the events are stored
    const rec = await t.raw('mutation($e: [EventInput!]!) { recordEvents(events: $e) { accepted } }', {
      e: [0, 1, 2].map((u) => ({ eventId: `e${u}`, userId: `u${u}`, type: 'click', itemId: 'i1', ts: clickAt })),
    });
    expect(rec.errors).toBeUndefined();
    await svc.settle();
    const st = (await t.raw(STATUS)).data!.dpgcnPolicy as { version: { version: number; source: string }; updates: number; replaySize: number; recentMeanReward: number };
    expect(st.version).toEqual({ version: 2, source: 'online' });
    expect(st.updates).toBe(3);
    expect(st.replaySize).toBe(6);
    expect(st.recentMeanReward).toBeCloseTo(0.125, 6);
    const health = (await (await t.get('/healthz')).json()) as { dpgcnPolicy: { version: { version: number } } };
    expect(health.dpgcnPolicy.version.version).toBe(2);
    const back = await t.raw('mutation { rollbackDpgcnPolicy { version { version source } versions } }');
    expect(back.data!.rollbackDpgcnPolicy).toEqual({ version: { version: 1, source: 'pretrain' }, versions: 2 });
  });
});

describe('dpgcnPolicy without a policy', () => {
  it('answers MODEL_UNAVAILABLE', async () => {
    const t = await startTestGateway();
    try {
      expect((await t.raw(STATUS)).errors?.[0]?.extensions?.code).toBe(ErrorCode.MODEL_UNAVAILABLE);
    } finally {
      await t.stop();
    }
  });
});

describe('dpgcnPolicy of a served gateway (DPGCN_POLICY_DB_PATH)', () => {
  const root = mkdtempSync(join(tmpdir(), 'dpgcn-served-policy-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const rng = mulberry32(3);
  const C = FUSION_COLUMNS.length;
  const net = {
    columns: C,
    hidden: 4,
    theta: Float32Array.from({ length: fusionParamCount({ columns: C, hidden: 4 }) }, () => rng() * 2 - 1),
    mean: new Float32Array(C),
    std: new Float32Array(C).fill(1),
  };
  const fusion = { onnx: fusionOnnx(net), columns: [...FUSION_COLUMNS], alpha: 0.6, alphaRange: [0.35, 0.85] as [number, number] };
  const ids = Array.from({ length: 20 }, (_, i) => `i${i}`);

  it('builds the policy itself when the served artifact has a fusion network, within its safe range, in its own file', async () => {
    const models = join(root, 'with-fusion');
    await publishDpgcnArtifact(models, randomDpgcnTables(['u1'], ids, 8, 1), { fusion });
    const db = join(root, 'policy.db');
    const t = await startTestGateway({ env: { DPGCN_MODELS_DIR: models, DPGCN_POLICY_DB_PATH: db } });
    try {
      const got = await t.raw(STATUS);
      expect(got.errors).toBeUndefined();
      expect(got.data!.dpgcnPolicy).toMatchObject({ version: null, versions: 0, frozen: false, range: [0.35, 0.85] });
      expect(existsSync(db)).toBe(true);
      expect((await t.raw('mutation { freezeDpgcnPolicy(frozen: true) { frozen } }')).data!.freezeDpgcnPolicy).toEqual({ frozen: true });
    } finally {
      await t.stop();
    }
  });

  it('is off (MODEL_UNAVAILABLE) without a fusion network, or with DPGCN_POLICY_DB_PATH empty', async () => {
    const plain = join(root, 'plain');
    await publishDpgcnArtifact(plain, randomDpgcnTables(['u1'], ids, 8, 2));
    const withFusion = join(root, 'fusion-2');
    await publishDpgcnArtifact(withFusion, randomDpgcnTables(['u1'], ids, 8, 3), { fusion });
    for (const env of [{ DPGCN_MODELS_DIR: plain }, { DPGCN_MODELS_DIR: withFusion, DPGCN_POLICY_DB_PATH: '' }] as Array<Record<string, string>>) {
      const t = await startTestGateway({ env });
      try {
        expect((await t.raw(STATUS)).errors?.[0]?.extensions?.code).toBe(ErrorCode.MODEL_UNAVAILABLE);
      } finally {
        await t.stop();
      }
    }
  });
});
