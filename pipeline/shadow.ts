/**
 * Shadow scoring: on a sampled share of live feed requests, scorers under evaluation score the
 * same candidates with the same features after the feed has been ranked. Their scores are never
 * blended; what is kept is how far they agree with what was served: the Spearman rank correlation
 * between their scores and the served blend over every candidate, and the overlap of their top N
 * with the N items served. The run is detached from the request (the answer does not wait for
 * it, and the client going away does not cancel it); each scorer keeps its own deadline.
 */
import type { ErrorCode } from '../errors/codes';
import type { FeatureKey, FeatureValues } from '../plugins/sdk/features';
import type { RegisteredScorer } from '../plugins/sdk/registry';
import { runScorers } from '../plugins/sdk/run';

/** One shadow scorer on one request. */
export interface ShadowObservation {
  readonly scorerId: string;
  readonly version: string;
  /** The strategy that served the request. */
  readonly strategyId: string;
  readonly ok: boolean;
  /** Why the shadow scorer gave no usable answer (SCORER_TIMEOUT, SCORER_FAILED, SCORER_BAD_OUTPUT). */
  readonly code: ErrorCode | null;
  readonly ms: number;
  /** Spearman correlation with the served blend over the candidates; null when it failed or fewer than 2 candidates or a constant ranking. */
  readonly rankCorrelation: number | null;
  /** |shadow top N ∩ served N| / N, N = items served; null when it failed or nothing was served. */
  readonly topNOverlap: number | null;
  readonly candidates: number;
}

export interface ShadowOptions {
  /** The scorers to shadow (published versions in shadow mode). */
  readonly scorers: readonly RegisteredScorer[];
  /** Share of requests shadowed, in [0, 1]. */
  readonly sampleRate: number;
  /** Receives one observation per scorer per shadowed request. */
  readonly record: (o: ShadowObservation) => void;
  /** Uniform [0, 1) source for sampling. Default Math.random. */
  readonly random?: () => number;
}

/** Ranks (1-based) with ties given their average rank. */
function averageRanks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a]! - x[b]!);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && x[order[j + 1]!] === x[order[i]!]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = r;
    i = j + 1;
  }
  return ranks;
}

/** Spearman's rank correlation (Pearson on average ranks); null for n < 2 or a constant side. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  const n = a.length;
  if (n < 2 || b.length !== n) return null;
  const ra = averageRanks(a);
  const rb = averageRanks(b);
  const mean = (n + 1) / 2;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = ra[i]! - mean;
    const db = rb[i]! - mean;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa === 0 || sbb === 0) return null;
  return sab / Math.sqrt(saa * sbb);
}

/** Share of the served candidates (indices) that are also among the shadow scores' top N (N = served.length; ties broken by index). */
export function topNOverlap(served: readonly number[], shadow: ArrayLike<number>): number | null {
  const n = served.length;
  if (n === 0) return null;
  const top = new Set(
    Array.from({ length: shadow.length }, (_, i) => i)
      .sort((a, b) => shadow[b]! - shadow[a]! || a - b)
      .slice(0, n),
  );
  let hit = 0;
  for (const i of served) if (top.has(i)) hit++;
  return hit / n;
}

/** Whether this request is shadowed. */
export function sampleShadow(opts: ShadowOptions | undefined): boolean {
  return opts !== undefined && opts.scorers.length > 0 && opts.sampleRate > 0 && (opts.random ?? Math.random)() < opts.sampleRate;
}

/** The features the shadow scorers read. */
export function shadowFeatures(opts: ShadowOptions | undefined): FeatureKey[] {
  return opts === undefined ? [] : [...new Set(opts.scorers.flatMap((s) => s.features))];
}

export interface ShadowInput {
  readonly userId: string;
  readonly strategyId: string;
  readonly itemIds: readonly string[];
  readonly features: Partial<FeatureValues>;
  readonly now: number;
  /** The served blend, one score per candidate. */
  readonly blended: ArrayLike<number>;
  /** Indices of the served candidates, in served order. */
  readonly served: readonly number[];
}

/** Score the request with every shadow scorer and record one observation each. Never throws. */
export async function runShadow(opts: ShadowOptions, input: ShadowInput): Promise<void> {
  const outcomes = await runScorers(opts.scorers, { userId: input.userId, itemIds: input.itemIds, features: input.features, now: input.now });
  for (const o of outcomes) {
    try {
      opts.record({
        scorerId: o.scorer.id,
        version: o.scorer.version,
        strategyId: input.strategyId,
        ok: o.ok,
        code: o.ok ? null : o.code,
        ms: o.ms,
        rankCorrelation: o.ok ? spearman(o.scores, input.blended) : null,
        topNOverlap: o.ok ? topNOverlap(input.served, o.scores) : null,
        candidates: input.itemIds.length,
      });
    } catch {
      // A recorder failure must not surface on the request path: the observation is lost, nothing else.
    }
  }
}
