/**
 * Finite-difference check of the hand-written DUVE gradient, through the decays (θ → λ → decayed
 * sums → features) and every head, in all three decay modes, on a small synthetic set.
 */
import { buildDuveExamples, referenceTimes, scanDecayedSums, allocDecayedSums } from './examples';
import { NUM_HEADS, decayOfTheta, thetaOfHalfLife } from './model';
import { duveObjective, paramCount, thetaCount } from './objective';
import { syntheticDuveHistories } from './synthetic';
import { buildDuveProblem } from './train';
import { mulberry32 } from '../random';

const DAY = 24 * 3600 * 1000;
const start = Date.UTC(2020, 0, 1);
const histories = syntheticDuveHistories({ users: 12, days: 12, seed: 5 });
const trainEnd = start + 12 * DAY;
const ex = buildDuveExamples(histories, {
  types: ['view', 'add_to_cart', 'purchase'],
  refTimes: referenceTimes(start, trainEnd, DAY / 2, DAY),
  horizonMs: DAY,
  trainEnd,
  embeddingDims: 16,
  embeddingHalfLifeDays: 7,
  embeddingSeed: 3,
});
const bounds = [1 / 24, 365] as const;

describe('DUVE gradient', () => {
  it('has examples with purchases, carts, views and money', () => {
    expect(ex.n).toBeGreaterThan(100);
    expect(ex.purchased.some((y) => y === 1) && ex.purchased.some((y) => y === 0)).toBe(true);
    expect(ex.typesWithValue).toEqual(['purchase']);
  });

  it('∂C/∂λ = −D matches central differences of the scan', () => {
    const rates = [0.7, 0.05, 2];
    const a = scanDecayedSums(ex, rates, allocDecayedSums(ex));
    const h = 1e-6;
    for (let k = 0; k < 3; k++) {
      const up = scanDecayedSums(
        ex,
        rates.map((r, q) => (q === k ? r + h : r)),
        allocDecayedSums(ex),
      );
      const dn = scanDecayedSums(
        ex,
        rates.map((r, q) => (q === k ? r - h : r)),
        allocDecayedSums(ex),
      );
      for (let i = 0; i < ex.n; i += 7) {
        const o = i * 3 + k;
        expect((up.c[o]! - dn.c[o]!) / (2 * h)).toBeCloseTo(-a.d[o]!, 4);
        expect((up.v[o]! - dn.v[o]!) / (2 * h)).toBeCloseTo(-a.dv[o]!, 2);
      }
    }
  });

  it('dλ/dθ matches central differences', () => {
    for (const theta of [-3, -0.5, 0, 1.2, 4]) {
      const h = 1e-6;
      const fd = (decayOfTheta(theta + h, bounds).rate - decayOfTheta(theta - h, bounds).rate) / (2 * h);
      expect(decayOfTheta(theta, bounds).dRate).toBeCloseTo(fd, 6);
    }
  });

  for (const mode of ['per-type', 'shared', 'none'] as const) {
    it(`matches central differences in every parameter (${mode})`, () => {
      const { problem, params0 } = buildDuveProblem(ex, { decayMode: mode, bounds, l2: 0.01, headWeights: [1, 0.7, 0.5, 1.3], theta0: thetaOfHalfLife(1, bounds) });
      expect(params0.length).toBe(paramCount(problem));
      const rng = mulberry32(11);
      const params = Float64Array.from(params0, (v) => v + 0.3 * (rng() - 0.5));
      const nTheta = thetaCount(mode, ex.K);
      // distinct half-lives per type so the per-type terms do not coincide
      for (let k = 0; k < nTheta; k++) params[k] = thetaOfHalfLife([0.2, 5, 1][k]!, bounds);
      const grad = new Float64Array(params.length);
      duveObjective(problem, params, grad);
      const F = problem.features.length;
      expect(params.length).toBe(nTheta + NUM_HEADS * (F + 1));
      let worst = 0;
      for (let q = 0; q < params.length; q++) {
        const h = 1e-5;
        const p1 = Float64Array.from(params);
        const p2 = Float64Array.from(params);
        p1[q] = p1[q]! + h;
        p2[q] = p2[q]! - h;
        const fd = (duveObjective(problem, p1, null) - duveObjective(problem, p2, null)) / (2 * h);
        const err = Math.abs(fd - grad[q]!) / Math.max(1e-4, Math.abs(fd) + Math.abs(grad[q]!));
        worst = Math.max(worst, err);
        expect(err).toBeLessThan(1e-5);
      }
      if (nTheta > 0) for (let k = 0; k < nTheta; k++) expect(Math.abs(grad[k]!)).toBeGreaterThan(1e-8);
      expect(worst).toBeLessThan(1e-5);
    });
  }
});
