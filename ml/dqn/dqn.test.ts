import { loadOnnxModelBytes } from '../onnx/session';
import { mulberry32 } from '../random';
import { createDqn, qValues, type Dqn } from './agent';
import { QNET_INPUT, QNET_OUTPUT, qnetOnnx } from './onnx';
import { createDqnReplay, type DqnMinibatch } from './replay';

/** Central difference of f in parameter i (float32: the step actually taken is measured). */
function fd(params: Float32Array, i: number, f: () => number, h = 1e-2): number {
  const p = params[i]!;
  params[i] = p + h;
  const up = params[i]! - p;
  const fu = f();
  params[i] = p - h;
  const down = p - params[i]!;
  const fdn = f();
  params[i] = p;
  return (fu - fdn) / (up + down);
}

function randomBatch(n: number, d: number, seed: number): DqnMinibatch {
  const r = mulberry32(seed);
  const u = (): number => r() * 2 - 1;
  const next: Array<Float32Array | null> = [];
  for (let k = 0; k < n; k++) next.push(k % 3 === 0 ? null : Float32Array.from({ length: d * (1 + (k % 4)) }, u));
  return { size: n, dim: d, x: Float32Array.from({ length: n * d }, u), rewards: Float32Array.from({ length: n }, u), next };
}

describe('dqn', () => {
  it.each([null, 0.3])('the loss gradient matches finite differences (huber %p), with double-DQN bootstrap targets', (huber) => {
    const agent = createDqn({ dim: 3, hidden: [5, 4], gamma: 0.8, seed: 5, huber });
    // Move the target away from the online net so the bootstrap (argmax online, value target) is exercised.
    for (let i = 0; i < agent.target.params.length; i++) agent.target.params[i] = agent.target.params[i]! * 0.5 + 0.02;
    const b = randomBatch(9, 3, 11);
    const g = agent.gradients(b);
    let nonzero = 0;
    for (let i = 0; i < agent.online.params.length; i++) {
      const num = fd(agent.online.params, i, () => agent.gradients(b).loss);
      expect(Math.abs(g.grad[i]! - num)).toBeLessThanOrEqual(2e-3 + 2e-2 * Math.abs(num));
      if (g.grad[i] !== 0) nonzero++;
    }
    expect(nonzero).toBeGreaterThan(agent.online.params.length / 2);
  });

  it('builds double-DQN targets: argmax under the online net, value under the target net; terminal = reward', () => {
    const agent = createDqn({ dim: 2, hidden: [3], gamma: 0.5, seed: 3 });
    const pool = Float32Array.from([0.9, -0.4, -0.2, 0.7, 0.3, 0.3]);
    const b: DqnMinibatch = { size: 2, dim: 2, x: Float32Array.from([0, 0, 0, 0]), rewards: Float32Array.from([0.25, 1]), next: [pool, null] };
    const qOn = qValues(agent.online, pool, 3);
    for (let i = 0; i < agent.target.params.length; i++) agent.target.params[i] = -agent.target.params[i]! + 0.05 * i;
    const qTg = qValues(agent.target, pool, 3);
    const pick = [0, 1, 2].reduce((a, j) => (qOn[j]! > qOn[a]! ? j : a), 0);
    const y = agent.targets(b);
    expect(y[0]).toBeCloseTo(0.25 + 0.5 * qTg[pick]!, 6);
    expect(y[1]).toBeCloseTo(1, 6);
    const plain = createDqn({ dim: 2, hidden: [3], gamma: 0.5, seed: 3, double: false });
    plain.target.params.set(agent.target.params);
    expect(plain.targets(b)[0]).toBeCloseTo(0.25 + 0.5 * Math.max(...qTg), 6);
  });

  /**
   * A two-state MDP with known action values (γ = 0.9). Rows are one-hot (state, action):
   *   A: a0 → B with r = 0;  a1 → end with r = 0.5
   *   B: b0 → end with r = 1 ± 0.2 (uniform noise);  b1 → end with r = 0
   * Q*(B, b0) = 1, Q*(B, b1) = 0, Q*(A, a0) = 0.9 (through B's best), Q*(A, a1) = 0.5.
   * Logged by a uniform behaviour policy; learned from replay alone.
   */
  function trainMdp(target: 'polyak' | 'periodic', seed: number): Dqn {
    const row = (k: number): Float32Array => Float32Array.from({ length: 4 }, (_, j) => (j === k ? 1 : 0));
    const poolB = Float32Array.from([...row(2), ...row(3)]);
    const agent = createDqn({ dim: 4, hidden: [16], gamma: 0.9, lr: 1e-2, seed, target: target === 'polyak' ? { kind: 'polyak', tau: 0.05 } : { kind: 'periodic', every: 50 } });
    const replay = createDqnReplay(5000, 4);
    const r = mulberry32(seed + 7);
    for (let t = 0; t < 2000; t++) {
      const k = Math.floor(r() * 4);
      if (k === 0) replay.add({ x: row(0), reward: 0, next: poolB });
      else if (k === 1) replay.add({ x: row(1), reward: 0.5, next: null });
      else if (k === 2) replay.add({ x: row(2), reward: 1 + (r() * 0.4 - 0.2), next: null });
      else replay.add({ x: row(3), reward: 0, next: null });
    }
    for (let u = 0; u < 3000; u++) agent.update(replay.sample(32, r));
    return agent;
  }

  it.each(['polyak', 'periodic'] as const)('converges to the known action values of a tiny MDP (%s target)', (target) => {
    const agent = trainMdp(target, 21);
    const eye = Float32Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 1 : 0));
    const q = agent.q(eye, 4);
    const truth = [0.9, 0.5, 1, 0];
    for (let k = 0; k < 4; k++) expect(Math.abs(q[k]! - truth[k]!)).toBeLessThan(0.06);
    // The greedy action in A is the one that pays later (a0), not the immediate 0.5.
    expect(q[0]!).toBeGreaterThan(q[1]!);
  });

  it('is reproducible from its seed and refuses non-finite updates without applying them', () => {
    const a = trainMdp('polyak', 4);
    const b = trainMdp('polyak', 4);
    expect(Buffer.from(a.online.params.buffer).equals(Buffer.from(b.online.params.buffer))).toBe(true);
    const bad = randomBatch(4, 4, 2);
    (bad.rewards as Float32Array)[1] = NaN;
    const before = Float32Array.from(a.online.params);
    const n = a.updates();
    expect(a.update(bad).finite).toBe(false);
    expect(a.online.params).toEqual(before);
    expect(a.updates()).toBe(n);
    expect(() => createDqn({ dim: 2, gamma: 1 })).toThrow(/gamma/);
    expect(() => createDqn({ dim: 2, target: { kind: 'periodic', every: 0 } })).toThrow(/every/);
  });
});

describe('dqn replay', () => {
  it('is a ring with shared next pools, seeded sampling and an oldest-first dump', () => {
    const buf = createDqnReplay(3, 2);
    const pool = Float32Array.from([1, 2, 3, 4]);
    for (let k = 0; k < 5; k++) buf.add({ x: Float32Array.from([k, -k]), reward: k, next: k % 2 ? pool : null });
    expect(buf.size()).toBe(3);
    expect(buf.added()).toBe(5);
    expect(Array.from(buf.all().rewards)).toEqual([2, 3, 4]);
    const s = buf.sample(40, mulberry32(1));
    for (let k = 0; k < 40; k++) {
      expect(s.x[k * 2]).toBe(s.rewards[k]);
      expect(s.next[k]).toBe(s.rewards[k]! % 2 ? pool : null);
    }
    expect(Array.from(buf.sample(40, mulberry32(1)).rewards)).toEqual(Array.from(s.rewards));
    expect(() => buf.add({ x: Float32Array.from([1]), reward: 0, next: null })).toThrow(/x must/);
    expect(() => buf.add({ x: Float32Array.from([1, 1]), reward: 0, next: Float32Array.from([1, 2, 3]) })).toThrow(/whole rows/);
    expect(() => createDqnReplay(2, 2).sample(1, Math.random)).toThrow(/empty/);
  });
});

describe('qnet onnx', () => {
  it('onnxruntime gives the TS forward pass (features [N, dim] → q [N, 1])', async () => {
    const agent = createDqn({ dim: 6, hidden: [8, 5], seed: 9 });
    const r = mulberry32(2);
    for (let i = 0; i < agent.online.params.length; i++) agent.online.params[i] = r() * 2 - 1;
    const x = Float32Array.from({ length: 7 * 6 }, () => r() * 4 - 2);
    const session = await loadOnnxModelBytes(qnetOnnx(agent.online));
    try {
      expect(session.inputNames).toEqual([QNET_INPUT]);
      const out = (await session.run({ [QNET_INPUT]: { data: x, dims: [7, 6] } }))[QNET_OUTPUT]!;
      expect(out.dims).toEqual([7, 1]);
      const ts = agent.q(x, 7);
      for (let k = 0; k < 7; k++) expect(Math.abs(out.data[k]! - ts[k]!)).toBeLessThan(1e-5);
    } finally {
      await session.close();
    }
  });
});
