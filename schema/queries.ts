/** Output types of `suggestQueries` (plugins/dpgcn/queries/service.ts). */
import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A known query suggested for the user, with why.' })
export class QuerySuggestion {
  @Field({ description: 'Normalised query text (the Query node id).' })
  text!: string;

  @Field(() => Float, { description: 'personal·cos(user, query) + popular·popularity + recent·own recency (higher is better).' })
  score!: number;

  @Field({ description: "The term that contributed most: personal (the user's dpgcn embedding), popular (popularity by prefix) or recent (the user's own recent query)." })
  source!: string;
}

@ObjectType({ description: 'Suggested queries for a user and a prefix.' })
export class QuerySuggestions {
  @Field()
  userId!: string;

  @Field({ description: 'The prefix as matched: normalised like query text (lower case, single spaces, trimmed).' })
  prefix!: string;

  @Field({ description: "True when the user has no dpgcn embedding (unknown user or no artifact): popularity by prefix and the user's own queries only." })
  coldStart!: boolean;

  @Field(() => Int, { nullable: true, description: 'The dpgcn artifact version used; null without one.' })
  artifactVersion!: number | null;

  @Field(() => [QuerySuggestion], { description: 'Best first; at most `limit`.' })
  suggestions!: QuerySuggestion[];
}
