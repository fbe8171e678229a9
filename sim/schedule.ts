/**
 * When simulated users visit: per user and day, Poisson(sessions/day) sessions, each at a local
 * hour drawn from the log's hour profile and a uniform minute, at least `minGapMs` after the
 * user's previous session that day. Drawn up front from the seed (visits do not react to the
 * feed: no churn, no habit formation), in one list ordered by time.
 */
import { pickWeighted, poisson, stream } from './rng';

const DAY_MS = 24 * 3600 * 1000;
const HOUR_MS = 3600 * 1000;

export interface Session {
  readonly userId: string;
  /** 0-based simulated day. */
  readonly day: number;
  /** 0-based index of the session within the user's day. */
  readonly index: number;
  /** Start (ms): when the user asks for the feed. */
  readonly ts: number;
}

export interface ScheduleOptions {
  readonly seed: number;
  /** First simulated instant (ms); day d is [start + d·24 h, start + (d + 1)·24 h). Hour 0 of the profile is `start`'s hour. */
  readonly start: number;
  readonly days: number;
  /** Shares of session starts per hour of the day (24 values). */
  readonly hourProfile: readonly number[];
  /** Smallest gap between two sessions of a user, ms. Default 30 min. */
  readonly minGapMs?: number;
}

export function scheduleSessions(users: ReadonlyArray<{ readonly id: string; readonly sessionsPerDay: number }>, o: ScheduleOptions): Session[] {
  if (o.hourProfile.length !== 24) throw new RangeError('schedule: hourProfile needs 24 values');
  const gap = o.minGapMs ?? 30 * 60 * 1000;
  const out: Session[] = [];
  for (const u of users) {
    for (let day = 0; day < o.days; day++) {
      const rng = stream(o.seed, 'sessions', u.id, day);
      const n = poisson(rng, u.sessionsPerDay);
      drawDayTimes(rng, n, o.start + day * DAY_MS, o.hourProfile, gap).forEach((ts, index) => out.push({ userId: u.id, day, index, ts }));
    }
  }
  return out.sort((a, b) => a.ts - b.ts || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.index - b.index));
}

/**
 * `n` session starts in the day beginning at `dayStart`: each at an hour drawn from `hourProfile`
 * and a uniform minute, sorted, then pushed apart to at least `gapMs` (so the last may spill past
 * the day). Two draws per session from `rng`, in order.
 */
export function drawDayTimes(rng: () => number, n: number, dayStart: number, hourProfile: readonly number[], gapMs: number): number[] {
  const times: number[] = [];
  for (let j = 0; j < n; j++) times.push(dayStart + pickWeighted(rng, hourProfile) * HOUR_MS + Math.floor(rng() * HOUR_MS));
  times.sort((a, b) => a - b);
  for (let j = 1; j < times.length; j++) times[j] = Math.max(times[j]!, times[j - 1]! + gapMs);
  return times;
}
