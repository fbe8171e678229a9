import { randomUUID } from 'node:crypto';
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { checkId, MAX_QUERY_LENGTH } from '../domain/validate';
import { ErrorCode } from '../errors/codes';
import { badInput, CodedError, toGraphQLError } from '../errors/errors';
import { ADS_SURFACE, DEFAULT_ADS_SETTING, parseAdsSetting } from '../plugins/mtl-ads/settings';
import { Ads, AdSlot } from '../schema/ads';
import { Item } from '../schema/catalog';
import type { GatewayContext } from '../services/context';
import { toItem } from './mappers';

/** Most ad slots one `ads` request may ask for. */
export const MAX_ADS_LIMIT = 50;
const DEFAULT_ADS_LIMIT = 10;

@Resolver(() => AdSlot)
export class AdSlotResolver {
  @FieldResolver(() => Item, { nullable: true })
  async item(@Root() slot: AdSlot, @Ctx() ctx: GatewayContext): Promise<Item | null> {
    const r = await ctx.loaders.item.load(slot.itemId);
    return r ? toItem(r) : null;
  }
}

@Resolver()
export class AdsResolver {
  @Query(() => Ads, { description: "Ad slots for a user's query: ads ordered by predicted CTR, titles rewritten with the user's top selling points (MTL-ads). Surface 'ads' for experiments." })
  async ads(
    @Arg('userId', { description: 'User id (1-256 characters).' }) userId: string,
    @Arg('query', { description: 'Search text (at most 512 characters; empty: popular ads).' }) query: string,
    @Arg('limit', () => Int, { nullable: true, description: `Slots to return (1..${MAX_ADS_LIMIT}, default ${DEFAULT_ADS_LIMIT}).` }) limit: number | undefined,
    @Ctx() ctx: GatewayContext,
  ): Promise<Ads> {
    const id = checkId('userId', userId);
    if (!id.ok) throw badInput('userId', id.problem.message);
    if (query.length > MAX_QUERY_LENGTH) throw badInput('query', `must be at most ${MAX_QUERY_LENGTH} characters (got ${query.length})`);
    if (limit !== undefined && limit !== null && (limit < 1 || limit > MAX_ADS_LIMIT)) throw badInput('limit', `must be between 1 and ${MAX_ADS_LIMIT} (got ${limit})`);
    const service = ctx.ads;
    if (!service) throw toGraphQLError(new CodedError(ErrorCode.MODEL_UNAVAILABLE, 'the ads service is not served by this gateway', { field: 'ads' }));
    const started = performance.now();
    const assigned = ctx.experiments.assign(id.value, ADS_SURFACE);
    // An experiment variant names an ads setting (plugins/mtl-ads/settings.ts); anything else serves the default.
    const setting = parseAdsSetting(assigned.strategyId ?? DEFAULT_ADS_SETTING) ?? parseAdsSetting(DEFAULT_ADS_SETTING)!;
    const r = await service.ads({ userId: id.value, query, limit: limit ?? DEFAULT_ADS_LIMIT, setting, signal: ctx.requestSignal() });
    const latencyMs = performance.now() - started;
    // Every ads response is logged (also outside experiments): the exposure log is the MTL-ads training data.
    ctx.experiments.recordExposure({
      exposureId: randomUUID(),
      userId: id.value,
      surface: ADS_SURFACE,
      ts: ctx.clock(),
      assignments: assigned.assignments,
      strategyId: setting.id,
      strategyDigest: `${setting.id}|${r.modelVersion ?? 'fallback'}`,
      scorerVersions: r.modelVersion === null ? [] : [r.modelVersion],
      itemIds: r.slots.map((s) => s.itemId),
      latencyMs,
      diversity: r.slots.length === 0 ? 0 : new Set(r.slots.map((s) => s.item.categories[0] ?? `#${s.itemId}`)).size / r.slots.length,
      ads: { query: r.query, setting: setting.id, modelVersion: r.modelVersion, slots: r.slots.map((s) => ({ keywords: [...s.shown], personalised: r.personalised, predictedCtr: s.predictedCtr })) },
    });
    return {
      userId: r.userId,
      query: r.query,
      setting: setting.id,
      modelVersion: r.modelVersion,
      personalised: r.personalised,
      slots: r.slots.map((s) => ({
        rank: s.rank,
        itemId: s.itemId,
        item: null,
        title: s.title,
        highlights: s.highlights.map((h) => ({ ...h })),
        sellingPoints: s.sellingPoints.map((p) => ({ ...p })),
        shownSellingPoints: [...s.shown],
        predictedCtr: s.predictedCtr,
      })),
      degraded: r.degraded.map((d) => ({ ...d })),
      candidateCount: r.candidateCount,
      generatedAt: new Date(ctx.clock()),
      experiments: assigned.assignments.map((a) => ({ ...a })),
    };
  }
}
