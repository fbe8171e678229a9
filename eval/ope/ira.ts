/**
 * Off-policy evaluation of an IRA policy version from the IRA decision log (`eval ope`): the
 * value per impression a target version (and its exploration) would get, estimated by IPS, SNIPS
 * and doubly robust (ml/ope/estimators.ts) from the logged slates, with bootstrap intervals over
 * decisions, the effective sample size, and the behaviour's own logged value for reference.
 *
 * - Rewards per shown slot: the decision's logged outcome when its window closed in the gateway
 *   (plugins/ira/reward.ts through the service), else slotRewards over the store's events with
 *   the decision's γ1, γ2 and logged v_long after (null when not logged: v_long_norm 0, so such a
 *   reward is the short-term part only; the report counts them). Decisions with neither are skipped.
 * - The target acts on each logged pool (the top `pool` candidates by the behaviour's Q, the only
 *   candidates whose features are logged): its Q is the version's forward pass over the pool's
 *   features (plugins/ira/qnet.ts), its slot probabilities explore.ts slateProbability. A target
 *   that would have picked items outside the behaviour's pool is evaluated as if restricted to it.
 * - DR's reward model: ridge regression of the slot reward on the pool item's IRA features and a
 *   one-hot of the slot, cross-fitted on two halves of the decisions (each half's predictions come
 *   from the model fitted on the other), so the model never sees the reward it corrects.
 *   Its direct term uses the target's slot marginals (ml/ope/marginals.ts, exact or sampled).
 */
import { bootstrapEstimate, effectiveSampleSize, type LoggedSlateOutcome, type OpeInterval } from '../../ml/ope/estimators';
import { slotMarginals } from '../../ml/ope/marginals';
import { mulberry32 } from '../../ml/random';
import { sampleSlate, slateProbability, type ExploreOptions } from '../../plugins/ira/explore';
import { IRA_DIM } from '../../plugins/ira/features';
import { slotRewards } from '../../plugins/ira/reward';
import type { IraEvent, LoggedIraDecision } from '../../plugins/ira/types';

export interface IraOpeTarget {
  readonly version: number;
  q(features: Float32Array, rows: number): Float32Array;
}

export interface IraOpeOptions {
  readonly decisions: readonly LoggedIraDecision[];
  /** Events by user, for decisions logged without an outcome. Default none. */
  readonly eventsByUser?: ReadonlyMap<string, readonly IraEvent[]>;
  readonly target: IraOpeTarget;
  /** The target's exploration: greedy (what it serves frozen) or Boltzmann at a temperature. */
  readonly targetExplore: ExploreOptions;
  /** Attribution window of rewards computed from events, ms. Default 24 h. */
  readonly windowMs?: number;
  readonly valueScale?: number;
  readonly clickWeight?: number;
  readonly clip?: number;
  readonly weighting?: 'prefix' | 'slot';
  /** Bootstrap resamples. Default 500. */
  readonly resamples?: number;
  /** Slates drawn per decision for the target's slot marginals when enumeration is too large (Boltzmann over a big pool). Default 300. */
  readonly marginalSamples?: number;
  /** Ridge penalty of DR's reward model. Default 1. */
  readonly ridge?: number;
  readonly seed: number;
}

export interface IraOpeResult {
  readonly decisions: number;
  readonly skipped: number;
  /** Decisions whose rewards came from the store's events (not logged outcomes). */
  readonly rewardsFromEvents: number;
  readonly meanSlots: number;
  readonly behaviour: { readonly versions: readonly number[]; readonly methods: readonly string[] };
  readonly target: { readonly version: number; readonly explore: ExploreOptions };
  /** Per impression, with 95% bootstrap intervals over decisions. */
  readonly onPolicy: OpeInterval;
  readonly ips: OpeInterval;
  readonly snips: OpeInterval;
  readonly dr: OpeInterval;
  readonly ess: { readonly pooled: number; readonly perSlot: readonly number[] };
  /** Share of slot weights at the clip (0 without clipping). */
  readonly clippedShare: number;
  readonly marginalsExactShare: number;
}

/** Solve (XᵀX + λI) w = Xᵀy by Cholesky; X row-major [n × d]. */
export function ridgeFit(x: Float64Array, y: Float64Array, n: number, d: number, lambda: number): Float64Array {
  const a = new Float64Array(d * d);
  const b = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let p = 0; p < d; p++) {
      const xp = x[row + p]!;
      if (xp === 0) continue;
      b[p] = b[p]! + xp * y[i]!;
      for (let q = 0; q <= p; q++) a[p * d + q] = a[p * d + q]! + xp * x[row + q]!;
    }
  }
  for (let p = 0; p < d; p++) {
    a[p * d + p] = a[p * d + p]! + lambda;
    for (let q = 0; q < p; q++) a[q * d + p] = a[p * d + q]!;
  }
  // Cholesky: a = L Lᵀ (in place, lower triangle).
  for (let j = 0; j < d; j++) {
    let s = a[j * d + j]!;
    for (let k = 0; k < j; k++) s -= a[j * d + k]! * a[j * d + k]!;
    if (!(s > 0)) throw new RangeError('ridge: the system is not positive definite');
    const l = Math.sqrt(s);
    a[j * d + j] = l;
    for (let i = j + 1; i < d; i++) {
      let t = a[i * d + j]!;
      for (let k = 0; k < j; k++) t -= a[i * d + k]! * a[j * d + k]!;
      a[i * d + j] = t / l;
    }
  }
  const z = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let t = b[i]!;
    for (let k = 0; k < i; k++) t -= a[i * d + k]! * z[k]!;
    z[i] = t / a[i * d + i]!;
  }
  const w = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let t = z[i]!;
    for (let k = i + 1; k < d; k++) t -= a[k * d + i]! * w[k]!;
    w[i] = t / a[i * d + i]!;
  }
  return w;
}

interface Prepared {
  readonly d: LoggedIraDecision;
  readonly rewards: ArrayLike<number>;
  readonly fromEvents: boolean;
}

export function runIraOpe(o: IraOpeOptions): IraOpeResult {
  const windowMs = o.windowMs ?? 24 * 3600_000;
  const prepared: Prepared[] = [];
  let skipped = 0;
  for (const d of o.decisions) {
    if (d.shown.length === 0 || d.features.length !== d.pool.length * IRA_DIM) {
      skipped++;
      continue;
    }
    if (d.rewards !== null && d.rewards.length === d.shown.length) {
      prepared.push({ d, rewards: d.rewards, fromEvents: false });
      continue;
    }
    const events = o.eventsByUser?.get(d.userId);
    if (!events) {
      skipped++;
      continue;
    }
    const rewards = slotRewards(d, events, {
      windowMs,
      gamma1: d.gamma1,
      gamma2: d.gamma2,
      valueAfter: d.valueAfter,
      ...(o.valueScale !== undefined ? { valueScale: o.valueScale } : {}),
      ...(o.clickWeight !== undefined ? { clickWeight: o.clickWeight } : {}),
    });
    prepared.push({ d, rewards, fromEvents: true });
  }
  if (prepared.length < 2) throw new RangeError(`ope: ${prepared.length} usable decisions (skipped ${skipped}); need at least 2`);

  // DR's reward model, cross-fitted on two halves.
  const maxSlots = Math.max(...prepared.map((p) => p.d.shown.length));
  const dim = IRA_DIM + maxSlots;
  const fold = (i: number): number => i % 2;
  const weights = [0, 1].map((f) => {
    const rows = prepared.filter((_, i) => fold(i) !== f);
    const n = rows.reduce((a, p) => a + p.d.shown.length, 0);
    const x = new Float64Array(n * dim);
    const y = new Float64Array(n);
    let r = 0;
    for (const p of rows) {
      p.d.shown.forEach((a, k) => {
        for (let j = 0; j < IRA_DIM; j++) x[r * dim + j] = p.d.features[a * IRA_DIM + j]!;
        x[r * dim + IRA_DIM + k] = 1;
        y[r] = p.rewards[k]!;
        r++;
      });
    }
    return ridgeFit(x, y, n, dim, o.ridge ?? 1);
  });

  const rng = mulberry32(o.seed);
  let exactMarginals = 0;
  const logs: LoggedSlateOutcome[] = prepared.map((p, i) => {
    const { d } = p;
    const rows = d.pool.length;
    const q = o.target.q(d.features, rows);
    const target = slateProbability(q, d.shown, o.targetExplore);
    const w = weights[fold(i)]!;
    const slots = d.shown.length;
    const predicted = Array.from({ length: slots }, (_, k) =>
      Float64Array.from({ length: rows }, (_, a) => {
        let s = w[IRA_DIM + k]!;
        for (let j = 0; j < IRA_DIM; j++) s += w[j]! * d.features[a * IRA_DIM + j]!;
        return s;
      }),
    );
    const m = slotMarginals({
      poolSize: rows,
      slots,
      prob: (s) => slateProbability(q, s, o.targetExplore),
      draw: () => sampleSlate(q, { ...o.targetExplore, slots, rng }).shown,
      maxNodes: 2000,
      samples: o.marginalSamples ?? 300,
    });
    if (m.exact) exactMarginals++;
    return { shown: d.shown, propensities: d.propensities, rewards: p.rewards, target, model: { predicted, targetMarginals: m.marginals } };
  });

  const est = { ...(o.clip !== undefined ? { clip: o.clip } : {}), ...(o.weighting ? { weighting: o.weighting } : {}) };
  const boot = { ...est, resamples: o.resamples ?? 500, seed: o.seed };
  let clipped = 0;
  let slotsTotal = 0;
  if (o.clip !== undefined) {
    for (const l of logs) {
      let prefix = 1;
      for (let k = 0; k < l.shown.length; k++) {
        const ratio = l.target[k]! / l.propensities[k]!;
        prefix = o.weighting === 'slot' ? ratio : prefix * ratio;
        if (prefix > o.clip) clipped++;
        slotsTotal++;
      }
    }
  }
  return {
    decisions: prepared.length,
    skipped,
    rewardsFromEvents: prepared.filter((p) => p.fromEvents).length,
    meanSlots: logs.reduce((a, l) => a + l.shown.length, 0) / logs.length,
    behaviour: { versions: [...new Set(prepared.map((p) => p.d.version))].sort((a, b) => a - b), methods: [...new Set(prepared.map((p) => p.d.explore.method))].sort() },
    target: { version: o.target.version, explore: o.targetExplore },
    onPolicy: bootstrapEstimate('on-policy', logs, boot),
    ips: bootstrapEstimate('ips', logs, boot),
    snips: bootstrapEstimate('snips', logs, boot),
    dr: bootstrapEstimate('dr', logs, boot),
    ess: effectiveSampleSize(logs, est),
    clippedShare: slotsTotal > 0 ? clipped / slotsTotal : 0,
    marginalsExactShare: exactMarginals / logs.length,
  };
}
