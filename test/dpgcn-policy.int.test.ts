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
