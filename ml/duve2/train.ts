/**
 * Training of DUVE v2 (model.ts): examples as in v1 (ml/duve/examples.ts — for each user and
 * reference time t, the history strictly before t and the labels of [t, t+H), every window ending
 * at or before the training end), the v1 block trained first by v1's own trainer (its learned
 * decays and standardisation are then frozen), then the attention, embeddings and heads by
 * mini-batch Adam on
 *
 *   L = mean_B [softplus(z0) − y z0] + w_n · mean_B [exp(z1) − n z1] / max(1, mean n)
 *     + w_s · mean_{B, spend>0} (z2 − ln spend)² / 2 + l2/2 · ‖params except θ and the head biases‖²
 *
 * Seeded (mulberry32) and deterministic. Pure: no I/O.
 */
import { EVENT_TYPES, type EventType } from '../../domain/events';
import { clipDuveFeatures } from '../../plugins/duve/engine';
import { referenceTimes, type DuveHistory } from '../duve/examples';
import { duveLayout, duveRawFeatures, thetaOfHalfLife, type DecayMode, type DuveModel, type DuveSegmentThresholds } from '../duve/model';
import { DAY_MS, DUVE_MAX_EVENT_VALUE, createDuveReading, createDuveState, observeEvent, readDuveState, type DuveEvent } from '../duve/state';
import { trainDuve } from '../duve/train';
import { mulberry32 } from '../random';
import {
  DEFAULT_DUVE2_DIMS,
  DUVE2_NUM_HEADS,
  createDuve2Scratch,
  createDuve2Window,
  duve2Backward,
  duve2Forward,
  duve2Heads,
  duve2Offsets,
  duve2Rates,
  duve2Sigmoid,
  duve2ThetaGrad,
  type Duve2Dims,
  type Duve2Forecast,
  type Duve2Model,
  type Duve2Offsets,
  type Duve2Window,
  windowExtras,
} from './model';
import { coInteractionNeighbours, itemBucket, itemEntry } from './neighbours';

const { exp, log, log1p, sqrt, max, min } = Math;

export { referenceTimes };

export interface Duve2TrainOptions {
  /** Reference times (ms, ascending). Required. */
  readonly refTimes: readonly number[];
  /** End of the training period (exclusive): every event before it, every label window ends at or before it. Required. */
  readonly trainEnd: number;
  /** Horizon H (ms). Default 30 days. */
  readonly horizonMs?: number;
  /** Tracked types (must include purchase). Default: the types present, in EVENT_TYPES order. */
  readonly types?: readonly EventType[];
  /** Decays of the attention and of the v1 block. Default `per-type`. */
  readonly decayMode?: DecayMode;
  /** Half-life bounds [min, max] in days. Default [1/24, 365]. */
  readonly halfLifeBoundsDays?: readonly [number, number];
  /** Item → category id (for the category embedding). Default: every item's category is unknown. */
  readonly categories?: ReadonlyMap<string, string> | ((itemId: string) => string | null | undefined);
  /** Sizes; defaults DEFAULT_DUVE2_DIMS. */
  readonly dims?: Partial<Duve2Dims>;
  /** Adam steps of v2. Default 400. */
  readonly iterations?: number;
  /** Examples per Adam step. Default 256. */
  readonly batchSize?: number;
  /** Default 0.01. */
  readonly learningRate?: number;
  /** L2 on the heads' weights over the v1 features. Default: l2. */
  readonly l2V1Heads?: number;
  /** L2 penalty on every parameter except θ and the head biases. Default 3e-2 (chosen on a Taobao validation cut, see README "DUVE v2"). */
  readonly l2?: number;
  /** Default 42. */
  readonly seed?: number;
  /** Adam steps of the v1 block. Default 200 (v1's default). */
  readonly v1Iterations?: number;
  /** An already trained v1 model to use as the block (same types); skips its training. */
  readonly v1Model?: DuveModel;
  /** Loss weights of the purchases and spend heads. Default 1 each. */
  readonly headWeights?: Partial<Record<'purchases' | 'spend', number>>;
  /** Hash seed of item and category buckets. Default 7. */
  readonly hashSeed?: number;
  readonly segments?: Partial<DuveSegmentThresholds>;
}

export interface Duve2TrainStats {
  readonly examples: number;
  readonly users: number;
  readonly positiveRate: number;
  readonly iterations: number;
  /** Full-data objective at the start and the end. */
  readonly loss: readonly number[];
  readonly trainMs: number;
  readonly v1TrainMs: number;
  readonly halfLivesDays: Readonly<Record<string, number>>;
  readonly items: number;
}

export interface Duve2TrainResult {
  readonly model: Duve2Model;
  readonly stats: Duve2TrainStats;
}

/** The training problem (flat arrays; a user's events are contiguous, time ascending). */
export interface Duve2Problem {
  readonly dims: Duve2Dims;
  readonly off: Duve2Offsets;
  readonly decayMode: DecayMode;
  readonly bounds: readonly [number, number];
  readonly n: number;
  /** Window of example i: global events lo[i] .. hi[i]−1; t in days since baseMs. */
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly tDay: Float64Array;
  /** Standardised, clipped v1 features (n × F). */
  readonly f: Float64Array;
  readonly purchased: Float64Array;
  readonly purchases: Float64Array;
  readonly spend: Float64Array;
  readonly evType: Int32Array;
  /** Item of each event (dictionary index; −1 = none), for the window extras. */
  readonly evItem: Int32Array;
  /** Type index of `purchase` (−1 when untracked). */
  readonly purchaseK: number;
  readonly evLogValue: Float64Array;
  readonly evCat: Int32Array;
  /** E × M1 buckets. */
  readonly evNbr: Int32Array;
  readonly evDay: Float64Array;
  readonly l2: number;
  /** L2 on the heads' weights over the v1 features (the rest takes l2). */
  readonly l2V1Heads: number;
  readonly headWeights: readonly [number, number];
  readonly countScale: number;
  readonly hasSpend: boolean;
}

/** Standardised + clipped v1 features of a reading-ready state (what v2's heads read). */
export function duve2V1Features(v1: DuveModel, raw: Float64Array, out: Float64Array): Float64Array {
  clipDuveFeatures(v1, raw);
  for (let j = 0; j < raw.length; j++) out[j] = (raw[j]! - v1.featureMean[j]!) / v1.featureStd[j]!;
  return out;
}

const sortEvents = (evs: readonly DuveEvent[], types: ReadonlyMap<EventType, number>): DuveEvent[] =>
  evs
    .filter((e) => types.has(e.type))
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.ts - b.e.ts || a.i - b.i)
    .map((x) => x.e);

const categoryOf = (c: Duve2TrainOptions['categories'], itemId: string): string | null | undefined => (c === undefined ? null : typeof c === 'function' ? c(itemId) : c.get(itemId));

/** [category, M1 buckets] of an item under a model (training items from the table; others: unknown category, own bucket). */
export function duve2ItemEntry(m: Pick<Duve2Model, 'items' | 'dims' | 'hashSeed'>, itemId: string | null): Int32Array | null {
  if (itemId === null) return null;
  return m.items.get(itemId) ?? itemEntry(itemId, null, [], m.dims, m.hashSeed);
}

/** log1p of an event value as the window reads it (capped like v1's state). */
export const windowLogValue = (v: number): number => log1p(min(max(0, v), DUVE_MAX_EVENT_VALUE));

export function buildDuve2Problem(
  histories: readonly DuveHistory[],
  v1: DuveModel,
  o: {
    refTimes: readonly number[];
    horizonMs: number;
    trainEnd: number;
    dims: Duve2Dims;
    decayMode: DecayMode;
    bounds: readonly [number, number];
    items: ReadonlyMap<string, Int32Array>;
    hashSeed: number;
    l2: number;
    l2V1Heads?: number;
    headWeights: readonly [number, number];
  },
): Duve2Problem {
  const types = v1.types;
  const typeIndex = new Map(types.map((t, k) => [t, k] as const));
  const K = types.length;
  const F = v1.features.length;
  const off = duve2Offsets(o.dims, K, F, o.decayMode);
  const W = o.dims.window;
  const M1 = off.M1;
  const baseMs = o.refTimes[0]!;
  const layout = duveLayout(v1);
  const reading = createDuveReading(layout);
  const raw = new Float64Array(F);
  const fRow = new Float64Array(F);
  const ex = { lo: [] as number[], hi: [] as number[], t: [] as number[], f: [] as number[], y: [] as number[], n: [] as number[], s: [] as number[] };
  const ev = { type: [] as number[], item: [] as number[], lv: [] as number[], cat: [] as number[], nbr: [] as number[], day: [] as number[] };
  const itemIndex = new Map<string, number>();
  for (const h of histories) {
    const sorted = sortEvents(h.events, typeIndex);
    if (sorted.length === 0) continue;
    for (const e of sorted) if (!(e.ts < o.trainEnd)) throw new RangeError(`DUVE v2: ${h.userId} has an event at ${new Date(e.ts).toISOString()}, not before the training end`);
    const start = ev.type.length;
    for (const e of sorted) {
      ev.type.push(typeIndex.get(e.type)!);
      if (e.itemId === null) ev.item.push(-1);
      else {
        let ix = itemIndex.get(e.itemId);
        if (ix === undefined) itemIndex.set(e.itemId, (ix = itemIndex.size));
        ev.item.push(ix);
      }
      ev.lv.push(windowLogValue(e.value));
      const entry = e.itemId === null ? null : (o.items.get(e.itemId) ?? itemEntry(e.itemId, null, [], o.dims, o.hashSeed));
      ev.cat.push(entry === null ? 0 : entry[0]!);
      for (let m = 0; m < M1; m++) ev.nbr.push(entry === null ? -1 : entry[1 + m]!);
      ev.day.push((e.ts - baseMs) / DAY_MS);
    }
    const state = createDuveState(layout);
    let fed = 0;
    let a = 0;
    let b = 0;
    for (const t of o.refTimes) {
      while (fed < sorted.length && sorted[fed]!.ts < t) observeEvent(layout, state, sorted[fed++]!);
      if (fed === 0) continue;
      readDuveState(layout, state, t, reading);
      duve2V1Features(v1, duveRawFeatures(v1, reading, raw), fRow);
      ex.lo.push(start + max(0, fed - W));
      ex.hi.push(start + fed);
      ex.t.push((t - baseMs) / DAY_MS);
      for (let j = 0; j < F; j++) ex.f.push(fRow[j]!);
      while (a < sorted.length && sorted[a]!.ts < t) a++;
      b = max(b, a);
      while (b < sorted.length && sorted[b]!.ts < t + o.horizonMs) b++;
      let buys = 0;
      let spend = 0;
      for (let i = a; i < b; i++) {
        if (sorted[i]!.type !== 'purchase') continue;
        buys++;
        spend += sorted[i]!.value;
      }
      ex.y.push(buys > 0 ? 1 : 0);
      ex.n.push(buys);
      ex.s.push(spend);
    }
  }
  const purchases = Float64Array.from(ex.n);
  const meanN = purchases.reduce((s, v) => s + v, 0) / max(1, purchases.length);
  const spend = Float64Array.from(ex.s);
  return {
    dims: o.dims,
    off,
    decayMode: o.decayMode,
    bounds: o.bounds,
    n: ex.lo.length,
    lo: Int32Array.from(ex.lo),
    hi: Int32Array.from(ex.hi),
    tDay: Float64Array.from(ex.t),
    f: Float64Array.from(ex.f),
    purchased: Float64Array.from(ex.y),
    purchases,
    spend,
    evType: Int32Array.from(ev.type),
    evItem: Int32Array.from(ev.item),
    purchaseK: types.indexOf('purchase'),
    evLogValue: Float64Array.from(ev.lv),
    evCat: Int32Array.from(ev.cat),
    evNbr: Int32Array.from(ev.nbr),
    evDay: Float64Array.from(ev.day),
    l2: o.l2,
    l2V1Heads: o.l2V1Heads ?? o.l2,
    headWeights: o.headWeights,
    countScale: max(1, meanN),
    hasSpend: v1.hasSpend && spend.some((s) => s > 0),
  };
}

/** Fill `win` with example i's window. */
export function problemWindow(p: Duve2Problem, i: number, win: Duve2Window): Duve2Window {
  const M1 = p.off.M1;
  const lo = p.lo[i]!;
  const t = p.tDay[i]!;
  win.n = p.hi[i]! - lo;
  for (let w = 0; w < win.n; w++) {
    const e = lo + w;
    win.type[w] = p.evType[e]!;
    win.logValue[w] = p.evLogValue[e]!;
    win.category[w] = p.evCat[e]!;
    for (let m = 0; m < M1; m++) win.neighbours[w * M1 + m] = p.evNbr[e * M1 + m]!;
    win.ageDays[w] = t - p.evDay[e]!;
  }
  windowExtras(
    win,
    (a) => (p.evItem[lo + a]! < 0 ? null : p.evItem[lo + a]!),
    (a) => p.evType[lo + a] === p.purchaseK,
  );
  return win;
}

/** Regularised parameters: everything except θ and the head biases. */
function l2Range(off: Duve2Offsets): [number, number] {
  return [off.u, off.b];
}

/**
 * The objective over examples `batch` (all when null) and, when `grad` is given, its gradient
 * (overwritten). The spend term averages over the batch's examples with spend > 0.
 */
export function duve2Objective(p: Duve2Problem, params: Float64Array, grad: Float64Array | null, batch: Int32Array | null = null): number {
  const { off, dims } = p;
  const F = off.F;
  const { rates, dRates } = duve2Rates(p.decayMode, p.bounds, params, off);
  const dRate = new Float64Array(off.K);
  const s = createDuve2Scratch(dims, off);
  const win = createDuve2Window(dims);
  const m = batch === null ? p.n : batch.length;
  let pos = 0;
  if (p.hasSpend) for (let r = 0; r < m; r++) if (p.spend[batch === null ? r : batch[r]!]! > 0) pos++;
  if (grad) grad.fill(0);
  const dz = new Float64Array(DUVE2_NUM_HEADS);
  const [wn, ws] = p.headWeights;
  let loss = 0;
  for (let r = 0; r < m; r++) {
    const i = batch === null ? r : batch[r]!;
    problemWindow(p, i, win);
    const z = duve2Forward(dims, off, params, rates, win, p.f.subarray(i * F, (i + 1) * F), s);
    const z0 = z[0]!;
    const y = p.purchased[i]!;
    loss += (z0 > 0 ? z0 + log1p(exp(-z0)) : log1p(exp(z0))) - y * z0;
    dz[0] = (duve2Sigmoid(z0) - y) / m;
    const z1 = min(30, z[1]!);
    const nn = p.purchases[i]!;
    loss += (wn * (exp(z1) - nn * z1)) / p.countScale;
    dz[1] = z[1]! > 30 ? 0 : (wn * (exp(z1) - nn)) / p.countScale / m;
    dz[2] = 0;
    if (p.hasSpend && p.spend[i]! > 0) {
      const e = z[2]! - log(p.spend[i]!);
      loss += (m * ws * e * e) / 2 / pos;
      dz[2] = (ws * e) / pos;
    }
    if (grad) duve2Backward(dims, off, params, win, dz, s, grad, dRate);
  }
  loss /= max(1, m);
  const [a, b] = l2Range(off);
  const dh = dims.stateDims;
  const l2At = (q: number): number => (q >= off.W && (q - off.W) % off.G >= dh ? p.l2V1Heads : p.l2);
  let reg = 0;
  for (let q = a; q < b; q++) reg += (l2At(q) / 2) * params[q]! * params[q]!;
  loss += reg;
  if (grad) {
    for (let q = a; q < b; q++) grad[q] = grad[q]! + l2At(q) * params[q]!;
    duve2ThetaGrad(p.decayMode, off, dRate, dRates, grad);
  }
  return loss;
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  values.sort((a, b) => a - b);
  const h = (values.length - 1) * q;
  const lo = Math.floor(h);
  return values[lo]! + (h - lo) * (values[Math.min(lo + 1, values.length - 1)]! - values[lo]!);
}

/** Train DUVE v2 on histories (pure; see the module comment). */
export function trainDuve2(histories: readonly DuveHistory[], o: Duve2TrainOptions): Duve2TrainResult {
  const started = performance.now();
  const horizonMs = o.horizonMs ?? 30 * DAY_MS;
  const present = new Set(histories.flatMap((h) => h.events.map((e) => e.type)));
  const types = o.types ?? o.v1Model?.types ?? EVENT_TYPES.filter((t) => present.has(t));
  const bounds = o.halfLifeBoundsDays ?? ([1 / 24, 365] as const);
  const decayMode = o.decayMode ?? 'per-type';
  const seed = o.seed ?? 42;
  const dims: Duve2Dims = { ...DEFAULT_DUVE2_DIMS, ...o.dims };
  for (const [k, v] of Object.entries(dims)) if (!(Number.isInteger(v) && v >= 1)) throw new RangeError(`DUVE v2: dims.${k} must be a positive integer, got ${v}`);
  if (dims.categoryBuckets < 2) throw new RangeError('DUVE v2: dims.categoryBuckets must be ≥ 2 (bucket 0 = unknown)');
  const hashSeed = o.hashSeed ?? 7;
  const v1Start = performance.now();
  const v1 = o.v1Model ?? trainDuve(histories, { refTimes: o.refTimes, trainEnd: o.trainEnd, horizonMs, types, decayMode, halfLifeBoundsDays: bounds, iterations: o.v1Iterations ?? 200, seed }).model;
  const v1TrainMs = Math.round(performance.now() - v1Start);

  // Item table: category and co-interaction neighbourhood of every item in the training data.
  const nbrs = coInteractionNeighbours(histories, { neighbours: dims.neighbours });
  const items = new Map<string, Int32Array>();
  for (const [id, list] of nbrs) items.set(id, itemEntry(id, categoryOf(o.categories, id), list, dims, hashSeed));

  const p = buildDuve2Problem(histories, v1, {
    refTimes: o.refTimes,
    horizonMs,
    trainEnd: o.trainEnd,
    dims,
    decayMode,
    bounds,
    items,
    hashSeed,
    l2: o.l2 ?? 3e-2,
    ...(o.l2V1Heads !== undefined ? { l2V1Heads: o.l2V1Heads } : {}),
    headWeights: [o.headWeights?.purchases ?? 1, o.headWeights?.spend ?? 1],
  });
  if (p.n === 0) throw new RangeError('DUVE v2 training: no example (no user has history before a reference time)');
  const { off } = p;
  const rng = mulberry32(seed);
  const gauss = (): number => sqrt(-2 * log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const params = new Float64Array(off.total);
  // θ starts at the v1 block's learned decays (or the horizon when the modes differ).
  for (let q = 0; q < off.nTheta; q++) params[off.theta + q] = v1.theta[q] ?? thetaOfHalfLife(min(bounds[1], max(bounds[0], horizonMs / DAY_MS)), bounds);
  for (let q = off.u; q < off.V; q++) params[q] = 0.01 * gauss();
  for (let q = off.V; q < off.cat; q++) params[q] = gauss() / sqrt(off.D);
  for (let q = off.cat; q < off.W; q++) params[q] = 0.1 * gauss();
  for (let q = off.W; q < off.b; q++) params[q] = 0.01 * gauss();
  // The v1 block's heads are a good start for the f part of v2's heads (same standardised inputs).
  const F = off.F;
  const dh = dims.stateDims;
  const v1Head = [0, 1, 3];
  for (let q = 0; q < DUVE2_NUM_HEADS; q++) {
    for (let j = 0; j < F; j++) params[off.W + q * off.G + dh + j] = v1.weights[v1Head[q]! * F + j]!;
    params[off.b + q] = v1.bias[v1Head[q]!]!;
  }

  const iterations = o.iterations ?? 400;
  const bs = min(p.n, o.batchSize ?? 256);
  const lr = o.learningRate ?? 0.01;
  const grad = new Float64Array(off.total);
  const m1 = new Float64Array(off.total);
  const v2 = new Float64Array(off.total);
  const batch = new Int32Array(bs);
  const losses = [duve2Objective(p, params, null)];
  for (let it = 1; it <= iterations; it++) {
    for (let r = 0; r < bs; r++) batch[r] = Math.floor(rng() * p.n);
    duve2Objective(p, params, grad, batch);
    const c1 = 1 - 0.9 ** it;
    const c2 = 1 - 0.999 ** it;
    for (let q = 0; q < off.total; q++) {
      const g = grad[q]!;
      if (g === 0 && m1[q] === 0) continue;
      m1[q] = 0.9 * m1[q]! + 0.1 * g;
      v2[q] = 0.999 * v2[q]! + 0.001 * g * g;
      params[q] = params[q]! - (lr * (m1[q]! / c1)) / (sqrt(v2[q]! / c2) + 1e-8);
    }
  }
  losses.push(duve2Objective(p, params, null));

  // Residual variance of log spend on the positives, and the segment thresholds (v1's rules).
  const { rates } = duve2Rates(decayMode, bounds, params, off);
  const s = createDuve2Scratch(dims, off);
  const win = createDuve2Window(dims);
  let sse = 0;
  let pos = 0;
  const lastT = p.tDay.reduce((a, t) => max(a, t), -Infinity);
  const probs: number[] = [];
  const scores: number[] = [];
  const draft = { hasSpend: p.hasSpend, spendLogVariance: 0 };
  for (let i = 0; i < p.n; i++) {
    const z = duve2Forward(dims, off, params, rates, problemWindow(p, i, win), p.f.subarray(i * F, (i + 1) * F), s);
    if (p.hasSpend && p.spend[i]! > 0) {
      sse += (z[2]! - log(p.spend[i]!)) ** 2;
      pos++;
    }
    if (p.tDay[i] === lastT) {
      const h = duve2Heads(draft, z);
      probs.push(h.pPurchase);
      scores.push(p.hasSpend ? h.expectedSpend : h.expectedPurchases);
    }
  }
  const spendLogVariance = pos > 0 ? sse / pos : 0;
  const varScale = p.hasSpend ? exp(spendLogVariance / 2) : 1;
  const segments: DuveSegmentThresholds = {
    newTenureDays: o.segments?.newTenureDays ?? horizonMs / DAY_MS,
    valueScore: p.hasSpend ? 'spend' : 'purchases',
    highValue: o.segments?.highValue ?? quantile(scores, 0.9) * varScale,
    intentProbability: o.segments?.intentProbability ?? quantile(probs, 0.75),
    dormantDays: o.segments?.dormantDays ?? (3 * horizonMs) / DAY_MS,
  };
  const model: Duve2Model = {
    formatVersion: 1,
    types: [...types],
    decayMode,
    halfLifeBoundsDays: [bounds[0], bounds[1]],
    horizonMs,
    dims,
    hashSeed,
    v1: { ...v1, segments },
    items,
    params,
    spendLogVariance,
    hasSpend: p.hasSpend,
    segments,
  };
  let positives = 0;
  for (let i = 0; i < p.n; i++) positives += p.purchased[i]!;
  return {
    model,
    stats: {
      examples: p.n,
      users: new Set(histories.filter((h) => h.events.length > 0).map((h) => h.userId)).size,
      positiveRate: positives / p.n,
      iterations,
      loss: losses,
      trainMs: Math.round(performance.now() - started),
      v1TrainMs,
      halfLivesDays: duve2HalfLivesDays(model),
      items: items.size,
    },
  };
}

/** Half-life in days of each type's attention decay (Infinity without decay). */
export function duve2HalfLivesDays(m: Pick<Duve2Model, 'types' | 'decayMode' | 'halfLifeBoundsDays' | 'params' | 'dims' | 'v1'>): Record<string, number> {
  const off = duve2Offsets(m.dims, m.types.length, m.v1.features.length, m.decayMode);
  const { rates } = duve2Rates(m.decayMode, m.halfLifeBoundsDays, m.params, off);
  return Object.fromEntries(m.types.map((t, k) => [t, rates[k]! > 0 ? Math.LN2 / rates[k]! : Number.POSITIVE_INFINITY]));
}

/** What one user reads as, from their window and v1 features. */
export interface Duve2Prediction extends Duve2Forecast {
  /** The value score: E[spend] when the model has money, else E[purchases]. */
  readonly value: number;
  /** The pooled state h_u (stateDims). */
  readonly state: Float32Array;
  /** Logits [purchase, purchases, spend]. */
  readonly logits: Float64Array;
}

/** Model-bound evaluator: fills windows and runs the TS forward pass (float64). */
export interface Duve2Runner {
  readonly off: Duve2Offsets;
  readonly rates: Float64Array;
  /** Fill `win` from a user's events (ascending ts, all before t): the last W of them. */
  fillWindow(events: ArrayLike<{ readonly type: EventType; readonly itemId: string | null; readonly ts: number; readonly value: number }>, count: number, t: number, win: Duve2Window): Duve2Window;
  /** Forward pass on a filled window and standardised v1 features. */
  predict(win: Duve2Window, f: ArrayLike<number>): Duve2Prediction;
}

export function createDuve2Runner(m: Duve2Model): Duve2Runner {
  const off = duve2Offsets(m.dims, m.types.length, m.v1.features.length, m.decayMode);
  const { rates } = duve2Rates(m.decayMode, m.halfLifeBoundsDays, m.params, off);
  const typeIndex = new Map(m.types.map((t, k) => [t, k] as const));
  const s = createDuve2Scratch(m.dims, off);
  const W = m.dims.window;
  const M1 = off.M1;
  const slotItem: Array<string | null> = new Array<string | null>(W).fill(null);
  const slotBuy: boolean[] = new Array<boolean>(W).fill(false);
  return {
    off,
    rates,
    fillWindow(events, count, t, win) {
      let n = 0;
      for (let i = Math.max(0, count - W); i < count; i++) {
        const e = events[i]!;
        const k = typeIndex.get(e.type);
        if (k === undefined) continue;
        win.type[n] = k;
        win.logValue[n] = windowLogValue(e.value);
        const entry = duve2ItemEntry(m, e.itemId);
        win.category[n] = entry === null ? 0 : entry[0]!;
        for (let q = 0; q < M1; q++) win.neighbours[n * M1 + q] = entry === null ? -1 : entry[1 + q]!;
        win.ageDays[n] = (t - e.ts) / DAY_MS;
        slotItem[n] = e.itemId;
        slotBuy[n] = e.type === 'purchase';
        n++;
      }
      win.n = n;
      windowExtras(
        win,
        (a) => slotItem[a]!,
        (a) => slotBuy[a]!,
      );
      return win;
    },
    predict(win, f) {
      const z = duve2Forward(m.dims, off, m.params, rates, win, f, s);
      const h = duve2Heads(m, z);
      return { ...h, value: m.hasSpend ? h.expectedSpend : h.expectedPurchases, state: Float32Array.from(s.g.subarray(0, m.dims.stateDims)), logits: Float64Array.from(z) };
    },
  };
}

/**
 * A user's forecast at `at` from their history: only events strictly before `at` count (as in
 * training). null when the user has no tracked event before `at`.
 */
export function predictDuve2(m: Duve2Model, history: readonly DuveEvent[], at: number, runner: Duve2Runner = createDuve2Runner(m)): Duve2Prediction | null {
  const typeIndex = new Map(m.types.map((t, k) => [t, k] as const));
  const sorted = sortEvents(
    history.filter((e) => e.ts < at),
    typeIndex,
  );
  if (sorted.length === 0) return null;
  const layout = duveLayout(m.v1);
  const state = createDuveState(layout);
  for (const e of sorted) observeEvent(layout, state, e);
  const reading = readDuveState(layout, state, at, createDuveReading(layout));
  const F = m.v1.features.length;
  const f = duve2V1Features(m.v1, duveRawFeatures(m.v1, reading, new Float64Array(F)), new Float64Array(F));
  const win = runner.fillWindow(sorted, sorted.length, at, createDuve2Window(m.dims));
  return runner.predict(win, f);
}

export { itemBucket };
