/** The dpgcn/graph scorer's DDPG fusion policy as operators see it (plugins/dpgcn/policy/service.ts). */
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from './scalars';

@ObjectType({ description: 'A served actor version of the policy.' })
export class DpgcnPolicyVersion {
  @Field(() => Int)
  version!: number;

  @Field({ description: '`pretrain` (offline, from the store) or `online` (the job-queue learner).' })
  source!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}

@ObjectType({ description: 'The fusion weights α served by the last decisions (at most 2,000) of this instance; null fields before any.' })
export class DpgcnAlphaDistribution {
  @Field(() => Int)
  count!: number;

  @Field(() => Float, { nullable: true })
  mean!: number | null;

  @Field(() => Float, { nullable: true })
  min!: number | null;

  @Field(() => Float, { nullable: true })
  p10!: number | null;

  @Field(() => Float, { nullable: true })
  p50!: number | null;

  @Field(() => Float, { nullable: true })
  p90!: number | null;

  @Field(() => Float, { nullable: true })
  max!: number | null;
}

@ObjectType({ description: 'The DDPG policy that picks the dpgcn/graph fusion weight α per request, and its online learning.' })
export class DpgcnPolicy {
  @Field(() => DpgcnPolicyVersion, { nullable: true, description: 'The actor version served here; null before the first (α is then the artifact’s fitted α).' })
  version!: DpgcnPolicyVersion | null;

  @Field(() => Int, { description: 'Versions published so far.' })
  versions!: number;

  @Field({ description: 'Frozen for every strategy: no exploration, no decisions recorded, no learning.' })
  frozen!: boolean;

  @Field(() => [Float], { description: 'The safe range [lo, hi] every α is clipped into.' })
  range!: number[];

  @Field(() => Int, { description: 'Learning updates (DDPG steps) run by this instance’s learner.' })
  updates!: number;

  @Field(() => Int, { description: 'Transitions in the replay buffer.' })
  replaySize!: number;

  @Field(() => Float, { nullable: true, description: 'Mean reward of the last transitions (at most 1,000); null before any.' })
  recentMeanReward!: number | null;

  @Field(() => Int, { description: 'Decisions made by this instance since it started (frozen ones included).' })
  decisions!: number;

  @Field(() => Int, { description: 'Recorded decisions still inside their attribution window.' })
  openDecisions!: number;

  @Field(() => String, { nullable: true, description: 'Why the policy stopped updating (a non-finite action or critic value), null while learning.' })
  halted!: string | null;

  @Field(() => DpgcnAlphaDistribution)
  alpha!: DpgcnAlphaDistribution;
}
