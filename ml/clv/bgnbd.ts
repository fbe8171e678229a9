/**
 * BG/NBD: the beta-geometric / negative binomial model of repeat buying (Fader, Hardie & Lee 2005,
 * "Counting your customers the easy way", Marketing Science 24(2)).
 *
 * While alive, a customer buys at Poisson rate λ; after each purchase they drop out with
 * probability p. Across customers λ ~ Gamma(r, α) (shape r, rate α) and p ~ Beta(a, b).
 * A customer's data are x (repeat purchases: every purchase after the first), t_x (time of the
 * last purchase, measured from the first) and T (time from the first purchase to the end of
 * observation), all in one time unit (weeks in the CDNOW literature).
 *
 * Likelihood (FHL eq. 6), computed in log space:
 *   ln L = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
 *        + ln[ (α+T)^−(r+x) + 1{x>0} · a/(b+x−1) · (α+t_x)^−(r+x) ]
 */
import { nelderMead, type NelderMeadOptions } from './nelder-mead';
import { hypergeometricSeries, lgamma, logAddExp } from './special';

// Module-level aliases: a global lookup per call is slow inside vm contexts (jest) and these run in tight loops.
const { exp, expm1, log } = Math;
const NEG_INF = Number.NEGATIVE_INFINITY;

export interface BgNbdParams {
  /** Shape of the Gamma prior on the purchase rate λ. */
  readonly r: number;
  /** Rate (inverse scale) of the Gamma prior on λ, in the data's time unit. */
  readonly alpha: number;
  /** Beta prior on the dropout probability p: first shape. */
  readonly a: number;
  /** Beta prior on p: second shape. */
  readonly b: number;
}

/** Per-customer summaries, column-wise (equal lengths). */
export interface BgNbdData {
  /** Repeat purchases (purchases after the first). */
  readonly x: ArrayLike<number>;
  /** Time of the last purchase since the first (0 when x = 0). */
  readonly tx: ArrayLike<number>;
  /** Time from the first purchase to the end of the observation window. */
  readonly T: ArrayLike<number>;
}

export interface BgNbdFit {
  readonly params: BgNbdParams;
  /** Total log-likelihood at `params`, summed over customers. */
  readonly logLikelihood: number;
  readonly customers: number;
  /** Distinct (x, t_x, T) rows the likelihood was evaluated on. */
  readonly distinctRows: number;
  /** Log-likelihood evaluations the optimiser made. */
  readonly evaluations: number;
  /** False when the optimiser's evaluation budget ran out first. */
  readonly converged: boolean;
}

function checkParams(p: BgNbdParams): void {
  if (!(p.r > 0 && p.alpha > 0 && p.a > 0 && p.b > 0) || ![p.r, p.alpha, p.a, p.b].every(Number.isFinite)) {
    throw new RangeError(`BG/NBD parameters must be finite and > 0, got ${JSON.stringify(p)}`);
  }
}

function checkCustomer(x: number, tx: number, T: number): void {
  if (!(Number.isFinite(x) && x >= 0 && Number.isFinite(T) && tx >= 0 && tx <= T)) {
    throw new RangeError(`BG/NBD customer needs x >= 0 and 0 <= t_x <= T (finite), got x=${x}, t_x=${tx}, T=${T}`);
  }
}

/** ln of the second mixture term relative to the first: ln[a/(b+x−1)] + (r+x) ln[(α+T)/(α+t_x)]; −∞ for x = 0. */
function logOddsDead(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return Number.NEGATIVE_INFINITY;
  return log(p.a) - log(p.b + x - 1) + (p.r + x) * (log(p.alpha + T) - log(p.alpha + tx));
}

/** Log-likelihood of one customer's (x, t_x, T) under `params` (FHL 2005 eq. 6). */
export function bgNbdLogLikelihood(params: BgNbdParams, x: number, tx: number, T: number): number {
  checkParams(params);
  checkCustomer(x, tx, T);
  return logLikelihoodUnchecked(params, x, tx, T, lgamma(params.r), lgamma(params.a + params.b) - lgamma(params.b));
}

function logLikelihoodUnchecked(p: BgNbdParams, x: number, tx: number, T: number, lgR: number, lgAbMinusB: number): number {
  const { r, alpha, a, b } = p;
  const a1 = lgamma(r + x) - lgR + r * log(alpha);
  const a2 = lgAbMinusB + lgamma(b + x) - lgamma(a + b + x);
  const a3 = -(r + x) * log(alpha + T);
  const a4 = x > 0 ? log(a) - log(b + x - 1) - (r + x) * log(alpha + tx) : NEG_INF;
  return a1 + a2 + logAddExp(a3, a4);
}

interface Grouped {
  readonly x: Float64Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  readonly w: Float64Array;
  readonly n: number;
}

/** Validate and collapse identical (x, t_x, T) rows into weights (CDNOW: ~2357 customers -> far fewer rows). */
function group(data: BgNbdData): Grouped {
  const n = data.x.length;
  if (data.tx.length !== n || data.T.length !== n) throw new RangeError(`BG/NBD data columns differ in length: x ${n}, t_x ${data.tx.length}, T ${data.T.length}`);
  if (n === 0) throw new RangeError('BG/NBD needs at least one customer');
  const rows = new Map<string, { x: number; tx: number; T: number; w: number }>();
  for (let i = 0; i < n; i++) {
    const x = data.x[i]!;
    const tx = data.tx[i]!;
    const T = data.T[i]!;
    checkCustomer(x, tx, T);
    // t_x does not enter the likelihood when x = 0
    const key = x === 0 ? `0|${T}` : `${x}|${tx}|${T}`;
    const row = rows.get(key);
    if (row) row.w += 1;
    else rows.set(key, { x, tx: x === 0 ? 0 : tx, T, w: 1 });
  }
  const list = [...rows.values()];
  return {
    x: Float64Array.from(list, (r) => r.x),
    tx: Float64Array.from(list, (r) => r.tx),
    T: Float64Array.from(list, (r) => r.T),
    w: Float64Array.from(list, (r) => r.w),
    n,
  };
}

function totalLogLikelihood(p: BgNbdParams, g: Grouped): number {
  const lgR = lgamma(p.r);
  const lgAb = lgamma(p.a + p.b) - lgamma(p.b);
  let s = 0;
  for (let i = 0; i < g.x.length; i++) s += g.w[i]! * logLikelihoodUnchecked(p, g.x[i]!, g.tx[i]!, g.T[i]!, lgR, lgAb);
  return s;
}

/** Total log-likelihood of a population under `params`: Σ over customers of `bgNbdLogLikelihood`. */
export function bgNbdTotalLogLikelihood(params: BgNbdParams, data: BgNbdData): number {
  checkParams(params);
  return totalLogLikelihood(params, group(data));
}

export interface BgNbdFitOptions {
  /** Starting point. Default r = α = a = b = 1. */
  readonly start?: BgNbdParams;
  /** Options of the Nelder–Mead search on (ln r, ln α, ln a, ln b). Default: nelderMead's defaults. */
  readonly optimizer?: NelderMeadOptions;
}

const fromLog = (z: Float64Array): BgNbdParams => ({ r: exp(z[0]!), alpha: exp(z[1]!), a: exp(z[2]!), b: exp(z[3]!) });

/**
 * Maximum-likelihood fit of (r, α, a, b): Nelder–Mead on the log-parameters (which keeps them
 * positive) minimising the mean negative log-likelihood (the mean keeps the tolerances
 * independent of the number of customers).
 */
export function fitBgNbd(data: BgNbdData, opts: BgNbdFitOptions = {}): BgNbdFit {
  const g = group(data);
  const s = opts.start ?? { r: 1, alpha: 1, a: 1, b: 1 };
  checkParams(s);
  const res = nelderMead((z) => -totalLogLikelihood(fromLog(z), g) / g.n, [s.r, s.alpha, s.a, s.b].map(log), opts.optimizer);
  const params = fromLog(res.x);
  return { params, logLikelihood: totalLogLikelihood(params, g), customers: g.n, distinctRows: g.x.length, evaluations: res.evaluations, converged: res.converged };
}

/**
 * P(alive at T | x, t_x, T) = 1 / (1 + 1{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)) (Fader, Hardie
 * & Lee, "Computing P(alive) using the BG/NBD model", 2008 note). 1 for a customer without repeat
 * purchases (in BG/NBD a customer can only drop out right after a repeat purchase).
 */
export function probabilityAlive(params: BgNbdParams, x: number, tx: number, T: number): number {
  checkParams(params);
  checkCustomer(x, tx, T);
  return 1 / (1 + exp(logOddsDead(params, x, tx, T)));
}

/**
 * E[Y(t) | x, t_x, T]: expected purchases in (T, T + t] (FHL 2005 eq. 10),
 *
 *   (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; z)] / (1 + 1{x>0}·odds),
 *   z = t/(α+T+t), odds as in `probabilityAlive`.
 *
 * Evaluated without the 1/(a−1) singularity and without large 2F1 values: by Euler's
 * transformation (1−z)^(r+x)·2F1(r+x, b+x; c; z) = (1−z)^(a−1)·2F1(a+b−1−r, a−1; c; z) with
 * c = a+b+x−1, whose parameters stay O(1) as x grows. With ε = a−1 and
 * 2F1(a+b−1−r, ε; c; z) = 1 + ε·G, the bracket over ε is −expm1(ε ln(1−z))/ε − (1−z)^ε·G,
 * finite at a = 1 (G is summed directly, times c).
 */
export function expectedTransactions(params: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  checkParams(params);
  checkCustomer(x, tx, T);
  if (!(Number.isFinite(t) && t >= 0)) throw new RangeError(`BG/NBD horizon t must be finite and >= 0, got ${t}`);
  if (t === 0) return 0;
  const { r, alpha, a, b } = params;
  const c = a + b + x - 1;
  const ap = a + b - 1 - r;
  const eps = a - 1;
  const z = t / (alpha + T + t);
  const ln1mz = log(alpha + T) - log(alpha + T + t);
  // c·G = Σ_{n≥1} (a')_n (ε+1)_{n−1} / ((c+1)_{n−1} n!) zⁿ: first term a'z, then the 2F1 ratio
  // with (a', ε; c). Multiplying by c up front keeps c → 0 (a + b → 1, x = 0) finite.
  const cG = hypergeometricSeries(ap * z, 1, ap, eps, c, z);
  const head = eps === 0 ? -ln1mz : -expm1(eps * ln1mz) / eps;
  return (c * head - exp(eps * ln1mz) * cG) / (1 + exp(logOddsDead(params, x, tx, T)));
}
