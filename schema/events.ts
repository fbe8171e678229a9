/** Event ingestion types. */
import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from './scalars';

@InputType({ description: 'One interaction. Re-sending the same eventId changes nothing.' })
export class EventInput {
  @Field({ description: 'Client-supplied unique id (1-256 characters); the idempotency key.' })
  eventId!: string;

  @Field()
  userId!: string;

  @Field({ description: 'One of the event types listed by `eventTypes` (view, click, add_to_cart, purchase, ...).' })
  type!: string;

  @Field({ nullable: true, description: 'Item acted on; required for every type but search.' })
  itemId?: string;

  @Field(() => DateTimeScalar, { description: 'When it happened; at most 5 minutes ahead of the server clock.' })
  ts!: Date;

  @Field(() => Float, { nullable: true, description: 'Monetary value (purchase revenue), >= 0. Default 0.' })
  value?: number;

  @Field(() => Float, { nullable: true, description: 'Dwell time in ms, >= 0.' })
  dwellMs?: number;

  @Field({ nullable: true })
  session?: string;

  @Field({ nullable: true, description: 'Referral source (campaign, partner, page).' })
  referrer?: string;

  @Field({ nullable: true, description: 'Search text (required for search events).' })
  query?: string;
}

@ObjectType({ description: 'An event that was not stored, and why.' })
export class EventRejection {
  @Field(() => Int, { description: 'Index in the submitted list.' })
  index!: number;

  @Field(() => String, { nullable: true })
  eventId!: string | null;

  @Field({ description: 'Offending field path, e.g. events[3].type.' })
  field!: string;

  @Field({ description: 'Public error code (BAD_USER_INPUT).' })
  code!: string;

  @Field()
  message!: string;
}

@ObjectType({ description: 'Outcome of recordEvents: valid events are stored, invalid ones reported by index.' })
export class RecordEventsResult {
  @Field(() => Int, { description: 'Events stored by this call.' })
  accepted!: number;

  @Field(() => [String], { description: 'Event ids already stored (idempotent re-sends); nothing changed for them.' })
  duplicates!: string[];

  @Field(() => [EventRejection])
  rejected!: EventRejection[];
}
