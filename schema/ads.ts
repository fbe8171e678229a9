/** The `ads` query: ad slots with titles rewritten to carry personalised selling points (MTL-ads). */
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Item } from './catalog';
import { DateTimeScalar } from './scalars';
import { DegradedScorer, FeedAssignment } from './feed';

@ObjectType({ description: 'A highlighted keyword in a rewritten ad title: [start, end) in UTF-16 code units of `title`. No markup.' })
export class AdHighlight {
  @Field(() => Int)
  start!: number;

  @Field(() => Int)
  end!: number;

  @Field()
  keyword!: string;
}

@ObjectType({ description: "A candidate selling point of an ad and its score: the model's P(selling-point click | shown) for the user (personalised), else the global click rate." })
export class AdSellingPoint {
  @Field()
  keyword!: string;

  @Field(() => Float)
  score!: number;
}

@ObjectType({ description: 'One ad slot.' })
export class AdSlot {
  @Field(() => Int, { description: '1-based position.' })
  rank!: number;

  @Field({ description: 'Item id of the ad.' })
  itemId!: string;

  @Field(() => Item, { nullable: true, description: 'Catalogue record.' })
  item!: Item | null;

  @Field({ description: 'The title rewritten to carry the shown selling points (plain text).' })
  title!: string;

  @Field(() => [AdHighlight], { description: 'Where the shown selling points sit in `title`, by start.' })
  highlights!: AdHighlight[];

  @Field(() => [AdSellingPoint], { description: 'Every candidate selling point with its score, best first.' })
  sellingPoints!: AdSellingPoint[];

  @Field(() => [String], { description: 'The selling points written into the title (logged with the exposure).' })
  shownSellingPoints!: string[];

  @Field(() => Float, { nullable: true, description: 'Predicted ad click-through rate; null when no model answered (see degraded).' })
  predictedCtr!: number | null;
}

@ObjectType({ description: 'Ads for a user and a query.' })
export class Ads {
  @Field()
  userId!: string;

  @Field({ description: 'The normalised query.' })
  query!: string;

  @Field({ description: 'The ads setting served (ads/sp<N>, ads/sp<N>-np or ads/sp<N>-rnd; see README "Ads (MTL-ads)").' })
  setting!: string;

  @Field(() => String, { nullable: true, description: 'mtl-ads/<kind>@<version> of the model that scored, null when none answered.' })
  modelVersion!: string | null;

  @Field({ description: "True when the shown selling points come from the model's per-user scores." })
  personalised!: boolean;

  @Field(() => [AdSlot])
  slots!: AdSlot[];

  @Field(() => [DegradedScorer], { description: 'The model when it was absent, slow, failing or invalid (MODEL_UNAVAILABLE, SCORER_TIMEOUT, SCORER_FAILED, SCORER_BAD_OUTPUT).' })
  degraded!: DegradedScorer[];

  @Field(() => Int, { description: 'Ads that matched the query.' })
  candidateCount!: number;

  @Field(() => DateTimeScalar)
  generatedAt!: Date;

  @Field(() => [FeedAssignment], { description: "The experiments this request was assigned in on surface 'ads'; logged with the exposure." })
  experiments!: FeedAssignment[];
}
