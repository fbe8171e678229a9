import { chiSquareSf, normalCdf, normalQuantile, studentTCdf, studentTQuantile } from './distributions';

describe('normal', () => {
  it('matches the standard normal table', () => {
    // NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.6.7.1 (cumulative distribution function
    // of the standard normal): Φ(1.96) = 0.97500, Φ(1.00) = 0.84134, Φ(−2.58) = 0.00494.
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 5);
    expect(normalCdf(1)).toBeCloseTo(0.84134, 5);
    expect(normalCdf(-2.58)).toBeCloseTo(0.00494, 5);
    // Critical values z_{0.975} = 1.95996, z_{0.995} = 2.57583, z_{0.95} = 1.64485 (same table, read backwards).
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829, 6);
    expect(normalQuantile(0.05)).toBeCloseTo(-1.644854, 6);
  });

  it('rejects a probability outside [0, 1]', () => {
    expect(() => normalQuantile(1.5)).toThrow(RangeError);
    expect(() => normalQuantile(NaN)).toThrow(RangeError);
  });
});

describe('Student t', () => {
  it('matches the table of critical values t_{p, ν}', () => {
    // NIST/SEMATECH e-Handbook, §1.3.6.7.2 (critical values of Student's t distribution).
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228, 3);
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706, 3);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.042, 3);
    expect(studentTQuantile(0.95, 5)).toBeCloseTo(2.015, 3);
    expect(studentTQuantile(0.995, 20)).toBeCloseTo(2.845, 3);
    expect(studentTCdf(2.228, 10)).toBeCloseTo(0.975, 4);
    expect(studentTCdf(-2.015, 5)).toBeCloseTo(0.05, 4);
  });

  it('takes non-integer df (Welch) between the neighbouring table rows', () => {
    // t_{0.975, 24} = 2.064 and t_{0.975, 25} = 2.060 (same table).
    const q = studentTQuantile(0.975, 24.5);
    expect(q).toBeLessThan(2.0639);
    expect(q).toBeGreaterThan(2.0595);
  });

  it('is the standard normal at df = Infinity and huge df, where stdlib alone fails', () => {
    // The table's last row (ν = ∞) is the normal: t_{0.975, ∞} = 1.960.
    expect(studentTQuantile(0.975, Infinity)).toBeCloseTo(1.959964, 6);
    expect(studentTQuantile(0.975, 1e20)).toBeCloseTo(1.959964, 6);
    expect(studentTCdf(-2, Infinity)).toBeCloseTo(normalCdf(-2), 12);
  });

  it('rejects df <= 0', () => {
    expect(() => studentTCdf(1, 0)).toThrow(RangeError);
    expect(() => studentTQuantile(0.5, -1)).toThrow(RangeError);
  });
});

describe('chiSquareSf', () => {
  it('matches the table of upper critical values χ²_{1−α, ν}', () => {
    // NIST/SEMATECH e-Handbook, §1.3.6.7.4 (critical values of the chi-square distribution):
    // χ²_{0.95,1} = 3.841, χ²_{0.999,1} = 10.828, χ²_{0.95,2} = 5.991, χ²_{0.99,5} = 15.086, χ²_{0.95,10} = 18.307.
    expect(chiSquareSf(3.841, 1)).toBeCloseTo(0.05, 4);
    expect(chiSquareSf(10.828, 1)).toBeCloseTo(0.001, 5);
    expect(chiSquareSf(5.991, 2)).toBeCloseTo(0.05, 4);
    expect(chiSquareSf(15.086, 5)).toBeCloseTo(0.01, 4);
    expect(chiSquareSf(18.307, 10)).toBeCloseTo(0.05, 4);
  });

  it('keeps tiny tails that 1 − CDF would round to 0', () => {
    // Closed forms: χ²₁ is Z², so P(χ²₁ ≥ x) = 2Φ(−√x); χ²₂ is Exp(1/2), so P(χ²₂ ≥ x) = e^{−x/2}.
    // At x = 100: 2Φ(−10) = 1.523971e−23 and e^{−50} = 1.928750e−22.
    expect(chiSquareSf(100, 1) / 1.523971e-23).toBeCloseTo(1, 5);
    expect(chiSquareSf(100, 2) / Math.exp(-50)).toBeCloseTo(1, 10);
  });

  it('is 1 at x <= 0', () => {
    expect(chiSquareSf(0, 3)).toBe(1);
    expect(chiSquareSf(-1, 3)).toBe(1);
  });
});
