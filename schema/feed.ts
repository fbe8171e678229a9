/** Output and input types of `feed`. */
import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from './scalars';
import { Item } from './catalog';

@ObjectType({ description: "One scorer's part in an item's final score: the explanation." })
export class Contribution {
  @Field({ description: 'Namespaced scorer id, e.g. baseline/commercial.' })
  scorerId!: string;

  @Field({ description: 'Scorer version (semver).' })
  version!: string;

  @Field(() => Float, { description: "The scorer's own score." })
  raw!: number;

  @Field(() => Float, { description: "Min-max normalised over this request's candidates, in [0, 1]." })
  normalized!: number;

  @Field(() => Float, { description: 'Effective blend weight after renormalising over the scorers that answered.' })
  weight!: number;

  @Field(() => Float, { description: 'weight x normalized: the share of the final score.' })
  value!: number;
}

@ObjectType({ description: 'A ranked item with its explanation.' })
export class FeedItem {
  @Field(() => Int, { description: '1-based position in the feed.' })
  rank!: number;

  @Field({ description: 'Item id.' })
  itemId!: string;

  @Field(() => Float, { description: 'Final blended score in [0, 1] (before diversity re-ranking).' })
  score!: number;

  @Field(() => [Contribution], { description: 'Per-scorer contributions.' })
  contributions!: Contribution[];

  @Field(() => [String], { description: 'Retrievers that proposed the item: neighbourhood, trending, fresh (fallback when every scorer failed).' })
  sources!: string[];

  @Field(() => Item, { nullable: true, description: 'Catalogue record (null if the item has no record).' })
  item?: Item | null;
}

@ObjectType({ description: "A request's variant in one running experiment." })
export class FeedAssignment {
  @Field()
  experimentId!: string;

  @Field()
  variantKey!: string;
}

@ObjectType({ description: 'A scorer dropped from this feed, and why.' })
export class DegradedScorer {
  @Field()
  scorerId!: string;

  @Field()
  version!: string;

  @Field({ description: 'SCORER_TIMEOUT, SCORER_FAILED or SCORER_BAD_OUTPUT.' })
  code!: string;

  @Field()
  message!: string;
}

@ObjectType({ description: 'What produced the feed.' })
export class StrategyInfo {
  @Field({ description: 'Strategy name.' })
  id!: string;

  @Field({ description: 'Digest of the strategy settings and the ids+versions of its scorers.' })
  digest!: string;
}

@ObjectType({ description: 'A ranked, diverse, explained list of items for one user.' })
export class Feed {
  @Field()
  userId!: string;

  @Field(() => StrategyInfo)
  strategy!: StrategyInfo;

  @Field({ description: 'True when the user has no history: the feed comes from trending and fresh items.' })
  coldStart!: boolean;

  @Field(() => [FeedItem])
  items!: FeedItem[];

  @Field(() => [DegradedScorer], { description: 'Scorers dropped from this feed (slow, failing or invalid output).' })
  degraded!: DegradedScorer[];

  @Field(() => Int, { description: 'Candidates scored.' })
  candidateCount!: number;

  @Field(() => DateTimeScalar)
  generatedAt!: Date;

  @Field(() => [FeedAssignment], { description: 'The experiments this request was assigned in (empty outside experiments); logged with the exposure.' })
  experiments!: FeedAssignment[];
}

@InputType({ description: 'Request context from the frontend.' })
export class FeedContextInput {
  @Field({ nullable: true, description: 'Surface asking for the feed (home, pdp, cart, ...). Default "home".' })
  surface?: string;

  @Field(() => [String], { nullable: true, description: 'Items to leave out (e.g. already on screen). At most 500.' })
  excludeItemIds?: string[];
}
