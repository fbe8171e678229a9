/** Published scorers and strategies: the types of the scorer platform (publish, shadow, promote, roll back). */
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from './scalars';

@ObjectType({ description: 'One ONNX input of a published scorer: its name and its feature-vector layout (standard columns, in order).' })
export class ManifestInput {
  @Field()
  name!: string;

  @Field(() => [String], { description: 'Standard column names (docs/writing-a-scorer.md); the input is float32 [N, columns.length].' })
  columns!: string[];
}

@ObjectType({ description: 'The ONNX output holding one score per candidate, and what it means.' })
export class ManifestOutput {
  @Field()
  name!: string;

  @Field({ description: '`score`, `probability` or `logit`.' })
  meaning!: string;
}

@ObjectType({ description: 'An accepted version of a published scorer.' })
export class PublishedScorerVersion {
  @Field()
  version!: string;

  @Field()
  description!: string;

  @Field(() => [String])
  features!: string[];

  @Field(() => [ManifestInput])
  inputs!: ManifestInput[];

  @Field(() => ManifestOutput)
  output!: ManifestOutput;

  @Field(() => Int)
  timeoutMs!: number;

  @Field({ description: 'SHA-256 of the ONNX model.' })
  modelSha256!: string;

  @Field(() => Int)
  modelBytes!: number;

  @Field(() => DateTimeScalar)
  publishedAt!: Date;

  @Field({ description: 'Name of the API key that published it.' })
  publishedBy!: string;

  @Field()
  publishedByKeyId!: string;

  @Field({ description: 'Loaded on the instance that answered (live, shadowed or pinned by a strategy, and set up).' })
  loadedHere!: boolean;

  @Field(() => String, { nullable: true, description: 'Why the answering instance could not load it, when it tried.' })
  problem!: string | null;
}

@ObjectType({ description: 'Failures of a shadow scorer by code.' })
export class CodeCount {
  @Field()
  code!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'How far a shadow scorer agrees with what a strategy served, on the answering instance since it started shadowing there.' })
export class ShadowAgreement {
  @Field()
  version!: string;

  @Field({ description: 'The strategy that served the shadowed requests.' })
  strategyId!: string;

  @Field(() => Int, { description: 'Shadowed requests.' })
  requests!: number;

  @Field(() => Int, { description: 'Requests on which the shadow scorer failed, timed out or returned bad scores.' })
  failures!: number;

  @Field(() => [CodeCount])
  failuresByCode!: CodeCount[];

  @Field(() => Float, { nullable: true, description: 'Mean Spearman correlation between its scores and the served blend, over the candidates (1 = same order).' })
  meanRankCorrelation!: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean share of the served items that are also in its own top N.' })
  meanTopNOverlap!: number | null;

  @Field(() => Float, { nullable: true, description: 'Median shadow scoring time (ms), last 1,000 requests.' })
  p50Ms!: number | null;

  @Field(() => Float, { nullable: true })
  p95Ms!: number | null;
}

@ObjectType({ description: 'A scorer published at runtime (a manifest plus an ONNX model), with its lifecycle.' })
export class PublishedScorer {
  @Field()
  id!: string;

  @Field(() => String, { nullable: true, description: 'The version strategies naming this id serve; null until one is promoted.' })
  live!: string | null;

  @Field(() => String, { nullable: true, description: 'The version scored in shadow (not blended) on live requests.' })
  shadow!: string | null;

  @Field(() => [String], { description: 'Earlier live versions, oldest first; rollbackScorer restores the last.' })
  liveHistory!: string[];

  @Field(() => [PublishedScorerVersion], { description: 'Every accepted version, oldest first.' })
  versions!: PublishedScorerVersion[];

  @Field(() => [ShadowAgreement], { description: 'Shadow agreement per version and serving strategy, on the answering instance.' })
  agreement!: ShadowAgreement[];
}

@ObjectType({ description: 'An accepted version of a published strategy.' })
export class PublishedStrategyVersion {
  @Field(() => Int)
  version!: number;

  @Field(() => GraphQLJSONObject, { description: 'The strategy JSON as published.' })
  strategy!: Record<string, unknown>;

  @Field(() => DateTimeScalar)
  publishedAt!: Date;

  @Field()
  publishedBy!: string;
}

@ObjectType({ description: 'A strategy published at runtime; it overrides a strategy file of the same id while a version is live.' })
export class PublishedStrategy {
  @Field()
  id!: string;

  @Field(() => Int, { nullable: true })
  live!: number | null;

  @Field(() => [Int])
  liveHistory!: number[];

  @Field(() => [PublishedStrategyVersion])
  versions!: PublishedStrategyVersion[];

  @Field({ description: 'The answering instance serves the live version under this id.' })
  servedHere!: boolean;

  @Field(() => String, { nullable: true })
  problem!: string | null;
}

@ObjectType({ description: 'One accepted change of the published catalog.' })
export class CatalogChangeEntry {
  @Field(() => Int)
  revision!: number;

  @Field({ description: '`scorer` or `strategy`.' })
  kind!: string;

  @Field()
  id!: string;

  @Field({ description: '`publish`, `promote`, `rollback`, `shadow`, `unshadow`.' })
  action!: string;

  @Field(() => String, { nullable: true })
  version!: string | null;

  @Field(() => DateTimeScalar)
  at!: Date;

  @Field({ description: 'Name of the API key that made it.' })
  by!: string;

  @Field()
  byKeyId!: string;
}
