import { mulberry32 } from '../random';
import { bgNbdLogLikelihood, bgNbdTotalLogLikelihood, expectedTransactions, fitBgNbd, probabilityAlive, type BgNbdParams } from './bgnbd';
import { hyp2f1, lgamma } from './special';

// Module-level aliases: a global lookup per call is slow inside vm contexts (jest) and these run in tight loops.
const { cos, exp, expm1, log, log1p, pow, sin, sqrt } = Math;

/** The published CDNOW fit (FHL 2005; lifetimes BetaGeoFitter summary, 6 digits). */
const CDNOW: BgNbdParams = { r: 0.242593, alpha: 4.413532, a: 0.792932, b: 2.425892 };

/**
 * The individual-level model integrated over the priors, by Simpson's rule on λ = s²
 * (s ∈ [0, 7]) and p = sin²θ (θ ∈ [0, π/2]); the substitutions make the integrands smooth at
 * the endpoints for half-integer r, a, b. Returns the marginal likelihood, P(alive) and E[Y(t)].
 */
function integrate(prm: BgNbdParams, t: number, x: number, tx: number, T: number): { like: number; alive: number; expected: number } {
  const { r, alpha, a, b } = prm;
  const ns = 240;
  const nt = 120;
  const smax = 7;
  const w = (i: number, n: number): number => (i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2);
  const logNorm = r * log(alpha) - lgamma(r) + lgamma(a + b) - lgamma(a) - lgamma(b);
  let like = 0;
  let alive = 0;
  let expected = 0;
  for (let i = 0; i <= ns; i++) {
    const s = (smax * i) / ns;
    const lam = s * s;
    if (lam === 0) continue;
    for (let j = 0; j <= nt; j++) {
      const th = ((Math.PI / 2) * j) / nt;
      const p = sin(th) ** 2;
      if (p === 0 || p >= 1) continue;
      // prior density times the Jacobians dλ = 2s ds, dp = 2 sinθ cosθ dθ
      const prior = exp(logNorm + (r - 1) * log(lam) - alpha * lam + (a - 1) * log(p) + (b - 1) * log1p(-p)) * 2 * s * 2 * sin(th) * cos(th);
      const wt = w(i, ns) * w(j, nt) * prior;
      const stillAlive = (1 - p) ** x * lam ** x * exp(-lam * T);
      const dropped = x > 0 ? p * (1 - p) ** (x - 1) * lam ** x * exp(-lam * tx) : 0;
      like += wt * (stillAlive + dropped);
      alive += wt * stillAlive;
      expected += wt * stillAlive * (-expm1(-lam * p * t) / p);
    }
  }
  const h = ((smax / ns) * (Math.PI / 2)) / nt / 9;
  return { like: like * h, alive: alive / like, expected: expected / like };
}

/** FHL 2005 eq. 10 as printed, with the generic 2F1. */
function expectedDirect(prm: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = prm;
  const f = hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t));
  const odds = x > 0 ? (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x) : 0;
  return (((a + b + x - 1) / (a - 1)) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * f)) / (1 + odds);
}

const CUSTOMERS: ReadonlyArray<[x: number, tx: number, T: number]> = [
  [0, 0, 30],
  [1, 2.5, 38.86],
  [3, 20, 25],
  [6, 31.5, 32],
];

describe('closed forms against numerical integration of the individual-level model', () => {
  const params: BgNbdParams[] = [
    { r: 1.5, alpha: 3.7, a: 1.5, b: 2.5 },
    { r: 2.5, alpha: 2, a: 2.5, b: 3.5 },
  ];
  for (const prm of params) {
    for (const [x, tx, T] of CUSTOMERS) {
      it(`r=${prm.r} a=${prm.a}: x=${x}, t_x=${tx}, T=${T}`, () => {
        const num = integrate(prm, 10, x, tx, T);
        // Simpson converges fast on these smooth integrands (errors ~1e-14 here); 1e-10 leaves room
        expect(bgNbdLogLikelihood(prm, x, tx, T) - log(num.like)).toBeCloseTo(0, 10);
        expect(probabilityAlive(prm, x, tx, T)).toBeCloseTo(num.alive, 10);
        expect(expectedTransactions(prm, 10, x, tx, T) / num.expected).toBeCloseTo(1, 10);
      });
    }
  }
});

describe('expectedTransactions', () => {
  it('agrees with FHL eq. 10 evaluated with the generic 2F1 (published CDNOW parameters)', () => {
    for (const [x, tx, T] of [...CUSTOMERS, [29, 37.71, 38], [60, 38, 38.86]] as const) {
      for (const t of [1, 39, 78]) expect(expectedTransactions(CDNOW, t, x, tx, T) / expectedDirect(CDNOW, t, x, tx, T)).toBeCloseTo(1, 10);
    }
  });

  it('reproduces the lifetimes quickstart ranking of the CDNOW top customers (t = 1 week)', () => {
    // lifetimes README: predicted_purchases of customers 509, 841, 1981, 157, 1516
    const rows: ReadonlyArray<[number, number, number, number]> = [
      [18, 35.14, 35.86, 0.424877],
      [19, 34.0, 34.14, 0.474738],
      [17, 28.43, 28.86, 0.486526],
      [29, 37.71, 38.0, 0.662396],
      [26, 30.86, 31.0, 0.710623],
    ];
    for (const [x, tx, T, want] of rows) expect(expectedTransactions(CDNOW, 1, x, tx, T)).toBeCloseTo(want, 5);
  });

  it('is 0 at t = 0, increases with t, and is continuous through a = 1 (the removable 1/(a−1))', () => {
    expect(expectedTransactions(CDNOW, 0, 2, 30.43, 38.86)).toBe(0);
    let prev = 0;
    for (const t of [1, 5, 20, 39, 100, 1000]) {
      const e = expectedTransactions(CDNOW, t, 2, 30.43, 38.86);
      expect(e).toBeGreaterThan(prev);
      prev = e;
    }
    const at = (a: number): number => expectedTransactions({ ...CDNOW, a }, 39, 3, 20, 38);
    expect(Number.isFinite(at(1))).toBe(true);
    expect(at(1)).toBeCloseTo((at(1 - 1e-7) + at(1 + 1e-7)) / 2, 9);
  });

  it('stays finite and below t·E[λ | data] for a very heavy buyer', () => {
    // with t_x = T the posterior of λ is Gamma(r+x, α+T), and E[Y(t) | λ, p, alive] ≤ λt
    const [x, T, t] = [400, 38.86, 39];
    const e = expectedTransactions(CDNOW, t, x, T, T);
    expect(e).toBeGreaterThan(0.5 * t * ((CDNOW.r + x) / (CDNOW.alpha + T)));
    expect(e).toBeLessThan(t * ((CDNOW.r + x) / (CDNOW.alpha + T)));
  });

  it('rejects bad input', () => {
    expect(() => expectedTransactions(CDNOW, -1, 1, 1, 2)).toThrow(RangeError);
    expect(() => expectedTransactions(CDNOW, 1, 1, 3, 2)).toThrow(RangeError);
    expect(() => expectedTransactions({ ...CDNOW, r: 0 }, 1, 1, 1, 2)).toThrow(RangeError);
  });
});

describe('probabilityAlive', () => {
  it('is 1 without repeat purchases and matches a hand computation', () => {
    expect(probabilityAlive(CDNOW, 0, 0, 38.86)).toBe(1);
    // customer 1 of CDNOW: 1 / (1 + a/(b+1) · ((α+38.86)/(α+30.43))^(r+2))
    const { r, alpha, a, b } = CDNOW;
    expect(probabilityAlive(CDNOW, 2, 30.43, 38.86)).toBeCloseTo(1 / (1 + (a / (b + 1)) * ((alpha + 38.86) / (alpha + 30.43)) ** (r + 2)), 14);
    // a long silence after frequent buying means probably gone
    expect(probabilityAlive(CDNOW, 20, 5, 38.86)).toBeLessThan(0.01);
  });
});

describe('log-likelihood and fit', () => {
  it('sums per-customer terms, with repeated rows counted once each', () => {
    const data = { x: [0, 2, 2, 0, 5], tx: [0, 30.43, 30.43, 0, 12], T: [38.86, 38.86, 38.86, 38.86, 20] };
    const sum = data.x.reduce((s, x, i) => s + bgNbdLogLikelihood(CDNOW, x, data.tx[i]!, data.T[i]!), 0);
    expect(bgNbdTotalLogLikelihood(CDNOW, data)).toBeCloseTo(sum, 10);
    expect(() => bgNbdTotalLogLikelihood(CDNOW, { x: [1], tx: [1, 2], T: [3] })).toThrow(RangeError);
  });

  it('recovers the parameters of data simulated from the model, and beats the truth on likelihood', () => {
    const truth: BgNbdParams = { r: 0.5, alpha: 4, a: 1.2, b: 3 };
    const { x, tx, T } = simulate(truth, 6000, 7);
    const fit = fitBgNbd({ x, tx, T });
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBe(6000);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(bgNbdTotalLogLikelihood(truth, { x, tx, T }));
    expect(Math.abs(fit.params.r / truth.r - 1)).toBeLessThan(0.1);
    expect(Math.abs(fit.params.alpha / truth.alpha - 1)).toBeLessThan(0.1);
    // mean dropout probability a/(a+b) is identified much better than a and b separately
    expect(Math.abs(fit.params.a / (fit.params.a + fit.params.b) / (truth.a / (truth.a + truth.b)) - 1)).toBeLessThan(0.1);
  });
});

/** Draws customers from BG/NBD: λ ~ Gamma(r, α), p ~ Beta(a, b), T uniform in [20, 40] weeks. */
function simulate(prm: BgNbdParams, n: number, seed: number): { x: number[]; tx: number[]; T: number[] } {
  const rnd = mulberry32(seed);
  const normal = (): number => sqrt(-2 * log(1 - rnd())) * cos(2 * Math.PI * rnd());
  // Marsaglia & Tsang (2000); shape < 1 via Gamma(k) = Gamma(k+1)·U^(1/k)
  const gamma = (k: number): number => {
    if (k < 1) return gamma(k + 1) * pow(1 - rnd(), 1 / k);
    const d = k - 1 / 3;
    const c = 1 / sqrt(9 * d);
    for (;;) {
      const z = normal();
      const v = (1 + c * z) ** 3;
      if (v > 0 && log(1 - rnd()) < 0.5 * z * z + d - d * v + d * log(v)) return d * v;
    }
  };
  const out = { x: [] as number[], tx: [] as number[], T: [] as number[] };
  for (let i = 0; i < n; i++) {
    const lam = gamma(prm.r) / prm.alpha;
    const g = gamma(prm.a);
    const p = g / (g + gamma(prm.b));
    const T = 20 + 20 * rnd();
    let [x, t, last] = [0, 0, 0];
    for (;;) {
      t += -log(1 - rnd()) / lam;
      if (t > T) break;
      x += 1;
      last = t;
      if (rnd() < p) break;
    }
    out.x.push(x);
    out.tx.push(last);
    out.T.push(T);
  }
  return out;
}
