/** Experiment types: A/B/n tests as first-class objects, and their inputs. */
import { Field, Float, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from './scalars';

export enum ExperimentStatus {
  DRAFT = 'draft',
  RUNNING = 'running',
  STOPPED = 'stopped',
  ARCHIVED = 'archived',
}
registerEnumType(ExperimentStatus, { name: 'ExperimentStatus', description: 'DRAFT -> RUNNING (startExperiment) -> STOPPED (stopExperiment) -> ARCHIVED (archiveExperiment; a draft can be archived too).' });

export enum ExperimentMetric {
  CTR = 'ctr',
  ADD_TO_CART_RATE = 'add_to_cart_rate',
  CONVERSION_RATE = 'conversion_rate',
  AOV = 'aov',
  GMV_PER_IMPRESSION = 'gmv_per_impression',
  RETENTION_7D = 'retention_7d',
  RETENTION_30D = 'retention_30d',
  HIGH_VALUE_CAPTURE = 'high_value_capture',
  P99_LATENCY_MS = 'p99_latency_ms',
  DIVERSITY = 'diversity',
}
registerEnumType(ExperimentMetric, { name: 'ExperimentMetric', description: 'Metrics computed from events attributed to exposures (see the README).' });

@ObjectType({ description: 'One arm of an experiment: a traffic share served by a feed strategy.' })
export class ExperimentVariant {
  @Field()
  key!: string;

  @Field(() => Float, { description: 'Traffic share in (0, 1]; the shares sum to 1.' })
  weight!: number;

  @Field({ description: 'Id of the feed strategy served to this arm.' })
  strategyId!: string;
}

@ObjectType({ description: 'An A/B/n test on a surface. Users are assigned by a hash of userId and salt (sticky).' })
export class Experiment {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field()
  hypothesis!: string;

  @Field({ description: 'Feed surface (`context.surface` of the feed query).' })
  surface!: string;

  @Field(() => String, { nullable: true, description: 'Layer, when it may overlap other running experiments on the surface (each in its own layer).' })
  layer!: string | null;

  @Field(() => ExperimentStatus)
  status!: ExperimentStatus;

  @Field(() => [ExperimentVariant])
  variants!: ExperimentVariant[];

  @Field()
  salt!: string;

  @Field(() => [ExperimentMetric])
  primaryMetrics!: ExperimentMetric[];

  @Field(() => [ExperimentMetric])
  guardrails!: ExperimentMetric[];

  @Field(() => Float, { description: 'Events within this many hours after an exposure are attributed to it.' })
  attributionWindowHours!: number;

  @Field(() => Float, { description: 'DUVE value at or above which a user counts as high-value.' })
  highValueThreshold!: number;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  start!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  stop!: Date | null;
}

@InputType()
export class ExperimentVariantInput {
  @Field()
  key!: string;

  @Field(() => Float)
  weight!: number;

  @Field()
  strategyId!: string;
}

@InputType()
export class CreateExperimentInput {
  @Field()
  name!: string;

  @Field({ nullable: true })
  hypothesis?: string;

  @Field({ nullable: true, description: 'Default "home".' })
  surface?: string;

  @Field(() => String, { nullable: true })
  layer?: string | null;

  @Field(() => [ExperimentVariantInput])
  variants!: ExperimentVariantInput[];

  @Field({ nullable: true, description: 'Default: the experiment id.' })
  salt?: string;

  @Field(() => [ExperimentMetric])
  primaryMetrics!: ExperimentMetric[];

  @Field(() => [ExperimentMetric], { nullable: true, description: 'Default [P99_LATENCY_MS, DIVERSITY].' })
  guardrails?: ExperimentMetric[];

  @Field(() => Float, { nullable: true, description: 'Default 24.' })
  attributionWindowHours?: number;

  @Field(() => Float, { nullable: true, description: 'Default 0.' })
  highValueThreshold?: number;
}
