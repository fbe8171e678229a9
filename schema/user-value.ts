/** Output types of `userValue` and `users`, and the segment enum partners filter on. */
import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from './scalars';

/** GraphQL enum values (SCREAMING_CASE) of the DUVE segments (domain/user-value.ts). */
export enum UserSegment {
  NEW = 'new',
  LATENT_HIGH_INTENT = 'latent-high-intent',
  HIGH_VALUE = 'high-value',
  AT_RISK = 'at-risk',
  DORMANT = 'dormant',
}

registerEnumType(UserSegment, {
  name: 'UserSegment',
  description:
    "DUVE segment, first rule that holds: NEW (observed < newTenureDays), HIGH_VALUE (value ≥ the model's high-value threshold), LATENT_HIGH_INTENT (purchase probability ≥ the intent threshold), AT_RISK (active within dormantDays, not buying), DORMANT.",
});

@ObjectType({ description: 'How one interaction type moved the purchase forecast, relative to the average training user.' })
export class ValueDriver {
  @Field({ description: 'Interaction type, e.g. add_to_cart.' })
  type!: string;

  @Field(() => Float, { description: "This type's terms in the purchase logit: > 0 raises the purchase probability, < 0 lowers it." })
  purchaseLogit!: number;

  @Field(() => Float, { description: 'Decayed count of this type at asOf (with the learned decay).' })
  decayedCount!: number;
}

@ObjectType({ description: "A user's forecast value from DUVE's live online state." })
export class UserValue {
  @Field()
  userId!: string;

  @Field(() => Float, { description: 'The value score: expected spend over the horizon when the model has money, else expected purchases (see valueUnit).' })
  value!: number;

  @Field({ description: '`spend` or `purchases`.' })
  valueUnit!: string;

  @Field(() => Float, { description: 'Forecast spend over the horizon (0 when the model has no money).' })
  expectedSpend!: number;

  @Field(() => Float)
  expectedPurchases!: number;

  @Field(() => Float, { description: 'Engagement depth: expected tracked interactions over the horizon.' })
  expectedEvents!: number;

  @Field(() => Float, { description: 'P(at least one purchase over the horizon).' })
  purchaseProbability!: number;

  @Field(() => Float, { description: 'Forecast horizon in days (30 for a model trained on the default horizon).' })
  horizonDays!: number;

  @Field(() => UserSegment)
  segment!: UserSegment;

  @Field(() => [ValueDriver], { description: 'Tracked interaction types, the strongest mover first.' })
  drivers!: ValueDriver[];

  @Field({ description: 'duve/value@<artifact version>.' })
  modelVersion!: string;

  @Field(() => DateTimeScalar, { description: 'Data time the value was computed at.' })
  updatedAt!: Date;

  @Field(() => DateTimeScalar, { description: "The user's newest tracked interaction." })
  lastEventAt!: Date;
}

@ObjectType()
export class UserValueEdge {
  @Field({ description: 'Pass as `after` to get the rows after this one.' })
  cursor!: string;

  @Field(() => UserValue)
  node!: UserValue;
}

@ObjectType()
export class ValuePageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType({ description: 'Published user values, highest value first (ties by userId).' })
export class UserValueConnection {
  @Field(() => [UserValueEdge])
  edges!: UserValueEdge[];

  @Field(() => ValuePageInfo)
  pageInfo!: ValuePageInfo;

  @Field(() => Int, { description: 'Users matching the filters, over all pages.' })
  totalCount!: number;
}
