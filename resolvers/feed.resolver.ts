import { randomUUID } from 'node:crypto';
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { checkId } from '../domain/validate';
import { badInput } from '../errors/errors';
import { Feed, FeedContextInput, FeedItem } from '../schema/feed';
import { Item } from '../schema/catalog';
import type { GatewayContext } from '../services/context';
import { toItem } from './mappers';

const MAX_EXCLUDE = 500;

@Resolver(() => FeedItem)
export class FeedItemResolver {
  @FieldResolver(() => Item, { nullable: true })
  async item(@Root() entry: FeedItem, @Ctx() ctx: GatewayContext): Promise<Item | null> {
    const r = await ctx.loaders.item.load(entry.itemId);
    return r ? toItem(r) : null;
  }
}

@Resolver()
export class FeedResolver {
  @Query(() => Feed, { description: 'Ranked, diverse, explained items for a user. Unknown users get a cold-start feed.' })
  async feed(
    @Arg('userId', { description: 'User id (1-256 characters).' }) userId: string,
    @Arg('limit', () => Int, { nullable: true, description: 'Items to return (1..FEED_MAX_LIMIT, default 10).' }) limit: number | undefined,
    @Arg('context', () => FeedContextInput, { nullable: true }) context: FeedContextInput | undefined,
    @Ctx() ctx: GatewayContext,
  ): Promise<Feed> {
    const id = checkId('userId', userId);
    if (!id.ok) throw badInput('userId', id.problem.message);
    const max = ctx.limits.maxFeedLimit;
    if (limit !== undefined && limit !== null && (limit < 1 || limit > max)) throw badInput('limit', `must be between 1 and ${max} (got ${limit})`);
    const exclude = context?.excludeItemIds ?? [];
    if (exclude.length > MAX_EXCLUDE) throw badInput('context.excludeItemIds', `at most ${MAX_EXCLUDE} ids`);
    const started = performance.now();
    const surface = context?.surface ?? 'home';
    const assigned = ctx.experiments.assign(id.value, surface);
    const service = (assigned.strategyId !== null ? ctx.feeds.get(assigned.strategyId) : undefined) ?? ctx.feed;
    // One id for the request: the exposure's id and the scorers' context.requestId (a policy keys its decision on it).
    const exposureId = randomUUID();
    // The request's end (client gone) aborts the scorers still running for it.
    const result = await service.feed({ userId: id.value, limit: limit ?? undefined, exclude, signal: ctx.requestSignal(), requestId: exposureId, surface });
    const latencyMs = performance.now() - started;
    ctx.metrics.observeFeed(result, latencyMs / 1000);
    if (assigned.assignments.length > 0) {
      // Logged off the request path (batched, durable once acknowledged).
      ctx.experiments.recordExposure({
        exposureId,
        userId: id.value,
        surface,
        ts: ctx.clock(),
        assignments: assigned.assignments,
        strategyId: result.strategyId,
        strategyDigest: result.digest,
        scorerVersions: result.timings.filter((t) => t.ok).map((t) => `${t.scorerId}@${t.version}`),
        itemIds: result.items.map((i) => i.itemId),
        latencyMs,
        diversity: result.diversity,
        propensities: result.policy ? [...result.policy.propensities] : null,
        policy: result.policy?.policy ?? null,
        decisionId: result.policy?.decisionId ?? null,
      });
    }
    return {
      userId: result.userId,
      strategy: { id: result.strategyId, digest: result.digest },
      coldStart: result.coldStart,
      items: result.items.map((e) => ({ rank: e.rank, itemId: e.itemId, score: e.score, contributions: [...e.contributions], sources: [...e.sources] })),
      degraded: result.degraded.map((d) => ({ ...d })),
      candidateCount: result.candidateCount,
      generatedAt: new Date(ctx.clock()),
      experiments: assigned.assignments.map((a) => ({ ...a })),
    };
  }
}
