/**
 * The per-request composition for `feed(userId)`:
 * profile -> candidates -> features -> scorers (concurrent, deadlines) -> blend -> re-rank -> explain.
 * With a policy (`strategy.policy`), the policy scorer's own ranking replaces blend + re-rank when
 * it answers with one; the blend stays the explanation and the fallback (pipeline/stages.ts).
 * The request path does no training and no full-graph query.
 */
import { randomUUID } from 'node:crypto';
import type { ErrorCode } from '../errors/codes';
import type { GraphStore } from '../graph/port';
import type { FeatureKey } from '../plugins/sdk/features';
import type { UserValueState } from '../plugins/sdk/records';
import type { ScorerRegistry } from '../plugins/sdk/registry';
import { scorerRetriever } from '../plugins/sdk/retriever';
import { blend, type Contribution } from './blend';
import { retrieveCandidates, type RetrieverId } from './candidates';
import { loadFeatures } from './features';
import { rerank } from './rerank';
import { runShadow, sampleShadow, shadowFeatures, type ShadowOptions } from './shadow';
import { scoreCandidates, strategyMembers } from './stages';
import { strategyDigest, type Strategy } from './strategy';

export interface FeedRequest {
  readonly userId: string;
  /** Items wanted; defaults to the strategy's limit. */
  readonly limit?: number | undefined;
  /** Items to leave out of this feed (e.g. already on screen). */
  readonly exclude?: readonly string[] | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Id of this request, handed to scorers (`ScoreRequest.context.requestId`; a policy keys its decision on it). Default a fresh UUID. */
  readonly requestId?: string | undefined;
  /** The surface asking (`ScoreRequest.context.surface`). Default `feed`. */
  readonly surface?: string | undefined;
}

/** What the policy served (the strategy's `policy`), for the exposure row. */
export interface ServedPolicy {
  readonly scorerId: string;
  /** The policy and its version, as it named itself (`ira/policy@3`). */
  readonly policy: string;
  readonly decisionId: string | null;
  /** Per served item (aligned with `items`): P(this item at this slot | the earlier slots) under the policy. */
  readonly propensities: readonly number[];
}

export interface FeedEntry {
  readonly rank: number;
  readonly itemId: string;
  readonly score: number;
  readonly contributions: readonly Contribution[];
  readonly sources: readonly (RetrieverId | 'fallback')[];
}

export interface DegradedScorer {
  readonly scorerId: string;
  readonly version: string;
  readonly code: ErrorCode;
  readonly message: string;
}

export interface FeedResult {
  readonly userId: string;
  readonly strategyId: string;
  readonly digest: string;
  readonly coldStart: boolean;
  readonly items: readonly FeedEntry[];
  readonly degraded: readonly DegradedScorer[];
  readonly candidateCount: number;
  /** Distinct first categories among the returned items / items returned (1 = all different; items without a category count as distinct). 0 for an empty feed. */
  readonly diversity: number;
  /** Time (ms) of each step of this request: profile, candidates, features, scoring (both stages), blend and re-rank. */
  readonly stageMs: { readonly profile: number; readonly candidates: number; readonly features: number; readonly scoring: number; readonly rerank: number };
  /** Per-scorer latency (ms) for this request, for logs and metrics. */
  readonly timings: ReadonlyArray<{ readonly scorerId: string; readonly version: string; readonly ms: number; readonly ok: boolean }>;
  /** The policy's served list, when the strategy has a policy and it answered with a ranking; null when the blend was served. */
  readonly policy: ServedPolicy | null;
}

export interface FeedService {
  feed(req: FeedRequest): Promise<FeedResult>;
  readonly strategy: Strategy;
  readonly digest: string;
}

export interface FeedServiceDeps {
  readonly store: GraphStore;
  readonly registry: ScorerRegistry;
  readonly strategy: Strategy;
  /** Server clock (ms). Default Date.now. */
  readonly clock?: () => number;
  /** Reads a user's DUVE state for scorers that declare `user.value`. Default none (the feature is null). */
  readonly userValue?: ((userId: string) => Promise<UserValueState | null>) | undefined;
  /** Scorers in shadow mode, scored on a sampled share of requests after ranking and never blended (pipeline/shadow.ts). Default none. */
  readonly shadow?: ShadowOptions | undefined;
}

export function createFeedService(deps: FeedServiceDeps): FeedService {
  const { store, registry, strategy } = deps;
  const clock = deps.clock ?? Date.now;
  const members = strategyMembers(strategy, registry);
  const needed = new Set<FeatureKey>(members.flatMap((m) => m.reg.features));
  const digest = strategyDigest(strategy, registry);
  // The strategy's embedding retriever, if it enables one (checkStrategy checked the scorer can retrieve).
  const embeddingScorer = strategy.candidates.embedding?.scorer;
  const embedding = embeddingScorer !== undefined ? scorerRetriever(registry.get(embeddingScorer)?.scorer) : null;
  // A shadowed request also loads what the shadow scorers read (only sampled requests pay for it).
  const shadowNeeded = new Set<FeatureKey>([...needed, ...shadowFeatures(deps.shadow)]);

  async function feed(req: FeedRequest): Promise<FeedResult> {
    const limit = req.limit ?? strategy.limit;
    const t0 = performance.now();
    const [profile, latest] = await Promise.all([store.userProfile(req.userId, strategy.historyLimit), store.latestEventTs()]);
    const now = latest > 0 ? Math.min(latest, clock()) : clock();
    const t1 = performance.now();
    const candidates = await retrieveCandidates(store, strategy, profile, req.exclude ?? [], embedding ? { userId: req.userId, retriever: embedding } : undefined);
    const t2 = performance.now();
    const n = candidates.itemIds.length;
    const shadowed = n > 0 && sampleShadow(deps.shadow);
    // loadFeatures reads the DUVE state only when `user.value` is needed.
    const userValue = deps.userValue ? { userId: req.userId, read: deps.userValue } : undefined;
    const features = await loadFeatures({ store, needed: shadowed ? shadowNeeded : needed, profile, candidates, now, seeds: strategy.candidates.neighbourhood?.seeds ?? 20, userValue });
    const t3 = performance.now();
    const context = { surface: req.surface ?? 'feed', limit, requestId: req.requestId ?? randomUUID() };
    const { columns, degraded, timings, ranking } = await scoreCandidates(members, { userId: req.userId, itemIds: candidates.itemIds, features, now, signal: req.signal, context });

    const t4 = performance.now();
    let scores: Float64Array;
    let contributions: ReadonlyArray<readonly Contribution[]>;
    const fallback = columns.length === 0;
    if (fallback) {
      // Every scorer failed: keep the retrieval order so the feed still answers.
      scores = Float64Array.from({ length: n }, (_, i) => (n - i) / n);
      contributions = Array.from({ length: n }, () => []);
    } else {
      ({ scores, contributions } = blend(columns, n));
    }
    let order: number[];
    let policy: ServedPolicy | null = null;
    if (ranking) {
      const r = ranking.ranking;
      const served = policyOrder(r.order, r.propensities, limit, n, () => rerank(scores, candidates.meta, { ...strategy.diversity, limit: n }));
      order = served.order;
      policy = { scorerId: ranking.scorerId, policy: r.policy, decisionId: r.decisionId ?? null, propensities: served.propensities };
    } else {
      order = rerank(scores, candidates.meta, { ...strategy.diversity, limit });
    }
    const t5 = performance.now();
    const items: FeedEntry[] = order.map((i, r) => ({
      rank: r + 1,
      itemId: candidates.itemIds[i]!,
      score: scores[i]!,
      contributions: contributions[i]!,
      sources: fallback ? [...candidates.sources[i]!, 'fallback'] : candidates.sources[i]!,
    }));
    if (shadowed) {
      // Detached: the answer does not wait for the shadow scorers, and the client leaving does not cancel them.
      setImmediate(() => void runShadow(deps.shadow!, { userId: req.userId, strategyId: strategy.id, itemIds: candidates.itemIds, features, now, blended: scores, served: order }));
    }
    const firstCategories = new Set(order.map((i) => candidates.meta[i]?.categories[0] ?? `#${candidates.itemIds[i]}`));
    return {
      userId: req.userId,
      strategyId: strategy.id,
      diversity: order.length === 0 ? 0 : firstCategories.size / order.length,
      digest,
      coldStart: !profile.known || profile.history.length === 0,
      items,
      degraded,
      candidateCount: n,
      stageMs: { profile: t1 - t0, candidates: t2 - t1, features: t3 - t2, scoring: t4 - t3, rerank: t5 - t4 },
      timings,
      policy,
    };
  }

  return { feed, strategy, digest };
}

/**
 * The served list from a policy's ranking: its order (distinct candidate indices, checked by
 * runScorers), cut to `limit`. A ranking shorter than min(limit, candidates) is filled from the
 * baseline's order (blend + diversity, `baseline()`), skipping items already served; a filled
 * slot is a deterministic function of the earlier slots, so its propensity is 1.
 */
export function policyOrder(
  rankingOrder: readonly number[],
  rankingPropensities: readonly number[],
  limit: number,
  candidates: number,
  baseline: () => number[],
): { order: number[]; propensities: number[] } {
  const want = Math.min(limit, candidates);
  const order: number[] = [];
  const propensities: number[] = [];
  const seen = new Set<number>();
  for (let k = 0; k < rankingOrder.length && order.length < want; k++) {
    const i = rankingOrder[k]!;
    if (i < 0 || i >= candidates || seen.has(i)) continue;
    seen.add(i);
    order.push(i);
    propensities.push(rankingPropensities[k]!);
  }
  if (order.length < want) {
    for (const i of baseline()) {
      if (order.length >= want) break;
      if (seen.has(i)) continue;
      seen.add(i);
      order.push(i);
      propensities.push(1);
    }
  }
  return { order, propensities };
}
