/** Catalogue types: items, users, queries, and their upsert inputs. */
import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from './scalars';

@ObjectType({ description: 'A key/value attribute (demographics).' })
export class Attribute {
  @Field()
  key!: string;

  @Field()
  value!: string;
}

@InputType()
export class AttributeInput {
  @Field()
  key!: string;

  @Field()
  value!: string;
}

@ObjectType({ description: 'A catalogue item.' })
export class Item {
  @Field()
  id!: string;

  @Field()
  title!: string;

  @Field(() => [String])
  categories!: string[];

  @Field(() => String, { nullable: true })
  brand!: string | null;

  @Field(() => Float, { nullable: true })
  price!: number | null;

  @Field()
  available!: boolean;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => [String], { description: 'Selling-point keywords declared on upsert (normalised); empty when none were declared.' })
  sellingPoints!: string[];
}

@ObjectType({ description: 'A user of the storefront.' })
export class User {
  @Field()
  id!: string;

  @Field(() => [Attribute])
  demographics!: Attribute[];

  @Field(() => [String], { description: 'Stated preferences (category ids or brands).' })
  preferences!: string[];
}

@ObjectType({ description: 'A normalised search query.' })
export class SearchQuery {
  @Field({ description: 'Normalised text (lower case, single spaces); also the id.' })
  text!: string;

  @Field(() => [String])
  terms!: string[];
}

@InputType()
export class UserInput {
  @Field({ description: 'User id (1-256 characters).' })
  id!: string;

  @Field(() => [AttributeInput], { nullable: true, description: 'Demographics. Default none.' })
  demographics?: AttributeInput[];

  @Field(() => [String], { nullable: true, description: 'Stated preferences. Default none.' })
  preferences?: string[];
}

@InputType()
export class ItemInput {
  @Field({ description: 'Item id (1-256 characters).' })
  id!: string;

  @Field({ nullable: true, description: 'Title. Default empty.' })
  title?: string;

  @Field(() => [String], { nullable: true, description: 'Category ids, most specific last or first as you like; the first is used for diversity caps. Default none.' })
  categories?: string[];

  @Field({ nullable: true, description: 'Brand. Default none.' })
  brand?: string;

  @Field(() => Float, { nullable: true, description: 'Unit price (>= 0). Default unknown.' })
  price?: number;

  @Field({ nullable: true, description: 'Whether the item can be recommended. Default true.' })
  available?: boolean;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it entered the catalogue. Default now.' })
  createdAt?: Date;

  @Field(() => [String], {
    nullable: true,
    description: 'Selling-point keywords for ad titles (at most 8, each 1-32 characters; stored normalised). Default none: the ads service derives them from brand, categories and title terms.',
  })
  sellingPoints?: string[];
}

@InputType()
export class QueryInput {
  @Field({ description: 'Query text; stored normalised.' })
  text!: string;
}

@ObjectType({ description: 'Result of an upsert mutation.' })
export class UpsertResult {
  @Field(() => Int, { description: 'Records written.' })
  written!: number;
}
