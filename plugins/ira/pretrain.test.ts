/**
 * Offline pre-training learns a delayed reward (fitted double DQN over logged decisions). Generated
 * logs, one slot per decision, a uniform behaviour over two items:
 *   A: reward 0.3, the user does not come back (terminal)
 *   B: reward 0.2, the user comes back 1 h later (the next decision's pool is A and B again)
 * With γ_disc = 0.5 the values are Q(A) = 0.3 and Q(B) = 0.2 + 0.5 · V, V = max(Q(A), Q(B)) = 0.4:
 * B is worth more although it pays less now. A myopic learner (γ_disc = 0) ranks A first.
 */
import pino from 'pino';
import { createInProcessQueue } from '../../jobs/in-process';
import type { JobQueue } from '../../jobs/port';
import { mulberry32 } from '../../ml/random';
import { IRA_DIM, iraColumn } from './features';
import { createIraRuntime, iraQFunction, type IraRuntime } from './index';

const H = 3_600_000;

function rows(): Float32Array {
  const f = new Float32Array(2 * IRA_DIM);
  f[iraColumn('item.seen')] = 1; // A
  f[IRA_DIM + iraColumn('item.age')] = 1; // B
  return f;
}

function logEpisodes(rt: IraRuntime, users: number, seed: number): void {
  const r = mulberry32(seed);
  let n = 0;
  for (let u = 0; u < users; u++) {
    let ts = 1_000_000 + u * 100 * H;
    for (let step = 0; step < 20; step++) {
      const a = r() < 0.5 ? 0 : 1;
      const id = `d${n++}`;
      rt.decisionLog.append({
        decisionId: id,
        userId: `u${u}`,
        ts,
        surface: 'home',
        line: 'L',
        version: 0,
        gamma1: 1,
        gamma2: 0,
        explore: { method: 'epsilon', temperature: 0, epsilon: 1 },
        pool: ['A', 'B'],
        features: rows(),
        q: new Float32Array(2),
        shown: [a],
        propensities: [0.5],
        valueBefore: null,
      });
      rt.decisionLog.setOutcome(id, Float64Array.from([a === 0 ? 0.3 : 0.2]), null);
      if (a === 0) break; // A: the user does not come back
      ts += H;
    }
  }
}

describe('IRA offline pre-training on a delayed reward', () => {
  let jobs: JobQueue;
  beforeEach(() => void (jobs = createInProcessQueue()));
  afterEach(async () => jobs.close());

  it.each([
    [0.5, 0.3, 0.4],
    [0, 0.3, 0.2],
  ])('γ_disc %p: Q(A) ≈ %p, Q(B) ≈ %p', async (gamma, qa, qb) => {
    const rt = createIraRuntime({
      dbPath: ':memory:',
      jobs,
      clock: () => 0,
      logger: pino({ level: 'silent' }),
      seed: 3,
      instanceId: 't',
      valueSources: {},
      store: null,
      pollMs: 0,
      windowMs: H / 2,
      horizonMs: 2 * H,
      learner: { dqn: { gamma, lr: 3e-3, hidden: [16] } },
    });
    try {
      logEpisodes(rt, 300, 7);
      const out = await rt.pretrainOffline({ updates: 1500, batch: 32 });
      expect(out.metrics.terminalShare).toBeGreaterThan(0.4);
      const q = iraQFunction(await rt.snapshots.get('L', out.version)).q(rows(), 2);
      expect(Math.abs(q[0]! - qa)).toBeLessThan(0.05);
      expect(Math.abs(q[1]! - qb)).toBeLessThan(0.05);
      expect(q[1]! > q[0]!).toBe(gamma > 0);
    } finally {
      rt.close();
    }
  });
});
