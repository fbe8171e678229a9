/** The IRA policy's operations: status, freeze, roll back (plugins/ira/service.ts). Audited by the access plugin like every mutation. */
import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { ErrorCode } from '../errors/codes';
import { CodedError, toGraphQLError } from '../errors/errors';
import type { IraPolicyService, IraPolicyStatus } from '../plugins/ira';
import { IraPolicy } from '../schema/ira-policy';
import type { GatewayContext } from '../services/context';

export function toIraPolicy(s: IraPolicyStatus): IraPolicy {
  return {
    frozenAll: s.frozenAll,
    learningJobs: s.learningJobs,
    lines: s.lines.map((l) => ({
      line: l.line,
      version: l.version,
      source: l.source,
      createdAt: l.createdAt === null ? null : new Date(l.createdAt),
      versions: l.versions,
      frozen: l.frozen,
      halted: l.halted,
      updates: l.updates,
      replaySize: l.replaySize,
      recentMeanReward: l.recentMeanReward,
      guardrail: l.guardrail === null ? null : { ...l.guardrail, at: new Date(l.guardrail.at) },
      decisions: l.decisions,
      openDecisions: l.openDecisions,
    })),
  };
}

async function run(ctx: GatewayContext, work: (p: IraPolicyService) => Promise<IraPolicyStatus>): Promise<IraPolicy> {
  if (!ctx.iraPolicy) throw toGraphQLError(new CodedError(ErrorCode.MODEL_UNAVAILABLE, 'no IRA policy is served on this gateway (IRA_DB_PATH is empty)'));
  try {
    return toIraPolicy(await work(ctx.iraPolicy));
  } catch (err) {
    if (err instanceof CodedError) throw toGraphQLError(err);
    throw err;
  }
}

@Resolver()
export class IraPolicyResolver {
  @Query(() => IraPolicy, { description: 'The IRA policy: per line the version served, frozen, halted, learning and the guardrail. MODEL_UNAVAILABLE without one. Needs scorers:read.' })
  iraPolicy(@Ctx() ctx: GatewayContext): Promise<IraPolicy> {
    return run(ctx, (p) => p.status());
  }

  @Mutation(() => IraPolicy, {
    description:
      'Freeze (or unfreeze) one line, or every line when `line` is omitted, on every instance: no exploration and no online updates. Unfreezing also resumes a line halted by the guardrail. BAD_USER_INPUT for an unknown line. Needs scorers:write.',
  })
  freezeIraPolicy(@Arg('frozen', () => Boolean) frozen: boolean, @Arg('line', () => String, { nullable: true }) line: string | null, @Ctx() ctx: GatewayContext): Promise<IraPolicy> {
    return run(ctx, (p) => p.freeze(frozen, line ?? undefined));
  }

  @Mutation(() => IraPolicy, {
    description:
      'Serve the version of a line live before the current one (every line that has one when `line` is omitted); LIFECYCLE_CONFLICT when there is none, BAD_USER_INPUT for an unknown line. Needs scorers:write.',
  })
  rollbackIraPolicy(@Arg('line', () => String, { nullable: true }) line: string | null, @Ctx() ctx: GatewayContext): Promise<IraPolicy> {
    return run(ctx, (p) => p.rollback(line ?? undefined));
  }
}
