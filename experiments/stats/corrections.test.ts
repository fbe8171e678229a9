import { mulberry32 } from '../../ml/random';
import { bonferroni, holm } from './corrections';

describe('holm', () => {
  it("reproduces the Holm–Bonferroni worked example (Wikipedia, 'Holm–Bonferroni method')", () => {
    // Four hypotheses, α = 0.05, p = (0.01, 0.04, 0.03, 0.005). Sorted: 0.005 < 0.05/4 = 0.0125 → reject H4;
    // 0.01 < 0.05/3 = 0.0167 → reject H1; 0.03 > 0.05/2 = 0.025 → stop: H3 and H2 are kept.
    // Adjusted p by hand: 4·0.005 = 0.02, 3·0.01 = 0.03, 2·0.03 = 0.06, max(1·0.04, 0.06) = 0.06.
    const r = holm([0.01, 0.04, 0.03, 0.005], 0.05);
    expect(r.reject).toEqual([true, false, false, true]);
    expect(r.adjusted[0]).toBeCloseTo(0.03, 15);
    expect(r.adjusted[1]).toBeCloseTo(0.06, 15);
    expect(r.adjusted[2]).toBeCloseTo(0.06, 15);
    expect(r.adjusted[3]).toBeCloseTo(0.02, 15);
  });

  it('stops at the first non-rejection even when a later raw p-value would pass its own threshold', () => {
    // Hand-worked step-down: p = (0.02, 0.021, 0.04), m = 3, α = 0.05. Step 1: 0.02 ≤ 0.05/3 = 0.01667? no →
    // stop, nothing is rejected, although 0.04 ≤ 0.05/1 on its own. Adjusted: 3·0.02 = 0.06,
    // max(0.06, 2·0.021 = 0.042) = 0.06, max(0.06, 0.04) = 0.06 — monotone.
    const r = holm([0.04, 0.02, 0.021], 0.05);
    expect(r.reject).toEqual([false, false, false]);
    r.adjusted.forEach((p) => expect(p).toBeCloseTo(0.06, 15));
  });

  it('caps adjusted p-values at 1 and keeps ties in order', () => {
    // m = 4, sorted 0.01, 0.01, 0.6, 0.6: 4·0.01 = 0.04; max(0.04, 3·0.01) = 0.04; 2·0.6 = 1.2 → 1; max(1, 0.6) = 1.
    const r = holm([0.6, 0.01, 0.01, 0.6]);
    expect(r.adjusted).toEqual([1, 0.04, 0.04, 1]);
    expect(r.reject).toEqual([false, true, true, false]);
  });

  it('never rejects less than Bonferroni, and its adjusted p-values are ordered like the raw ones', () => {
    // Property over 500 random families of 2–20 p-values (metrics × variants).
    const rng = mulberry32(11);
    const violations: string[] = [];
    for (let k = 0; k < 500; k++) {
      const m = 2 + Math.floor(rng() * 19);
      const p = Array.from({ length: m }, () => rng() ** 3);
      const h = holm(p);
      const b = bonferroni(p);
      for (let i = 0; i < m; i++) {
        const hi = h.adjusted[i]!;
        if (hi > b.adjusted[i]! || hi < p[i]! || (b.reject[i] && !h.reject[i])) violations.push(`${k}:${i}`);
        for (let j = 0; j < m; j++) if (p[i]! < p[j]! && hi > h.adjusted[j]!) violations.push(`${k}:${i}<${j}`);
      }
    }
    expect(violations).toEqual([]);
  });
});

describe('bonferroni', () => {
  it('multiplies by the family size, worked by hand', () => {
    // m = 4: (0.01, 0.04, 0.03, 0.005) → (0.04, 0.16, 0.12, 0.02); at α = 0.05 H1 and H4 are rejected.
    const r = bonferroni([0.01, 0.04, 0.03, 0.005]);
    expect(r.adjusted[0]).toBeCloseTo(0.04, 15);
    expect(r.adjusted[1]).toBeCloseTo(0.16, 15);
    expect(r.adjusted[2]).toBeCloseTo(0.12, 15);
    expect(r.adjusted[3]).toBeCloseTo(0.02, 15);
    expect(r.reject).toEqual([true, false, false, true]);
    // At α = 0.01 even the smallest, 4·0.005 = 0.02, exceeds α: nothing is rejected.
    expect(bonferroni([0.01, 0.04, 0.03, 0.005], 0.01).reject).toEqual([false, false, false, false]);
    expect(bonferroni([0.3, 0.9]).adjusted).toEqual([0.6, 1]);
  });
});

describe('input checks', () => {
  it('rejects p-values outside [0, 1] and alpha outside (0, 1), and accepts an empty family', () => {
    expect(() => holm([0.1, 1.2])).toThrow(RangeError);
    expect(() => bonferroni([NaN])).toThrow(RangeError);
    expect(() => holm([0.1], 0)).toThrow(RangeError);
    expect(holm([])).toEqual({ adjusted: [], reject: [] });
  });
});
