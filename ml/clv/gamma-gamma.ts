/**
 * Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005b, "RFM and CLV: using
 * iso-value curves for customer base analysis", JMR 42(4); Colombo & Jiang 1999).
 *
 * A customer's transaction values are i.i.d. Gamma(p, ν) (shape p, rate ν), so their mean z̄ over
 * x transactions is Gamma(px, νx); across customers ν ~ Gamma(q, v) (shape q, rate v). The model
 * assumes value is independent of the purchase process, so it pairs with BG/NBD. Only repeat
 * customers (x > 0, z̄ > 0; x counts repeat transactions and z̄ is their mean value) carry
 * information. Marginal density of z̄ (computed in log space):
 *
 *   f(z̄ | x) = Γ(px+q) / (Γ(px) Γ(q)) · v^q · z̄^(px−1) · x^(px) / (v + x z̄)^(px+q)
 */
import { nelderMead, type NelderMeadOptions } from './nelder-mead';
import { lgamma } from './special';

// Module-level aliases: a global lookup per call is slow inside vm contexts (jest) and these run in tight loops.
const { exp, log } = Math;

export interface GammaGammaParams {
  /** Shape of the per-transaction Gamma distribution of value. */
  readonly p: number;
  /** Shape of the Gamma prior on the per-customer rate ν. */
  readonly q: number;
  /** Rate of the Gamma prior on ν (in the currency's unit). */
  readonly v: number;
}

/** Repeat customers, column-wise (equal lengths). */
export interface GammaGammaData {
  /** Repeat transactions (> 0). */
  readonly x: ArrayLike<number>;
  /** Mean value of those transactions (> 0). */
  readonly zbar: ArrayLike<number>;
}

export interface GammaGammaFit {
  readonly params: GammaGammaParams;
  /** Total log-likelihood at `params`, summed over customers. */
  readonly logLikelihood: number;
  readonly customers: number;
  /** Log-likelihood evaluations the optimiser made. */
  readonly evaluations: number;
  /** False when the optimiser's evaluation budget ran out first. */
  readonly converged: boolean;
}

function checkParams(g: GammaGammaParams): void {
  if (!(g.p > 0 && g.q > 0 && g.v > 0) || ![g.p, g.q, g.v].every(Number.isFinite)) {
    throw new RangeError(`Gamma-Gamma parameters must be finite and > 0, got ${JSON.stringify(g)}`);
  }
}

function checkRepeat(x: number, zbar: number): void {
  if (!(Number.isFinite(x) && x > 0 && Number.isFinite(zbar) && zbar > 0)) {
    throw new RangeError(`Gamma-Gamma needs a repeat customer (x > 0, zbar > 0, finite), got x=${x}, zbar=${zbar}`);
  }
}

function logLikelihoodUnchecked(g: GammaGammaParams, x: number, zbar: number, constQ: number): number {
  const px = g.p * x;
  return lgamma(px + g.q) - lgamma(px) + constQ + (px - 1) * log(zbar) + px * log(x) - (px + g.q) * log(g.v + x * zbar);
}

/** Log-density of one repeat customer's mean value `zbar` over `x` transactions. */
export function gammaGammaLogLikelihood(params: GammaGammaParams, x: number, zbar: number): number {
  checkParams(params);
  checkRepeat(x, zbar);
  return logLikelihoodUnchecked(params, x, zbar, params.q * log(params.v) - lgamma(params.q));
}

function total(g: GammaGammaParams, x: Float64Array, zbar: Float64Array): number {
  const constQ = g.q * log(g.v) - lgamma(g.q);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += logLikelihoodUnchecked(g, x[i]!, zbar[i]!, constQ);
  return s;
}

function columns(data: GammaGammaData): { x: Float64Array; zbar: Float64Array } {
  const n = data.x.length;
  if (data.zbar.length !== n) throw new RangeError(`Gamma-Gamma data columns differ in length: x ${n}, zbar ${data.zbar.length}`);
  if (n === 0) throw new RangeError('Gamma-Gamma needs at least one repeat customer');
  const x = Float64Array.from(data.x);
  const zbar = Float64Array.from(data.zbar);
  for (let i = 0; i < n; i++) checkRepeat(x[i]!, zbar[i]!);
  return { x, zbar };
}

/** Total log-likelihood of repeat customers under `params`. */
export function gammaGammaTotalLogLikelihood(params: GammaGammaParams, data: GammaGammaData): number {
  checkParams(params);
  const c = columns(data);
  return total(params, c.x, c.zbar);
}

export interface GammaGammaFitOptions {
  /** Starting point. Default p = q = v = 1. */
  readonly start?: GammaGammaParams;
  /** Options of the Nelder–Mead search on (ln p, ln q, ln v). Default: nelderMead's defaults. */
  readonly optimizer?: NelderMeadOptions;
}

const fromLog = (z: Float64Array): GammaGammaParams => ({ p: exp(z[0]!), q: exp(z[1]!), v: exp(z[2]!) });

/**
 * Maximum-likelihood fit of (p, q, v) on repeat customers only (throws RangeError on x ≤ 0 or
 * z̄ ≤ 0): Nelder–Mead on the log-parameters minimising the mean negative log-likelihood.
 */
export function fitGammaGamma(data: GammaGammaData, opts: GammaGammaFitOptions = {}): GammaGammaFit {
  const c = columns(data);
  const s = opts.start ?? { p: 1, q: 1, v: 1 };
  checkParams(s);
  const n = c.x.length;
  const res = nelderMead((z) => -total(fromLog(z), c.x, c.zbar) / n, [s.p, s.q, s.v].map(log), opts.optimizer);
  const params = fromLog(res.x);
  return { params, logLikelihood: total(params, c.x, c.zbar), customers: n, evaluations: res.evaluations, converged: res.converged };
}

/**
 * Population mean value per transaction, E[p/ν] = p·v/(q−1). Throws RangeError when q ≤ 1
 * (the mean is infinite).
 */
export function populationMeanValue(params: GammaGammaParams): number {
  checkParams(params);
  if (!(params.q > 1)) throw new RangeError(`Gamma-Gamma mean value is infinite for q <= 1, got q=${params.q}`);
  return (params.p * params.v) / (params.q - 1);
}

/**
 * E[value per transaction | x, z̄] = p·(v + x·z̄) / (p·x + q − 1): a weighted average of the
 * population mean p·v/(q−1) and the customer's own mean z̄, with weight p·x/(p·x+q−1) on z̄.
 * x = 0 (no repeat transactions; z̄ ignored) gives the population mean. Throws RangeError when
 * q ≤ 1, x < 0 or z̄ < 0.
 */
export function conditionalExpectedValue(params: GammaGammaParams, x: number, zbar: number): number {
  if (!(Number.isFinite(x) && x >= 0 && Number.isFinite(zbar) && zbar >= 0)) throw new RangeError(`Gamma-Gamma needs x >= 0 and zbar >= 0 (finite), got x=${x}, zbar=${zbar}`);
  if (x === 0) return populationMeanValue(params);
  checkParams(params);
  if (!(params.q > 1)) throw new RangeError(`Gamma-Gamma mean value is infinite for q <= 1, got q=${params.q}`);
  return (params.p * (params.v + x * zbar)) / (params.p * x + params.q - 1);
}
