/**
 * DUVE (dynamic user value evaluator): the model. A user's state (state.ts) read at time t gives
 * log1p features; four linear heads on the standardised features forecast the next horizon H:
 *
 *   head 0  P(≥ 1 purchase in [t, t+H))          = σ(z0)                       (logistic)
 *   head 1  E[purchases in [t, t+H)]             = exp(z1)                     (Poisson)
 *   head 2  E[tracked events in [t, t+H)]        = exp(z2)   engagement depth  (Poisson)
 *   head 3  E[spend in [t, t+H)]                 = σ(z0) · exp(z3 + s²/2)      (hurdle: log-normal
 *           spend given a purchase, s² = residual variance of log spend on the training positives)
 *
 * Decays are learned: per tracked type (or one shared, or none) a free parameter θ maps to a
 * half-life bounded in [hMin, hMax] days: h = hMin · (hMax/hMin)^σ(θ), λ = ln 2 / h per day.
 *
 * Segments: a partition, evaluated in this order (the first rule that holds wins; t = scoring time,
 * H = the horizon; the default thresholds are fitted at the end of training and stored in the model):
 *   new                 observed for less than `newTenureDays` (t − first tracked event); default H.
 *   high-value          value score ≥ `highValue` > 0, where the value score is E[spend] when the
 *                       training data carried money, else E[purchases]; default: the 90th percentile
 *                       of the score over the training users at the last reference time.
 *   latent-high-intent  P(purchase) ≥ `intentProbability` without being high-value (likely to buy,
 *                       value not yet realised); default: the 75th percentile of P over the training
 *                       users at the last reference time.
 *   at-risk             below the intent threshold but active within the last `dormantDays`
 *                       (t − last tracked event < dormantDays; default 3·H): still around, not buying.
 *   dormant             below the intent threshold and no tracked event for `dormantDays` or more.
 */
import type { EventType } from '../../domain/events';
import { DAY_MS, createDuveLayout, type DuveLayout, type DuveReading } from './state';

const { exp, log, log1p, max } = Math;
const LN2 = Math.LN2;

/** Per-type learned decays, one learned decay shared by all types, or no decay (λ = 0). */
export type DecayMode = 'per-type' | 'shared' | 'none';

export const HEADS = ['purchase', 'purchases', 'events', 'spend'] as const;
export const NUM_HEADS = HEADS.length;

export type FeatureKind = 'decayed_count' | 'count' | 'decayed_value' | 'value' | 'recency' | 'tenure' | 'focus';

/** One input of the value head: which quantity of the reading, for which tracked type index. */
export interface FeatureSpec {
  readonly kind: FeatureKind;
  /** Tracked type index (layout order); -1 for user-level features. */
  readonly k: number;
  readonly name: string;
}

/** The feature layout: per type log1p(decayed count), log1p(count); per value type the same for money; then recency, tenure, focus. */
export function duveFeatureSpec(types: readonly EventType[], valueTypes: readonly EventType[]): FeatureSpec[] {
  const out: FeatureSpec[] = [];
  types.forEach((t, k) => {
    out.push({ kind: 'decayed_count', k, name: `log1p_decayed_count:${t}` }, { kind: 'count', k, name: `log1p_count:${t}` });
  });
  for (const t of valueTypes) {
    const k = types.indexOf(t);
    if (k < 0) throw new RangeError(`value type ${t} is not a tracked type`);
    out.push({ kind: 'decayed_value', k, name: `log1p_decayed_value:${t}` }, { kind: 'value', k, name: `log1p_value:${t}` });
  }
  out.push({ kind: 'recency', k: -1, name: 'log1p_recency_days' }, { kind: 'tenure', k: -1, name: 'log1p_tenure_days' }, { kind: 'focus', k: -1, name: 'embedding_focus' });
  return out;
}

export interface DuveSegmentThresholds {
  readonly newTenureDays: number;
  /** 'spend' when the training data carried money, else 'purchases'. */
  readonly valueScore: 'spend' | 'purchases';
  readonly highValue: number;
  readonly intentProbability: number;
  readonly dormantDays: number;
}

export type DuveSegment = 'new' | 'latent-high-intent' | 'high-value' | 'at-risk' | 'dormant';

export interface DuveModel {
  readonly formatVersion: 1;
  readonly types: readonly EventType[];
  /** Tracked types whose money is a feature (those with value > 0 in training). */
  readonly valueTypes: readonly EventType[];
  readonly decayMode: DecayMode;
  /** [hMin, hMax] in days. */
  readonly halfLifeBoundsDays: readonly [number, number];
  /** Free decay parameters: K (per-type), 1 (shared) or 0 (none). */
  readonly theta: Float64Array;
  readonly horizonMs: number;
  readonly embeddingDims: number;
  readonly embeddingHalfLifeDays: number;
  readonly embeddingSeed: number;
  readonly features: readonly FeatureSpec[];
  /** Standardisation of the raw features (fixed at the start of training). */
  readonly featureMean: Float64Array;
  readonly featureStd: Float64Array;
  /** Head weights on standardised features, NUM_HEADS × F row-major, and biases. */
  readonly weights: Float64Array;
  readonly bias: Float64Array;
  /** s²: residual variance of log spend on training windows with spend > 0 (0 when none). */
  readonly spendLogVariance: number;
  readonly hasSpend: boolean;
  readonly segments: DuveSegmentThresholds;
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z)));

/** Half-life in days of a free parameter θ within [hMin, hMax]. */
export function halfLifeOfTheta(theta: number, bounds: readonly [number, number]): number {
  return bounds[0] * exp(sigmoid(theta) * log(bounds[1] / bounds[0]));
}

/** θ that gives the half-life h (clamped strictly inside the bounds). */
export function thetaOfHalfLife(h: number, bounds: readonly [number, number]): number {
  const u = Math.min(1 - 1e-9, Math.max(1e-9, log(h / bounds[0]) / log(bounds[1] / bounds[0])));
  return log(u / (1 - u));
}

/** λ = ln 2 / h(θ) per day and dλ/dθ. */
export function decayOfTheta(theta: number, bounds: readonly [number, number]): { rate: number; dRate: number } {
  const s = sigmoid(theta);
  const span = log(bounds[1] / bounds[0]);
  const rate = LN2 / (bounds[0] * exp(s * span));
  return { rate, dRate: -rate * span * s * (1 - s) };
}

/** Decay rate per day of every tracked type (0 in mode `none`). */
export function duveDecaysPerDay(m: Pick<DuveModel, 'types' | 'decayMode' | 'theta' | 'halfLifeBoundsDays'>): Float64Array {
  return Float64Array.from(m.types, (_t, k) => (m.decayMode === 'none' ? 0 : decayOfTheta(m.theta[m.decayMode === 'shared' ? 0 : k]!, m.halfLifeBoundsDays).rate));
}

/** Half-life in days of every tracked type (Infinity in mode `none`). */
export function duveHalfLivesDays(m: Pick<DuveModel, 'types' | 'decayMode' | 'theta' | 'halfLifeBoundsDays'>): Record<string, number> {
  const rates = duveDecaysPerDay(m);
  return Object.fromEntries(m.types.map((t, k) => [t, rates[k]! > 0 ? LN2 / rates[k]! : Number.POSITIVE_INFINITY]));
}

/** The online-state layout a model reads (its learned decays). */
export function duveLayout(m: DuveModel): DuveLayout {
  return createDuveLayout({ types: m.types, decaysPerDay: duveDecaysPerDay(m), embeddingDims: m.embeddingDims, embeddingHalfLifeDays: m.embeddingHalfLifeDays, embeddingSeed: m.embeddingSeed });
}

/** One raw (unstandardised) feature of a reading; what the exported ONNX head takes as input. */
export function rawFeature(f: FeatureSpec, r: DuveReading): number {
  switch (f.kind) {
    case 'decayed_count':
      return log1p(r.decayedCount[f.k]!);
    case 'count':
      return log1p(r.count[f.k]!);
    case 'decayed_value':
      return log1p(r.decayedValue[f.k]!);
    case 'value':
      return log1p(r.value[f.k]!);
    case 'recency':
      return log1p(max(0, r.t - r.lastTs) / DAY_MS);
    case 'tenure':
      return log1p(max(0, r.t - r.firstTs) / DAY_MS);
    case 'focus':
      return r.embeddingWeight > 0 ? r.embeddingNorm / r.embeddingWeight : 0;
  }
}

/** Raw features of a reading, in `m.features` order. */
export function duveRawFeatures(m: Pick<DuveModel, 'features'>, r: DuveReading, out: Float64Array = new Float64Array(m.features.length)): Float64Array {
  for (let j = 0; j < m.features.length; j++) out[j] = rawFeature(m.features[j]!, r);
  return out;
}

export interface DuveForecast {
  /** P(≥ 1 purchase in the next horizon). */
  readonly pPurchase: number;
  readonly expectedPurchases: number;
  /** Engagement depth: expected tracked events in the next horizon. */
  readonly expectedEvents: number;
  readonly expectedSpend: number;
}

/** Head logits z (NUM_HEADS) of raw features. */
export function duveLogits(m: DuveModel, raw: ArrayLike<number>, out: Float64Array = new Float64Array(NUM_HEADS)): Float64Array {
  const F = m.features.length;
  for (let h = 0; h < NUM_HEADS; h++) {
    let z = m.bias[h]!;
    for (let j = 0; j < F; j++) z += (m.weights[h * F + j]! * (raw[j]! - m.featureMean[j]!)) / m.featureStd[j]!;
    out[h] = z;
  }
  return out;
}

/** The TS forward pass (float64) of the value head. */
export function duveForecast(m: DuveModel, raw: ArrayLike<number>): DuveForecast {
  const z = duveLogits(m, raw);
  const p = sigmoid(z[0]!);
  return {
    pPurchase: p,
    expectedPurchases: exp(z[1]!),
    expectedEvents: exp(z[2]!),
    expectedSpend: m.hasSpend ? p * exp(z[3]! + m.spendLogVariance / 2) : 0,
  };
}

/** The value score segments compare against `highValue`. */
export function valueScore(m: Pick<DuveModel, 'segments'>, f: DuveForecast): number {
  return m.segments.valueScore === 'spend' ? f.expectedSpend : f.expectedPurchases;
}

/** The segment of a user (rules in the module comment). `r` is the reading the forecast came from. */
export function duveSegment(m: DuveModel, f: DuveForecast, r: DuveReading): DuveSegment {
  const s = m.segments;
  if (!(max(0, r.t - r.firstTs) / DAY_MS >= s.newTenureDays)) return 'new';
  if (s.highValue > 0 && valueScore(m, f) >= s.highValue) return 'high-value';
  if (f.pPurchase >= s.intentProbability) return 'latent-high-intent';
  return (r.t - r.lastTs) / DAY_MS < s.dormantDays ? 'at-risk' : 'dormant';
}
