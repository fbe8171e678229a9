/**
 * Off-policy evaluation of slate policies from logged slates with per-slot propensities:
 * inverse propensity scoring (IPS), self-normalised IPS (SNIPS) and doubly robust (DR), with
 * weight clipping and bootstrap intervals over logged slates.
 *
 * Setting. Slate i was drawn by the behaviour policy μ one slot at a time; the log holds, per
 * slot k, the item a_ik (an index into the slate's pool), its propensity μ_ik = μ(a_ik | x_i,
 * a_i1..a_i,k−1) and its reward r_ik. The target π gives its own conditional probability of the
 * same item at the same slot, π_ik = π(a_ik | x_i, a_i1..a_i,k−1) (explore.ts slateProbability).
 *
 * Assumption (position-based / independent slots): the reward of slot k depends on the context
 * and the item at slot k (it may depend on the position k; it must not depend on the items of
 * later slots), and the slate's value is the sum of its slot rewards. Under it, the prefix weight
 *
 *   w_ik = Π_{j ≤ k} π_ij / μ_ij      (the likelihood ratio of the slate's first k slots)
 *
 * makes w_ik · r_ik an unbiased estimate of slot k's value under π (the reward is a function of
 * the prefix, whose law under μ is reweighted exactly to its law under π). Estimators, per slate:
 *
 *   IPS    V̂ = (1/N) Σ_i Σ_k w_ik r_ik
 *   SNIPS  V̂ = Σ_k  Σ_i w_ik r_ik / Σ_i w_ik        (E_μ[w_ik] = 1 for each k: normalised per slot)
 *   DR     V̂ = (1/N) Σ_i [ Σ_k Σ_a P_π(a at k | x_i) r̂_k(x_i, a) + Σ_k w_ik (r_ik − r̂_k(x_i, a_ik)) ]
 *
 * DR's first term is the direct method under π's slot marginals (ml/ope/marginals.ts); its
 * second corrects the reward model r̂ with the IPS-weighted residuals. DR is unbiased for any r̂
 * (given correct propensities) and, with an exact model and rewards without noise, the correction
 * is 0 on every slate: the estimate is the exact value of π on the logged contexts.
 *
 * `weighting: 'slot'` uses w_ik = π_ik / μ_ik alone (the guardrail's form, plugins/ira/guardrail.ts):
 * lower variance, biased when the slot conditionals depend on the earlier items. `clip` caps each
 * w_ik (bias for variance). Values are per slate (sum over slots) and per impression (per slate
 * divided by the mean slate length of the log). Slates of different lengths: a missing slot counts 0.
 */
import { mulberry32 } from '../random';

export interface LoggedSlateOutcome {
  /** Logged items, slot order (indices into the slate's pool). */
  readonly shown: readonly number[];
  /** Behaviour propensity per slot, μ(a_k | earlier slots) in (0, 1]. */
  readonly propensities: ArrayLike<number>;
  /** Reward per slot. */
  readonly rewards: ArrayLike<number>;
  /** Target probability of the logged item per slot, π(a_k | earlier slots). */
  readonly target: ArrayLike<number>;
  /**
   * For DR: the reward model, r̂_k(x, a) for pool item a at slot k (`predicted[k][a]`), and π's
   * slot marginals P_π(a at slot k | x) (`targetMarginals[k][a]`). Both one row per slot.
   */
  readonly model?: { readonly predicted: ReadonlyArray<ArrayLike<number>>; readonly targetMarginals: ReadonlyArray<ArrayLike<number>> };
}

export type OpeEstimator = 'ips' | 'snips' | 'dr';

export interface OpeOptions {
  /** Prefix product (default, unbiased under the slot assumption) or the slot's own ratio. */
  readonly weighting?: 'prefix' | 'slot';
  /** Cap on each slot weight. Default none. */
  readonly clip?: number;
}

export interface OpeEstimate {
  /** Per slate (sum over slots). */
  readonly perSlate: number;
  /** Per impression: perSlate / mean slate length. */
  readonly perImpression: number;
}

/** Slot weights w_ik of one slate (clipped). */
export function slotWeights(s: LoggedSlateOutcome, o: OpeOptions = {}): Float64Array {
  const k = s.shown.length;
  if (s.propensities.length !== k || s.rewards.length !== k || s.target.length !== k) throw new RangeError(`ope: propensities, rewards and target must have one entry per slot (${k})`);
  const w = new Float64Array(k);
  let prefix = 1;
  for (let j = 0; j < k; j++) {
    const mu = s.propensities[j]!;
    if (!(mu > 0 && mu <= 1)) throw new RangeError(`ope: propensity of slot ${j} is ${mu}, not in (0, 1]`);
    const ratio = s.target[j]! / mu;
    prefix = o.weighting === 'slot' ? ratio : prefix * ratio;
    w[j] = o.clip !== undefined ? Math.min(o.clip, prefix) : prefix;
  }
  return w;
}

function meanLength(logs: readonly LoggedSlateOutcome[]): number {
  return logs.reduce((a, s) => a + s.shown.length, 0) / logs.length;
}

const result = (perSlate: number, logs: readonly LoggedSlateOutcome[]): OpeEstimate => ({ perSlate, perImpression: perSlate / meanLength(logs) });

export function ips(logs: readonly LoggedSlateOutcome[], o: OpeOptions = {}): OpeEstimate {
  if (logs.length === 0) throw new RangeError('ope: no logged slates');
  let total = 0;
  for (const s of logs) {
    const w = slotWeights(s, o);
    for (let k = 0; k < w.length; k++) total += w[k]! * s.rewards[k]!;
  }
  return result(total / logs.length, logs);
}

export function snips(logs: readonly LoggedSlateOutcome[], o: OpeOptions = {}): OpeEstimate {
  if (logs.length === 0) throw new RangeError('ope: no logged slates');
  const maxK = Math.max(...logs.map((s) => s.shown.length));
  const num = new Float64Array(maxK);
  const den = new Float64Array(maxK);
  const present = new Float64Array(maxK);
  for (const s of logs) {
    const w = slotWeights(s, o);
    for (let k = 0; k < w.length; k++) {
      num[k] = num[k]! + w[k]! * s.rewards[k]!;
      den[k] = den[k]! + w[k]!;
      present[k] = present[k]! + 1;
    }
  }
  let v = 0;
  // A slot present on a share of the slates contributes that share of its normalised mean. A
  // logged slot whose weights are all 0 (no logged prefix the target would have drawn) leaves its
  // value unidentified: NaN, not 0.
  for (let k = 0; k < maxK; k++) {
    if (den[k]! > 0) v += (num[k]! / den[k]!) * (present[k]! / logs.length);
    else if (present[k]! > 0) return result(Number.NaN, logs);
  }
  return result(v, logs);
}

export function doublyRobust(logs: readonly LoggedSlateOutcome[], o: OpeOptions = {}): OpeEstimate {
  if (logs.length === 0) throw new RangeError('ope: no logged slates');
  let total = 0;
  for (const s of logs) {
    if (!s.model) throw new RangeError('ope: doubly robust needs a reward model and the target marginals on every slate');
    const { predicted, targetMarginals } = s.model;
    const w = slotWeights(s, o);
    for (let k = 0; k < s.shown.length; k++) {
      const pr = predicted[k];
      const pm = targetMarginals[k];
      if (!pr || !pm || pr.length !== pm.length) throw new RangeError(`ope: slot ${k} needs predicted rewards and target marginals over the same pool`);
      let dm = 0;
      for (let a = 0; a < pm.length; a++) dm += pm[a]! * pr[a]!;
      total += dm + w[k]! * (s.rewards[k]! - pr[s.shown[k]!]!);
    }
  }
  return result(total / logs.length, logs);
}

export function estimate(kind: OpeEstimator, logs: readonly LoggedSlateOutcome[], o: OpeOptions = {}): OpeEstimate {
  return kind === 'ips' ? ips(logs, o) : kind === 'snips' ? snips(logs, o) : doublyRobust(logs, o);
}

/** The behaviour's own value: mean logged reward per slate and per impression. */
export function onPolicyValue(logs: readonly LoggedSlateOutcome[]): OpeEstimate {
  if (logs.length === 0) throw new RangeError('ope: no logged slates');
  let total = 0;
  for (const s of logs) for (let k = 0; k < s.shown.length; k++) total += s.rewards[k]!;
  return result(total / logs.length, logs);
}

/** Effective sample size of the slot weights, (Σ w)² / Σ w², pooled over slots; and per slot. */
export function effectiveSampleSize(logs: readonly LoggedSlateOutcome[], o: OpeOptions = {}): { readonly pooled: number; readonly perSlot: number[] } {
  const maxK = Math.max(0, ...logs.map((s) => s.shown.length));
  const s1 = new Float64Array(maxK);
  const s2 = new Float64Array(maxK);
  let a = 0;
  let b = 0;
  for (const s of logs) {
    const w = slotWeights(s, o);
    for (let k = 0; k < w.length; k++) {
      s1[k] = s1[k]! + w[k]!;
      s2[k] = s2[k]! + w[k]! * w[k]!;
      a += w[k]!;
      b += w[k]! * w[k]!;
    }
  }
  return { pooled: b > 0 ? (a * a) / b : 0, perSlot: Array.from(s1, (x, k) => (s2[k]! > 0 ? (x * x) / s2[k]! : 0)) };
}

export interface OpeInterval extends OpeEstimate {
  /** Percentile bootstrap interval (1 − alpha) of perImpression, resampling slates. */
  readonly low: number;
  readonly high: number;
}

/** An estimate with a percentile bootstrap interval over slates (seeded); NaN bounds when the estimate has no support. */
export function bootstrapEstimate(
  kind: OpeEstimator | 'on-policy',
  logs: readonly LoggedSlateOutcome[],
  o: OpeOptions & { readonly resamples?: number; readonly alpha?: number; readonly seed?: number } = {},
): OpeInterval {
  const run = (xs: readonly LoggedSlateOutcome[]): OpeEstimate => (kind === 'on-policy' ? onPolicyValue(xs) : estimate(kind, xs, o));
  const point = run(logs);
  const B = o.resamples ?? 500;
  const alpha = o.alpha ?? 0.05;
  const rng = mulberry32(o.seed ?? 1);
  const stats = new Float64Array(B);
  const sample: LoggedSlateOutcome[] = new Array(logs.length);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < logs.length; i++) sample[i] = logs[Math.floor(rng() * logs.length)]!;
    stats[b] = run(sample).perImpression;
  }
  // Resamples without support (SNIPS: NaN) are left out; with fewer than half left, no interval.
  const finite = stats.filter((x) => Number.isFinite(x)).sort();
  const n = finite.length;
  if (!Number.isFinite(point.perImpression) || n < B / 2 || n === 0) return { ...point, low: Number.NaN, high: Number.NaN };
  const q = (p: number): number => {
    const pos = p * (n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(n - 1, lo + 1);
    return finite[lo]! + (finite[hi]! - finite[lo]!) * (pos - lo);
  };
  return { ...point, low: q(alpha / 2), high: q(1 - alpha / 2) };
}
