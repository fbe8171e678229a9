/**
 * The guardrail's value estimate of a policy from logged slates: self-normalised importance
 * sampling (SNIPS) per slot. The evaluated policy is the policy's Q served with each decision's own
 * exploration (explore.ts slateProbability: Boltzmann at the decision's temperature, or ε-greedy at
 * its ε; decisions logged greedy, or without their settings, use Boltzmann at `temperature`), slot
 * by slot without replacement over the logged pool (the same slot-conditional form as the logged
 * propensities):
 *
 *   π(a_k | pool \ {a_1..a_{k−1}})   e.g. exp(Q(a_k)/T) / Σ_{a ∈ pool \ earlier} exp(Q(a)/T)
 *   w_k = π(a_k | ·) / p_k          (p_k: the logged propensity of slot k)
 *   V̂  = Σ w_k · r_k / Σ w_k        over every logged slot with p_k > 0
 *
 * Each slot is weighted on its own (not the product over the slate): biased for slate rewards
 * that interact, with far lower variance; it compares two policies on the same logs, which is
 * all the guardrail needs. A learned version is compared against version 0 (heuristic.ts) on the
 * same recent decisions; the line halts when the shortfall is larger than the margin and than the
 * estimates' noise:
 *
 *   baseline − estimate > margin · |baseline| + z · √(se² + se_baseline²)     (z = 1.645, one-sided 95%)
 *
 *   se = √(Σ w_k² (r_k − V̂)²) / Σ w_k      (delta-method standard error of SNIPS)
 *
 * Without the noise term a line whose rewards are almost all 0 (a short-term-only reward in a
 * 24 h window) trips on 0.00019 against 0.00020. The two estimates share their logs, so treating
 * them as independent overstates the noise: the guardrail errs toward letting a line learn.
 * Needs `minSlots` logged slots; fewer gives null (no judgement).
 */
import { slateProbability } from './explore';
import { IRA_DIM } from './features';
import type { IraExplore } from './types';

export interface LoggedSlate {
  /** [rows × IRA_DIM] */
  readonly features: Float32Array;
  readonly rows: number;
  readonly shown: readonly number[];
  readonly propensities: readonly number[];
  readonly rewards: ArrayLike<number>;
  /** The decision's exploration; absent: Boltzmann at the estimator's temperature. */
  readonly explore?: IraExplore;
}

export interface SnipsEstimate {
  readonly value: number;
  /** Slots used (logged propensity > 0). */
  readonly slots: number;
  /** Effective sample size (Σw)² / Σw². */
  readonly ess: number;
  /** Delta-method standard error of `value`. */
  readonly se: number;
}

/** Per-slot conditional Boltzmann probabilities of a given slate under Q at temperature T. */
export function boltzmannSlateProbabilities(q: ArrayLike<number>, shown: readonly number[], temperature: number): Float64Array {
  if (!(temperature > 0)) throw new RangeError(`boltzmann: temperature must be positive, got ${temperature}`);
  const n = q.length;
  const removed = new Uint8Array(n);
  const out = new Float64Array(shown.length);
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (q[i]! > max) max = q[i]!;
  const e = Float64Array.from({ length: n }, (_, i) => Math.exp((q[i]! - max) / temperature));
  shown.forEach((a, k) => {
    // The remaining mass is summed afresh per slot: a running subtraction drifts above 1 in the last slots.
    let total = 0;
    for (let i = 0; i < n; i++) if (!removed[i]) total += e[i]!;
    out[k] = total > 0 && !removed[a] ? Math.min(1, e[a]! / total) : 0;
    removed[a] = 1;
  });
  return out;
}

export function snipsEstimate(
  logs: readonly LoggedSlate[],
  qOf: (features: Float32Array, rows: number) => ArrayLike<number>,
  o: { readonly temperature: number; readonly minSlots?: number },
): SnipsEstimate | null {
  let sw = 0;
  let swr = 0;
  let sw2 = 0;
  let slots = 0;
  const used: Array<{ w: number; r: number }> = [];
  for (const l of logs) {
    if (l.features.length !== l.rows * IRA_DIM) continue;
    const q = qOf(l.features, l.rows);
    const e = l.explore;
    const pi =
      e !== undefined && e.method === 'boltzmann' && e.temperature > 0
        ? slateProbability(q, l.shown, { method: 'boltzmann', temperature: e.temperature, epsilon: 0 })
        : e !== undefined && e.method === 'epsilon' && e.epsilon >= 0 && e.epsilon <= 1
          ? slateProbability(q, l.shown, { method: 'epsilon', temperature: 1, epsilon: e.epsilon })
          : boltzmannSlateProbabilities(q, l.shown, o.temperature);
    l.shown.forEach((_, k) => {
      const p = l.propensities[k]!;
      if (!(p > 0) || !Number.isFinite(l.rewards[k]!)) return;
      const w = pi[k]! / p;
      sw += w;
      sw2 += w * w;
      swr += w * l.rewards[k]!;
      used.push({ w, r: l.rewards[k]! });
      slots++;
    });
  }
  if (slots < (o.minSlots ?? 100) || !(sw > 0)) return null;
  const value = swr / sw;
  let dev = 0;
  for (const { w, r } of used) dev += w * w * (r - value) * (r - value);
  return { value, slots, ess: (sw * sw) / sw2, se: Math.sqrt(dev) / sw };
}

/** One-sided 95% normal quantile: the noise allowance of the guardrail. */
export const GUARDRAIL_Z = 1.645;

/**
 * True when the candidate's estimate falls below the baseline's by more than margin · |baseline|
 * plus GUARDRAIL_Z standard errors of the difference (the standard errors default to 0: a bare
 * margin test).
 */
export function breachesGuardrail(estimate: number, baseline: number, margin: number, se = 0, baselineSe = 0): boolean {
  return baseline - estimate > margin * Math.abs(baseline) + GUARDRAIL_Z * Math.sqrt(se * se + baselineSe * baselineSe);
}
