/**
 * Spend trajectory (`simulate --headline`): each user has a latent spend level L_u(d) that drifts
 * day by day, reverts to a target, and is pushed by the user's satisfaction z_u (sim/returning.ts):
 *
 *   L_u(d + 1) = L_u(d) + κ · (βL · z_u(d) − L_u(d)) + σ · ε,   ε ~ N(0, 1),  L_u(0) = 0
 *   purchase   P(buy) · exp(L_u)                                 (then capped at 0.95 as before)
 *   budget     the price reference of the purchase elasticity is the category median · exp(b_u + L_u),
 *              b_u ~ N(0, σ_b²) drawn once per user (persona copies draw their own)
 *
 * so a satisfied user buys more often and accepts higher prices, and a neglected one drifts down.
 * κ, βL, σ and σ_b are assumptions: the log has no prices and 9 days, too little for a trajectory.
 */
import { normal, stream } from './rng';

export interface SpendOptions {
  /** κ: daily mean reversion. Default 0.1. */
  readonly reversion?: number;
  /** σ: daily volatility of L. Default 0.08. */
  readonly volatility?: number;
  /** βL: target level per standard deviation of satisfaction. Default 0.3. */
  readonly satisfactionPull?: number;
  /** σ_b: spread of the users' budget levels b_u. Default 0.3. */
  readonly budgetSigma?: number;
}

export interface SpendModel {
  readonly reversion: number;
  readonly volatility: number;
  readonly satisfactionPull: number;
  readonly budgetSigma: number;
}

export function spendModel(o: SpendOptions = {}): SpendModel {
  const m = { reversion: o.reversion ?? 0.1, volatility: o.volatility ?? 0.08, satisfactionPull: o.satisfactionPull ?? 0.3, budgetSigma: o.budgetSigma ?? 0.3 };
  if (!(m.reversion >= 0 && m.reversion <= 1 && m.volatility >= 0 && m.budgetSigma >= 0 && Number.isFinite(m.satisfactionPull))) {
    throw new RangeError('spend: reversion must be in [0, 1], volatility and budgetSigma ≥ 0');
  }
  return m;
}

/** b_u of a user (seeded by id). */
export function budgetLevel(m: SpendModel, seed: number, userId: string): number {
  return m.budgetSigma * normal(stream(seed, 'budget', userId));
}

/** One day's step of L. */
export function stepSpend(m: SpendModel, level: number, z: number, rng: () => number): number {
  return level + m.reversion * (m.satisfactionPull * z - level) + m.volatility * normal(rng);
}
