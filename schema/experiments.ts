/** Experiment types: A/B/n tests as first-class objects, and their inputs. */
import { Field, Float, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from './scalars';

export enum ExperimentStatus {
  DRAFT = 'draft',
  RUNNING = 'running',
  STOPPED = 'stopped',
  ARCHIVED = 'archived',
}
registerEnumType(ExperimentStatus, {
  name: 'ExperimentStatus',
  description: 'DRAFT -> RUNNING (startExperiment) -> STOPPED (stopExperiment) -> ARCHIVED (archiveExperiment; a draft can be archived too).',
});

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

@ObjectType({ description: 'A metric of one variant. Rates carry their numerator and denominator; null value = not measurable yet (e.g. no eligible users).' })
export class MetricValue {
  @Field(() => ExperimentMetric)
  metric!: ExperimentMetric;

  @Field(() => Float, { nullable: true })
  value!: number | null;

  @Field(() => Float, { nullable: true })
  numerator!: number | null;

  @Field(() => Float, { nullable: true })
  denominator!: number | null;
}

@ObjectType()
export class VariantResult {
  @Field()
  key!: string;

  @Field(() => Float)
  weight!: number;

  @Field(() => Float, { description: 'Exposed users.' })
  users!: number;

  @Field(() => Float)
  exposures!: number;

  @Field(() => Float, { description: 'Items shown.' })
  impressions!: number;

  @Field(() => [MetricValue])
  metrics!: MetricValue[];
}

@ObjectType({ description: 'A treatment against the control on one metric. Intervals at 1 − alpha; non-finite bounds (e.g. a relative lift over 0) are null.' })
export class MetricComparison {
  @Field(() => ExperimentMetric)
  metric!: ExperimentMetric;

  @Field()
  variant!: string;

  @Field()
  control!: string;

  @Field({
    description:
      '`delta` (delta-method ratio z-test over users: CTR, cart rate), `z` (two-proportion z-test over users), `welch` (Welch t-test) or `bootstrap` (user-level percentile bootstrap intervals, delta-method p-value: GMV per impression).',
  })
  test!: string;

  @Field(() => Float, { nullable: true })
  absoluteLift!: number | null;

  @Field(() => Float, { nullable: true })
  absoluteCiLower!: number | null;

  @Field(() => Float, { nullable: true })
  absoluteCiUpper!: number | null;

  @Field(() => Float, { nullable: true })
  relativeLift!: number | null;

  @Field(() => Float, { nullable: true })
  relativeCiLower!: number | null;

  @Field(() => Float, { nullable: true })
  relativeCiUpper!: number | null;

  @Field(() => Float)
  pValue!: number;

  @Field(() => Float, { description: 'Holm-adjusted across every tested (metric, variant) pair.' })
  holmPValue!: number;

  @Field(() => Float, { description: 'Bonferroni-adjusted across the same family.' })
  bonferroniPValue!: number;

  @Field({ description: 'Holm-adjusted p < alpha.' })
  significant!: boolean;
}

@ObjectType({ description: 'Sample-ratio-mismatch check: chi-square of exposed users per variant against the traffic weights; mismatch when p < 0.001.' })
export class SrmCheck {
  @Field(() => Float)
  chiSquare!: number;

  @Field(() => Float)
  pValue!: number;

  @Field()
  mismatch!: boolean;

  @Field(() => [Float])
  observed!: number[];

  @Field(() => [Float])
  expected!: number[];
}

@ObjectType()
export class DailyPoint {
  @Field(() => DateTimeScalar, { description: 'UTC day.' })
  day!: Date;

  @Field()
  variant!: string;

  @Field(() => Float)
  exposures!: number;

  @Field(() => Float)
  impressions!: number;

  @Field(() => Float, { nullable: true })
  ctr!: number | null;

  @Field(() => Float, { nullable: true })
  gmvPerImpression!: number | null;
}

@ObjectType({ description: 'The whole picture of an experiment.' })
export class ExperimentResults {
  @Field(() => Experiment)
  experiment!: Experiment;

  @Field({ description: 'Key of the control variant (`control`, else the first).' })
  control!: string;

  @Field(() => Float)
  alpha!: number;

  @Field(() => [VariantResult])
  variants!: VariantResult[];

  @Field(() => [MetricComparison])
  comparisons!: MetricComparison[];

  @Field(() => SrmCheck)
  srm!: SrmCheck;

  @Field(() => [DailyPoint])
  daily!: DailyPoint[];

  @Field(() => DateTimeScalar, { description: 'Data time the results are computed at.' })
  dataEnd!: Date;
}
