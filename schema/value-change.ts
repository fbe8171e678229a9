/** Output type of the partner subscription `userValueChanged`. */
import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from './scalars';
import { UserSegment } from './user-value';

/** GraphQL values of ValueChange.reason (domain/user-value.ts). */
export enum ValueChangeReason {
  EVENT = 'event',
  REFRESH = 'refresh',
}

registerEnumType(ValueChangeReason, {
  name: 'ValueChangeReason',
  description: 'What moved the value: EVENT (an interaction was recorded) or REFRESH (the periodic recomputation, e.g. decay or a new model).',
});

@ObjectType({ description: "A change of a user's forecast value, as a partner entitled to its segment receives it." })
export class UserValueChange {
  @Field({ description: 'Monotonic position in the value-change log (`<ms>-<seq>`). Pass the last one received as `after` to resume without gaps.' })
  cursor!: string;

  @Field()
  userId!: string;

  @Field(() => UserSegment)
  segment!: UserSegment;

  @Field(() => UserSegment, { nullable: true, description: 'Null when the user had no value before, or the previous segment is one you are not entitled to.' })
  previousSegment!: UserSegment | null;

  @Field(() => Float, { description: 'The value score (see `UserValue.value`).' })
  value!: number;

  @Field(() => Float, { nullable: true, description: 'Null when the user had no value before.' })
  previousValue!: number | null;

  @Field(() => Float, { description: 'value − (previousValue ?? 0).' })
  delta!: number;

  @Field(() => Float, { description: 'P(at least one purchase over the horizon).' })
  purchaseProbability!: number;

  @Field({ description: 'duve/value@<artifact version>.' })
  modelVersion!: string;

  @Field(() => ValueChangeReason)
  reason!: ValueChangeReason;

  @Field(() => DateTimeScalar, { description: 'Data time of the new value.' })
  asOf!: Date;

  @Field(() => DateTimeScalar, { description: 'When the value-change log accepted the change.' })
  loggedAt!: Date;
}
