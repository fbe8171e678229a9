/**
 * Special functions for the CLV models: log-gamma (Lanczos), the Gauss hypergeometric series
 * 2F1, and log-sum-exp of two terms. Real arguments only.
 */

// Module-level aliases: a global lookup per call is slow inside vm contexts (jest) and these run in tight loops.
const { abs, exp, log, log1p, max, min, pow, sin } = Math;
const { isInteger } = Number;
const POS_INF = Number.POSITIVE_INFINITY;
const NEG_INF = Number.NEGATIVE_INFINITY;

/** Lanczos coefficients for g = 7, n = 9 (relative error of Γ about 1e-15 for x ≥ 0.5). */
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
] as const;
const HALF_LOG_2PI = 0.5 * log(2 * Math.PI);

/**
 * ln |Γ(x)|. Lanczos approximation for x ≥ 0.5, reflection Γ(x)Γ(1−x) = π / sin(πx) below.
 * Returns +Infinity at the poles (0, −1, −2, ...) and NaN for NaN.
 */
export function lgamma(x: number): number {
  if (x >= 0.5 && x < POS_INF) {
    const z = x - 1;
    let s = LANCZOS[0];
    for (let i = 1; i < LANCZOS.length; i++) s += LANCZOS[i]! / (z + i);
    const t = z + LANCZOS_G + 0.5;
    return HALF_LOG_2PI + (z + 0.5) * log(t) - t + log(s);
  }
  if (x === POS_INF) return x;
  if (!(x < 0.5)) return Number.NaN;
  if (isInteger(x) && x <= 0) return POS_INF;
  return log(Math.PI / abs(sin(Math.PI * x))) - lgamma(1 - x);
}

/** ln(e^u + e^v) without overflow; −Infinity when both are −Infinity. */
export function logAddExp(u: number, v: number): number {
  const m = max(u, v);
  if (m === NEG_INF) return m;
  return m + log1p(exp(min(u, v) - m));
}

export interface SeriesOptions {
  /** Stop when the bound on the remaining tail is below this fraction of the partial sum. Default 1e-15. */
  readonly tolerance?: number;
  /** Give up (RangeError) after this many terms. Default 1,000,000. */
  readonly maxTerms?: number;
}

/**
 * Σ_{n ≥ from} t_n with t_from = `first` and t_{n+1} = t_n·(a+n)(b+n)z / ((c+n)(n+1)): the tail of
 * a 2F1-type series. Stopping rule, rigorous for every m ≥ M > max(0, −a, −b, −c): all factors
 * are positive and the ratio is at most ρ = |z|·(1 + a⁺/M)(1 + b⁺/M) / (1 + c⁻/M), so the rest of
 * the series is bounded by |t_M|·ρ/(1−ρ); we stop when ρ < 1 and that bound is below
 * tolerance·|sum|, or when a term is exactly 0 (a terminating series).
 */
export function hypergeometricSeries(first: number, from: number, a: number, b: number, c: number, z: number, opts: SeriesOptions = {}): number {
  const tol = opts.tolerance ?? 1e-15;
  const maxTerms = opts.maxTerms ?? 1_000_000;
  const floor = max(0, -a, -b, -c);
  const az = abs(z);
  let term = first;
  let sum = first;
  for (let n = from; n < from + maxTerms; n++) {
    term *= ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    sum += term;
    if (term === 0) return sum;
    const m = n + 1;
    if (m <= floor) continue;
    const rho = (az * (1 + max(a, 0) / m) * (1 + max(b, 0) / m)) / (1 + min(c, 0) / m);
    if (rho < 1 && (abs(term) * rho) / (1 - rho) <= tol * abs(sum)) return sum;
  }
  throw new RangeError(`hypergeometric series did not converge in ${maxTerms} terms (a=${a}, b=${b}, c=${c}, z=${z})`);
}

/**
 * Gauss hypergeometric function 2F1(a, b; c; z) = Σ (a)_n (b)_n / ((c)_n n!) zⁿ for real z < 1.
 * For z < −0.5 the Pfaff transformation 2F1(a, b; c; z) = (1−z)^(−a) 2F1(a, c−b; c; z/(z−1))
 * maps the argument into (1/3, 1), where the series converges without alternation. The series
 * converges slowly near z = 1 (about −ln(tolerance)/(1−z) terms).
 * Throws RangeError for z ≥ 1, for c a non-positive integer, or if the series does not converge.
 */
export function hyp2f1(a: number, b: number, c: number, z: number, opts: SeriesOptions = {}): number {
  if (![a, b, c, z].every(Number.isFinite)) throw new RangeError(`hyp2f1: non-finite argument (${a}, ${b}, ${c}, ${z})`);
  if (!(z < 1)) throw new RangeError(`hyp2f1: z must be < 1, got ${z}`);
  if (c <= 0 && Number.isInteger(c)) throw new RangeError(`hyp2f1: c must not be a non-positive integer, got ${c}`);
  if (z === 0) return 1;
  if (z < -0.5) return pow(1 - z, -a) * hyp2f1(a, c - b, c, z / (z - 1), opts);
  return hypergeometricSeries(1, 0, a, b, c, z, opts);
}
