/**
 * Returning users (`simulate --headline`): whether a user visits on a day depends on who they are
 * (fitted on the log), how long ago they last came (fitted), and how satisfied they are with what
 * they were shown (assumed); users can churn and, rarely, come back (assumed).
 *
 * Fitted on the log's observation window, per local (UTC+8) day:
 *
 *   a_u             active days of user u (a day with ≥ 1 in-window event) out of the window's D days
 *   ρ_u             = (a_u + α) / (D + α + β)        α, β: a Beta prior fitted to the a_u / D by moments
 *   γ_k             gap log-odds: with k = days since the user's last active day (k ≥ K pooled into K),
 *                   the γ_k that makes Σ σ(logit ρ_u + γ_k) over the log's (user, day) pairs at gap k
 *                   equal the active pairs observed at gap k (bisection; user heterogeneity in ρ_u,
 *                   state dependence in γ_k)
 *   λ_u             sessions per active day (≥ 1): sessions / active days
 *
 * Each simulated day d, per user, in this order (one seeded stream per user and day):
 *
 *   churned?        a churned user comes back with probability pBack (that day is active);
 *                   else, with hazard h = h0 · exp(−βChurn · z_u), the user churns on this day
 *   active?         P = σ(logit ρ_u + γ_min(k,K) + βSat · z_u)
 *   sessions        1 + Poisson(λ_u − 1) on an active day
 *   z_u             the user's satisfaction, standardised: (S_u − ref) / sd, clamped to [−3, 3];
 *                   0 until the reference is calibrated
 *   S_u             time-decayed mean of the user's session experiences (half-life `satHalfLifeDays`),
 *                   with `priorWeight` pseudo-sessions at the reference
 *   experience      e = (1 − wDiv) · relevance + wDiv · diversity of one served feed:
 *                   relevance = mean over the shown items of m / (1 + m) · fatigue (m = intent / appeal
 *                   scale, the click model's saturation: the share of the way to maxCtr);
 *                   diversity = distinct categories / items over this feed and the user's previous
 *                   `diversityFeeds` − 1 feeds
 *   ref, sd         mean and standard deviation of the experiences of the calibration sessions (the
 *                   run's first sessions, before the experiment: every arm is measured against the same
 *                   constant)
 *
 * h0, βChurn, pBack, βSat, the half-life and the weights are assumptions: the log has 9 days of
 * users selected for being active (none has fewer than 3 active days), so it identifies neither churn
 * nor a response to what was shown.
 */
import { poisson } from './rng';
import type { LogEvent } from './fit';

const DAY_MS = 24 * 3600 * 1000;

export interface ReturningFitOptions {
  /** Observation window [start, end) in ms. */
  readonly window: { readonly start: number; readonly end: number };
  /** Local time offset of the day boundaries, ms. Default 8 h. */
  readonly utcOffsetMs?: number;
  /** Session gap, ms. Default 30 min. */
  readonly sessionGapMs?: number;
  /** Gaps of K days or more share one log-odds γ_K. Default 4. */
  readonly maxGap?: number;
}

export interface FittedReturningUser {
  readonly activeDays: number;
  /** ρ_u: shrunk daily activity rate. */
  readonly rate: number;
  /** λ_u: sessions per active day (≥ 1). */
  readonly sessionsPerActiveDay: number;
  /** Days from the user's last active day to the window's end (≥ 1; the window's days + 1 when never active). */
  readonly gapAtEnd: number;
}

export interface FittedReturning {
  readonly days: number;
  readonly users: ReadonlyMap<string, FittedReturningUser>;
  readonly prior: { readonly alpha: number; readonly beta: number };
  /** γ_k for k = 1..K (index k − 1). */
  readonly gapLogOdds: readonly number[];
  /** The log's revisit pattern the γ_k reproduce: P(active | k days since last active). */
  readonly gapObserved: ReadonlyArray<{ readonly k: number; readonly pairs: number; readonly active: number; readonly rate: number }>;
  /** Share of the users active on each window day. */
  readonly dailyActiveShare: readonly number[];
  /** Mean of λ_u over users. */
  readonly meanSessionsPerActiveDay: number;
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
export const logit = (p: number): number => Math.log(p / (1 - p));

/** Beta(α, β) by the method of moments on rates in [0, 1] (α = β = 1 when the variance says nothing). */
export function betaMoments(rates: readonly number[]): { alpha: number; beta: number } {
  const n = rates.length;
  if (n < 2) return { alpha: 1, beta: 1 };
  const m = rates.reduce((a, b) => a + b, 0) / n;
  const v = rates.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1);
  if (!(v > 0) || !(m > 0 && m < 1) || v >= m * (1 - m)) return { alpha: 1, beta: 1 };
  const c = (m * (1 - m)) / v - 1;
  return { alpha: m * c, beta: (1 - m) * c };
}

/** The γ with Σ σ(base_i + γ) = target (bisection on a monotone function); 0 for no pairs. */
export function solveOffset(bases: readonly number[], target: number): number {
  if (bases.length === 0) return 0;
  const t = Math.min(bases.length - 1e-6, Math.max(1e-6, target));
  let lo = -20;
  let hi = 20;
  for (let it = 0; it < 100; it++) {
    const mid = (lo + hi) / 2;
    let s = 0;
    for (const b of bases) s += sigmoid(b + mid);
    if (s < t) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export function fitReturning(log: Iterable<LogEvent>, o: ReturningFitOptions): FittedReturning {
  const { start, end } = o.window;
  const offset = o.utcOffsetMs ?? 8 * 3600 * 1000;
  const gap = o.sessionGapMs ?? 30 * 60 * 1000;
  const K = o.maxGap ?? 4;
  if (!(end > start)) throw new RangeError('returning: the window must have end > start');
  if (!(Number.isInteger(K) && K >= 1)) throw new RangeError('returning: maxGap must be an integer ≥ 1');
  // Day 0 begins at the first local midnight at or before the window start.
  const day0 = Math.floor((start + offset) / DAY_MS) * DAY_MS - offset;
  const D = Math.ceil((end - day0) / DAY_MS);
  const byUser = new Map<string, number[]>();
  for (const e of log) {
    if (e.ts < start || e.ts >= end) continue;
    let l = byUser.get(e.userId);
    if (l === undefined) byUser.set(e.userId, (l = []));
    l.push(e.ts);
  }
  const ids = [...byUser.keys()].sort();
  const active = new Map<string, boolean[]>();
  const sessions = new Map<string, number>();
  for (const id of ids) {
    const ts = byUser.get(id)!.sort((a, b) => a - b);
    const days = new Array<boolean>(D).fill(false);
    let s = 0;
    let last = -Infinity;
    for (const t of ts) {
      days[Math.floor((t - day0) / DAY_MS)] = true;
      if (t - last > gap) s++;
      last = t;
    }
    active.set(id, days);
    sessions.set(id, s);
  }
  const prior = betaMoments(ids.map((id) => active.get(id)!.filter(Boolean).length / D));
  const rates = new Map(ids.map((id) => [id, (active.get(id)!.filter(Boolean).length + prior.alpha) / (D + prior.alpha + prior.beta)] as const));
  const bases: number[][] = Array.from({ length: K }, () => []);
  const hits = new Array<number>(K).fill(0);
  for (const id of ids) {
    const days = active.get(id)!;
    const b = logit(rates.get(id)!);
    let lastActive = -1;
    for (let d = 0; d < D; d++) {
      if (lastActive >= 0) {
        const k = Math.min(K, d - lastActive);
        bases[k - 1]!.push(b);
        if (days[d]) hits[k - 1]!++;
      }
      if (days[d]) lastActive = d;
    }
  }
  const users = new Map<string, FittedReturningUser>();
  let lambdaSum = 0;
  for (const id of ids) {
    const days = active.get(id)!;
    const a = days.filter(Boolean).length;
    const lastActive = days.lastIndexOf(true);
    const lambda = Math.max(1, sessions.get(id)! / Math.max(1, a));
    lambdaSum += lambda;
    users.set(id, { activeDays: a, rate: rates.get(id)!, sessionsPerActiveDay: lambda, gapAtEnd: lastActive < 0 ? D + 1 : D - lastActive });
  }
  return {
    days: D,
    users,
    prior,
    gapLogOdds: bases.map((b, i) => solveOffset(b, hits[i]!)),
    gapObserved: bases.map((b, i) => ({ k: i + 1, pairs: b.length, active: hits[i]!, rate: b.length > 0 ? hits[i]! / b.length : 0 })),
    dailyActiveShare: Array.from({ length: D }, (_, d) => (ids.length > 0 ? ids.filter((id) => active.get(id)![d]).length / ids.length : 0)),
    meanSessionsPerActiveDay: ids.length > 0 ? lambdaSum / ids.length : 1,
  };
}

export interface ReturningOptions {
  /** Daily churn hazard at neutral satisfaction (h0). Default 0.02. */
  readonly churnHazard?: number;
  /** Log-hazard change per standard deviation of satisfaction (βChurn; higher satisfaction, less churn). Default 0.5. */
  readonly churnSatisfaction?: number;
  /** Daily probability that a churned user comes back (pBack). Default 0.01. */
  readonly comeBack?: number;
  /** Return log-odds per standard deviation of satisfaction (βSat). Default 0.3. */
  readonly returnSatisfaction?: number;
  /** Half-life of a session experience in the satisfaction mean, days. Default 7. */
  readonly satHalfLifeDays?: number;
  /** Pseudo-sessions at the reference in the satisfaction mean. Default 2. */
  readonly priorWeight?: number;
  /** Weight of diversity in a session's experience (wDiv). Default 0.3. */
  readonly diversityWeight?: number;
  /** Feeds (this one included) whose items the diversity term pools. Default 3. */
  readonly diversityFeeds?: number;
}

export interface ReturningModel {
  readonly churnHazard: number;
  readonly churnSatisfaction: number;
  readonly comeBack: number;
  readonly returnSatisfaction: number;
  readonly satHalfLifeDays: number;
  readonly priorWeight: number;
  readonly diversityWeight: number;
  readonly diversityFeeds: number;
}

export function returningModel(o: ReturningOptions = {}): ReturningModel {
  const m: ReturningModel = {
    churnHazard: o.churnHazard ?? 0.02,
    churnSatisfaction: o.churnSatisfaction ?? 0.5,
    comeBack: o.comeBack ?? 0.01,
    returnSatisfaction: o.returnSatisfaction ?? 0.3,
    satHalfLifeDays: o.satHalfLifeDays ?? 7,
    priorWeight: o.priorWeight ?? 2,
    diversityWeight: o.diversityWeight ?? 0.3,
    diversityFeeds: o.diversityFeeds ?? 3,
  };
  const p01 = (x: number): boolean => x >= 0 && x <= 1;
  if (!p01(m.churnHazard) || !p01(m.comeBack) || !p01(m.diversityWeight)) throw new RangeError('returning: churnHazard, comeBack and diversityWeight must be in [0, 1]');
  if (!(m.satHalfLifeDays > 0 && m.priorWeight > 0 && Number.isInteger(m.diversityFeeds) && m.diversityFeeds >= 1)) {
    throw new RangeError('returning: satHalfLifeDays and priorWeight must be > 0, diversityFeeds an integer ≥ 1');
  }
  if (!(Number.isFinite(m.churnSatisfaction) && Number.isFinite(m.returnSatisfaction))) throw new RangeError('returning: satisfaction coefficients must be finite');
  return m;
}

/** A user's visit state (mutable). */
export interface VisitState {
  churned: boolean;
  /** Days since the last active day (≥ 1 at a day's start). */
  gap: number;
  /** Decayed sums of experience and weight, as of `satTs`. */
  satSum: number;
  satWeight: number;
  satTs: number;
  /** Categories of the user's recent feeds, newest last (at most diversityFeeds − 1 kept). */
  readonly recentFeeds: string[][];
  /** Day of the most recent churn (−1: never). */
  churnedOn: number;
}

export interface Calibration {
  readonly ref: number;
  readonly sd: number;
}

export function newVisitState(gapAtEnd: number): VisitState {
  return { churned: false, gap: Math.max(1, gapAtEnd), satSum: 0, satWeight: 0, satTs: 0, recentFeeds: [], churnedOn: -1 };
}

/** Standardised satisfaction z_u at `ts` (0 before calibration). */
export function satisfaction(m: ReturningModel, s: VisitState, ts: number, cal: Calibration | null): number {
  if (cal === null) return 0;
  const decay = s.satWeight > 0 ? 2 ** (-(ts - s.satTs) / (m.satHalfLifeDays * DAY_MS)) : 0;
  const w = s.satWeight * decay;
  const mean = (s.satSum * decay + m.priorWeight * cal.ref) / (w + m.priorWeight);
  return Math.max(-3, Math.min(3, (mean - cal.ref) / cal.sd));
}

/** Fold one session's experience (at `ts`) into the user's satisfaction. */
export function addExperience(m: ReturningModel, s: VisitState, e: number, ts: number): void {
  const decay = s.satWeight > 0 ? 2 ** (-(ts - s.satTs) / (m.satHalfLifeDays * DAY_MS)) : 0;
  s.satSum = s.satSum * decay + e;
  s.satWeight = s.satWeight * decay + 1;
  s.satTs = ts;
}

/**
 * A feed's experience e = (1 − wDiv) · relevance + wDiv · diversity (see the header); records the
 * feed's categories in the user's recent feeds.
 */
export function feedExperience(m: ReturningModel, s: VisitState, appeals: readonly number[], categories: readonly string[]): { e: number; relevance: number; diversity: number } {
  const relevance = appeals.length > 0 ? appeals.reduce((a, b) => a + b, 0) / appeals.length : 0;
  const pooled = [...s.recentFeeds.flat(), ...categories];
  const diversity = pooled.length > 0 ? new Set(pooled).size / pooled.length : 0;
  s.recentFeeds.push([...categories]);
  while (s.recentFeeds.length > m.diversityFeeds - 1) s.recentFeeds.shift();
  return { e: (1 - m.diversityWeight) * relevance + m.diversityWeight * diversity, relevance, diversity };
}

/**
 * The day's visits of one user: the number of sessions (0 when not active or churned). Draws from
 * `rng` in a fixed order (churn or come-back, activity, sessions) and updates `s` (gap, churn).
 */
export function dayVisits(fitted: FittedReturning, m: ReturningModel, u: FittedReturningUser, s: VisitState, z: number, day: number, rng: () => number): number {
  const K = fitted.gapLogOdds.length;
  if (s.churned) {
    if (!(rng() < m.comeBack)) {
      s.gap++;
      return 0;
    }
    // Back: this is an active day.
    s.churned = false;
    s.gap = 1;
    return 1 + poisson(rng, u.sessionsPerActiveDay - 1);
  } else if (rng() < Math.min(1, m.churnHazard * Math.exp(-m.churnSatisfaction * z))) {
    s.churned = true;
    s.churnedOn = day;
    s.gap++;
    return 0;
  }
  const gamma = fitted.gapLogOdds[Math.min(K, Math.max(1, s.gap)) - 1]!;
  const p = sigmoid(logit(u.rate) + gamma + m.returnSatisfaction * z);
  if (!(rng() < p)) {
    s.gap++;
    return 0;
  }
  s.gap = 1;
  return 1 + poisson(rng, u.sessionsPerActiveDay - 1);
}

/** Mean and standard deviation of calibration experiences (sd floored so z stays finite). */
export function calibrate(experiences: readonly number[]): Calibration | null {
  if (experiences.length < 2) return null;
  const n = experiences.length;
  const ref = experiences.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(experiences.reduce((a, b) => a + (b - ref) ** 2, 0) / (n - 1));
  return { ref, sd: Math.max(sd, 1e-6) };
}
