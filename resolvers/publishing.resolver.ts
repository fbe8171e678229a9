/** The scorer platform's operations: thin mappings onto the publishing service (publishing/service.ts). */
import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { ErrorCode } from '../errors/codes';
import { CodedError, badInput, toGraphQLError } from '../errors/errors';
import type { CatalogActor } from '../publishing/catalog/port';
import type { PublishedScorerView, PublishedStrategyView, PublishingService } from '../publishing/service';
import { CatalogChangeEntry, PublishedScorer, PublishedStrategy } from '../schema/publishing';
import type { GatewayContext } from '../services/context';

function toScorer(v: PublishedScorerView): PublishedScorer {
  return {
    id: v.id,
    live: v.live,
    shadow: v.shadow,
    liveHistory: [...v.liveHistory],
    versions: v.versions.map((x) => ({
      version: x.manifest.version,
      description: x.manifest.description,
      features: [...x.manifest.features],
      inputs: x.manifest.inputs.map((i) => ({ name: i.name, columns: [...i.columns] })),
      output: { ...x.manifest.output },
      timeoutMs: x.manifest.timeoutMs,
      modelSha256: x.model.sha256,
      modelBytes: x.model.bytes,
      publishedAt: new Date(x.publishedAt),
      publishedBy: x.publishedBy.keyName,
      publishedByKeyId: x.publishedBy.keyId,
      loadedHere: x.loadedHere,
      problem: x.problem,
    })),
    agreement: v.agreement.map((a) => {
      const byCode = Object.entries(a.failures).map(([code, count]) => ({ code, count }));
      return { ...a, failures: byCode.reduce((s, c) => s + c.count, 0), failuresByCode: byCode };
    }),
  };
}

function toStrategy(v: PublishedStrategyView): PublishedStrategy {
  return {
    id: v.id,
    live: v.live,
    liveHistory: [...v.liveHistory],
    versions: v.versions.map((x) => ({ version: x.version, strategy: x.strategy as Record<string, unknown>, publishedAt: new Date(x.publishedAt), publishedBy: x.publishedBy.keyName })),
    servedHere: v.servedHere,
    problem: v.problem,
  };
}

async function run<T>(ctx: GatewayContext, work: (s: PublishingService, by: CatalogActor) => Promise<T>): Promise<T> {
  if (ctx.publishing === null) throw toGraphQLError(new CodedError(ErrorCode.CATALOG_UNAVAILABLE, 'publishing is off on this gateway'));
  try {
    return await work(ctx.publishing, { keyId: ctx.principal.keyId, keyName: ctx.principal.keyName });
  } catch (err) {
    if (err instanceof CodedError) throw toGraphQLError(err);
    throw err;
  }
}

const VERSION_ARG = { nullable: true, description: 'A published version (x.y.z).' } as const;

@Resolver()
export class PublishingResolver {
  @Query(() => [PublishedScorer], { description: 'Scorers published at runtime, with versions, lifecycle and shadow agreement. Needs scorers:read (analyst, admin).' })
  publishedScorers(
    @Ctx() ctx: GatewayContext,
    @Arg('id', () => String, { nullable: true, description: 'Only this id (NOT_FOUND when never published).' }) id?: string | null,
  ): Promise<PublishedScorer[]> {
    return run(ctx, async (s) => (await s.scorers(id ?? undefined)).map(toScorer));
  }

  @Query(() => [PublishedStrategy], { description: 'Strategies published at runtime. Needs scorers:read.' })
  publishedStrategies(@Ctx() ctx: GatewayContext): Promise<PublishedStrategy[]> {
    return run(ctx, async (s) => (await s.strategies()).map(toStrategy));
  }

  @Query(() => [CatalogChangeEntry], { description: 'The catalog change log (who published, promoted, rolled back what), oldest first. Needs scorers:read.' })
  catalogChanges(
    @Ctx() ctx: GatewayContext,
    @Arg('after', () => Int, { defaultValue: 0, description: 'Revision already read.' }) after: number,
    @Arg('first', () => Int, { defaultValue: 50, description: 'Entries (1-500).' }) first: number,
  ): Promise<CatalogChangeEntry[]> {
    if (!Number.isInteger(first) || first < 1 || first > 500) throw badInput('first', `must be an integer in [1, 500] (got ${first})`);
    if (!Number.isInteger(after) || after < 0) throw badInput('after', `must be a non-negative integer (got ${after})`);
    return run(ctx, async (s) => (await s.changes(after, first)).map((c) => ({ ...c, at: new Date(c.at), by: c.by.keyName, byKeyId: c.by.keyId })));
  }

  @Mutation(() => PublishedScorer, {
    description:
      'Publish a scorer version: a manifest plus an ONNX model uploaded with POST /blobs. Checked (manifest, input names/shapes/dtypes, a probe batch) before it is accepted. Needs scorers:write (admin).',
  })
  publishScorer(
    @Ctx() ctx: GatewayContext,
    @Arg('manifest', () => GraphQLJSONObject, { description: 'The manifest (docs/writing-a-scorer.md, "Publishing").' }) manifest: Record<string, unknown>,
    @Arg('model', { description: 'SHA-256 returned by POST /blobs.' }) model: string,
    @Arg('shadow', { defaultValue: true, description: 'Start shadowing the new version at once.' }) shadow: boolean,
  ): Promise<PublishedScorer> {
    return run(ctx, async (s, by) => toScorer(await s.publishScorer({ manifest, model, shadow }, by)));
  }

  @Mutation(() => PublishedScorer, { description: 'Serve a version to strategies naming the id (default: the shadowed version, else the highest). Needs scorers:write.' })
  promoteScorer(@Ctx() ctx: GatewayContext, @Arg('id') id: string, @Arg('version', () => String, VERSION_ARG) version?: string | null): Promise<PublishedScorer> {
    return run(ctx, async (s, by) => toScorer(await s.promoteScorer(id, version ?? null, by)));
  }

  @Mutation(() => PublishedScorer, { description: 'Serve the version that was live before the current one. Needs scorers:write.' })
  rollbackScorer(@Ctx() ctx: GatewayContext, @Arg('id') id: string): Promise<PublishedScorer> {
    return run(ctx, async (s, by) => toScorer(await s.rollbackScorer(id, by)));
  }

  @Mutation(() => PublishedScorer, { description: 'Shadow a version (scored on live requests, never blended), or stop shadowing (version null). Needs scorers:write.' })
  shadowScorer(@Ctx() ctx: GatewayContext, @Arg('id') id: string, @Arg('version', () => String, VERSION_ARG) version?: string | null): Promise<PublishedScorer> {
    return run(ctx, async (s, by) => toScorer(await s.shadowScorer(id, version ?? null, by)));
  }

  @Mutation(() => PublishedStrategy, {
    description: 'Publish the next version of a strategy (JSON as in strategies/*.json) and serve it. A scorer entry may pin a published version (canary). Needs scorers:write.',
  })
  publishStrategy(@Ctx() ctx: GatewayContext, @Arg('strategy', () => GraphQLJSONObject) strategy: Record<string, unknown>): Promise<PublishedStrategy> {
    return run(ctx, async (s, by) => toStrategy(await s.publishStrategy(strategy, by)));
  }

  @Mutation(() => PublishedStrategy, { description: 'Serve the previous published version of a strategy (rolling back the first one serves the file of that id again, if any). Needs scorers:write.' })
  rollbackStrategy(@Ctx() ctx: GatewayContext, @Arg('id') id: string): Promise<PublishedStrategy> {
    return run(ctx, async (s, by) => toStrategy(await s.rollbackStrategy(id, by)));
  }
}
