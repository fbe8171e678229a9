import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { ErrorCode } from '../../errors/codes';
import type { GraphStore } from '../../graph/port';
import { createInProcessQueue } from '../../jobs/in-process';
import type { JobQueue } from '../../jobs/port';
import { mulberry32 } from '../../ml/random';
import { EVENT_TYPES, type ItemRecord, type ItemStats } from '../sdk/records';
import { IRA_DIM, iraFeatureRows } from './features';
import { boltzmannSlateProbabilities } from './guardrail';
import { heuristicQ } from './heuristic';
import { createIraRuntime, type IraRuntime, type IraRuntimeOptions } from './index';
import type { ClosedDecisionData } from './learner';
import type { IraDecision, IraEvent } from './types';
import type { UserValueSource } from './value';

const H = 3_600_000;
const T0 = Date.UTC(2026, 2, 1);
const ITEMS = 24;

/** Item k: traffic rising with k, so version 0 (the heuristic) prefers high k. */
const stats = (k: number): ItemStats => {
  const decayed = new Float64Array(EVENT_TYPES.length);
  decayed[0] = 10 + 20 * k;
  decayed[3] = k % 5;
  return { itemId: `i${k}`, totals: decayed, decayed, decayedRevenue: (k % 5) * 10, totalRevenue: 0, users: 5 + k, lastTs: T0 - H };
};
const meta = (k: number): ItemRecord => ({ id: `i${k}`, title: `i${k}`, categories: [`c${k % 3}`], brand: null, price: 5 + k, available: true, createdAt: T0 - 30 * 24 * H });

function valueSource(): UserValueSource & { observed: number } {
  const src = {
    id: 'v2',
    stateDim: 4,
    observed: 0,
    read: (userId: string) => ({ purchaseProb: 0.4, value: userId.endsWith('0') ? 200 : 20, horizonDays: 30, state: Float32Array.from([0.1, 0.2, 0.3, 0.4]), version: 'fake@1' }),
    observe: () => void src.observed++,
  };
  return src;
}

/** A decision of `user` at `ts`: a pool of 6 items, 3 slots drawn by Boltzmann (T = 0.1) over version 0's Q, with their propensities. */
function decide(rt: IraRuntime, user: string, ts: number, rand: () => number, line = 'L'): IraDecision {
  const pool = Array.from({ length: 6 }, () => Math.floor(rand() * ITEMS));
  const ids = [...new Set(pool)];
  const features = iraFeatureRows({ reading: null, surface: 'home', now: ts, history: [], itemIds: ids.map((k) => `i${k}`), stats: ids.map(stats), meta: ids.map(meta) });
  const q = heuristicQ(features, ids.length);
  const shown: number[] = [];
  const taken = new Set<number>();
  for (let s = 0; s < Math.min(3, ids.length); s++) {
    const w = Array.from(q, (v, i) => (taken.has(i) ? 0 : Math.exp(v / 0.1)));
    let u = rand() * w.reduce((a, b) => a + b, 0);
    let pick = w.findIndex((x) => (u -= x) < 0);
    if (pick < 0) pick = w.findLastIndex((x) => x > 0);
    shown.push(pick);
    taken.add(pick);
  }
  const d: IraDecision = {
    decisionId: `${user}@${ts}`,
    userId: user,
    ts,
    surface: 'home',
    line,
    version: rt.service.current(line)?.version ?? 0,
    gamma1: 0.6,
    gamma2: 0.4,
    explore: { method: 'boltzmann', temperature: 0.1, epsilon: 0 },
    pool: ids.map((k) => `i${k}`),
    features,
    q,
    shown,
    propensities: Array.from(boltzmannSlateProbabilities(q, shown, 0.1)),
    valueBefore: null,
    valueSource: 'v2',
  };
  rt.service.recordDecision(d);
  return d;
}

describe('IRA runtime: decisions, learning through the job queue, versions and safety', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ira-svc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let now: number;
  let jobs: JobQueue;
  let added: Array<{ line: string; decisions: ClosedDecisionData[] }>;
  let runtimes: IraRuntime[];
  const logs: Array<{ level: number; msg: string; reason?: string }> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as { level: number; msg: string }) });

  beforeEach(() => {
    now = T0;
    logs.length = 0;
    added = [];
    runtimes = [];
    const inner = createInProcessQueue();
    jobs = {
      ...inner,
      async add(name, data, opts) {
        added.push(data as { line: string; decisions: ClosedDecisionData[] });
        return inner.add(name, data, opts);
      },
    };
  });
  afterEach(async () => {
    for (const r of runtimes) r.close();
    await jobs.close();
  });

  const open = (path: string, o: Partial<IraRuntimeOptions> = {}): IraRuntime => {
    const rt = createIraRuntime({
      dbPath: path,
      jobs,
      clock: () => now,
      logger,
      seed: 7,
      instanceId: `t${runtimes.length}`,
      valueSources: { v2: valueSource() },
      store: null,
      pollMs: 0,
      windowMs: 2 * H,
      horizonMs: 6 * H,
      learner: { minReplay: 16, batch: 16, updatesPerJob: 20 },
      guardrail: { minSlots: 1_000_000 },
      ...o,
    });
    runtimes.push(rt);
    return rt;
  };

  /** `users` users decide at `now`; each buys the shown item with the lowest index `buy` picks, an hour later; then the clock moves 1 h on. */
  async function round(rt: IraRuntime, users: number, rand: () => number, buy: (d: IraDecision) => number | null): Promise<IraDecision[]> {
    const asked = now;
    const ds = Array.from({ length: users }, (_, u) => decide(rt, `u${u}`, asked, rand));
    now = asked + H;
    const events: IraEvent[] = [];
    for (const d of ds) {
      const k = buy(d);
      if (k !== null) events.push({ userId: d.userId, type: 'purchase', itemId: d.pool[d.shown[k]!]!, ts: now, value: 10 });
    }
    await rt.onEvents(events);
    return ds;
  }

  it('serves version 0 first, closes windows into transitions with next states, learns, publishes, and another instance hot-swaps by polling', async () => {
    const path = join(dir, 'a.db');
    const a = open(path);
    const b = open(path, { pollMs: 20 });
    await a.service.settle();
    expect(a.service.current('L')).toMatchObject({ version: 0 });
    const rand = mulberry32(3);
    const first = await round(a, 10, rand, () => 0); // every user buys slot 0
    expect(added).toHaveLength(0); // windows still open
    await round(a, 10, rand, () => null); // at T0 + 2 h, round 1's windows have ended and its users' next decisions are known
    now = T0 + 4 * H; // round 2 is past its window, its next decisions unknown but inside the horizon: still open
    await a.onEvents([]);
    await a.service.settle();
    expect(added).toHaveLength(1);
    const closed = added[0]!.decisions;
    expect(closed).toHaveLength(10);
    expect(closed.every((d) => d.next !== null && d.next.rows * IRA_DIM === d.next.features.length)).toBe(true);
    // r = 0.6 · bought + 0.4 · log1p(v) / log1p(1000): u0 is worth 200, the others 20.
    const vNorm = (v: number): number => Math.log1p(v) / Math.log1p(1000);
    expect(closed[0]!.rewards[0]).toBeCloseTo(0.6 + 0.4 * vNorm(200), 5);
    expect(closed[1]!.rewards[1]).toBeCloseTo(0.4 * vNorm(20), 5);
    const logged = a.decisionLog.read().find((d) => d.decisionId === first[0]!.decisionId)!;
    expect(logged.rewards![0]).toBeCloseTo(0.6 + 0.4 * vNorm(200), 5);
    let st = (await a.service.status()).lines[0]!;
    expect(st).toMatchObject({ line: 'L', version: 1, source: 'online', versions: 1, frozen: false, halted: null, updates: 20, replaySize: 30, transitions: 30, decisions: 20, openDecisions: 10 });
    expect(st.recentMeanReward).toBeGreaterThan(0);
    // The second instance swaps within a few polls.
    for (let k = 0; k < 100 && b.service.current('L')?.version !== 1; k++) await new Promise((r) => setTimeout(r, 20));
    expect(b.service.current('L')?.version).toBe(1);
    const out = await b.service.current('L')!.session.run({ features: { data: first[0]!.features, dims: [first[0]!.pool.length, IRA_DIM] } });
    expect(out.q!.dims).toEqual([first[0]!.pool.length, 1]);
    // Past the horizon, the last round closes as terminal.
    now += 10 * H;
    await a.onEvents([]);
    await a.service.settle();
    expect(added[1]!.decisions.every((d) => d.next === null)).toBe(true);
    st = (await a.service.status()).lines[0]!;
    expect(st).toMatchObject({ version: 2, openDecisions: 0, transitions: 60 });
  });

  it('freezes a line (no updates), rolls back one version, refuses unknown lines, and pre-trains offline from the log', async () => {
    const a = open(join(dir, 'b.db'));
    const rand = mulberry32(5);
    for (let k = 0; k < 3; k++) {
      await round(a, 12, rand, (d) => (d.userId.endsWith('1') ? 1 : null));
      now += 3 * H;
    }
    await a.onEvents([]);
    await a.service.settle();
    const v = (await a.service.status()).lines[0]!.version;
    expect(v).toBeGreaterThanOrEqual(2);
    const frozen = await a.service.freeze(true, 'L');
    expect(frozen.lines[0]!.frozen).toBe(true);
    expect(a.service.frozen('L')).toBe(true);
    await round(a, 12, rand, () => 0);
    now += 10 * H;
    await a.onEvents([]);
    await a.service.settle();
    expect((await a.service.status()).lines[0]!.version).toBe(v);
    await a.service.freeze(false);
    expect(a.service.frozen('L')).toBe(false);
    const back = await a.service.rollback('L');
    expect(back.lines[0]!.version).toBe(v - 1);
    await expect(a.service.rollback('nope')).rejects.toMatchObject({ code: ErrorCode.BAD_USER_INPUT });
    await expect(a.service.freeze(true, 'nope')).rejects.toMatchObject({ code: ErrorCode.BAD_USER_INPUT });
    // Offline: fitted double-DQN over every logged decision (all closed here), published as the next version.
    const pre = await a.pretrainOffline({ updates: 200 });
    expect(pre).toMatchObject({ line: 'L', version: v + 1, decisions: 48, transitions: 144 });
    expect(pre.metrics.meanReward).toBeGreaterThan(0);
    expect(pre.metrics.snipsTrained).not.toBeNull();
    const st = (await a.service.status()).lines[0]!;
    expect(st).toMatchObject({ version: v + 1, source: 'pretrain' });
    // Seeded: the same log gives the same weights.
    const again = open(join(dir, 'b2.db'));
    for (const d of a.decisionLog.read()) {
      again.decisionLog.append(d);
      again.decisionLog.setOutcome(d.decisionId, d.rewards!, d.valueAfter);
    }
    await again.snapshots.publish('L', (await a.snapshots.get('L', v - 1))!);
    await again.pretrainOffline({ updates: 200 });
    const p1 = (await a.snapshots.live('L'))!.params;
    const p2 = (await again.snapshots.live('L'))!.params;
    expect(Buffer.from(p1.buffer).equals(Buffer.from(p2.buffer))).toBe(true);
  });

  it('pre-trains decisions logged without outcomes from the store events and the value source', async () => {
    const events = [{ userId: 'u3', itemId: 'i0', type: 'purchase' as const, ts: 0, value: 1 }];
    const store = {
      async *scanInteractions() {
        yield events;
      },
    } as unknown as GraphStore;
    const a = open(join(dir, 'c.db'), { store });
    const rand = mulberry32(9);
    const ds = Array.from({ length: 8 }, (_, u) => decide(a, `u${u}`, now, rand));
    events[0] = { ...events[0]!, itemId: ds[3]!.pool[ds[3]!.shown[0]!]!, ts: now + H };
    expect(a.decisionLog.read().every((d) => d.rewards === null)).toBe(true);
    const pre = await a.pretrainOffline({ updates: 50 });
    expect(pre.transitions).toBe(24);
    const vNorm = Math.log1p(20) / Math.log1p(1000);
    // One purchase among 24 slots, v_long 20 for u1..u7 and 200 for u0.
    const want = (0.6 + 0.4 * (7 * 3 * vNorm + 3 * (Math.log1p(200) / Math.log1p(1000)))) / 24;
    expect(pre.metrics.meanReward).toBeCloseTo(want, 5);
    expect(pre.metrics.terminalShare).toBe(1);
    await expect(a.pretrainOffline({ line: 'other' })).rejects.toThrow(/no logged decisions/);
  });

  it('the guardrail halts a line whose update falls below version 0, says so in logs, status and metrics, and resumes on unfreeze', async () => {
    // Rewards follow version 0 exactly (the user buys the shown item it ranks highest); one tiny update leaves the network near random.
    const a = open(join(dir, 'd.db'), { learner: { minReplay: 16, batch: 16, updatesPerJob: 1, dqn: { lr: 1e-6 } }, guardrail: { margin: 0.1, minSlots: 50 } });
    const registry = new Registry();
    a.registerMetrics(registry);
    const rand = mulberry32(11);
    const best = (d: IraDecision): number => d.shown.reduce((b, _, k) => (d.q[d.shown[k]!]! > d.q[d.shown[b]!]! ? k : b), 0);
    for (let k = 0; k < 2; k++) {
      await round(a, 30, rand, best);
      now += 10 * H;
    }
    await a.onEvents([]);
    await a.service.settle();
    const st = (await a.service.status()).lines[0]!;
    expect(st.halted).toMatch(/^guardrail: estimated value/);
    expect(st.guardrail!.breached).toBe(true);
    expect(st.guardrail!.estimate).toBeLessThan(st.guardrail!.baseline * 0.9);
    expect(st.guardrailTrips).toBe(1);
    expect(st.version).toBe(0); // nothing published
    expect(logs.some((l) => l.level === 50 && /halted/.test(l.msg))).toBe(true);
    const text = await registry.metrics();
    expect(text).toContain('recgate_ira_halted{line="L"} 1');
    expect(text).toContain('recgate_ira_guardrail_trips_total{line="L"} 1');
    expect(text).toMatch(/recgate_ira_guardrail_value\{line="L",policy="baseline"\} 0\.\d+/);
    // Halted: later jobs skip updates.
    await round(a, 5, rand, best);
    now += 10 * H;
    await a.onEvents([]);
    await a.service.settle();
    expect((await a.service.status()).lines[0]).toMatchObject({ updates: 1, version: 0 });
    const resumed = await a.service.freeze(false, 'L');
    await new Promise((r) => setImmediate(r)); // one status read per scrape: the next scrape reads afresh
    expect(resumed.lines[0]!.halted).toBeNull();
    expect(await registry.metrics()).toContain('recgate_ira_halted{line="L"} 0');
  });

  it('runs updates in proportion to new transitions when asked (updatesPerTransition)', async () => {
    const a = open(join(dir, 'f.db'), { learner: { minReplay: 16, batch: 16, updatesPerJob: 50, updatesPerTransition: 0.5 } });
    const rand = mulberry32(13);
    await round(a, 10, rand, () => 0);
    now += 10 * H;
    await a.onEvents([]);
    await a.service.settle();
    // 10 decisions × 3 slots = 30 transitions → 15 updates (not 50).
    expect((await a.service.status()).lines[0]).toMatchObject({ transitions: 30, updates: 15, version: 1 });
    expect(() => open(join(dir, 'g.db'), { learner: { updatesPerTransition: 0 } })).toThrow(/updatesPerTransition/);
  });

  it('drops malformed decisions with a log line and never throws from the hooks', async () => {
    const a = open(join(dir, 'e.db'));
    const d = decide(a, 'u1', now, mulberry32(1));
    a.service.recordDecision({ ...d, decisionId: 'bad', shown: [99] });
    a.service.recordDecision({ ...d, decisionId: 'bad2', features: new Float32Array(3) });
    expect(a.decisionLog.count()).toBe(1);
    expect(logs.filter((l) => l.msg === 'IRA: decision not recorded')).toHaveLength(2);
    await expect(a.onEvents([{ userId: 'u1', type: 'purchase', itemId: null, ts: now + 1 }])).resolves.toBeUndefined();
  });
});
