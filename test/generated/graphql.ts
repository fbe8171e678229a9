import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar. */
  DateTime: { input: string; output: string; }
};

/** A key/value attribute (demographics). */
export type Attribute = {
  __typename?: 'Attribute';
  key: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

export type AttributeInput = {
  key: Scalars['String']['input'];
  value: Scalars['String']['input'];
};

/** One scorer's part in an item's final score: the explanation. */
export type Contribution = {
  __typename?: 'Contribution';
  /** Min-max normalised over this request's candidates, in [0, 1]. */
  normalized: Scalars['Float']['output'];
  /** The scorer's own score. */
  raw: Scalars['Float']['output'];
  /** Namespaced scorer id, e.g. baseline/commercial. */
  scorerId: Scalars['String']['output'];
  /** weight x normalized: the share of the final score. */
  value: Scalars['Float']['output'];
  /** Scorer version (semver). */
  version: Scalars['String']['output'];
  /** Effective blend weight after renormalising over the scorers that answered. */
  weight: Scalars['Float']['output'];
};

/** A scorer dropped from this feed, and why. */
export type DegradedScorer = {
  __typename?: 'DegradedScorer';
  /** SCORER_TIMEOUT, SCORER_FAILED or SCORER_BAD_OUTPUT. */
  code: Scalars['String']['output'];
  message: Scalars['String']['output'];
  scorerId: Scalars['String']['output'];
  version: Scalars['String']['output'];
};

/** One interaction. Re-sending the same eventId changes nothing. */
export type EventInput = {
  /** Dwell time in ms, >= 0. */
  dwellMs?: InputMaybe<Scalars['Float']['input']>;
  /** Client-supplied unique id (1-256 characters); the idempotency key. */
  eventId: Scalars['String']['input'];
  /** Item acted on; required for every type but search. */
  itemId?: InputMaybe<Scalars['String']['input']>;
  /** Search text (required for search events). */
  query?: InputMaybe<Scalars['String']['input']>;
  /** Referral source (campaign, partner, page). */
  referrer?: InputMaybe<Scalars['String']['input']>;
  session?: InputMaybe<Scalars['String']['input']>;
  /** When it happened; at most 5 minutes ahead of the server clock. */
  ts: Scalars['DateTime']['input'];
  /** One of the event types listed by `eventTypes` (view, click, add_to_cart, purchase, ...). */
  type: Scalars['String']['input'];
  userId: Scalars['String']['input'];
  /** Monetary value (purchase revenue), >= 0. Default 0. */
  value?: InputMaybe<Scalars['Float']['input']>;
};

/** An event that was not stored, and why. */
export type EventRejection = {
  __typename?: 'EventRejection';
  /** Public error code (BAD_USER_INPUT). */
  code: Scalars['String']['output'];
  eventId?: Maybe<Scalars['String']['output']>;
  /** Offending field path, e.g. events[3].type. */
  field: Scalars['String']['output'];
  /** Index in the submitted list. */
  index: Scalars['Int']['output'];
  message: Scalars['String']['output'];
};

/** A ranked, diverse, explained list of items for one user. */
export type Feed = {
  __typename?: 'Feed';
  /** Candidates scored. */
  candidateCount: Scalars['Int']['output'];
  /** True when the user has no history: the feed comes from trending and fresh items. */
  coldStart: Scalars['Boolean']['output'];
  /** Scorers dropped from this feed (slow, failing or invalid output). */
  degraded: Array<DegradedScorer>;
  generatedAt: Scalars['DateTime']['output'];
  items: Array<FeedItem>;
  strategy: StrategyInfo;
  userId: Scalars['String']['output'];
};

/** Request context from the frontend. */
export type FeedContextInput = {
  /** Items to leave out (e.g. already on screen). At most 500. */
  excludeItemIds?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Surface asking for the feed (home, pdp, cart, ...). Default "home". */
  surface?: InputMaybe<Scalars['String']['input']>;
};

/** A ranked item with its explanation. */
export type FeedItem = {
  __typename?: 'FeedItem';
  /** Per-scorer contributions. */
  contributions: Array<Contribution>;
  /** Catalogue record (null if the item has no record). */
  item?: Maybe<Item>;
  /** Item id. */
  itemId: Scalars['String']['output'];
  /** 1-based position in the feed. */
  rank: Scalars['Int']['output'];
  /** Final blended score in [0, 1] (before diversity re-ranking). */
  score: Scalars['Float']['output'];
  /** Retrievers that proposed the item: neighbourhood, trending, fresh (fallback when every scorer failed). */
  sources: Array<Scalars['String']['output']>;
};

/** A catalogue item. */
export type Item = {
  __typename?: 'Item';
  available: Scalars['Boolean']['output'];
  brand?: Maybe<Scalars['String']['output']>;
  categories: Array<Scalars['String']['output']>;
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['String']['output'];
  price?: Maybe<Scalars['Float']['output']>;
  title: Scalars['String']['output'];
};

export type ItemInput = {
  /** Whether the item can be recommended. Default true. */
  available?: InputMaybe<Scalars['Boolean']['input']>;
  /** Brand. Default none. */
  brand?: InputMaybe<Scalars['String']['input']>;
  /** Category ids, most specific last or first as you like; the first is used for diversity caps. Default none. */
  categories?: InputMaybe<Array<Scalars['String']['input']>>;
  /** When it entered the catalogue. Default now. */
  createdAt?: InputMaybe<Scalars['DateTime']['input']>;
  /** Item id (1-256 characters). */
  id: Scalars['String']['input'];
  /** Unit price (>= 0). Default unknown. */
  price?: InputMaybe<Scalars['Float']['input']>;
  /** Title. Default empty. */
  title?: InputMaybe<Scalars['String']['input']>;
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Store interactions. Valid events are stored atomically; invalid ones are reported by index and not stored. */
  recordEvents: RecordEventsResult;
  /** Insert or replace items by id (at most 1000 per call). */
  upsertItems: UpsertResult;
  /** Insert search queries (normalised; terms extracted). */
  upsertQueries: Array<SearchQuery>;
  /** Insert or replace users by id (at most 1000 per call). */
  upsertUsers: UpsertResult;
};


export type MutationRecordEventsArgs = {
  events: Array<EventInput>;
};


export type MutationUpsertItemsArgs = {
  items: Array<ItemInput>;
};


export type MutationUpsertQueriesArgs = {
  queries: Array<QueryInput>;
};


export type MutationUpsertUsersArgs = {
  users: Array<UserInput>;
};

export type Query = {
  __typename?: 'Query';
  /** Every accepted event type. */
  eventTypes: Array<Scalars['String']['output']>;
  /** Ranked, diverse, explained items for a user. Unknown users get a cold-start feed. */
  feed: Feed;
  item?: Maybe<Item>;
  user?: Maybe<User>;
};


export type QueryFeedArgs = {
  context?: InputMaybe<FeedContextInput>;
  limit?: InputMaybe<Scalars['Int']['input']>;
  userId: Scalars['String']['input'];
};


export type QueryItemArgs = {
  id: Scalars['String']['input'];
};


export type QueryUserArgs = {
  id: Scalars['String']['input'];
};

export type QueryInput = {
  /** Query text; stored normalised. */
  text: Scalars['String']['input'];
};

/** Outcome of recordEvents: valid events are stored, invalid ones reported by index. */
export type RecordEventsResult = {
  __typename?: 'RecordEventsResult';
  /** Events stored by this call. */
  accepted: Scalars['Int']['output'];
  /** Event ids already stored (idempotent re-sends); nothing changed for them. */
  duplicates: Array<Scalars['String']['output']>;
  rejected: Array<EventRejection>;
};

/** A normalised search query. */
export type SearchQuery = {
  __typename?: 'SearchQuery';
  terms: Array<Scalars['String']['output']>;
  /** Normalised text (lower case, single spaces); also the id. */
  text: Scalars['String']['output'];
};

/** What produced the feed. */
export type StrategyInfo = {
  __typename?: 'StrategyInfo';
  /** Digest of the strategy settings and the ids+versions of its scorers. */
  digest: Scalars['String']['output'];
  /** Strategy name. */
  id: Scalars['String']['output'];
};

/** Result of an upsert mutation. */
export type UpsertResult = {
  __typename?: 'UpsertResult';
  /** Records written. */
  written: Scalars['Int']['output'];
};

/** A user of the storefront. */
export type User = {
  __typename?: 'User';
  demographics: Array<Attribute>;
  id: Scalars['String']['output'];
  /** Stated preferences (category ids or brands). */
  preferences: Array<Scalars['String']['output']>;
};

export type UserInput = {
  /** Demographics. Default none. */
  demographics?: InputMaybe<Array<AttributeInput>>;
  /** User id (1-256 characters). */
  id: Scalars['String']['input'];
  /** Stated preferences. Default none. */
  preferences?: InputMaybe<Array<Scalars['String']['input']>>;
};

export type UpsertItemsMutationVariables = Exact<{
  items: Array<ItemInput> | ItemInput;
}>;


export type UpsertItemsMutation = { __typename?: 'Mutation', upsertItems: { __typename?: 'UpsertResult', written: number } };

export type UpsertUsersMutationVariables = Exact<{
  users: Array<UserInput> | UserInput;
}>;


export type UpsertUsersMutation = { __typename?: 'Mutation', upsertUsers: { __typename?: 'UpsertResult', written: number } };

export type UpsertQueriesMutationVariables = Exact<{
  queries: Array<QueryInput> | QueryInput;
}>;


export type UpsertQueriesMutation = { __typename?: 'Mutation', upsertQueries: Array<{ __typename?: 'SearchQuery', text: string, terms: Array<string> }> };

export type ItemQueryVariables = Exact<{
  id: Scalars['String']['input'];
}>;


export type ItemQuery = { __typename?: 'Query', item?: { __typename?: 'Item', id: string, title: string, categories: Array<string>, brand?: string | null, price?: number | null, available: boolean, createdAt: string } | null };

export type UserQueryVariables = Exact<{
  id: Scalars['String']['input'];
}>;


export type UserQuery = { __typename?: 'Query', user?: { __typename?: 'User', id: string, preferences: Array<string>, demographics: Array<{ __typename?: 'Attribute', key: string, value: string }> } | null };

export type RecordEventsMutationVariables = Exact<{
  events: Array<EventInput> | EventInput;
}>;


export type RecordEventsMutation = { __typename?: 'Mutation', recordEvents: { __typename?: 'RecordEventsResult', accepted: number, duplicates: Array<string>, rejected: Array<{ __typename?: 'EventRejection', index: number, eventId?: string | null, field: string, code: string, message: string }> } };

export type EventTypesQueryVariables = Exact<{ [key: string]: never; }>;


export type EventTypesQuery = { __typename?: 'Query', eventTypes: Array<string> };

export type FeedQueryVariables = Exact<{
  userId: Scalars['String']['input'];
  limit?: InputMaybe<Scalars['Int']['input']>;
  context?: InputMaybe<FeedContextInput>;
}>;


export type FeedQuery = { __typename?: 'Query', feed: { __typename?: 'Feed', userId: string, coldStart: boolean, candidateCount: number, generatedAt: string, strategy: { __typename?: 'StrategyInfo', id: string, digest: string }, items: Array<{ __typename?: 'FeedItem', rank: number, itemId: string, score: number, sources: Array<string>, contributions: Array<{ __typename?: 'Contribution', scorerId: string, version: string, raw: number, normalized: number, weight: number, value: number }>, item?: { __typename?: 'Item', id: string, title: string, categories: Array<string>, brand?: string | null, price?: number | null, available: boolean } | null }>, degraded: Array<{ __typename?: 'DegradedScorer', scorerId: string, version: string, code: string, message: string }> } };


export const UpsertItemsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpsertItems"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"items"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ItemInput"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"upsertItems"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"items"},"value":{"kind":"Variable","name":{"kind":"Name","value":"items"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"written"}}]}}]}}]} as unknown as DocumentNode<UpsertItemsMutation, UpsertItemsMutationVariables>;
export const UpsertUsersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpsertUsers"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"users"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UserInput"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"upsertUsers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"users"},"value":{"kind":"Variable","name":{"kind":"Name","value":"users"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"written"}}]}}]}}]} as unknown as DocumentNode<UpsertUsersMutation, UpsertUsersMutationVariables>;
export const UpsertQueriesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpsertQueries"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"queries"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"QueryInput"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"upsertQueries"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"queries"},"value":{"kind":"Variable","name":{"kind":"Name","value":"queries"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"terms"}}]}}]}}]} as unknown as DocumentNode<UpsertQueriesMutation, UpsertQueriesMutationVariables>;
export const ItemDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Item"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"item"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"categories"}},{"kind":"Field","name":{"kind":"Name","value":"brand"}},{"kind":"Field","name":{"kind":"Name","value":"price"}},{"kind":"Field","name":{"kind":"Name","value":"available"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]}}]} as unknown as DocumentNode<ItemQuery, ItemQueryVariables>;
export const UserDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"User"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"preferences"}},{"kind":"Field","name":{"kind":"Name","value":"demographics"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]}}]}}]} as unknown as DocumentNode<UserQuery, UserQueryVariables>;
export const RecordEventsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RecordEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"events"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"EventInput"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"events"},"value":{"kind":"Variable","name":{"kind":"Name","value":"events"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accepted"}},{"kind":"Field","name":{"kind":"Name","value":"duplicates"}},{"kind":"Field","name":{"kind":"Name","value":"rejected"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<RecordEventsMutation, RecordEventsMutationVariables>;
export const EventTypesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"EventTypes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"eventTypes"}}]}}]} as unknown as DocumentNode<EventTypesQuery, EventTypesQueryVariables>;
export const FeedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Feed"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"limit"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"context"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"FeedContextInput"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"feed"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}},{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"limit"}}},{"kind":"Argument","name":{"kind":"Name","value":"context"},"value":{"kind":"Variable","name":{"kind":"Name","value":"context"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"coldStart"}},{"kind":"Field","name":{"kind":"Name","value":"candidateCount"}},{"kind":"Field","name":{"kind":"Name","value":"generatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"strategy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"digest"}}]}},{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rank"}},{"kind":"Field","name":{"kind":"Name","value":"itemId"}},{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"sources"}},{"kind":"Field","name":{"kind":"Name","value":"contributions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"scorerId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"raw"}},{"kind":"Field","name":{"kind":"Name","value":"normalized"}},{"kind":"Field","name":{"kind":"Name","value":"weight"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"item"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"categories"}},{"kind":"Field","name":{"kind":"Name","value":"brand"}},{"kind":"Field","name":{"kind":"Name","value":"price"}},{"kind":"Field","name":{"kind":"Name","value":"available"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"degraded"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"scorerId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<FeedQuery, FeedQueryVariables>;