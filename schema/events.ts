/** Event ingestion types. */
import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { EventNumberScalar, EventTimeScalar } from './scalars';

@InputType({ description: 'One interaction. Re-sending the same eventId changes nothing.' })
export class EventInput {
  // eventId, userId, type and ts are required, but nullable here so that a missing one rejects
  // only its event (per event, naming the field) instead of failing the whole batch.
  @Field(() => String, { nullable: true, description: 'Required. Client-supplied unique id (1-256 characters, NFC, no control, bidi or zero-width characters); the idempotency key.' })
  eventId?: string | null;

  @Field(() => String, { nullable: true, description: 'Required. User id (same rules as eventId).' })
  userId?: string | null;

  @Field(() => String, { nullable: true, description: 'Required. One of the event types listed by `eventTypes` (view, click, add_to_cart, purchase, ...).' })
  type?: string | null;

  @Field({ nullable: true, description: 'Item acted on; required for every type but search.' })
  itemId?: string;

  @Field(() => EventTimeScalar, { nullable: true, description: 'Required. When it happened: after 1990, at most MAX_EVENT_FUTURE_SKEW_MS (default 5 minutes) ahead of the server clock.' })
  ts?: unknown;

  @Field(() => EventNumberScalar, { nullable: true, description: 'Monetary value (purchase revenue), 0..MAX_EVENT_VALUE (default 1,000,000). Default 0.' })
  value?: unknown;

  @Field(() => EventNumberScalar, { nullable: true, description: 'Dwell time in ms, 0..MAX_EVENT_DWELL_MS (default 86,400,000).' })
  dwellMs?: unknown;

  @Field({ nullable: true })
  session?: string;

  @Field({ nullable: true, description: 'Referral source (campaign, partner, page).' })
  referrer?: string;

  @Field({ nullable: true, description: 'Search text (required for search events; for ad_click and selling_point_click, the query that served the ad).' })
  query?: string;

  @Field({ nullable: true, description: 'The clicked selling-point keyword: required for selling_point_click (1-32 characters, stored normalised), ignored for other types.' })
  keyword?: string;
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

  @Field(() => Int, { description: 'Of the accepted events, those whose itemId names no catalogue item (stored all the same; upsert the item to give it features).' })
  unknownItems!: number;

  @Field(() => [String], { description: 'Event ids already stored, or repeated earlier in this batch (idempotent re-sends); nothing changed for them.' })
  duplicates!: string[];

  @Field(() => [EventRejection])
  rejected!: EventRejection[];
}
