import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../errors/codes';
import { createDqn } from '../../ml/dqn/agent';
import { qnetOnnx } from '../../ml/dqn/onnx';
import { loadOnnxModelBytes } from '../../ml/onnx/session';
import { mulberry32 } from '../../ml/random';
import { openIraDb, type IraDb } from './db';
import { openIraDecisionLog } from './decision-log';
import { IRA_DIM, IRA_FEATURES_VERSION } from './features';
import { heuristicOnnx, heuristicQ } from './heuristic';
import { loadIraVersion } from './qnet';
import { createIraSnapshotStore, type NewIraVersion } from './snapshots';
import type { IraDecision } from './types';

function version(seed: number, source = 'online'): NewIraVersion {
  const agent = createDqn({ dim: IRA_DIM, hidden: [8], seed });
  return { sizes: agent.online.sizes, featuresVersion: IRA_FEATURES_VERSION, source, createdAt: seed, updates: seed, guardrail: null, params: agent.online.params, onnx: qnetOnnx(agent.online) };
}

export function decision(i: number, o: Partial<IraDecision> = {}): IraDecision {
  const r = mulberry32(i + 1);
  const pool = ['a', 'b', 'c'];
  return {
    decisionId: `d${i}`,
    userId: `u${i % 2}`,
    ts: 1000 * i,
    surface: 'home',
    line: 'L',
    version: 0,
    gamma1: 0.6,
    gamma2: 0.4,
    explore: { method: 'boltzmann', temperature: 0.1, epsilon: 0 },
    pool,
    features: Float32Array.from({ length: pool.length * IRA_DIM }, () => r()),
    q: Float32Array.from([0.3, 0.2, 0.1]),
    shown: [0, 2],
    propensities: [0.5, 0.25],
    valueBefore: i,
    ...o,
  };
}

describe('IRA snapshot store', () => {
  let db: IraDb;
  beforeEach(() => void (db = openIraDb(':memory:')));
  afterEach(() => db.close());

  it('publishes per line, rolls back a live stack, prunes old versions and keeps flags', async () => {
    const s = createIraSnapshotStore(db, { keepVersions: 3 });
    expect(await s.liveVersion('A')).toBeNull();
    expect(await s.publish('A', version(1, 'pretrain'))).toBe(1);
    expect(await s.publish('A', version(2))).toBe(2);
    expect(await s.publish('B', version(3))).toBe(1);
    const live = (await s.live('A'))!;
    expect(live).toMatchObject({ line: 'A', version: 2, source: 'online', sizes: [IRA_DIM, 8, 1] });
    expect(live.params).toEqual(createDqn({ dim: IRA_DIM, hidden: [8], seed: 2 }).online.params);
    expect((await s.rollback('A')).version).toBe(1);
    await expect(s.rollback('A')).rejects.toMatchObject({ code: ErrorCode.LIFECYCLE_CONFLICT });
    for (let k = 0; k < 4; k++) await s.publish('A', version(10 + k));
    expect(await s.count('A')).toBe(3);
    expect(await s.get('A', 1)).toBeNull();
    expect(await s.liveVersion('A')).toBe(6);
    // Rolling back never lands on a pruned version: the stack holds 4, 5, 6.
    expect((await s.rollback('A')).version).toBe(5);
    expect((await s.rollback('A')).version).toBe(4);
    await expect(s.rollback('A')).rejects.toMatchObject({ code: ErrorCode.LIFECYCLE_CONFLICT });
    expect(await s.lines()).toEqual(['A', 'B']);
    await s.setFrozen(true, 'B');
    expect([await s.frozen('A'), await s.frozen('B')]).toEqual([false, true]);
    await s.setFrozen(true);
    expect(await s.frozen('A')).toBe(true);
    await s.setFrozen(false);
    expect([await s.frozen('A'), await s.frozen('B')]).toEqual([false, false]);
    await s.setHalted('A', 'why');
    expect(await s.halted('A')).toBe('why');
    await s.setHalted('A', null);
    expect(await s.halted('A')).toBeNull();
    expect(() => createIraSnapshotStore(db, { keepVersions: 1 })).toThrow(/keepVersions/);
  });
});

describe('IRA decision log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ira-log-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips decisions and outcomes, filters by time and line, and prunes the oldest beyond maxRows', () => {
    const log = openIraDecisionLog(join(dir, 'a.db'), { maxRows: 5 });
    for (let i = 0; i < 4; i++) log.append(decision(i, i === 3 ? { line: 'M', valueSource: 'v2', refreshMinutes: 15 } : {}));
    log.setOutcome('d1', Float64Array.from([0.25, 1 / 3]), 7.5);
    const all = log.read();
    expect(all.map((d) => d.decisionId)).toEqual(['d0', 'd1', 'd2', 'd3']);
    const { rewards, valueAfter, ...d1 } = all[1]!;
    expect(d1).toEqual(decision(1));
    expect(Array.from(rewards!)).toEqual([0.25, 1 / 3]);
    expect(valueAfter).toBe(7.5);
    expect(all[0]!.rewards).toBeNull();
    expect(all[3]).toMatchObject({ line: 'M', valueSource: 'v2', refreshMinutes: 15 });
    expect(log.read({ from: 1000, to: 3000 }).map((d) => d.decisionId)).toEqual(['d1', 'd2']);
    expect(log.read({ line: 'M' }).map((d) => d.decisionId)).toEqual(['d3']);
    for (let i = 4; i < 12; i++) log.append(decision(i));
    expect(log.count()).toBeLessThanOrEqual(5 + 4);
    expect(log.read()[0]!.ts).toBeGreaterThan(0);
    log.close();
  });
});

describe('IRA versions: TS forward against the served ONNX', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ira-q-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loadIraVersion computes what onnxruntime serves, for a trained version and for version 0', async () => {
    const path = join(dir, 'ira.db');
    const db = openIraDb(path);
    const v = version(5);
    const r = mulberry32(4);
    const params = Float32Array.from(v.params, () => r() * 2 - 1);
    const agent = createDqn({ dim: IRA_DIM, hidden: [8], seed: 5 });
    agent.online.params.set(params);
    await createIraSnapshotStore(db).publish('A', { ...v, params, onnx: qnetOnnx(agent.online) });
    db.close();
    const x = Float32Array.from({ length: 6 * IRA_DIM }, () => r() * 2 - 1);
    for (const [ver, onnx, ts] of [
      [1, qnetOnnx(agent.online), Float32Array.from(agent.q(x, 6))],
      [0, heuristicOnnx(), heuristicQ(x, 6)],
    ] as const) {
      const q = (await loadIraVersion(path, 'A', ver)).q(x, 6);
      const session = await loadOnnxModelBytes(onnx);
      const served = (await session.run({ features: { data: x, dims: [6, IRA_DIM] } })).q!;
      await session.close();
      for (let k = 0; k < 6; k++) {
        expect(Math.abs(q[k]! - served.data[k]!)).toBeLessThan(1e-5);
        expect(Math.abs(q[k]! - ts[k]!)).toBeLessThan(1e-5);
      }
    }
    await expect(loadIraVersion(path, 'A', 9)).rejects.toMatchObject({ code: ErrorCode.MODEL_UNAVAILABLE });
    const f = await loadIraVersion(path, 'A', 1);
    expect(f.version).toBe(1);
    expect(() => f.q(x, 5)).toThrow(/expected 5×/);
  });
});
