/** `suggestQueries`: known queries for a user's intent (plugins/dpgcn/queries/service.ts). Needs feed:read. */
import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { ErrorCode } from '../errors/codes';
import { CodedError, toGraphQLError } from '../errors/errors';
import { MAX_PREFIX_LENGTH, MAX_SUGGEST_LIMIT } from '../plugins/dpgcn/queries/service';
import { QuerySuggestions } from '../schema/queries';
import type { GatewayContext } from '../services/context';

@Resolver()
export class QueriesResolver {
  @Query(() => QuerySuggestions, {
    description:
      'Known queries starting with a prefix, ranked for the user (dpgcn embedding, popularity, own recent queries); unknown users get popularity by prefix. BAD_USER_INPUT names the bad field.',
  })
  async suggestQueries(
    @Arg('userId', { description: 'User id (1-256 characters).' }) userId: string,
    @Arg('prefix', () => String, { nullable: true, description: `Start of the query text, normalised like query text (at most ${MAX_PREFIX_LENGTH} characters; default empty: every known query).` })
    prefix: string | undefined,
    @Arg('limit', () => Int, { nullable: true, description: `Suggestions to return (1..${MAX_SUGGEST_LIMIT}, default 10).` }) limit: number | undefined,
    @Ctx() ctx: GatewayContext,
  ): Promise<QuerySuggestions> {
    if (!ctx.queries) throw toGraphQLError(new CodedError(ErrorCode.MODEL_UNAVAILABLE, 'query suggestions are not served on this gateway'));
    try {
      const r = await ctx.queries.suggest({ userId, prefix, limit });
      return { userId: r.userId, prefix: r.prefix, coldStart: r.coldStart, artifactVersion: r.artifactVersion, suggestions: r.suggestions.map((s) => ({ ...s })) };
    } catch (err) {
      if (err instanceof CodedError) throw toGraphQLError(err);
      throw err;
    }
  }
}
