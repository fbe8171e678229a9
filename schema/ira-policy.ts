/** The IRA policy (plugins/ira/service.ts) as operators see it: its lines, versions, learning and safety state. */
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from './scalars';

@ObjectType({ description: "The guardrail's last judgement of a line: SNIPS value estimates over the recent logged decisions." })
export class IraGuardrail {
  @Field(() => Float, { description: 'The updated network (Boltzmann at T = 0.1 over its Q).' })
  estimate!: number;

  @Field(() => Float, { description: 'Version 0 (the heuristic Q), same estimator and decisions.' })
  baseline!: number;

  @Field(() => Int, { description: 'Logged slots the estimate used.' })
  slots!: number;

  @Field({ description: 'The estimate fell below the baseline by more than IRA_GUARDRAIL_MARGIN of it (the line halted).' })
  breached!: boolean;

  @Field(() => DateTimeScalar)
  at!: Date;
}

@ObjectType({ description: 'One IRA policy line: its own versions, replay and learner (lines are named by the scorer settings of a strategy).' })
export class IraPolicyLine {
  @Field()
  line!: string;

  @Field(() => Int, { description: 'The version served here; 0 = the heuristic Q (no version yet).' })
  version!: number;

  @Field({ description: '`pretrain`, `online`, or `heuristic` for version 0.' })
  source!: string;

  @Field(() => DateTimeScalar, { nullable: true })
  createdAt!: Date | null;

  @Field(() => Int, { description: 'Versions stored (the newest are kept).' })
  versions!: number;

  @Field({ description: 'Frozen (this line or every line): no exploration, no online updates.' })
  frozen!: boolean;

  @Field(() => String, { nullable: true, description: 'Why online updates stopped (the guardrail or a non-finite update); null while learning. Resumed by freezeIraPolicy(frozen: false).' })
  halted!: string | null;

  @Field(() => Int, { description: 'Double-DQN updates run by this instance’s learner.' })
  updates!: number;

  @Field(() => Int, { description: 'Transitions (shown slots) in the replay buffer.' })
  replaySize!: number;

  @Field(() => Float, { nullable: true, description: 'Mean slot reward of the last transitions (at most 1,000); null before any.' })
  recentMeanReward!: number | null;

  @Field(() => IraGuardrail, { nullable: true, description: 'The last guardrail judgement; null before one (too few logged slots).' })
  guardrail!: IraGuardrail | null;

  @Field(() => Int, { description: 'Decisions recorded by this instance.' })
  decisions!: number;

  @Field(() => Int, { description: 'Recorded decisions still inside their attribution window.' })
  openDecisions!: number;
}

@ObjectType({ description: 'The IRA policy (the `ira/policy` scorer’s Q-network lines) and its online learning.' })
export class IraPolicy {
  @Field({ description: 'Frozen for every line.' })
  frozenAll!: boolean;

  @Field(() => [IraPolicyLine])
  lines!: IraPolicyLine[];

  @Field(() => Int, { description: 'Learning jobs settled on this instance.' })
  learningJobs!: number;
}
