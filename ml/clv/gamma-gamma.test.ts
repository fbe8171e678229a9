import { mulberry32 } from '../random';
import { conditionalExpectedValue, fitGammaGamma, gammaGammaLogLikelihood, gammaGammaTotalLogLikelihood, populationMeanValue, type GammaGammaParams } from './gamma-gamma';
import { lgamma } from './special';

// Module-level aliases: a global lookup per call is slow inside vm contexts (jest) and these run in tight loops.
const { cos, exp, log, sqrt } = Math;

/** The published CDNOW fit (lifetimes quickstart, 946 repeat customers). */
const CDNOW: GammaGammaParams = { p: 6.25, q: 3.74, v: 15.45 };

/**
 * The model integrated over the prior of ν by Simpson's rule: the marginal density of z̄ and the
 * posterior mean of the customer's mean value p/ν.
 */
function integrate(g: GammaGammaParams, x: number, zbar: number): { density: number; meanValue: number } {
  const { p, q, v } = g;
  const shape = p * x + q;
  const rate = v + x * zbar;
  const top = (shape + 12 * sqrt(shape) + 30) / rate; // far in the posterior's right tail
  const n = 2000;
  let dens = 0;
  let mean = 0;
  for (let i = 1; i <= n; i++) {
    const nu = (top * i) / n;
    const w = i === n ? 1 : i % 2 === 1 ? 4 : 2;
    // Gamma(z̄; px, νx) · Gamma(ν; q, v)
    const f = exp(p * x * log(nu * x) + (p * x - 1) * log(zbar) - nu * x * zbar - lgamma(p * x) + q * log(v) + (q - 1) * log(nu) - v * nu - lgamma(q));
    dens += w * f;
    mean += w * f * (p / nu);
  }
  return { density: (dens * top) / n / 3, meanValue: mean / dens };
}

describe('Gamma-Gamma closed forms', () => {
  it('log-likelihood: a hand-computed value', () => {
    // p=1, q=2, v=1, x=1, z̄=1: Γ(3)/(Γ(1)Γ(2)) · 1 · 1 · 1 / 2³ = 1/4
    expect(gammaGammaLogLikelihood({ p: 1, q: 2, v: 1 }, 1, 1)).toBeCloseTo(log(0.25), 14);
  });

  const cases: ReadonlyArray<[GammaGammaParams, number, number]> = [
    [CDNOW, 1, 11.77],
    [CDNOW, 2, 22.35],
    [CDNOW, 7, 73.74],
    [{ p: 2.5, q: 4.5, v: 3 }, 1, 0.8],
    [{ p: 2.5, q: 4.5, v: 3 }, 12, 2.2],
  ];
  for (const [g, x, zbar] of cases) {
    it(`matches numerical integration over ν: p=${g.p}, x=${x}, zbar=${zbar}`, () => {
      const num = integrate(g, x, zbar);
      expect(gammaGammaLogLikelihood(g, x, zbar) - log(num.density)).toBeCloseTo(0, 9);
      expect(conditionalExpectedValue(g, x, zbar) / num.meanValue).toBeCloseTo(1, 9);
    });
  }

  it('conditional expected value: hand-computed, and the population mean for x = 0', () => {
    // p(v + x z̄)/(px + q − 1) = 6.25·(15.45 + 44.7)/(12.5 + 2.74)
    expect(conditionalExpectedValue(CDNOW, 2, 22.35)).toBeCloseTo(375.9375 / 15.24, 12);
    expect(populationMeanValue(CDNOW)).toBeCloseTo(96.5625 / 2.74, 12);
    expect(conditionalExpectedValue(CDNOW, 0, 0)).toBe(populationMeanValue(CDNOW));
    // shrinkage: between the population mean and the customer's own mean, closer to it with more data
    const few = conditionalExpectedValue(CDNOW, 1, 100);
    const many = conditionalExpectedValue(CDNOW, 20, 100);
    expect(few).toBeGreaterThan(populationMeanValue(CDNOW));
    expect(many).toBeGreaterThan(few);
    expect(many).toBeLessThan(100);
  });

  it('rejects q <= 1 for means, and non-repeat customers for the likelihood', () => {
    expect(() => populationMeanValue({ p: 1, q: 1, v: 1 })).toThrow(RangeError);
    expect(() => conditionalExpectedValue({ p: 1, q: 0.5, v: 1 }, 2, 3)).toThrow(RangeError);
    expect(() => gammaGammaLogLikelihood(CDNOW, 0, 10)).toThrow(RangeError);
    expect(() => fitGammaGamma({ x: [1, 0], zbar: [5, 0] })).toThrow(RangeError);
    expect(() => gammaGammaTotalLogLikelihood(CDNOW, { x: [1], zbar: [1, 2] })).toThrow(RangeError);
  });
});

describe('fitGammaGamma', () => {
  it('recovers the parameters of simulated spend, and beats the truth on likelihood', () => {
    const truth: GammaGammaParams = { p: 4, q: 3, v: 20 };
    const rnd = mulberry32(11);
    const normal = (): number => sqrt(-2 * log(1 - rnd())) * cos(2 * Math.PI * rnd());
    // Marsaglia & Tsang (2000), shape >= 1
    const gamma = (k: number): number => {
      const d = k - 1 / 3;
      const c = 1 / sqrt(9 * d);
      for (;;) {
        const z = normal();
        const u = (1 + c * z) ** 3;
        if (u > 0 && log(1 - rnd()) < 0.5 * z * z + d - d * u + d * log(u)) return d * u;
      }
    };
    const x: number[] = [];
    const zbar: number[] = [];
    for (let i = 0; i < 10000; i++) {
      const nu = gamma(truth.q) / truth.v;
      const n = 1 + Math.floor(rnd() * 8);
      let s = 0;
      for (let k = 0; k < n; k++) s += gamma(truth.p) / nu;
      x.push(n);
      zbar.push(s / n);
    }
    const fit = fitGammaGamma({ x, zbar });
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBe(x.length);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(gammaGammaTotalLogLikelihood(truth, { x, zbar }));
    expect(Math.abs(fit.params.p / truth.p - 1)).toBeLessThan(0.1);
    expect(Math.abs(fit.params.q / truth.q - 1)).toBeLessThan(0.1);
    expect(Math.abs(populationMeanValue(fit.params) / populationMeanValue(truth) - 1)).toBeLessThan(0.05);
  });
});
