import { fatigueFactor, fatigueModel, newExposureMemory, recordShowing } from './fatigue';
import type { LogEvent } from './fit';
import {
  addExperience,
  betaMoments,
  calibrate,
  dayVisits,
  feedExperience,
  fitReturning,
  logit,
  newVisitState,
  returningModel,
  satisfaction,
  sigmoid,
  solveOffset,
  type FittedReturning,
} from './returning';
import { mulberry32 } from '../ml/random';
import { budgetLevel, spendModel, stepSpend } from './spend';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const START = Date.UTC(2020, 0, 1) - 8 * HOUR; // a local (UTC+8) midnight
const ev = (userId: string, day: number, hour = 10): LogEvent => ({ userId, itemId: `i${day}`, category: 'c', type: 'view', ts: START + day * DAY + hour * HOUR });

describe('returning users: the fit', () => {
  it('fits a Beta prior by moments', () => {
    // mean 0.5, sample variance 1/12·... : rates 0.25 and 0.75 → m 0.5, v 0.125, c = 0.25/0.125 − 1 = 1
    expect(betaMoments([0.25, 0.75])).toEqual({ alpha: 0.5, beta: 0.5 });
    expect(betaMoments([0.5, 0.5, 0.5])).toEqual({ alpha: 1, beta: 1 }); // no variance: flat
  });

  it('solves the gap offset so expected actives equal observed ones', () => {
    expect(solveOffset([0, 0, 0, 0], 2)).toBeCloseTo(0, 6);
    const bases = [-1, 0, 0.5, 2];
    const g = solveOffset(bases, 3.1);
    expect(bases.reduce((s, b) => s + sigmoid(b + g), 0)).toBeCloseTo(3.1, 6);
    expect(solveOffset([], 0)).toBe(0);
  });

  it('reads active days, gaps, sessions per active day and the revisit pattern off the log', () => {
    // a: active every day of 6, two sessions on day 0; b: days 0, 2, 5; c: day 1 only.
    const log = [ev('a', 0, 9), ev('a', 0, 15), ...[1, 2, 3, 4, 5].map((d) => ev('a', d)), ev('b', 0), ev('b', 2), ev('b', 5), ev('c', 1)];
    const f = fitReturning(log, { window: { start: START, end: START + 6 * DAY }, maxGap: 3 });
    expect(f.days).toBe(6);
    expect(f.users.get('a')).toMatchObject({ activeDays: 6, sessionsPerActiveDay: 7 / 6, gapAtEnd: 1 });
    expect(f.users.get('b')).toMatchObject({ activeDays: 3, sessionsPerActiveDay: 1, gapAtEnd: 1 });
    expect(f.users.get('c')).toMatchObject({ activeDays: 1, gapAtEnd: 5 });
    // gap pairs: a: k=1 ×5 (all active); b: day1 k1 (no), day2 k2 (yes), day3 k1 (no), day4 k2 (no), day5 k3 (yes); c: days 2..5 k=1,2,3,3(pooled) (none)
    expect(f.gapObserved).toEqual([
      { k: 1, pairs: 8, active: 5, rate: 5 / 8 },
      { k: 2, pairs: 3, active: 1, rate: 1 / 3 },
      { k: 3, pairs: 3, active: 1, rate: 1 / 3 },
    ]);
    expect(f.dailyActiveShare).toEqual([2 / 3, 2 / 3, 2 / 3, 1 / 3, 1 / 3, 2 / 3]);
    // The fitted γ_k reproduce the observed actives given each user's ρ_u.
    const rho = (id: string) => logit(f.users.get(id)!.rate);
    const k1 = [...Array(5).fill(rho('a')), rho('b'), rho('b'), rho('c')];
    expect(k1.reduce((s, b) => s + sigmoid(b + f.gapLogOdds[0]!), 0)).toBeCloseTo(5, 5);
    // ρ_u: shrunk toward the prior mean, ordered as the active days.
    expect(f.users.get('a')!.rate).toBeGreaterThan(f.users.get('b')!.rate);
    expect(f.users.get('b')!.rate).toBeGreaterThan(f.users.get('c')!.rate);
    expect(f.users.get('a')!.rate).toBeCloseTo((6 + f.prior.alpha) / (6 + f.prior.alpha + f.prior.beta), 12);
  });
});

describe('returning users: the daily draw', () => {
  const fitted: FittedReturning = {
    days: 9,
    users: new Map(),
    prior: { alpha: 1, beta: 1 },
    gapLogOdds: [1, 0, -1],
    gapObserved: [],
    dailyActiveShare: [],
    meanSessionsPerActiveDay: 1,
  };
  const u = { activeDays: 5, rate: 0.5, sessionsPerActiveDay: 2, gapAtEnd: 1 };

  it('churns with hazard 1, stays away, and comes back with pBack 1 on an active day', () => {
    const s = newVisitState(1);
    expect(dayVisits(fitted, returningModel({ churnHazard: 1, comeBack: 0 }), u, s, 0, 0, mulberry32(1))).toBe(0);
    expect(s.churned).toBe(true);
    expect(s.churnedOn).toBe(0);
    expect(dayVisits(fitted, returningModel({ churnHazard: 1, comeBack: 0 }), u, s, 0, 1, mulberry32(2))).toBe(0);
    expect(s.gap).toBe(3);
    expect(dayVisits(fitted, returningModel({ churnHazard: 0, comeBack: 1 }), u, s, 0, 2, mulberry32(3))).toBeGreaterThanOrEqual(1);
    expect(s).toMatchObject({ churned: false, gap: 1 });
  });

  it('returns with σ(logit ρ + γ_gap + βSat·z): more often after yesterday, and when satisfied', () => {
    const m = returningModel({ churnHazard: 0, returnSatisfaction: 0.5 });
    const rate = (gap: number, z: number): number => {
      const rng = mulberry32(7);
      let active = 0;
      const n = 20000;
      for (let i = 0; i < n; i++) if (dayVisits(fitted, m, u, { ...newVisitState(gap), recentFeeds: [] }, z, 0, rng) > 0) active++;
      return active / n;
    };
    const tol = 4 * Math.sqrt(0.25 / 20000);
    expect(Math.abs(rate(1, 0) - sigmoid(1))).toBeLessThan(tol);
    expect(Math.abs(rate(5, 0) - sigmoid(-1))).toBeLessThan(tol); // gap ≥ K pooled
    expect(Math.abs(rate(2, 2) - sigmoid(0 + 0.5 * 2))).toBeLessThan(tol);
  });

  it('keeps satisfaction at 0 before calibration, standardises and decays it toward the reference', () => {
    const m = returningModel({ satHalfLifeDays: 1, priorWeight: 1 });
    const s = newVisitState(1);
    const cal = { ref: 0.2, sd: 0.1 };
    expect(satisfaction(m, s, 0, null)).toBe(0);
    expect(satisfaction(m, s, 0, cal)).toBeCloseTo(0, 12);
    addExperience(m, s, 0.4, 0);
    // mean = (0.4 + 1·0.2) / 2 = 0.3 → z = 1
    expect(satisfaction(m, s, 0, cal)).toBeCloseTo(1, 12);
    // one half-life later: (0.2 + 0.2) / 1.5 = 0.2667 → z = 0.667
    expect(satisfaction(m, s, DAY, cal)).toBeCloseTo((0.4 / 1.5 - 0.2) / 0.1, 12);
    addExperience(m, s, 10, DAY);
    expect(satisfaction(m, s, DAY, cal)).toBe(3); // clamped
    expect(calibrate([1])).toBeNull();
    expect(calibrate([1, 3])).toEqual({ ref: 2, sd: Math.SQRT2 });
  });

  it('scores a feed by relevance and the category diversity of the recent feeds', () => {
    const m = returningModel({ diversityWeight: 0.5, diversityFeeds: 2 });
    const s = newVisitState(1);
    const a = feedExperience(m, s, [0.2, 0.4], ['x', 'y']);
    expect(a).toEqual({ relevance: 0.30000000000000004, diversity: 1, e: 0.5 * 0.30000000000000004 + 0.5 });
    const b = feedExperience(m, s, [0, 0], ['x', 'x']);
    expect(b.diversity).toBe(2 / 4); // {x, y} over x, y, x, x
    const c = feedExperience(m, s, [0, 0], ['z', 'w']);
    expect(c.diversity).toBe(3 / 4); // the feed before last is forgotten: {x, z, w} over x, x, z, w
  });

  it('refuses bad settings', () => {
    expect(() => returningModel({ churnHazard: 2 })).toThrow(RangeError);
    expect(() => returningModel({ diversityFeeds: 0 })).toThrow(RangeError);
  });
});

describe('fatigue', () => {
  it('multiplies by exp(−φ_item·n_i − φ_cat·n_c) with counts halving every half-life', () => {
    const m = fatigueModel({ itemPenalty: 0.5, categoryPenalty: 0.1, halfLifeDays: 2 });
    const mem = newExposureMemory();
    expect(fatigueFactor(m, mem, 'i', 'c', 0)).toBe(1);
    recordShowing(m, mem, 'i', 'c', 0);
    recordShowing(m, mem, 'j', 'c', 0);
    expect(fatigueFactor(m, mem, 'i', 'c', 0)).toBeCloseTo(Math.exp(-0.5 - 0.2), 12);
    expect(fatigueFactor(m, mem, 'k', 'c', 2 * DAY)).toBeCloseTo(Math.exp(-0.1), 12);
    expect(fatigueFactor(m, mem, 'i', 'd', 4 * DAY)).toBeCloseTo(Math.exp(-0.5 * 0.25), 12);
    expect(() => fatigueModel({ halfLifeDays: 0 })).toThrow(RangeError);
  });
});

describe('spend trajectory', () => {
  it('reverts to βL·z without noise, and draws a budget per user id', () => {
    const m = spendModel({ reversion: 0.5, volatility: 0, satisfactionPull: 0.4 });
    let l = 1;
    for (let d = 0; d < 60; d++) l = stepSpend(m, l, 1, mulberry32(d));
    expect(l).toBeCloseTo(0.4, 9);
    expect(stepSpend(m, 0, 0, mulberry32(1))).toBe(0);
    const b = spendModel({ budgetSigma: 0.3 });
    expect(budgetLevel(b, 1, 'u')).toBe(budgetLevel(b, 1, 'u'));
    expect(budgetLevel(b, 1, 'u')).not.toBe(budgetLevel(b, 1, 'v'));
    expect(budgetLevel(spendModel({ budgetSigma: 0 }), 1, 'u')).toBe(0);
    expect(() => spendModel({ reversion: 2 })).toThrow(RangeError);
  });
});
