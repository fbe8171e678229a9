import { doublyRobust, onPolicyValue } from '../ml/ope/estimators';
import { DEFAULT_STRATEGY, parseStrategy } from '../pipeline/strategy';
import { sampleSlate } from '../plugins/ira/explore';
import type { LoggedIraDecision } from '../plugins/ira';
import { mulberry32 } from '../ml/random';
import { IRA_ARMS, IRA_LINES, iraStrategies, opeSlates, withSlotMeanModel } from './ira';

const LTV = parseStrategy({
  id: 'ltv',
  scorers: [
    { id: 'baseline/commercial', weight: 0.5 },
    { id: 'duve/purchase', weight: 0.4 },
  ],
  diversity: { method: 'mmr', lambda: 0.9, maxPerCategory: 0 },
});

describe('simulate --headline IRA strategies', () => {
  it('adds ira/policy as the policy of the ltv strategy, one line per arm with its settings', () => {
    const ss = iraStrategies(LTV, { temperature: 0.2, pool: 20 });
    expect(ss.map((s) => s.id)).toEqual([IRA_ARMS.full, IRA_ARMS.shortTerm, IRA_ARMS.noDecay, IRA_ARMS.hourly]);
    for (const s of ss) {
      expect(s.policy).toEqual({ scorer: 'ira/policy' });
      expect(s.diversity).toEqual(LTV.diversity);
      expect(s.scorers.slice(0, 2).map((x) => [x.id, x.weight])).toEqual([
        ['baseline/commercial', 0.4],
        ['duve/purchase', 0.32000000000000006],
      ]);
    }
    const settings = ss.map((s) => s.scorers.find((x) => x.id === 'ira/policy')!.settings);
    expect(settings[0]).toEqual({ gamma1: 0.6, gamma2: 0.4, value: 'v2', refreshMinutes: 15, line: 'full', explore: 'boltzmann', temperature: 0.2, pool: 20 });
    expect(settings[1]).toMatchObject({ gamma1: 1, gamma2: 0, value: 'v2', refreshMinutes: 15, line: 'short-term' });
    expect(settings[2]).toMatchObject({ gamma1: 0.6, gamma2: 0.4, value: 'v2-nodecay', refreshMinutes: 15, line: 'no-decay' });
    expect(settings[3]).toMatchObject({ gamma1: 0.6, gamma2: 0.4, value: 'v2', refreshMinutes: 60, line: 'hourly' });
    expect(new Set(IRA_LINES.map((l) => l.line)).size).toBe(4);
    expect(() => iraStrategies(DEFAULT_STRATEGY)).not.toThrow();
  });
});

describe('OPE inputs from logged IRA decisions', () => {
  const dim = 2;
  const decision = (i: number, q: Float32Array, rewards: Float64Array | null): LoggedIraDecision => {
    const slate = sampleSlate(q, { method: 'boltzmann', temperature: 0.5, epsilon: 0, slots: 3, rng: mulberry32(i) });
    return {
      decisionId: `d${i}`,
      userId: `u${i}`,
      ts: i,
      surface: 'home',
      line: 'full',
      version: 1,
      gamma1: 0.6,
      gamma2: 0.4,
      explore: { method: 'boltzmann', temperature: 0.5, epsilon: 0 },
      pool: Array.from({ length: q.length }, (_, k) => `i${k}`),
      features: Float32Array.from({ length: q.length * dim }, (_, k) => (k % dim === 0 ? q[Math.floor(k / dim)]! : 0)),
      q,
      shown: slate.shown,
      propensities: slate.propensities,
      valueBefore: null,
      rewards,
      valueAfter: null,
    };
  };
  // The "network" reads Q off the first feature column: the behaviour's own Q.
  const own = (features: Float32Array, rows: number): Float32Array => Float32Array.from({ length: rows }, (_, r) => features[r * dim]!);
  const logged = Array.from({ length: 50 }, (_, i) => decision(i, Float32Array.from([1, 0.5, 0.2, 0, -0.3]), i % 7 === 0 ? null : Float64Array.from([0.6 + (i % 3) * 0.1, 0.1, i % 2])));

  it('gives the behaviour its own propensities as target probabilities, and skips open decisions', () => {
    const slates = opeSlates(logged, own, 0.5);
    expect(slates).toHaveLength(logged.filter((d) => d.rewards !== null).length);
    for (const s of slates) for (let k = 0; k < s.shown.length; k++) expect(s.target[k]).toBeCloseTo(s.propensities[k]!, 6);
    // Another temperature is another policy.
    const other = opeSlates(logged, own, 0.05);
    expect(other.some((s, i) => Math.abs(s.target[0]! - slates[i]!.target[0]!) > 1e-3)).toBe(true);
  });

  it('makes DR equal the on-policy value when the target is the behaviour (the correction cancels the slot-mean model)', () => {
    const slates = opeSlates(logged, own, 0.5);
    const withModel = withSlotMeanModel(
      slates,
      slates.map(() => 5),
    );
    expect(doublyRobust(withModel).perSlate).toBeCloseTo(onPolicyValue(slates).perSlate, 5);
    for (const s of withModel) for (const row of s.model!.targetMarginals) expect(Array.from(row).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});
