import { mulberry32 } from '../../ml/random';
import { welchTTest } from './means';
import { twoProportionZTest } from './proportions';
import { ratioDeltaTest, ratioEstimate } from './ratio';
import { summarize } from './running-stats';

describe('ratio metrics with the delta method', () => {
  it('computes R and its delta-method variance, worked by hand', () => {
    // x = [1, 0, 3], n = [2, 2, 4]: R = 4/8 = 0.5, x̄ = 4/3, n̄ = 8/3;
    // s²_x = (1/9 + 16/9 + 25/9)/2 = 7/3, s²_n = (4/9 + 4/9 + 16/9)/2 = 4/3, s_xn = (2/9 + 8/9 + 20/9)/2 = 5/3;
    // Var(R) = (7/3 − 2·0.5·5/3 + 0.25·4/3) / (3 · 64/9) = 1 / (64/3) = 0.046875.
    const e = ratioEstimate({ numerator: [1, 0, 3], denominator: [2, 2, 4] });
    expect(e.ratio).toBe(0.5);
    expect(e.variance).toBeCloseTo(0.046875, 12);
    expect(e.units).toBe(3);
  });

  it('reduces to the comparison of means when every unit has denominator 1 (z = Welch t)', () => {
    const a = [3, 5, 2, 8, 4, 6];
    const b = [7, 6, 9, 5, 8, 10, 6];
    const r = ratioDeltaTest({ numerator: a, denominator: a.map(() => 1) }, { numerator: b, denominator: b.map(() => 1) });
    const w = welchTTest(summarize(a), summarize(b));
    expect(r.z).toBeCloseTo(w.t, 10);
    expect(r.absoluteLift).toBeCloseTo(w.diff, 12);
    expect(r.relativeLift).toBeCloseTo(w.relativeLift, 12);
  });

  it('holds its size on user-clustered clicks where the z-test over impressions does not', () => {
    // Users differ in click propensity (uniform 0..0.4) and see 1..20 impressions; both arms come
    // from the same process, so every rejection at alpha = 0.05 is a false positive. Seed 11 gives
    // 3.3% for the delta method and 14.7% for the z-test over impressions.
    const rng = mulberry32(11);
    const arm = (users: number) => {
      const x = new Float64Array(users);
      const n = new Float64Array(users);
      for (let i = 0; i < users; i++) {
        const p = 0.4 * rng();
        const k = 1 + Math.floor(20 * rng());
        let c = 0;
        for (let j = 0; j < k; j++) if (rng() < p) c++;
        x[i] = c;
        n[i] = k;
      }
      return { numerator: x, denominator: n };
    };
    const sum = (v: Float64Array) => v.reduce((s, y) => s + y, 0);
    let delta = 0;
    let naive = 0;
    const runs = 300;
    for (let r = 0; r < runs; r++) {
      const a = arm(150);
      const b = arm(150);
      if (ratioDeltaTest(a, b).pValue < 0.05) delta++;
      if (twoProportionZTest({ successesA: sum(a.numerator), trialsA: sum(a.denominator), successesB: sum(b.numerator), trialsB: sum(b.denominator) }).pValue < 0.05) naive++;
    }
    expect(delta / runs).toBeGreaterThan(0.02);
    expect(delta / runs).toBeLessThan(0.09);
    expect(naive / runs).toBeGreaterThan(0.12);
  });

  it('rejects arms it cannot estimate', () => {
    expect(() => ratioEstimate({ numerator: [1], denominator: [1] })).toThrow(RangeError);
    expect(() => ratioEstimate({ numerator: [0, 0], denominator: [0, 0] })).toThrow(/sum to 0/);
    expect(() => ratioEstimate({ numerator: [1, 2], denominator: [1] })).toThrow(/lengths differ/);
  });
});
