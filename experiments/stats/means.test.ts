import { mulberry32 } from '../../ml/random';
import { studentTCdf } from './distributions';
import { welchTTest } from './means';
import { summarize } from './running-stats';

describe('welchTTest', () => {
  it('reproduces the NIST two-sample t-test example without equal variances', () => {
    // NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.5.3 (two-sample t-test for equal means),
    // AUTO83B.DAT miles per gallon: US cars N1 = 249, mean 20.14458, sd 6.41470; Japanese cars N2 = 79,
    // mean 30.48101, sd 6.10771. "Equal variances not assumed": T = −12.94627, ν = 136.8750.
    // A = Japan, B = US, so B − A has NIST's sign.
    const r = welchTTest({ mean: 30.48101, variance: 6.10771 ** 2, n: 79 }, { mean: 20.14458, variance: 6.4147 ** 2, n: 249 });
    expect(r.diff).toBeCloseTo(20.14458 - 30.48101, 10);
    expect(r.t).toBeCloseTo(-12.94627, 4);
    expect(r.df).toBeCloseTo(136.875, 3);
    expect(r.pValue).toBeLessThan(1e-20);
  });

  it("reproduces Rosetta Code's Welch's t-test reference p-values", () => {
    // Rosetta Code task "Welch's t-test": two-sided p-values to 15 digits for five pairs of samples; the
    // first three pairs are the worked examples of Wikipedia's "Welch's t-test" article.
    const cases: Array<[number[], number[], number]> = [
      [
        [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4],
        [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4],
        0.021378001462867,
      ],
      [
        [17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8],
        [21.5, 22.8, 21.0, 23.0, 21.6, 23.6, 22.5, 20.7, 23.4, 21.8, 20.7, 21.7, 21.5, 22.5, 23.6, 21.5, 22.5, 23.5, 21.5, 21.8],
        0.148841696605328,
      ],
      [
        [19.8, 20.4, 19.6, 17.8, 18.5, 18.9, 18.3, 18.9, 19.5, 22.0],
        [28.2, 26.6, 20.1, 23.3, 25.2, 22.1, 17.7, 27.6, 20.6, 13.7, 23.2, 17.5, 20.6, 18.0, 23.9, 21.6, 24.3, 20.4, 24.0, 13.2],
        0.0359722710297968,
      ],
      [[30.02, 29.99, 30.11, 29.97, 30.01, 29.99], [29.89, 29.93, 29.72, 29.98, 30.02, 29.98], 0.090773324285671],
    ];
    for (const [a, b, p] of cases) expect(welchTTest(summarize(a), summarize(b)).pValue).toBeCloseTo(p, 12);
    // The fifth pair has ν ≈ 2, a test of the t tail at tiny non-integer df: reference 0.0107515611497845.
    const tiny = welchTTest(summarize([3.0, 4.0, 1.0, 2.1]), summarize([490.2, 340.0, 433.9]));
    expect(tiny.pValue).toBeCloseTo(0.0107515611497845, 9);
  });

  it('puts the confidence interval at diff ± t_{0.975, ν}·SE, worked by hand', () => {
    // Equal n and variances give ν = 2(n − 1) exactly: n = 6, s² = 2.5 → SE = √(2·2.5/6) = 0.912871, ν = 10,
    // t_{0.975, 10} = 2.228139 (table value 2.228). diff = 2 → CI 2 ± 2.034008 = (−0.034008, 4.034008).
    const r = welchTTest({ mean: 10, variance: 2.5, n: 6 }, { mean: 12, variance: 2.5, n: 6 });
    expect(r.df).toBeCloseTo(10, 12);
    expect(r.t).toBeCloseTo(2 / 0.912871, 5);
    expect(r.ci.lower).toBeCloseTo(-0.034008, 5);
    expect(r.ci.upper).toBeCloseTo(4.034008, 5);
    // The interval just includes 0, so p is just above 0.05.
    expect(r.pValue).toBeGreaterThan(0.05);
    expect(r.pValue).toBeLessThan(0.06);
  });

  it('gives the delta-method interval for the relative lift, worked by hand', () => {
    // m_A = 10, s²_A = 4, n_A = 100; m_B = 11, s²_B = 9, n_B = 100 → r = 0.1,
    // SE_r = √(0.09/10² + 11²·0.04/10⁴) = √(0.0009 + 0.000484) = 0.0372022,
    // 95%: 0.1 ± 1.959964 × 0.0372022 = (0.0270847, 0.1729153) (Deng, Knoblich & Lu 2018, percent change).
    const r = welchTTest({ mean: 10, variance: 4, n: 100 }, { mean: 11, variance: 9, n: 100 });
    expect(r.relativeLift).toBeCloseTo(0.1, 12);
    expect(r.relativeCi.lower).toBeCloseTo(0.0270847, 6);
    expect(r.relativeCi.upper).toBeCloseTo(0.1729153, 6);
  });

  it('gives one-sided p-values and intervals', () => {
    const a = { mean: 10, variance: 2.5, n: 6 };
    const b = { mean: 12, variance: 2.5, n: 6 };
    const two = welchTTest(a, b);
    const greater = welchTTest(a, b, { alternative: 'greater' });
    expect(greater.pValue).toBeCloseTo(two.pValue / 2, 12);
    expect(welchTTest(a, b, { alternative: 'less' }).pValue).toBeCloseTo(1 - two.pValue / 2, 12);
    // One-sided 95%: 2 − t_{0.95, 10}·SE = 2 − 1.812461 × 0.912871 = 0.345455 (t_{0.95,10} = 1.812 in the table).
    expect(greater.ci.lower).toBeCloseTo(0.345455, 5);
    expect(greater.ci.upper).toBe(Infinity);
  });

  it('handles constant arms and rejects too-small or invalid summaries', () => {
    const same = welchTTest({ mean: 3, variance: 0, n: 5 }, { mean: 3, variance: 0, n: 5 });
    expect(same.t).toBe(0);
    expect(same.pValue).toBe(1);
    const apart = welchTTest({ mean: 3, variance: 0, n: 5 }, { mean: 4, variance: 0, n: 5 });
    expect(apart.t).toBe(Infinity);
    expect(apart.pValue).toBe(0);
    expect(welchTTest({ mean: 0, variance: 1, n: 5 }, { mean: 1, variance: 1, n: 5 }).relativeLift).toBeNaN();
    expect(() => welchTTest({ mean: 1, variance: 1, n: 1 }, { mean: 1, variance: 1, n: 5 })).toThrow(RangeError);
    expect(() => welchTTest({ mean: 1, variance: NaN, n: 3 }, { mean: 1, variance: 1, n: 5 })).toThrow(RangeError);
  });

  it('holds its size with unequal variances and unequal n, where the pooled t-test does not', () => {
    // Simulation: 3000 A/A experiments, A ~ N(0, 1) with n = 40, B ~ N(0, 3²) with n = 8 — the case
    // Welch (1947) built the test for. Expected 5% rejections (sd 0.4%); bounds ±3.5 sd.
    const rng = mulberry32(7);
    // Box–Muller, both outputs used: one uniform per normal (mulberry32 is slow inside jest's vm sandbox).
    const { sqrt, log, cos, sin, PI } = Math;
    let spare = 0;
    let hasSpare = false;
    const normal = (): number => {
      hasSpare = !hasSpare;
      if (!hasSpare) return spare;
      const r = sqrt(-2 * log(1 - rng()));
      const theta = 2 * PI * rng();
      spare = r * sin(theta);
      return r * cos(theta);
    };
    const draw = (n: number, sd: number): number[] => Array.from({ length: n }, () => sd * normal());
    let rejected = 0;
    let pooledRejected = 0;
    let relativeCovered = 0;
    const runs = 3000;
    for (let k = 0; k < runs; k++) {
      const a = summarize(draw(40, 1));
      const b = summarize(draw(8, 3));
      if (welchTTest(a, b).pValue < 0.05) rejected++;
      // Student's pooled test on the same data, for contrast: s²_p = ((n_A−1)s²_A + (n_B−1)s²_B)/(n_A+n_B−2).
      const sp2 = (39 * a.variance + 7 * b.variance) / 46;
      const tPooled = (b.mean - a.mean) / Math.sqrt(sp2 * (1 / 40 + 1 / 8));
      if (2 * studentTCdf(-Math.abs(tPooled), 46) < 0.05) pooledRejected++;
    }
    expect(rejected / runs).toBeGreaterThan(0.036);
    expect(rejected / runs).toBeLessThan(0.064);
    expect(pooledRejected / runs).toBeGreaterThan(0.15);
    // Delta-method relative interval: means 100 (sd 30) vs 105 (sd 40), n = 200, true lift 5%.
    const coverageRuns = 600;
    for (let k = 0; k < coverageRuns; k++) {
      const a = summarize(draw(200, 30).map((x) => 100 + x));
      const b = summarize(draw(200, 40).map((x) => 105 + x));
      const { relativeCi } = welchTTest(a, b);
      if (relativeCi.lower <= 0.05 && 0.05 <= relativeCi.upper) relativeCovered++;
    }
    // Expected 95% (sd 0.9%); bounds ±3.5 sd.
    expect(relativeCovered / coverageRuns).toBeGreaterThan(0.919);
    expect(relativeCovered / coverageRuns).toBeLessThan(0.981);
  });
});
