import { sampleRatioMismatch } from './srm';

describe('sampleRatioMismatch', () => {
  it("flags Kohavi et al.'s 50/50 experiment with 821,588 vs 815,482 users (p = 1.8e−6)", () => {
    // Kohavi, Tang & Xu, Trustworthy Online Controlled Experiments (2020), SRM example (also Fabijan et al.,
    // "Diagnosing Sample Ratio Mismatch", KDD 2019): ratio 0.993 where 1.0 was designed, p-value 1.8E−6.
    // By hand: E = 1,637,070/2 = 818,535 each, X² = 2 · 3,053²/818,535 = 22.774.
    const r = sampleRatioMismatch([821588, 815482], [50, 50]);
    expect(r.expected).toEqual([818535, 818535]);
    expect(r.chiSquare).toBeCloseTo(22.774, 3);
    expect(r.df).toBe(1);
    expect(r.pValue).toBeCloseTo(1.8e-6, 7);
    expect(r.mismatch).toBe(true);
  });

  it("does not flag Mendel's peas against 9:3:3:1 (X² = 0.470, p = 0.925)", () => {
    // Mendel's dihybrid cross, the textbook chi-square goodness-of-fit example (e.g. Moore, McCabe & Craig,
    // Introduction to the Practice of Statistics): 315, 108, 101, 32 of 556 against 9:3:3:1.
    // By hand: E = 312.75, 104.25, 104.25, 34.75; X² = 0.01619 + 0.13489 + 0.10132 + 0.21763 = 0.47002, df 3.
    const r = sampleRatioMismatch([315, 108, 101, 32], [9, 3, 3, 1]);
    expect(r.chiSquare).toBeCloseTo(0.47002, 5);
    expect(r.df).toBe(3);
    expect(r.pValue).toBeCloseTo(0.9254, 4);
    expect(r.mismatch).toBe(false);
  });

  it('flags at the configurable threshold, strictly below it', () => {
    // χ²_{0.999,1} = 10.828 (NIST e-Handbook §1.3.6.7.4): a 2-arm X² just above it is flagged at 0.001, not at 1e−4.
    // 1,000 units split 552/448 against 50/50: X² = 2·52²/500 = 10.816 → p ≈ 0.001006, just not flagged;
    // 553/447: X² = 2·53²/500 = 11.236 → p ≈ 0.0008, flagged.
    expect(sampleRatioMismatch([552, 448], [1, 1]).mismatch).toBe(false);
    expect(sampleRatioMismatch([553, 447], [1, 1]).mismatch).toBe(true);
    expect(sampleRatioMismatch([553, 447], [1, 1], { threshold: 1e-4 }).mismatch).toBe(false);
    expect(sampleRatioMismatch([821588, 815482], [1, 1], { threshold: 1e-6 }).mismatch).toBe(false);
  });

  it('uses unequal weights on any scale', () => {
    // 20/40/40 split, 200/390/410 observed of 1,000: E = 200, 400, 400, X² = 0 + 100/400 + 100/400 = 0.5, df 2,
    // p = e^{−0.25} = 0.778801 (χ²₂ survival is exp(−x/2)).
    const r = sampleRatioMismatch([200, 390, 410], [0.2, 0.4, 0.4]);
    expect(r.chiSquare).toBeCloseTo(0.5, 12);
    expect(r.pValue).toBeCloseTo(Math.exp(-0.25), 12);
    expect(sampleRatioMismatch([200, 390, 410], [1, 2, 2]).chiSquare).toBeCloseTo(0.5, 12);
  });

  it('rejects malformed input', () => {
    expect(() => sampleRatioMismatch([10], [1])).toThrow(RangeError);
    expect(() => sampleRatioMismatch([10, 10], [1])).toThrow(RangeError);
    expect(() => sampleRatioMismatch([10, 10.5], [1, 1])).toThrow(RangeError);
    expect(() => sampleRatioMismatch([10, 10], [1, 0])).toThrow(RangeError);
    expect(() => sampleRatioMismatch([0, 0], [1, 1])).toThrow(RangeError);
    expect(() => sampleRatioMismatch([10, 10], [1, 1], { threshold: 0 })).toThrow(RangeError);
  });
});
