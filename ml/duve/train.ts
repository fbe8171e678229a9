/**
 * Training of DUVE: decays and the four heads jointly, by full-batch Adam on the objective of
 * objective.ts, seeded (mulberry32) and deterministic: the same histories, options and seed give
 * bit-identical parameters. Runs offline (CLI, jobs, evaluation), never on the request path.
 */
import { EVENT_TYPES, type EventType } from '../../domain/events';
import { mulberry32 } from '../random';
import { allocDecayedSums, buildDuveExamples, type DuveExamples, type DuveHistory } from './examples';
import { NUM_HEADS, duveFeatureSpec, duveForecast, duveHalfLivesDays, thetaOfHalfLife, valueScore, type DecayMode, type DuveModel, type DuveSegmentThresholds, type FeatureSpec } from './model';
import { duveObjective, paramCount, rawFeatureMatrix, staticRawFeature, thetaCount, type DuveProblem } from './objective';
import { DAY_MS } from './state';

const { log, sqrt } = Math;

export interface DuveTrainOptions {
  /** Reference times (ms, ascending): one example per user with history before t. Required. */
  readonly refTimes: readonly number[];
  /** End of the training period (the evaluation cut): every label window ends at or before it. Required. */
  readonly trainEnd: number;
  /** Forecast horizon H (ms). Default 30 days. */
  readonly horizonMs?: number;
  /** Tracked types. Default: the types present in the histories, in EVENT_TYPES order (must include purchase). */
  readonly types?: readonly EventType[];
  /** Decay parametrisation. Default `per-type`. */
  readonly decayMode?: DecayMode;
  /** Half-life bounds [min, max] in days. Default [1/24, 365] (1 hour .. 1 year). */
  readonly halfLifeBoundsDays?: readonly [number, number];
  /** Starting half-life of every decay, in days. Default: the horizon, clamped into the bounds. */
  readonly initialHalfLifeDays?: number;
  /** Adam steps (full batch). Default 200. */
  readonly iterations?: number;
  /** Adam step size. Default 0.05. */
  readonly learningRate?: number;
  /** L2 penalty on head weights. Default 1e-3. */
  readonly l2?: number;
  /** Seed of the weight initialisation. Default 42. */
  readonly seed?: number;
  /** Weights of the purchase, purchases, events and spend losses. Default 1 each. */
  readonly headWeights?: Partial<Record<'purchase' | 'purchases' | 'events' | 'spend', number>>;
  /** Temporal embedding: dims (default 128), half-life in days (default 7), seed (default 42). */
  readonly embedding?: { readonly dims?: number; readonly halfLifeDays?: number; readonly seed?: number };
  /** Segment thresholds; defaults in model.ts's module comment. */
  readonly segments?: Partial<DuveSegmentThresholds>;
}

export interface DuveTrainStats {
  readonly examples: number;
  readonly users: number;
  readonly refTimes: number;
  /** Share of examples with a purchase in their window. */
  readonly positiveRate: number;
  readonly iterations: number;
  /** Objective at step 0, every 25 steps, and at the end. */
  readonly loss: readonly number[];
  readonly trainMs: number;
  readonly halfLivesDays: Readonly<Record<string, number>>;
}

export interface DuveTrainResult {
  readonly model: DuveModel;
  readonly stats: DuveTrainStats;
}

/** Build the objective over examples: feature layout, standardisation at θ0, scratch. */
export function buildDuveProblem(
  ex: DuveExamples,
  o: { decayMode: DecayMode; bounds: readonly [number, number]; l2: number; headWeights: ArrayLike<number>; theta0: number; features?: readonly FeatureSpec[] },
): { problem: DuveProblem; params0: Float64Array } {
  const features = o.features ?? duveFeatureSpec(ex.types, ex.typesWithValue);
  const F = features.length;
  const staticRaw = new Float64Array(ex.n * F);
  for (let i = 0; i < ex.n; i++) for (let j = 0; j < F; j++) staticRaw[i * F + j] = staticRawFeature(ex, features[j]!, i);
  const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / Math.max(1, a.length);
  const hasSpend = ex.typesWithValue.includes('purchase') && ex.spend.some((s) => s > 0);
  const problem: DuveProblem = {
    ex,
    features,
    decayMode: o.decayMode,
    bounds: o.bounds,
    mean: new Float64Array(F),
    std: new Float64Array(F).fill(1),
    staticRaw,
    l2: o.l2,
    headWeights: Float64Array.from(o.headWeights),
    countScale: [Math.max(1, mean(ex.purchases)), Math.max(1, mean(ex.events))],
    hasSpend,
    sums: allocDecayedSums(ex),
  };
  const params0 = new Float64Array(paramCount(problem));
  params0.fill(o.theta0, 0, thetaCount(o.decayMode, ex.K));
  const raw = rawFeatureMatrix(problem, params0);
  for (let j = 0; j < F; j++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < ex.n; i++) s += raw[i * F + j]!;
    const mu = s / Math.max(1, ex.n);
    for (let i = 0; i < ex.n; i++) s2 += (raw[i * F + j]! - mu) ** 2;
    const sd = sqrt(s2 / Math.max(1, ex.n));
    problem.mean[j] = mu;
    problem.std[j] = sd > 1e-9 ? sd : 1;
  }
  return { problem, params0 };
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  values.sort((a, b) => a - b);
  const h = (values.length - 1) * q;
  const lo = Math.floor(h);
  return values[lo]! + (h - lo) * (values[Math.min(lo + 1, values.length - 1)]! - values[lo]!);
}

export function trainDuve(histories: readonly DuveHistory[], o: DuveTrainOptions): DuveTrainResult {
  const started = performance.now();
  const horizonMs = o.horizonMs ?? 30 * DAY_MS;
  const present = new Set(histories.flatMap((h) => h.events.map((e) => e.type)));
  const types = o.types ?? EVENT_TYPES.filter((t) => present.has(t));
  const bounds = o.halfLifeBoundsDays ?? ([1 / 24, 365] as const);
  if (!(bounds[0] > 0 && bounds[1] > bounds[0])) throw new RangeError(`halfLifeBoundsDays must satisfy 0 < min < max, got ${bounds.join(', ')}`);
  const decayMode = o.decayMode ?? 'per-type';
  const iterations = o.iterations ?? 200;
  const lr = o.learningRate ?? 0.05;
  const seed = o.seed ?? 42;
  const emb = { dims: o.embedding?.dims ?? 128, halfLifeDays: o.embedding?.halfLifeDays ?? 7, seed: o.embedding?.seed ?? 42 };
  const ex = buildDuveExamples(histories, { types, refTimes: o.refTimes, horizonMs, trainEnd: o.trainEnd, embeddingDims: emb.dims, embeddingHalfLifeDays: emb.halfLifeDays, embeddingSeed: emb.seed });
  if (ex.n === 0) throw new RangeError('DUVE training: no example (no user has history before a reference time)');
  const hw = o.headWeights ?? {};
  const h0 = Math.min(bounds[1], Math.max(bounds[0], o.initialHalfLifeDays ?? horizonMs / DAY_MS));
  const { problem, params0 } = buildDuveProblem(ex, {
    decayMode,
    bounds,
    l2: o.l2 ?? 1e-3,
    headWeights: [hw.purchase ?? 1, hw.purchases ?? 1, hw.events ?? 1, hw.spend ?? 1],
    theta0: thetaOfHalfLife(h0, bounds),
  });
  const F = problem.features.length;
  const nTheta = thetaCount(decayMode, ex.K);
  const params = Float64Array.from(params0);
  const rng = mulberry32(seed);
  for (let q = nTheta; q < nTheta + NUM_HEADS * F; q++) params[q] = 0.01 * sqrt(-2 * log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const B = nTheta + NUM_HEADS * F;
  const meanOf = (a: Float64Array, keep: (i: number) => boolean, f: (v: number) => number): number => {
    let s = 0;
    let c = 0;
    for (let i = 0; i < a.length; i++) {
      if (!keep(i)) continue;
      s += f(a[i]!);
      c += 1;
    }
    return c > 0 ? s / c : 0;
  };
  const base = Math.min(
    1 - 1e-6,
    Math.max(
      1e-6,
      meanOf(
        ex.purchased,
        () => true,
        (v) => v,
      ),
    ),
  );
  params[B] = log(base / (1 - base));
  params[B + 1] = log(
    Math.max(
      1e-6,
      meanOf(
        ex.purchases,
        () => true,
        (v) => v,
      ),
    ),
  );
  params[B + 2] = log(
    Math.max(
      1e-6,
      meanOf(
        ex.events,
        () => true,
        (v) => v,
      ),
    ),
  );
  params[B + 3] = meanOf(ex.spend, (i) => ex.spend[i]! > 0, log);

  // Adam (Kingma & Ba 2015), full batch.
  const grad = new Float64Array(params.length);
  const m = new Float64Array(params.length);
  const v = new Float64Array(params.length);
  const b1 = 0.9;
  const b2 = 0.999;
  const losses: number[] = [];
  for (let it = 1; it <= iterations; it++) {
    const loss = duveObjective(problem, params, grad);
    if (it === 1 || it % 25 === 0) losses.push(loss);
    const c1 = 1 - b1 ** it;
    const c2 = 1 - b2 ** it;
    for (let q = 0; q < params.length; q++) {
      const g = grad[q]!;
      m[q] = b1 * m[q]! + (1 - b1) * g;
      v[q] = b2 * v[q]! + (1 - b2) * g * g;
      params[q] = params[q]! - (lr * (m[q]! / c1)) / (sqrt(v[q]! / c2) + 1e-8);
    }
  }
  losses.push(duveObjective(problem, params, null));

  const raw = rawFeatureMatrix(problem, params);
  const draft: DuveModel = {
    formatVersion: 1,
    types: [...types],
    valueTypes: [...ex.typesWithValue],
    decayMode,
    halfLifeBoundsDays: [bounds[0], bounds[1]],
    theta: params.slice(0, nTheta),
    horizonMs,
    embeddingDims: emb.dims,
    embeddingHalfLifeDays: emb.halfLifeDays,
    embeddingSeed: emb.seed,
    features: problem.features,
    featureMean: problem.mean,
    featureStd: problem.std,
    weights: params.slice(nTheta, B),
    bias: params.slice(B, B + NUM_HEADS),
    spendLogVariance: 0,
    hasSpend: problem.hasSpend,
    segments: { newTenureDays: horizonMs / DAY_MS, valueScore: problem.hasSpend ? 'spend' : 'purchases', highValue: 0, intentProbability: 1, dormantDays: (3 * horizonMs) / DAY_MS },
  };
  let sse = 0;
  let pos = 0;
  const last = ex.exT.reduce((a, t) => Math.max(a, t), -Infinity);
  const scores: number[] = [];
  const probs: number[] = [];
  for (let i = 0; i < ex.n; i++) {
    const row = raw.subarray(i * F, (i + 1) * F);
    if (problem.hasSpend && ex.spend[i]! > 0) {
      let z = draft.bias[3]!;
      for (let j = 0; j < F; j++) z += (draft.weights[3 * F + j]! * (row[j]! - draft.featureMean[j]!)) / draft.featureStd[j]!;
      sse += (z - log(ex.spend[i]!)) ** 2;
      pos += 1;
    }
    if (ex.exT[i] === last) {
      const f = duveForecast({ ...draft, spendLogVariance: 0 }, row);
      probs.push(f.pPurchase);
      scores.push(valueScore(draft, f));
    }
  }
  const spendLogVariance = pos > 0 ? sse / pos : 0;
  const varScale = problem.hasSpend ? Math.exp(spendLogVariance / 2) : 1;
  const segments: DuveSegmentThresholds = {
    newTenureDays: o.segments?.newTenureDays ?? horizonMs / DAY_MS,
    valueScore: draft.segments.valueScore,
    highValue: o.segments?.highValue ?? quantile(scores, 0.9) * (draft.segments.valueScore === 'spend' ? varScale : 1),
    intentProbability: o.segments?.intentProbability ?? quantile(probs, 0.75),
    dormantDays: o.segments?.dormantDays ?? (3 * horizonMs) / DAY_MS,
  };
  const model: DuveModel = { ...draft, spendLogVariance, segments };
  return {
    model,
    stats: {
      examples: ex.n,
      users: ex.userIds.length,
      refTimes: o.refTimes.length,
      positiveRate: meanOf(
        ex.purchased,
        () => true,
        (x) => x,
      ),
      iterations,
      loss: losses,
      trainMs: Math.round(performance.now() - started),
      halfLivesDays: duveHalfLivesDays(model),
    },
  };
}
