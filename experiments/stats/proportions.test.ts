import { mulberry32 } from '../../ml/random';
import { twoProportionZTest } from './proportions';

// Agresti, An Introduction to Categorical Data Analysis (Wiley), §2.2.2, Table 2.2: the Physicians'
// Health Study, myocardial infarction in 104 of 11,037 on aspirin and 189 of 11,034 on placebo.
// A = aspirin, B = placebo, so B − A is Agresti's π̂1 − π̂2.
const ASPIRIN = { successesA: 104, trialsA: 11037, successesB: 189, trialsB: 11034 };

describe('twoProportionZTest', () => {
  it("reproduces Agresti's difference of proportions and its 95% Wald interval", () => {
    // Agresti §2.2.2: π̂1 = 0.0171, π̂2 = 0.0094, π̂1 − π̂2 = 0.0077, SE = 0.0015, 95% CI (0.005, 0.011).
    const r = twoProportionZTest(ASPIRIN);
    expect(r.estimateB).toBeCloseTo(0.0171, 4);
    expect(r.estimateA).toBeCloseTo(0.0094, 4);
    expect(r.absoluteLift).toBeCloseTo(0.0077, 4);
    expect(r.absoluteCi.lower).toBeCloseTo(0.005, 3);
    expect(r.absoluteCi.upper).toBeCloseTo(0.011, 3);
    // Agresti §2.2.4: sample relative risk 0.0171/0.0094 = 1.82.
    expect(r.relativeLift + 1).toBeCloseTo(1.82, 2);
  });

  it('gives the Katz log-ratio interval for the relative lift, worked by hand', () => {
    // SE(ln RR) = √((1 − p_B)/x_B + (1 − p_A)/x_A) = √(0.982871/189 + 0.990577/104) = √(0.0052004 + 0.0095248)
    //           = 0.121348 (Agresti, CDA §3.1.4; Katz et al. 1978).
    // ln RR = ln(1.817802) = 0.597627; ± 1.959964 × 0.121348 = ± 0.237837 → RR in (exp 0.359790, exp 0.835464)
    //       = (1.43300, 2.30589), so the relative lift is in (0.43300, 1.30589).
    const r = twoProportionZTest(ASPIRIN);
    expect(r.relativeCi.lower).toBeCloseTo(0.433, 3);
    expect(r.relativeCi.upper).toBeCloseTo(1.3059, 3);
  });

  it("uses the pooled SE for z, so z² is Pearson's X² of the 2×2 table", () => {
    // Pearson X² from the table's expected counts, E = row total × column total / N (N = 22,071, 293 MIs).
    const table = [
      [104, 11037 - 104],
      [189, 11034 - 189],
    ];
    const rows = [11037, 11034];
    const cols = [293, 22071 - 293];
    let x2 = 0;
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        const e = (rows[i]! * cols[j]!) / 22071;
        x2 += (table[i]![j]! - e) ** 2 / e;
      }
    }
    // By hand: pooled p = 293/22071 = 0.0132753, SE0 = √(p(1 − p)(1/11037 + 1/11034)) = 0.00154075,
    // z = 0.00770602 / 0.00154075 = 5.0014, X² = 25.01.
    const r = twoProportionZTest(ASPIRIN);
    expect(r.z).toBeCloseTo(5.0014, 3);
    expect(r.z ** 2).toBeCloseTo(x2, 8);
    expect(r.z ** 2).toBeCloseTo(25.01, 2);
    // Two-sided p = 2Φ(−5.0014) = 5.69e−7.
    expect(r.pValue).toBeCloseTo(5.69e-7, 8);
  });

  it('halves the p-value and opens one end of the interval for a one-sided alternative', () => {
    // A textbook-sized example worked by hand: 50/500 (10%) vs 70/500 (14%).
    // pooled p = 0.12, SE0 = √(0.12·0.88·(2/500)) = 0.0205523, z = 0.04/0.0205523 = 1.94626.
    // Unpooled SE = √(0.1·0.9/500 + 0.14·0.86/500) = 0.0205134; one-sided 95% lower bound
    // 0.04 − 1.644854 × 0.0205134 = 0.0062584.
    const counts = { successesA: 50, trialsA: 500, successesB: 70, trialsB: 500 };
    const two = twoProportionZTest(counts);
    const greater = twoProportionZTest(counts, { alternative: 'greater' });
    const less = twoProportionZTest(counts, { alternative: 'less' });
    expect(two.z).toBeCloseTo(1.94626, 4);
    expect(two.pValue).toBeCloseTo(0.051627, 5);
    expect(greater.pValue).toBeCloseTo(two.pValue / 2, 12);
    expect(less.pValue).toBeCloseTo(1 - two.pValue / 2, 12);
    expect(greater.absoluteCi.lower).toBeCloseTo(0.0062584, 6);
    expect(greater.absoluteCi.upper).toBe(Infinity);
    expect(less.absoluteCi.lower).toBe(-Infinity);
    expect(less.relativeCi.lower).toBe(-1);
    expect(greater.relativeCi.upper).toBe(Infinity);
  });

  it('changes sign, not size, when the arms are swapped', () => {
    const ab = twoProportionZTest(ASPIRIN);
    const ba = twoProportionZTest({ successesA: 189, trialsA: 11034, successesB: 104, trialsB: 11037 });
    expect(ba.z).toBeCloseTo(-ab.z, 12);
    expect(ba.pValue).toBeCloseTo(ab.pValue, 15);
    expect(ba.absoluteCi.lower).toBeCloseTo(-ab.absoluteCi.upper, 12);
  });

  it('reports no evidence when both arms are all-0, and NaN relative figures without a control rate', () => {
    const r = twoProportionZTest({ successesA: 0, trialsA: 100, successesB: 0, trialsB: 80 });
    expect(r.z).toBe(0);
    expect(r.pValue).toBe(1);
    expect(r.absoluteCi).toEqual({ lower: 0, upper: 0 });
    expect(r.relativeLift).toBeNaN();
    expect(r.relativeCi.lower).toBeNaN();
  });

  it('rejects impossible counts and options', () => {
    expect(() => twoProportionZTest({ successesA: 5, trialsA: 4, successesB: 1, trialsB: 4 })).toThrow(RangeError);
    expect(() => twoProportionZTest({ successesA: 1, trialsA: 0, successesB: 1, trialsB: 4 })).toThrow(RangeError);
    expect(() => twoProportionZTest({ successesA: 1.5, trialsA: 4, successesB: 1, trialsB: 4 })).toThrow(RangeError);
    expect(() => twoProportionZTest(ASPIRIN, { alpha: 0 })).toThrow(RangeError);
  });

  it('holds its size under H0 and its interval covers the true difference about 95% of the time', () => {
    // Simulation: 2000 A/A experiments, p = 0.1, n = 1000 per arm. Expected 5% rejections (sd 0.5%)
    // and 95% coverage of B − A = 0; bounds are ±3 sd.
    const rng = mulberry32(2024);
    // Binomial(1000, 0.1) by inverting its CDF: one uniform per draw keeps the test fast.
    const cdf = new Float64Array(1001);
    let pmf = 0.9 ** 1000;
    let acc = 0;
    for (let k = 0; k <= 1000; k++) {
      acc += pmf;
      cdf[k] = acc;
      pmf *= ((1000 - k) / (k + 1)) * (0.1 / 0.9);
    }
    const binomial = (): number => {
      const u = rng();
      let lo = 0;
      let hi = 1000;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cdf[mid]! >= u) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    };
    let rejected = 0;
    let covered = 0;
    const runs = 2000;
    for (let k = 0; k < runs; k++) {
      const r = twoProportionZTest({ successesA: binomial(), trialsA: 1000, successesB: binomial(), trialsB: 1000 });
      if (r.pValue < 0.05) rejected++;
      if (r.absoluteCi.lower <= 0 && 0 <= r.absoluteCi.upper) covered++;
    }
    expect(rejected / runs).toBeGreaterThan(0.035);
    expect(rejected / runs).toBeLessThan(0.065);
    expect(covered / runs).toBeGreaterThan(0.935);
    expect(covered / runs).toBeLessThan(0.965);
  });
});
