import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../../errors/codes';
import { createDdpg } from '../../../ml/ddpg/agent';
import { encodeActor } from '../../../ml/ddpg/snapshot';
import type { Interaction } from '../../sdk/records';
import { createDecisionLog } from './decisions';
import { createDdpgFusionPolicy } from './policy';
import { openSqlitePolicySnapshots, type NewPolicyVersion, type PolicySnapshotStore } from './snapshots';
import { POLICY_STATE_DIM, POLICY_STATE_VERSION, policyState } from './state';

const H = 3_600_000;
const NOW = Date.UTC(2026, 0, 10, 6, 0, 0);

function version(seed: number, range: readonly [number, number] = [0.2, 0.8], initAction?: number): NewPolicyVersion {
  const agent = createDdpg({ stateDim: POLICY_STATE_DIM, range, seed, ...(initAction !== undefined ? { initAction } : {}) });
  return { actor: encodeActor(agent.actor, range), stateVersion: POLICY_STATE_VERSION, createdAt: NOW, source: 'test', updates: 0 };
}

const hist = (rows: Array<[string, Interaction['type'], number]>): Interaction[] => rows.map(([itemId, type, ageH]) => ({ itemId, type, ts: NOW - ageH * H, value: 0 }));

describe('policy state', () => {
  it('counts activity by kind and window, recency, length, distinct share and hour; ignores the future', () => {
    const s = policyState(
      hist([
        ['a', 'view', 0.5],
        ['a', 'click', 2],
        ['b', 'add_to_cart', 3],
        ['c', 'purchase', 30],
        ['d', 'view', -1],
      ]),
      NOW,
    );
    const c = (n: number): number => Math.log1p(n) / Math.log1p(50);
    expect(s.length).toBe(POLICY_STATE_DIM);
    expect(Array.from(s.slice(0, 9))).toEqual([c(1), 0, 0, c(2), c(1), 0, c(2), c(1), c(1)].map((x) => Math.fround(x)));
    expect(s[9]).toBeCloseTo(Math.log1p(0.5) / Math.log1p(720), 6);
    expect(s[10]).toBeCloseTo(Math.log1p(4) / Math.log1p(200), 6);
    expect(s[11]).toBeCloseTo(3 / 4, 6);
    expect(s[12]).toBeCloseTo(Math.sin((2 * Math.PI * 6) / 24), 6);
    expect(s[13]).toBeCloseTo(Math.cos((2 * Math.PI * 6) / 24), 6);
    const empty = policyState([], NOW);
    expect(empty[9]).toBe(1);
    expect(empty[10]).toBe(0);
    expect(empty[11]).toBe(0);
  });
});

describe('policy snapshots (SQLite)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'policy-snap-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('publishes versions, rolls back one per operation, and every handle on the file sees the same live version and switch', async () => {
    const a = openSqlitePolicySnapshots(join(dir, 'policy.db'));
    const b = openSqlitePolicySnapshots(join(dir, 'policy.db'));
    expect(await a.live()).toBeNull();
    expect(await a.publish(version(1))).toBe(1);
    expect(await a.publish(version(2))).toBe(2);
    expect(await b.liveVersion()).toBe(2);
    expect((await b.rollback()).version).toBe(1);
    expect(await a.liveVersion()).toBe(1);
    expect((await a.live())!.actor).toEqual(version(1).actor);
    await expect(a.rollback()).rejects.toMatchObject({ code: ErrorCode.LIFECYCLE_CONFLICT });
    expect(await a.publish(version(3))).toBe(3);
    expect(await a.count()).toBe(3);
    expect(await b.frozen()).toBe(false);
    await a.setFrozen(true);
    expect(await b.frozen()).toBe(true);
    a.close();
    b.close();
  });
});

describe('DDPG fusion policy', () => {
  let snaps: PolicySnapshotStore;
  beforeEach(() => (snaps = openSqlitePolicySnapshots(':memory:')));
  afterEach(() => snaps.close());
  const input = (over: Partial<Parameters<ReturnType<typeof createDdpgFusionPolicy>['decide']>[0]> = {}) => ({
    userId: 'u1',
    history: hist([['a', 'view', 1]]),
    now: NOW,
    alpha0: 0.4,
    frozen: false,
    ...over,
  });

  it('answers alpha0, clipped, before any version is served, and records the decision', async () => {
    const p = createDdpgFusionPolicy({ snapshots: snaps, range: [0.2, 0.8], pollMs: 0, noise: { sigma: 0 } });
    await p.refresh();
    expect(p.decide(input())).toBe(0.4);
    expect(p.decide(input({ alpha0: 0.95 }))).toBe(0.8);
    expect(p.decide(input({ alpha0: Number.NaN }))).toBe(0.5);
    expect(p.decisions.open()).toBe(3);
    p.close();
  });

  it('serves the live actor; frozen requests get no noise and are not recorded; the global switch freezes too', async () => {
    await snaps.publish(version(3, [0.2, 0.8], 0.6));
    const p = createDdpgFusionPolicy({ snapshots: snaps, range: [0.2, 0.8], pollMs: 0, noise: { sigma: 0.1, seed: 5 } });
    await p.refresh();
    expect(p.served()?.version).toBe(1);
    const frozen = p.decide(input({ frozen: true }));
    expect(frozen).toBeCloseTo(0.6, 1);
    expect(p.decide(input({ frozen: true }))).toBe(frozen);
    expect(p.decisions.open()).toBe(0);
    const explored = Array.from({ length: 50 }, () => p.decide(input()));
    expect(new Set(explored).size).toBeGreaterThan(40);
    for (const a of explored) {
      expect(a).toBeGreaterThanOrEqual(0.2);
      expect(a).toBeLessThanOrEqual(0.8);
    }
    expect(p.decisions.open()).toBe(50);
    await snaps.setFrozen(true);
    await p.refresh();
    expect(p.frozen()).toBe(true);
    expect(p.decide(input())).toBe(frozen);
    expect(p.decisions.open()).toBe(50);
    expect(p.actions().count).toBe(53);
    p.close();
  });

  it('serves frozen requests from a pinned version while live ones follow the live version', async () => {
    await snaps.publish(version(3, [0.2, 0.8], 0.6));
    await snaps.publish(version(4, [0.2, 0.8], 0.3));
    expect((await snaps.get(1))!.version).toBe(1);
    expect(await snaps.get(9)).toBeNull();
    const p = createDdpgFusionPolicy({ snapshots: snaps, range: [0.2, 0.8], pollMs: 0, noise: { sigma: 0 }, frozenVersion: 1 });
    await p.refresh();
    expect(p.served()?.version).toBe(2);
    expect(p.decide(input({ frozen: true }))).toBeCloseTo(0.6, 1);
    expect(p.decide(input())).toBeCloseTo(0.3, 1);
    expect(p.decisions.open()).toBe(1);
    p.close();
  });

  it('never throws: a broken history answers alpha0', async () => {
    const p = createDdpgFusionPolicy({ snapshots: snaps, pollMs: 0 });
    expect(p.decide(input({ history: null as unknown as Interaction[] }))).toBe(0.4);
    p.close();
  });

  it('keeps every α inside the range with a saturated actor and large noise', async () => {
    const v = version(4);
    const agent = createDdpg({ stateDim: POLICY_STATE_DIM, range: [0, 1], seed: 4 });
    agent.actor.params.fill(40);
    await snaps.publish({ ...v, actor: encodeActor(agent.actor, [0, 1]) });
    const p = createDdpgFusionPolicy({ snapshots: snaps, range: [0.3, 0.7], pollMs: 0, noise: { sigma: 5 } });
    await p.refresh();
    for (let k = 0; k < 200; k++) {
      const a = p.decide(input({ now: NOW + k * H }));
      expect(a).toBeGreaterThanOrEqual(0.3);
      expect(a).toBeLessThanOrEqual(0.7);
    }
    p.close();
  });

  it('picks up a new live version at its poll', async () => {
    const p = createDdpgFusionPolicy({ snapshots: snaps, pollMs: 20 });
    await snaps.publish(version(6));
    // Wait for the poll (not a fixed sleep: a loaded machine may delay the timer).
    for (let k = 0; k < 200 && p.served()?.version !== 1; k++) await new Promise((r) => setTimeout(r, 10));
    expect(p.served()?.version).toBe(1);
    p.close();
  });

  it('does not serve a snapshot of another state layout', async () => {
    await snaps.publish({ ...version(7), stateVersion: 'other' });
    const p = createDdpgFusionPolicy({ snapshots: snaps, pollMs: 0 });
    await p.refresh();
    expect(p.served()).toBeNull();
    expect(p.decide(input({ frozen: true }))).toBe(0.4);
    p.close();
  });
});

describe('decision log', () => {
  const s = (x: number): Float32Array => new Float32Array(POLICY_STATE_DIM).fill(x);

  it('credits feedback to the latest decision inside the window, caps it, and closes windows into transitions', () => {
    const log = createDecisionLog({ windowMs: 10 * H, maxReward: 1 });
    log.record('u', s(1), 0.3, NOW);
    log.record('v', s(3), 0.7, NOW);
    log.record('u', s(2), 0.5, NOW + 2 * H);
    expect(
      log.attribute([
        { userId: 'u', type: 'click', ts: NOW + 1 * H },
        { userId: 'u', type: 'purchase', ts: NOW + 3 * H },
        { userId: 'u', type: 'add_to_cart', ts: NOW + 4 * H },
        { userId: 'u', type: 'view', ts: NOW + 4 * H },
        { userId: 'v', type: 'click', ts: NOW + 11 * H },
        { userId: 'w', type: 'click', ts: NOW + 1 * H },
      ]),
    ).toBe(3);
    expect(log.close(NOW + 9 * H)).toEqual([]);
    const first = log.close(NOW + 10 * H);
    expect(first.map((t) => [t.action, t.reward, t.done, t.next[0]])).toEqual([
      [0.3, 0.25, false, 2],
      [0.7, 0, true, 3],
    ]);
    const second = log.close(NOW + 12 * H);
    expect(second.map((t) => [t.action, t.reward, t.done])).toEqual([[0.5, 1, true]]);
    expect(log.open()).toBe(0);
  });

  it('is bounded: the oldest open decision is dropped', () => {
    const log = createDecisionLog({ capacity: 2 });
    log.record('a', s(0), 0.1, NOW);
    log.record('b', s(0), 0.2, NOW + 1);
    log.record('c', s(0), 0.3, NOW + 2);
    expect(log.open()).toBe(2);
    expect(log.dropped()).toBe(1);
    expect(log.close(NOW + 48 * H).map((t) => t.action)).toEqual([0.2, 0.3]);
  });
});
