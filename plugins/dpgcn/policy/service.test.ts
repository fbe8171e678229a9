import pino from 'pino';
import { ErrorCode } from '../../../errors/codes';
import { createInProcessQueue } from '../../../jobs/in-process';
import type { JobQueue } from '../../../jobs/port';
import { createDdpg } from '../../../ml/ddpg/agent';
import { encodeActor } from '../../../ml/ddpg/snapshot';
import { createDpgcnPolicyService, type DpgcnPolicyService } from './service';
import { openSqlitePolicySnapshots, type PolicySnapshotStore } from './snapshots';
import { POLICY_STATE_DIM, POLICY_STATE_VERSION } from './state';

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 10);

describe('DDPG policy service (online learning through the job queue)', () => {
  let snaps: PolicySnapshotStore;
  let jobs: JobQueue;
  let svc: DpgcnPolicyService;
  let now: number;
  const logs: Array<{ level: number; msg: string }> = [];

  beforeEach(async () => {
    now = T0;
    logs.length = 0;
    snaps = openSqlitePolicySnapshots(':memory:');
    const agent = createDdpg({ stateDim: POLICY_STATE_DIM, range: [0.2, 0.8], seed: 3, initAction: 0.4 });
    await snaps.publish({ actor: encodeActor(agent.actor, [0.2, 0.8]), stateVersion: POLICY_STATE_VERSION, createdAt: T0, source: 'pretrain', updates: 0 });
    jobs = createInProcessQueue();
    const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as { level: number; msg: string }) });
    svc = createDpgcnPolicyService({
      snapshots: snaps,
      jobs,
      instanceId: 'test',
      clock: () => now,
      logger,
      policy: { range: [0.2, 0.8], pollMs: 0, noise: { sigma: 0.1, seed: 2 }, decisions: { windowMs: 2 * H } },
      learner: { minReplay: 8, batch: 8, updatesPerJob: 5, seed: 4 },
    });
    await svc.policy.refresh();
  });
  afterEach(async () => {
    svc.close();
    await jobs.close();
    snaps.close();
  });

  /** n users ask at `now`, half of them click an hour later; the windows close two hours after. */
  async function round(n: number, reward: (u: number) => string | null): Promise<void> {
    const asked = now;
    for (let u = 0; u < n; u++) svc.policy.decide({ userId: `u${u}`, history: [{ itemId: `i${u}`, type: 'view', ts: asked - u * 60_000, value: 0 }], now: asked, alpha0: 0.4, frozen: false });
    now = asked + H;
    const events = Array.from({ length: n }, (_, u) => ({ userId: `u${u}`, type: reward(u) ?? 'view', ts: now }));
    await svc.onStored(events);
    now = asked + 2 * H;
    await svc.onStored([]);
    await svc.settle();
  }

  it('turns closed decisions into a learning job that publishes the next version, served after settle', async () => {
    await round(12, (u) => (u % 2 === 0 ? 'click' : null));
    const st = await svc.status();
    expect(st.version?.version).toBe(2);
    expect(st.version?.source).toBe('online');
    expect(st.versions).toBe(2);
    expect(st.learner.updates).toBe(5);
    expect(st.learner.replaySize).toBe(12);
    expect(st.learner.recentMeanReward).toBeCloseTo(0.125, 6);
    expect(st.learningJobs).toBe(1);
    expect(st.decisions).toBe(12);
    expect(st.openDecisions).toBe(0);
    expect(st.actions.count).toBe(12);
    expect(st.actions.min).toBeGreaterThanOrEqual(0.2);
    expect(st.actions.max).toBeLessThanOrEqual(0.8);
    expect(st.learner.halted).toBeNull();
  });

  it('rolls back to the previous version in one operation, and refuses when there is none', async () => {
    await round(12, () => 'click');
    expect((await svc.status()).version?.version).toBe(2);
    expect((await svc.rollback()).version?.version).toBe(1);
    await expect(svc.rollback()).rejects.toMatchObject({ code: ErrorCode.LIFECYCLE_CONFLICT });
    // The learner continues from the version live now, and publishes on top of it.
    await round(12, () => null);
    expect((await svc.status()).version?.version).toBe(3);
  });

  it('learns nothing while frozen: no noise, no decisions recorded, no job', async () => {
    expect((await svc.freeze(true)).frozen).toBe(true);
    await round(12, () => 'click');
    const st = await svc.status();
    expect(st.version?.version).toBe(1);
    expect(st.learningJobs).toBe(0);
    expect(st.openDecisions).toBe(0);
    expect(new Set([st.actions.min, st.actions.max]).size).toBeGreaterThan(1); // states differ, noise does not
    expect((await svc.freeze(false)).frozen).toBe(false);
  });

  it('halts (and says so) when its values go non-finite, and publishes nothing more', async () => {
    // A reward beyond float32 becomes Infinity in replay: the critic loss is no longer finite.
    for (let u = 0; u < 12; u++) svc.policy.decide({ userId: `u${u}`, history: [], now, alpha0: 0.4, frozen: false });
    now += 3 * H;
    const closed = svc.policy.decisions.close(now);
    expect(closed.length).toBe(12);
    await jobs.add('dpgcn:policy-learn@test', { transitions: closed.map((t) => ({ state: Array.from(t.state), action: t.action, reward: 1e39, next: Array.from(t.next), done: t.done })) });
    await new Promise<void>((resolve) => jobs.onOutcome(() => resolve()));
    const st = await svc.status();
    expect(st.learner.halted).toMatch(/non-finite/);
    expect(st.versions).toBe(1);
    expect(logs.some((l) => l.level === 50 && /halted/.test(l.msg))).toBe(true);
  });

  it('skips invalid transitions of a job', async () => {
    await jobs.add('dpgcn:policy-learn@test', { transitions: [{ state: [1], action: 0.5, reward: 0, next: [1], done: true }] });
    await new Promise<void>((resolve) => jobs.onOutcome(() => resolve()));
    expect((await svc.status()).learner.transitions).toBe(0);
    expect(logs.some((l) => /invalid transitions/.test(l.msg))).toBe(true);
  });
});
