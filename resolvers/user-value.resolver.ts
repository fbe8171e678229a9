import { Arg, Ctx, Float, Int, Query, Resolver } from 'type-graphql';
import { checkId } from '../domain/validate';
import type { UserValue as DomainUserValue } from '../domain/user-value';
import { ErrorCode } from '../errors/codes';
import { CodedError, badInput, toGraphQLError } from '../errors/errors';
import { BadCursorError } from '../plugins/duve/snapshot';
import type { UserValueService } from '../services/user-values';
import { UserSegment, UserValue, UserValueConnection } from '../schema/user-value';
import type { GatewayContext } from '../services/context';

const MAX_PAGE = 500;

function service(ctx: GatewayContext): UserValueService {
  if (ctx.userValues === null) {
    throw toGraphQLError(
      new CodedError(ErrorCode.MODEL_UNAVAILABLE, `DUVE is off: no model artifact under DUVE_MODEL_DIR (train one with \`node dist/cli/main.js train duve\`)`, { field: 'DUVE_MODEL_DIR' }),
    );
  }
  return ctx.userValues;
}

export function toUserValue(v: DomainUserValue): UserValue {
  return {
    ...v,
    segment: v.segment as UserSegment,
    drivers: v.drivers.map((d) => ({ ...d })),
    updatedAt: new Date(v.asOf),
    lastEventAt: new Date(v.lastEventAt),
  };
}

@Resolver()
export class UserValueResolver {
  @Query(() => UserValue, { nullable: true, description: "A user's live DUVE forecast (null for a user with no tracked interactions)." })
  async userValue(@Arg('userId', { description: 'User id (1-256 characters).' }) userId: string, @Ctx() ctx: GatewayContext): Promise<UserValue | null> {
    const id = checkId('userId', userId);
    if (!id.ok) throw badInput('userId', id.problem.message);
    const engine = service(ctx).engine();
    const v = (await engine.values([id.value])).get(id.value);
    return v === undefined ? null : toUserValue(v);
  }

  @Query(() => UserValueConnection, { description: "Published user values (as of each user's last event or refresh), highest value first, cursor-paginated." })
  users(
    @Arg('segment', () => UserSegment, { nullable: true }) segment: UserSegment | undefined,
    @Arg('minValue', () => Float, { nullable: true, description: 'Only users with value ≥ minValue.' }) minValue: number | undefined,
    @Arg('first', () => Int, { defaultValue: 20, description: `Page size (1..${MAX_PAGE}).` }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page.' }) after: string | undefined,
    @Ctx() ctx: GatewayContext,
  ): UserValueConnection {
    if (!(Number.isInteger(first) && first >= 1 && first <= MAX_PAGE)) throw badInput('first', `must be between 1 and ${MAX_PAGE} (got ${first})`);
    if (minValue !== undefined && minValue !== null && !(Number.isFinite(minValue) && minValue >= 0)) throw badInput('minValue', `must be a number ≥ 0 (got ${minValue})`);
    const svc = service(ctx);
    let page;
    try {
      page = svc.snapshot.list({ segment: segment ?? undefined, minValue: minValue ?? undefined, first, after: after ?? undefined });
    } catch (err) {
      if (err instanceof BadCursorError) throw badInput('after', err.message);
      throw err;
    }
    return {
      edges: page.rows.map((r) => ({ cursor: r.cursor, node: toUserValue(r.value) })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.rows.at(-1)?.cursor ?? null },
      totalCount: page.totalCount,
    };
  }
}
