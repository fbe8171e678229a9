/**
 * OPE estimators on a synthetic contextual slate bandit whose target value is computed exactly:
 * 3 contexts, a pool of 5 items, 3 slots, slot reward Bernoulli(p(x, a) · position weight)
 * (the position-based assumption holds by construction). Behaviour and targets are the IRA
 * exploration policies (Boltzmann, ε-greedy, greedy over a Q).
 */
import { sampleSlate, slateProbability, type ExploreOptions } from '../../plugins/ira/explore';
import { mulberry32 } from '../random';
import { bootstrapEstimate, doublyRobust, effectiveSampleSize, ips, onPolicyValue, slotWeights, snips, type LoggedSlateOutcome } from './estimators';
import { slotMarginals } from './marginals';

const POOL = 5;
const SLOTS = 3;
const CONTEXT_P = [0.5, 0.3, 0.2];
const POSITION = [1, 0.7, 0.5];
/** Click probability of item a in context x. */
const P: number[][] = [
  [0.5, 0.2, 0.1, 0.4, 0.05],
  [0.1, 0.6, 0.3, 0.05, 0.2],
  [0.3, 0.1, 0.7, 0.2, 0.4],
];
/** The behaviour's Q: a noisy, partly wrong view of P. */
const Q_MU = [
  [0.3, 0.3, 0.2, 0.3, 0.1],
  [0.2, 0.4, 0.3, 0.2, 0.2],
  [0.3, 0.2, 0.4, 0.3, 0.3],
];
const BEHAVIOUR: ExploreOptions = { method: 'boltzmann', temperature: 0.2, epsilon: 0 };
const TARGETS: ReadonlyArray<[string, ExploreOptions]> = [
  ['Boltzmann τ=0.1 on the true P', { method: 'boltzmann', temperature: 0.1, epsilon: 0 }],
  ['ε-greedy ε=0.3 on the true P', { method: 'epsilon', temperature: 1, epsilon: 0.3 }],
];

const marginalsOf = (q: readonly number[], o: ExploreOptions, seed = 1) => {
  const rng = mulberry32(seed);
  return slotMarginals({ poolSize: POOL, slots: SLOTS, prob: (s) => slateProbability(q, s, o), draw: () => sampleSlate(q, { ...o, slots: SLOTS, rng }).shown });
};

/** The exact value per slate of a policy acting on the true P. */
function trueValue(o: ExploreOptions, contexts: readonly number[] = [0, 1, 2], weights: readonly number[] = CONTEXT_P): number {
  let v = 0;
  contexts.forEach((x, i) => {
    const { marginals, exact } = marginalsOf(P[x]!, o);
    expect(exact).toBe(true);
    for (let k = 0; k < SLOTS; k++) for (let a = 0; a < POOL; a++) v += weights[i]! * marginals[k]![a]! * P[x]![a]! * POSITION[k]!;
  });
  return v;
}

interface LogOptions {
  readonly n: number;
  readonly seed: number;
  readonly target: ExploreOptions;
  /** Rewards without noise: the expected reward itself. */
  readonly noiseless?: boolean;
  /** The reward model: exact, or a constant. */
  readonly model?: 'exact' | 'constant';
  readonly contexts?: readonly number[];
}

function logSlates(o: LogOptions): { logs: LoggedSlateOutcome[]; contexts: number[] } {
  const rng = mulberry32(o.seed);
  const logs: LoggedSlateOutcome[] = [];
  const contexts: number[] = [];
  const cache = new Map<number, Float64Array[]>();
  for (let i = 0; i < o.n; i++) {
    let x: number;
    if (o.contexts) x = o.contexts[i % o.contexts.length]!;
    else {
      const u = rng();
      x = u < CONTEXT_P[0]! ? 0 : u < CONTEXT_P[0]! + CONTEXT_P[1]! ? 1 : 2;
    }
    contexts.push(x);
    const slate = sampleSlate(Q_MU[x]!, { ...BEHAVIOUR, slots: SLOTS, rng });
    const rewards = slate.shown.map((a, k) => {
      const p = P[x]![a]! * POSITION[k]!;
      return o.noiseless ? p : rng() < p ? 1 : 0;
    });
    let model: LoggedSlateOutcome['model'];
    if (o.model) {
      if (!cache.has(x)) cache.set(x, marginalsOf(P[x]!, o.target).marginals);
      const predicted = POSITION.map((pos) => Float64Array.from(P[x]!, (p) => (o.model === 'exact' ? p * pos : 0.2)));
      model = { predicted, targetMarginals: cache.get(x)! };
    }
    logs.push({ shown: slate.shown, propensities: slate.propensities, rewards, target: slateProbability(P[x]!, slate.shown, o.target), ...(model ? { model } : {}) });
  }
  return { logs, contexts };
}

const meanSd = (xs: number[]): { mean: number; se: number } => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  return { mean, se: sd / Math.sqrt(xs.length) };
};

describe('slot marginals', () => {
  it('match the brute-force sum over every slate, exactly and by sampling', () => {
    const q = Q_MU[0]!;
    const brute = Array.from({ length: SLOTS }, () => new Float64Array(POOL));
    for (let a = 0; a < POOL; a++)
      for (let b = 0; b < POOL; b++)
        for (let c = 0; c < POOL; c++) {
          if (a === b || b === c || a === c) continue;
          const p = Array.from(slateProbability(q, [a, b, c], BEHAVIOUR)).reduce((x, y) => x * y, 1);
          brute[0]![a] = brute[0]![a]! + p;
          brute[1]![b] = brute[1]![b]! + p;
          brute[2]![c] = brute[2]![c]! + p;
        }
    const exact = marginalsOf(q, BEHAVIOUR);
    expect(exact.exact).toBe(true);
    exact.marginals.forEach((m, k) => expect(Array.from(m)).toEqual(Array.from(brute[k]!).map((v) => expect.closeTo(v, 12))));
    const rng = mulberry32(2);
    const sampled = slotMarginals({
      poolSize: POOL,
      slots: SLOTS,
      prob: (s) => slateProbability(q, s, BEHAVIOUR),
      draw: () => sampleSlate(q, { ...BEHAVIOUR, slots: SLOTS, rng }).shown,
      maxNodes: 10,
      samples: 20_000,
    });
    expect(sampled.exact).toBe(false);
    sampled.marginals.forEach((m, k) => m.forEach((v, a) => expect(Math.abs(v - brute[k]![a]!)).toBeLessThan(0.015)));
    // Greedy: one branch, exact whatever the pool.
    const big = Array.from({ length: 60 }, (_, i) => Math.sin(i));
    const greedy = slotMarginals({ poolSize: 60, slots: 10, prob: (s) => slateProbability(big, s, { method: 'greedy', temperature: 1, epsilon: 0 }), draw: () => [], maxNodes: 1000 });
    expect(greedy.exact).toBe(true);
    expect(greedy.marginals.map((m) => m.reduce((a, b) => a + b, 0))).toEqual(Array(10).fill(1));
  });
});

describe.each(TARGETS)('OPE of %s', (_name, target) => {
  const truth = trueValue(target);

  it('IPS is unbiased: the mean over 300 seeded logs is within 4 standard errors of the true value', () => {
    const est = Array.from({ length: 300 }, (_, s) => ips(logSlates({ n: 200, seed: 100 + s, target }).logs).perSlate);
    const { mean, se } = meanSd(est);
    expect(Math.abs(mean - truth)).toBeLessThan(4 * se);
    // The behaviour's own value is not the target's: the test can tell them apart.
    const behaviour = trueValue(BEHAVIOUR);
    expect(Math.abs(behaviour - truth)).toBeGreaterThan(4 * se);
  });

  it('SNIPS and DR are consistent: within 2% of the true value on 40,000 slates', () => {
    const { logs } = logSlates({ n: 40_000, seed: 7, target, model: 'constant' });
    expect(Math.abs(snips(logs).perSlate - truth) / truth).toBeLessThan(0.02);
    expect(Math.abs(doublyRobust(logs).perSlate - truth) / truth).toBeLessThan(0.02);
    expect(Math.abs(ips(logs).perSlate - truth) / truth).toBeLessThan(0.03);
  });

  it('DR with a wrong reward model is still unbiased over seeds', () => {
    const est = Array.from({ length: 150 }, (_, s) => doublyRobust(logSlates({ n: 200, seed: 900 + s, target, model: 'constant' }).logs).perSlate);
    const { mean, se } = meanSd(est);
    expect(Math.abs(mean - truth)).toBeLessThan(4 * se);
  });

  it('DR is exact with an exact reward model and noiseless rewards', () => {
    const { logs, contexts } = logSlates({ n: 300, seed: 3, target, model: 'exact', noiseless: true });
    const onLogged = contexts.reduce((a, x) => a + trueValue(target, [x], [1]), 0) / contexts.length;
    expect(doublyRobust(logs).perSlate).toBeCloseTo(onLogged, 10);
    // One context: the true value itself, from a handful of slates.
    const one = logSlates({ n: 5, seed: 4, target, model: 'exact', noiseless: true, contexts: [1] });
    expect(doublyRobust(one.logs).perSlate).toBeCloseTo(trueValue(target, [1], [1]), 10);
    // IPS on the same logs is not exact.
    expect(Math.abs(ips(one.logs).perSlate - trueValue(target, [1], [1]))).toBeGreaterThan(1e-3);
  });
});

describe('weights, clipping, ESS, intervals', () => {
  const target = TARGETS[0]![1];

  it('prefix weights multiply the slot ratios; slot weighting keeps each alone; clipping caps them', () => {
    const s: LoggedSlateOutcome = { shown: [0, 1, 2], propensities: [0.5, 0.25, 0.5], rewards: [1, 0, 1], target: [0.25, 0.5, 1] };
    expect(Array.from(slotWeights(s))).toEqual([0.5, 1, 2]);
    expect(Array.from(slotWeights(s, { weighting: 'slot' }))).toEqual([0.5, 2, 2]);
    expect(Array.from(slotWeights(s, { clip: 1.5 }))).toEqual([0.5, 1, 1.5]);
    expect(ips([s]).perSlate).toBe(0.5 + 2);
    expect(ips([s]).perImpression).toBeCloseTo(2.5 / 3, 12);
    expect(() => slotWeights({ ...s, propensities: [0, 1, 1] })).toThrow(/propensity of slot 0/);
    // A slot no logged prefix supports (every weight 0): SNIPS cannot say, IPS says 0 for it.
    const unsupported: LoggedSlateOutcome = { ...s, target: [1, 0, 1] };
    expect(snips([unsupported, unsupported]).perSlate).toBeNaN();
    expect(ips([unsupported]).perSlate).toBe(2);
    const b = bootstrapEstimate('snips', [unsupported, unsupported], { resamples: 20 });
    expect([b.low, b.high]).toEqual([Number.NaN, Number.NaN]);
  });

  it('on the behaviour itself every weight is 1: IPS = SNIPS = the logged value, ESS = slots logged', () => {
    const rng = mulberry32(1);
    const logs: LoggedSlateOutcome[] = Array.from({ length: 50 }, () => {
      const sl = sampleSlate(Q_MU[0]!, { ...BEHAVIOUR, slots: SLOTS, rng });
      return { shown: sl.shown, propensities: sl.propensities, rewards: sl.shown.map((a) => P[0]![a]!), target: slateProbability(Q_MU[0]!, sl.shown, BEHAVIOUR) };
    });
    const v = onPolicyValue(logs).perSlate;
    expect(ips(logs).perSlate).toBeCloseTo(v, 10);
    expect(snips(logs).perSlate).toBeCloseTo(v, 10);
    expect(effectiveSampleSize(logs).pooled).toBeCloseTo(150, 8);
  });

  it('bootstrap intervals contain the point estimate, are seeded, and cover the truth', () => {
    const { logs } = logSlates({ n: 3000, seed: 21, target, model: 'constant' });
    const truth = trueValue(target) / SLOTS;
    for (const kind of ['ips', 'snips', 'dr'] as const) {
      const a = bootstrapEstimate(kind, logs, { resamples: 200, seed: 5 });
      const b = bootstrapEstimate(kind, logs, { resamples: 200, seed: 5 });
      expect(a).toEqual(b);
      expect(a.low).toBeLessThanOrEqual(a.perImpression);
      expect(a.high).toBeGreaterThanOrEqual(a.perImpression);
      expect(a.low).toBeLessThan(truth);
      expect(a.high).toBeGreaterThan(truth);
    }
    // Clipping lowers the variance of the weights (ESS up) at the price of bias.
    expect(effectiveSampleSize(logs, { clip: 2 }).pooled).toBeGreaterThan(effectiveSampleSize(logs).pooled);
  });
});
