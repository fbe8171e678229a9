/**
 * `baseline/rfm`: static RFM scoring (recency, frequency, monetary) of the user's purchases.
 *
 *   R = days from the last purchase to the request's data time (fewer is better)
 *   F = number of purchase events in the history handed to the scorer (one event per order)
 *   M = mean purchase value (average order value)
 *   each mapped to 1..5 by four ascending quintile edges q1..q4:
 *     R score = 5 − #{j : R > qj}      F/M score = 1 + #{j : value > qj}
 *   cell code = 100·R + 10·F + M       (111..555; 0 for a user with no purchase)
 *
 *   score(candidate) = cell code + affinity(candidate)
 *   tier(candidate)  = 1 + #{j : price > monetary qj}     (the price's quintile on the M scale)
 *   affinity         = (4 − |tier − M score|) / 8  in [0, 0.5]; 0 when the price is unknown;
 *                      a customer without purchases is matched to the middle tier (M = 3)
 *
 * The cell code ranks customers (value segmentation, CLV baselines): `Math.floor(score)` recovers
 * it. Within one request the code is the same for every candidate, so the per-request blend sees
 * only the affinity term: candidates in the price tier of this customer's usual order come first.
 * Quintile edges are relative to a population: fit them with `fitRfmBreakpoints` on the
 * customers the scores will be compared across, and pass them in the options.
 */
import type { Interaction } from '../../domain/events';
import { defineScorer } from '../sdk/contract';

/** Raw RFM values of one customer. */
export interface RfmValues {
  readonly recencyDays: number;
  readonly frequency: number;
  readonly monetary: number;
}

/** Four ascending quintile edges (20/40/60/80 %) per dimension. */
export type QuintileEdges = readonly [number, number, number, number];

export interface RfmBreakpoints {
  readonly recencyDays: QuintileEdges;
  readonly frequency: QuintileEdges;
  readonly monetary: QuintileEdges;
}

/** Generic retail edges used when none are fitted: R 7/30/90/180 days, F 1/2/3/5 orders, M 10/25/50/100. */
export const DEFAULT_RFM_BREAKPOINTS: RfmBreakpoints = Object.freeze({
  recencyDays: [7, 30, 90, 180] as const,
  frequency: [1, 2, 3, 5] as const,
  monetary: [10, 25, 50, 100] as const,
});

export interface RfmOptions {
  /** Quintile edges (fit with `fitRfmBreakpoints`). Default DEFAULT_RFM_BREAKPOINTS. */
  readonly breakpoints?: RfmBreakpoints;
  /** Per-request deadline (ms). Default: the gateway's. */
  readonly timeoutMs?: number;
}

const DAY_MS = 24 * 3600 * 1000;

/** RFM values of a history (any order) as of `now`; null when it holds no purchase. */
export function rfmValues(history: readonly Interaction[], now: number): RfmValues | null {
  let last = Number.NEGATIVE_INFINITY;
  let frequency = 0;
  let spend = 0;
  for (const h of history) {
    if (h.type !== 'purchase') continue;
    frequency += 1;
    spend += h.value;
    if (h.ts > last) last = h.ts;
  }
  if (frequency === 0) return null;
  return { recencyDays: Math.max(0, now - last) / DAY_MS, frequency, monetary: spend / frequency };
}

/** Quantile with linear interpolation between order statistics (Hyndman & Fan type 7). */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function edges(values: number[]): QuintileEdges {
  values.sort((a, b) => a - b);
  return [quantile(values, 0.2), quantile(values, 0.4), quantile(values, 0.6), quantile(values, 0.8)];
}

/** Fit quintile edges on a population of customers (those with at least one purchase). */
export function fitRfmBreakpoints(population: readonly RfmValues[]): RfmBreakpoints {
  if (population.length === 0) throw new RangeError('fitRfmBreakpoints: no customer with a purchase');
  return {
    recencyDays: edges(population.map((v) => v.recencyDays)),
    frequency: edges(population.map((v) => v.frequency)),
    monetary: edges(population.map((v) => v.monetary)),
  };
}

const above = (v: number, q: QuintileEdges): number => q.reduce((n, e) => n + (v > e ? 1 : 0), 0);

/** The R, F, M quintile scores (1..5) and the cell code 100R + 10F + M. */
export function rfmCell(v: RfmValues, b: RfmBreakpoints): { r: number; f: number; m: number; code: number } {
  const r = 5 - above(v.recencyDays, b.recencyDays);
  const f = 1 + above(v.frequency, b.frequency);
  const m = 1 + above(v.monetary, b.monetary);
  return { r, f, m, code: 100 * r + 10 * f + m };
}

function checkEdges(name: string, q: unknown): void {
  if (!Array.isArray(q) || q.length !== 4 || q.some((e, i) => typeof e !== 'number' || !Number.isFinite(e) || (i > 0 && e < (q[i - 1] as number)))) {
    throw new RangeError(`baseline/rfm: breakpoints.${name} must be four ascending finite numbers`);
  }
}

export function createRfmScorer(opts: RfmOptions = {}) {
  const breakpoints = opts.breakpoints ?? DEFAULT_RFM_BREAKPOINTS;
  return defineScorer({
    id: 'baseline/rfm',
    version: '1.0.0',
    features: ['user.history', 'item.meta'] as const,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    async setup() {
      checkEdges('recencyDays', breakpoints.recencyDays);
      checkEdges('frequency', breakpoints.frequency);
      checkEdges('monetary', breakpoints.monetary);
      return {
        async score({ itemIds, features, now }) {
          const v = rfmValues(features['user.history'], now);
          const cell = v === null ? null : rfmCell(v, breakpoints);
          const code = cell?.code ?? 0;
          const tier = cell?.m ?? 3;
          const meta = features['item.meta'];
          const out = new Float32Array(itemIds.length);
          for (let i = 0; i < itemIds.length; i++) {
            const price = meta[i]?.price;
            const affinity = price === null || price === undefined ? 0 : (4 - Math.abs(1 + above(price, breakpoints.monetary) - tier)) / 8;
            out[i] = code + affinity;
          }
          return out;
        },
      };
    },
  });
}
