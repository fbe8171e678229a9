/** The DDPG fusion policy's operations: status, freeze, roll back (plugins/dpgcn/policy/service.ts). Audited by the access plugin like every mutation. */
import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { ErrorCode } from '../errors/codes';
import { CodedError, toGraphQLError } from '../errors/errors';
import type { DpgcnPolicyService, DpgcnPolicyStatus } from '../plugins/dpgcn/policy/service';
import { DpgcnPolicy } from '../schema/dpgcn-policy';
import type { GatewayContext } from '../services/context';

export function toDpgcnPolicy(s: DpgcnPolicyStatus): DpgcnPolicy {
  return {
    version: s.version === null ? null : { version: s.version.version, source: s.version.source, createdAt: new Date(s.version.createdAt) },
    versions: s.versions,
    frozen: s.frozen,
    range: [...s.range],
    updates: s.learner.updates,
    replaySize: s.learner.replaySize,
    recentMeanReward: s.learner.recentMeanReward,
    decisions: s.decisions,
    openDecisions: s.openDecisions,
    halted: s.learner.halted,
    alpha: { ...s.actions },
  };
}

async function run(ctx: GatewayContext, work: (p: DpgcnPolicyService) => Promise<DpgcnPolicyStatus>): Promise<DpgcnPolicy> {
  if (!ctx.dpgcnPolicy) throw toGraphQLError(new CodedError(ErrorCode.MODEL_UNAVAILABLE, 'no DDPG fusion policy is served on this gateway'));
  try {
    return toDpgcnPolicy(await work(ctx.dpgcnPolicy));
  } catch (err) {
    if (err instanceof CodedError) throw toGraphQLError(err);
    throw err;
  }
}

@Resolver()
export class DpgcnPolicyResolver {
  @Query(() => DpgcnPolicy, { description: 'The dpgcn/graph fusion policy: version, frozen, learning, α served. MODEL_UNAVAILABLE without one. Needs scorers:read.' })
  dpgcnPolicy(@Ctx() ctx: GatewayContext): Promise<DpgcnPolicy> {
    return run(ctx, (p) => p.status());
  }

  @Mutation(() => DpgcnPolicy, { description: 'Freeze (or unfreeze) the policy for every strategy and instance: no exploration, recording or learning. Needs scorers:write.' })
  freezeDpgcnPolicy(@Arg('frozen', () => Boolean) frozen: boolean, @Ctx() ctx: GatewayContext): Promise<DpgcnPolicy> {
    return run(ctx, (p) => p.freeze(frozen));
  }

  @Mutation(() => DpgcnPolicy, { description: 'Serve the policy version live before the current one (LIFECYCLE_CONFLICT when there is none). Needs scorers:write.' })
  rollbackDpgcnPolicy(@Ctx() ctx: GatewayContext): Promise<DpgcnPolicy> {
    return run(ctx, (p) => p.rollback());
  }
}
