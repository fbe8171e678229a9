import { mulberry32 } from '../random';
import { actorAction, createDdpg, type Ddpg } from './agent';
import { createMlp, mlpBackward, mlpForward, mlpOutput } from './mlp';
import { createNoise } from './noise';
import { createReplayBuffer, type Minibatch } from './replay';
import { decodeActor, encodeActor } from './snapshot';

/** Central difference of f in parameter i of `params` (float32: the step actually taken is measured). */
function fd(params: Float32Array, i: number, f: () => number, h = 1e-2): number {
  const p = params[i]!;
  params[i] = p + h;
  const up = params[i]! - p;
  const fu = f();
  params[i] = p - h;
  const down = p - params[i]!;
  const fd = f();
  params[i] = p;
  return (fu - fd) / (up + down);
}

function expectClose(analytic: number, numeric: number): void {
  expect(Math.abs(analytic - numeric)).toBeLessThanOrEqual(2e-3 + 2e-2 * Math.abs(numeric));
}

function randomBatch(n: number, d: number, seed: number, range: readonly [number, number]): Minibatch {
  const r = mulberry32(seed);
  const u = (): number => r() * 2 - 1;
  return {
    size: n,
    states: Float32Array.from({ length: n * d }, u),
    next: Float32Array.from({ length: n * d }, u),
    actions: Float32Array.from({ length: n }, () => range[0] + (range[1] - range[0]) * r()),
    rewards: Float32Array.from({ length: n }, u),
    done: Uint8Array.from({ length: n }, (_, k) => (k % 3 === 0 ? 1 : 0)),
  };
}

describe('mlp', () => {
  it('backward matches finite differences for parameters and inputs', () => {
    const net = createMlp([3, 5, 4, 2], mulberry32(3));
    const x = Float64Array.from([0.3, -0.7, 0.5, -0.2, 0.9, 0.1]);
    const w = [0.7, -1.3, 0.4, 2.1];
    const loss = (): number => mlpOutput(mlpForward(net, x, 2)).reduce((s, v, k) => s + w[k]! * v, 0);
    const grad = new Float32Array(net.params.length);
    const dx = mlpBackward(net, mlpForward(net, x, 2), w, grad);
    for (let i = 0; i < net.params.length; i++) expectClose(grad[i]!, fd(net.params, i, loss));
    for (let i = 0; i < x.length; i++) {
      const p = x[i]!;
      x[i] = p + 1e-5;
      const up = loss();
      x[i] = p - 1e-5;
      const down = loss();
      x[i] = p;
      expect(dx[i]!).toBeCloseTo((up - down) / 2e-5, 5);
    }
  });
});

const range = [0.2, 0.8] as const;

describe('ddpg', () => {
  it('critic and actor gradients match finite differences', () => {
    const agent = createDdpg({ stateDim: 3, range, hidden: [6, 5], seed: 5, gamma: 0.7 });
    // Move the targets away from the online nets so the bootstrap term is exercised.
    for (let i = 0; i < agent.criticTarget.params.length; i++) agent.criticTarget.params[i] = agent.criticTarget.params[i]! * 0.5 + 0.01;
    const b = randomBatch(8, 3, 11, range);
    const g = agent.gradients(b);
    for (let i = 0; i < agent.critic.params.length; i++)
      expectClose(
        g.criticGrad[i]!,
        fd(agent.critic.params, i, () => agent.gradients(b).criticLoss),
      );
    // The actor objective depends on the critic too; only its actor parameters are differentiated.
    for (let i = 0; i < agent.actor.params.length; i++)
      expectClose(
        g.actorGrad[i]!,
        fd(agent.actor.params, i, () => agent.gradients(b).actorObjective),
      );
    expect(g.actorGrad.some((v) => v !== 0)).toBe(true);
  });

  function trainToy(seed: number, steps: number): { agent: Ddpg; actions: number[] } {
    // One-step episodes: reward peaks at α*(s) = 0.45 + 0.2·s0 (inside the range), falls off quadratically.
    const agent = createDdpg({ stateDim: 2, range, hidden: [16, 16], seed, actorLr: 3e-3, criticLr: 1e-2, tau: 0.05 });
    const replay = createReplayBuffer(2000, 2);
    const noise = createNoise({ sigma: 0.15, seed });
    const r = mulberry32(seed + 1);
    const actions: number[] = [];
    for (let step = 0; step < steps; step++) {
      const s = [r() * 2 - 1, r() * 2 - 1];
      const a = Math.min(range[1], Math.max(range[0], agent.act(s) + noise.sample()));
      actions.push(a);
      const best = 0.45 + 0.2 * s[0]!;
      replay.add({ state: s, action: a, reward: 1 - 10 * (a - best) ** 2, next: s, done: true });
      if (replay.size() >= 64) agent.update(replay.sample(32, r));
    }
    return { agent, actions };
  }

  it('converges near the optimum of a known toy, and every action stays in the range', () => {
    const { agent, actions } = trainToy(7, 900);
    for (const a of actions) {
      expect(a).toBeGreaterThanOrEqual(range[0]);
      expect(a).toBeLessThanOrEqual(range[1]);
    }
    for (const s0 of [-0.8, -0.3, 0, 0.4, 0.8]) expect(Math.abs(agent.act([s0, 0.1]) - (0.45 + 0.2 * s0))).toBeLessThan(0.06);
  });

  it('is reproducible from its seed', () => {
    const a = trainToy(9, 200).agent;
    const b = trainToy(9, 200).agent;
    expect(Buffer.from(a.actor.params.buffer).equals(Buffer.from(b.actor.params.buffer))).toBe(true);
    expect(Buffer.from(a.critic.params.buffer).equals(Buffer.from(b.critic.params.buffer))).toBe(true);
  });

  it('keeps actions inside the range even for extreme states', () => {
    const agent = createDdpg({ stateDim: 2, range, seed: 2 });
    for (let i = 0; i < agent.actor.params.length; i++) agent.actor.params[i] = (i % 2 ? 1 : -1) * 50;
    for (const s of [
      [1e6, -1e6],
      [-1e6, 1e6],
      [0, 0],
    ]) {
      const a = agent.act(s);
      expect(a).toBeGreaterThanOrEqual(range[0]);
      expect(a).toBeLessThanOrEqual(range[1]);
    }
  });

  it('starts at its initial action, moves targets softly, and flags non-finite updates without applying them', () => {
    const agent = createDdpg({ stateDim: 2, range, initAction: 0.35, seed: 4, tau: 0.1 });
    expect(agent.act([0, 0])).toBeCloseTo(0.35, 1);
    const before = Float32Array.from(agent.actorTarget.params);
    const b = randomBatch(4, 2, 1, range);
    expect(agent.update(b).finite).toBe(true);
    let moved = 0;
    for (let i = 0; i < before.length; i++) {
      const step = agent.actorTarget.params[i]! - before[i]!;
      const full = agent.actor.params[i]! - before[i]!;
      if (full !== 0) moved++;
      expect(Math.abs(step)).toBeLessThanOrEqual(Math.abs(0.1 * full) + 1e-6);
    }
    expect(moved).toBeGreaterThan(0);
    const bad = { ...b, rewards: Float32Array.from([NaN, 0, 0, 0]) };
    const snapshot = Float32Array.from(agent.critic.params);
    const out = agent.update(bad);
    expect(out.finite).toBe(false);
    expect(agent.critic.params).toEqual(snapshot);
    expect(agent.updates()).toBe(1);
  });
});

describe('replay buffer', () => {
  it('is a ring: bounded size, oldest overwritten, seeded sampling', () => {
    const buf = createReplayBuffer(3, 1);
    for (let k = 0; k < 5; k++) buf.add({ state: [k], action: k, reward: k, next: [k + 1], done: k % 2 === 0 });
    expect(buf.size()).toBe(3);
    expect(buf.added()).toBe(5);
    const b = buf.sample(50, mulberry32(1));
    expect(new Set(b.actions)).toEqual(new Set([2, 3, 4]));
    for (let k = 0; k < 50; k++) {
      expect(b.states[k]).toBe(b.actions[k]);
      expect(b.next[k]).toBe(b.actions[k]! + 1);
      expect(b.done[k]).toBe(b.actions[k]! % 2 === 0 ? 1 : 0);
    }
    expect(buf.sample(50, mulberry32(1)).actions).toEqual(b.actions);
    expect(() => createReplayBuffer(2, 2).sample(1, Math.random)).toThrow(/empty/);
    expect(() => buf.add({ state: [1, 2], action: 0, reward: 0, next: [1], done: true })).toThrow(RangeError);
  });
});

describe('noise', () => {
  it('gaussian has the configured spread; OU is correlated; both are seeded', () => {
    const g = createNoise({ sigma: 0.2, seed: 3 });
    const xs = Array.from({ length: 4000 }, () => g.sample());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(sd).toBeGreaterThan(0.18);
    expect(sd).toBeLessThan(0.22);
    g.reset();
    expect(g.sample()).toBe(xs[0]);
    const ou = createNoise({ kind: 'ou', sigma: 0.1, theta: 0.1, seed: 3 });
    const ys = Array.from({ length: 4000 }, () => ou.sample());
    let c = 0;
    for (let k = 1; k < ys.length; k++) c += ys[k]! * ys[k - 1]!;
    const v = ys.reduce((s, y) => s + y * y, 0);
    expect(c / v).toBeGreaterThan(0.8);
  });
});

describe('actor snapshot', () => {
  it('round-trips bit-identically and refuses malformed snapshots', () => {
    const agent = createDdpg({ stateDim: 3, range, seed: 8 });
    const snap = JSON.parse(JSON.stringify(encodeActor(agent.actor, agent.range))) as ReturnType<typeof encodeActor>;
    const { actor, range: r } = decodeActor(snap);
    expect(actor.params).toEqual(agent.actor.params);
    expect(actorAction(actor, r, [0.1, 0.2, 0.3])).toBe(agent.act([0.1, 0.2, 0.3]));
    expect(() => decodeActor({ ...snap, params: snap.params.slice(8) })).toThrow(/parameters/);
    expect(() => decodeActor({ ...snap, range: [0.5, 0.5] })).toThrow(/range/);
    expect(() => decodeActor({ ...snap, sizes: [3, 32, 32, 2] })).toThrow(/sizes/);
  });
});
