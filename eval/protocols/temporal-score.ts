/**
 * Scoring for the events/temporal protocol, through the gateway's own code:
 * - feeds come from `FeedService.feed` (retrieval, features, scorers, blend, re-rank);
 * - pair scores for AUC reuse the same stages on a given candidate set: `loadFeatures` ->
 *   `runScorers` (the registry's live scorers) -> `blend` (per-request min-max + weights), i.e.
 *   the score the feed would rank these items by, before diversity re-ranking.
 */
import type { GraphStore } from '../../graph/port';
import { blend } from '../../pipeline/blend';
import { candidatesFor } from '../../pipeline/candidates';
import { loadFeatures } from '../../pipeline/features';
import { createFeedService } from '../../pipeline/feed';
import { scoreCandidates, strategyMembers } from '../../pipeline/stages';
import type { Strategy } from '../../pipeline/strategy';
import type { FeatureKey } from '../../plugins/sdk/features';
import type { ScorerRegistry } from '../../plugins/sdk/registry';

export interface FeedLists {
  /** Recommended item ids per user, best first. */
  readonly lists: ReadonlyMap<string, readonly string[]>;
  /** Feeds in which some scorer was dropped (timeout, failure, bad output). */
  readonly degraded: number;
  /** Feeds answered by the all-scorers-failed fallback. */
  readonly fallback: number;
}

/** One feed of `limit` items per user, from the real FeedService. */
export async function feedLists(store: GraphStore, registry: ScorerRegistry, strategy: Strategy, users: readonly string[], limit: number, now: number, tick: () => void): Promise<FeedLists> {
  const service = createFeedService({ store, registry, strategy, clock: () => now });
  const lists = new Map<string, readonly string[]>();
  let degraded = 0;
  let fallback = 0;
  for (const userId of users) {
    const r = await service.feed({ userId, limit });
    lists.set(
      userId,
      r.items.map((e) => e.itemId),
    );
    if (r.degraded.length > 0) degraded += 1;
    if (r.items.some((e) => e.sources.includes('fallback'))) fallback += 1;
    tick();
  }
  return { lists, degraded, fallback };
}

/** Scores a strategy gives a fixed candidate set, plus how many of its scorers were dropped. */
export interface PairScores {
  readonly scores: Float64Array;
  readonly dropped: number;
}

export interface PairScorer {
  score(userId: string, itemIds: readonly string[]): Promise<PairScores>;
}

/**
 * A scorer of (user, candidate set) for one strategy. The neighbourhood walk uses the strategy's
 * caps but keeps every walked neighbour (`neighbourLimit`), so a candidate the walk reached gets
 * its co-interaction row even when the feed's top-`max` cut would have dropped it.
 */
export function createPairScorer(store: GraphStore, registry: ScorerRegistry, strategy: Strategy, now: number, neighbourLimit: number): PairScorer {
  const members = strategyMembers(strategy, registry);
  const needed = new Set<FeatureKey>(members.flatMap((m) => m.reg.features));
  const nb = strategy.candidates.neighbourhood;
  return {
    async score(userId, itemIds) {
      const profile = await store.userProfile(userId, strategy.historyLimit);
      // The retrievers run for this user, so each item carries the ranks the feed would give it.
      const candidates = await candidatesFor(store, strategy, profile, itemIds, neighbourLimit);
      const features = await loadFeatures({ store, needed, profile, candidates, now, seeds: nb?.seeds ?? 20 });
      const { columns, degraded } = await scoreCandidates(members, { userId, itemIds, features, now });
      return { scores: blend(columns, itemIds.length).scores, dropped: degraded.length };
    },
  };
}

/**
 * `n` distinct items drawn uniformly from `pool` without any of `exclude` (partial Fisher-Yates
 * on a scratch copy; `rng` uniform in [0, 1)). Fewer when the pool runs out.
 */
export function sampleNegatives(pool: readonly string[], exclude: ReadonlySet<string>, n: number, rng: () => number): string[] {
  const out: string[] = [];
  const scratch = [...pool];
  let size = scratch.length;
  while (out.length < n && size > 0) {
    const j = Math.floor(rng() * size);
    const pick = scratch[j]!;
    scratch[j] = scratch[size - 1]!;
    size -= 1;
    if (!exclude.has(pick)) out.push(pick);
  }
  return out;
}
