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
  /** A finite, non-negative number within its configured bound. Checked per event: text, NaN, Infinity, a negative or an out-of-range value rejects only that event (`events[i].<field>`). */
  EventNumber: { input: number; output: number; }
  /** When an event happened: ISO-8601 date-time text (e.g. 2026-12-01T10:00:00Z) or milliseconds since the epoch. Checked per event: an unparsable or out-of-range time rejects only that event (`events[i].ts`). */
  EventTime: { input: string | number; output: string | number; }
  /** The `JSONObject` scalar type represents JSON objects as specified by [ECMA-404](http://www.ecma-international.org/publications/files/ECMA-ST/ECMA-404.pdf). */
  JSONObject: { input: any; output: any; }
};

/** A highlighted keyword in a rewritten ad title: [start, end) in UTF-16 code units of `title`. No markup. */
export type AdHighlight = {
  __typename?: 'AdHighlight';
  end: Scalars['Int']['output'];
  keyword: Scalars['String']['output'];
  start: Scalars['Int']['output'];
};

/** A candidate selling point of an ad and its score: the model's P(selling-point click | shown) for the user (personalised), else the global click rate. */
export type AdSellingPoint = {
  __typename?: 'AdSellingPoint';
  keyword: Scalars['String']['output'];
  score: Scalars['Float']['output'];
};

/** One ad slot. */
export type AdSlot = {
  __typename?: 'AdSlot';
  /** Where the shown selling points sit in `title`, by start. */
  highlights: Array<AdHighlight>;
  /** Catalogue record. */
  item?: Maybe<Item>;
  /** Item id of the ad. */
  itemId: Scalars['String']['output'];
  /** Predicted ad click-through rate; null when no model answered (see degraded). */
  predictedCtr?: Maybe<Scalars['Float']['output']>;
  /** 1-based position. */
  rank: Scalars['Int']['output'];
  /** Every candidate selling point with its score, best first. */
  sellingPoints: Array<AdSellingPoint>;
  /** The selling points written into the title (logged with the exposure). */
  shownSellingPoints: Array<Scalars['String']['output']>;
  /** The title rewritten to carry the shown selling points (plain text). */
  title: Scalars['String']['output'];
};

/** Ads for a user and a query. */
export type Ads = {
  __typename?: 'Ads';
  /** Ads that matched the query. */
  candidateCount: Scalars['Int']['output'];
  /** The model when it was absent, slow, failing or invalid (MODEL_UNAVAILABLE, SCORER_TIMEOUT, SCORER_FAILED, SCORER_BAD_OUTPUT). */
  degraded: Array<DegradedScorer>;
  /** The experiments this request was assigned in on surface 'ads'; logged with the exposure. */
  experiments: Array<FeedAssignment>;
  generatedAt: Scalars['DateTime']['output'];
  /** mtl-ads/<kind>@<version> of the model that scored, null when none answered. */
  modelVersion?: Maybe<Scalars['String']['output']>;
  /** True when the shown selling points come from the model's per-user scores. */
  personalised: Scalars['Boolean']['output'];
  /** The normalised query. */
  query: Scalars['String']['output'];
  /** The ads setting served (ads/sp<N>, ads/sp<N>-np or ads/sp<N>-rnd; see README "Ads (MTL-ads)"). */
  setting: Scalars['String']['output'];
  slots: Array<AdSlot>;
  userId: Scalars['String']['output'];
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

/** One write or admin action, attributed to the key that made it. */
export type AuditEntry = {
  __typename?: 'AuditEntry';
  /** The mutation (`recordEvents`, `startExperiment`, …) or CLI action (`keys.create`, `keys.rotate`, `keys.revoke`). */
  action: Scalars['String']['output'];
  at: Scalars['DateTime']['output'];
  /** Position in the log; pass as `after` to read on. */
  cursor: Scalars['ID']['output'];
  /** JSON summary of the arguments: ids and scalars as given, lists by their count. */
  detail: Scalars['String']['output'];
  /** Id of the key (`k_…`), `partner:<id>` for a PARTNERS_FILE key, `cli` for the keys CLI, `bootstrap` for first start. */
  keyId: Scalars['String']['output'];
  /** The key's name (or the operator's user name for the CLI). */
  keyName: Scalars['String']['output'];
  /** `ok`, or the public error code the action failed with. */
  outcome: Scalars['String']['output'];
  /** The key's role at the time. */
  role: Scalars['String']['output'];
};

export type AuditPage = {
  __typename?: 'AuditPage';
  /** Cursor of the last entry (null on an empty page). */
  endCursor?: Maybe<Scalars['ID']['output']>;
  /** Oldest first. */
  entries: Array<AuditEntry>;
  /** True when more entries follow this page. */
  hasNextPage: Scalars['Boolean']['output'];
};

/** One accepted change of the published catalog. */
export type CatalogChangeEntry = {
  __typename?: 'CatalogChangeEntry';
  /** `publish`, `promote`, `rollback`, `shadow`, `unshadow`. */
  action: Scalars['String']['output'];
  at: Scalars['DateTime']['output'];
  /** Name of the API key that made it. */
  by: Scalars['String']['output'];
  byKeyId: Scalars['String']['output'];
  id: Scalars['String']['output'];
  /** `scorer` or `strategy`. */
  kind: Scalars['String']['output'];
  revision: Scalars['Int']['output'];
  version?: Maybe<Scalars['String']['output']>;
};

/** Failures of a shadow scorer by code. */
export type CodeCount = {
  __typename?: 'CodeCount';
  code: Scalars['String']['output'];
  count: Scalars['Int']['output'];
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

export type CreateExperimentInput = {
  /** Default 24. */
  attributionWindowHours?: InputMaybe<Scalars['Float']['input']>;
  /** Default [P99_LATENCY_MS, DIVERSITY]. */
  guardrails?: InputMaybe<Array<ExperimentMetric>>;
  /** Default 0. */
  highValueThreshold?: InputMaybe<Scalars['Float']['input']>;
  hypothesis?: InputMaybe<Scalars['String']['input']>;
  layer?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  primaryMetrics: Array<ExperimentMetric>;
  /** Default: the experiment id. */
  salt?: InputMaybe<Scalars['String']['input']>;
  /** Default "home". */
  surface?: InputMaybe<Scalars['String']['input']>;
  variants: Array<ExperimentVariantInput>;
};

export type DailyPoint = {
  __typename?: 'DailyPoint';
  ctr?: Maybe<Scalars['Float']['output']>;
  /** UTC day. */
  day: Scalars['DateTime']['output'];
  exposures: Scalars['Float']['output'];
  gmvPerImpression?: Maybe<Scalars['Float']['output']>;
  impressions: Scalars['Float']['output'];
  variant: Scalars['String']['output'];
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

/** The fusion weights α served by the last decisions (at most 2,000) of this instance; null fields before any. */
export type DpgcnAlphaDistribution = {
  __typename?: 'DpgcnAlphaDistribution';
  count: Scalars['Int']['output'];
  max?: Maybe<Scalars['Float']['output']>;
  mean?: Maybe<Scalars['Float']['output']>;
  min?: Maybe<Scalars['Float']['output']>;
  p10?: Maybe<Scalars['Float']['output']>;
  p50?: Maybe<Scalars['Float']['output']>;
  p90?: Maybe<Scalars['Float']['output']>;
};

/** The DDPG policy that picks the dpgcn/graph fusion weight α per request, and its online learning. */
export type DpgcnPolicy = {
  __typename?: 'DpgcnPolicy';
  alpha: DpgcnAlphaDistribution;
  /** Decisions made by this instance since it started (frozen ones included). */
  decisions: Scalars['Int']['output'];
  /** Frozen for every strategy: no exploration, no decisions recorded, no learning. */
  frozen: Scalars['Boolean']['output'];
  /** Why the policy stopped updating (a non-finite action or critic value), null while learning. */
  halted?: Maybe<Scalars['String']['output']>;
  /** Recorded decisions still inside their attribution window. */
  openDecisions: Scalars['Int']['output'];
  /** The safe range [lo, hi] every α is clipped into. */
  range: Array<Scalars['Float']['output']>;
  /** Mean reward of the last transitions (at most 1,000); null before any. */
  recentMeanReward?: Maybe<Scalars['Float']['output']>;
  /** Transitions in the replay buffer. */
  replaySize: Scalars['Int']['output'];
  /** Learning updates (DDPG steps) run by this instance’s learner. */
  updates: Scalars['Int']['output'];
  /** The actor version served here; null before the first (α is then the artifact’s fitted α). */
  version?: Maybe<DpgcnPolicyVersion>;
  /** Versions published so far. */
  versions: Scalars['Int']['output'];
};

/** A served actor version of the policy. */
export type DpgcnPolicyVersion = {
  __typename?: 'DpgcnPolicyVersion';
  createdAt: Scalars['DateTime']['output'];
  /** `pretrain` (offline, from the store) or `online` (the job-queue learner). */
  source: Scalars['String']['output'];
  version: Scalars['Int']['output'];
};

/** One interaction. Re-sending the same eventId changes nothing. */
export type EventInput = {
  /** Dwell time in ms, 0..MAX_EVENT_DWELL_MS (default 86,400,000). */
  dwellMs?: InputMaybe<Scalars['EventNumber']['input']>;
  /** Required. Client-supplied unique id (1-256 characters, NFC, no control, bidi or zero-width characters); the idempotency key. */
  eventId?: InputMaybe<Scalars['String']['input']>;
  /** Item acted on; required for every type but search. */
  itemId?: InputMaybe<Scalars['String']['input']>;
  /** The clicked selling-point keyword: required for selling_point_click (1-32 characters, stored normalised), ignored for other types. */
  keyword?: InputMaybe<Scalars['String']['input']>;
  /** Search text (required for search events; for ad_click and selling_point_click, the query that served the ad). */
  query?: InputMaybe<Scalars['String']['input']>;
  /** Referral source (campaign, partner, page). */
  referrer?: InputMaybe<Scalars['String']['input']>;
  session?: InputMaybe<Scalars['String']['input']>;
  /** Required. When it happened: after 1990, at most MAX_EVENT_FUTURE_SKEW_MS (default 5 minutes) ahead of the server clock. */
  ts?: InputMaybe<Scalars['EventTime']['input']>;
  /** Required. One of the event types listed by `eventTypes` (view, click, add_to_cart, purchase, ...). */
  type?: InputMaybe<Scalars['String']['input']>;
  /** Required. User id (same rules as eventId). */
  userId?: InputMaybe<Scalars['String']['input']>;
  /** Monetary value (purchase revenue), 0..MAX_EVENT_VALUE (default 1,000,000). Default 0. */
  value?: InputMaybe<Scalars['EventNumber']['input']>;
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

/** An A/B/n test on a surface. Users are assigned by a hash of userId and salt (sticky). */
export type Experiment = {
  __typename?: 'Experiment';
  /** Events within this many hours after an exposure are attributed to it. */
  attributionWindowHours: Scalars['Float']['output'];
  createdAt: Scalars['DateTime']['output'];
  guardrails: Array<ExperimentMetric>;
  /** DUVE value at or above which a user counts as high-value. */
  highValueThreshold: Scalars['Float']['output'];
  hypothesis: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  /** Layer, when it may overlap other running experiments on the surface (each in its own layer). */
  layer?: Maybe<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  primaryMetrics: Array<ExperimentMetric>;
  salt: Scalars['String']['output'];
  start?: Maybe<Scalars['DateTime']['output']>;
  status: ExperimentStatus;
  stop?: Maybe<Scalars['DateTime']['output']>;
  /** Feed surface (`context.surface` of the feed query). */
  surface: Scalars['String']['output'];
  variants: Array<ExperimentVariant>;
};

/** Metrics computed from events attributed to exposures (see the README). */
export type ExperimentMetric =
  | 'ADD_TO_CART_RATE'
  | 'AOV'
  | 'CONVERSION_RATE'
  | 'CTR'
  | 'DIVERSITY'
  | 'GMV_PER_IMPRESSION'
  | 'HIGH_VALUE_CAPTURE'
  | 'P99_LATENCY_MS'
  | 'RETENTION_7D'
  | 'RETENTION_30D';

/** The whole picture of an experiment. */
export type ExperimentResults = {
  __typename?: 'ExperimentResults';
  alpha: Scalars['Float']['output'];
  comparisons: Array<MetricComparison>;
  /** Key of the control variant (`control`, else the first). */
  control: Scalars['String']['output'];
  daily: Array<DailyPoint>;
  /** Data time the results are computed at. */
  dataEnd: Scalars['DateTime']['output'];
  experiment: Experiment;
  srm: SrmCheck;
  variants: Array<VariantResult>;
};

/** DRAFT -> RUNNING (startExperiment) -> STOPPED (stopExperiment) -> ARCHIVED (archiveExperiment; a draft can be archived too). */
export type ExperimentStatus =
  | 'ARCHIVED'
  | 'DRAFT'
  | 'RUNNING'
  | 'STOPPED';

/** One arm of an experiment: a traffic share served by a feed strategy. */
export type ExperimentVariant = {
  __typename?: 'ExperimentVariant';
  key: Scalars['String']['output'];
  /** Id of the feed strategy served to this arm. */
  strategyId: Scalars['String']['output'];
  /** Traffic share in (0, 1]; the shares sum to 1. */
  weight: Scalars['Float']['output'];
};

export type ExperimentVariantInput = {
  key: Scalars['String']['input'];
  strategyId: Scalars['String']['input'];
  weight: Scalars['Float']['input'];
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
  /** The experiments this request was assigned in (empty outside experiments); logged with the exposure. */
  experiments: Array<FeedAssignment>;
  generatedAt: Scalars['DateTime']['output'];
  items: Array<FeedItem>;
  strategy: StrategyInfo;
  userId: Scalars['String']['output'];
};

/** A request's variant in one running experiment. */
export type FeedAssignment = {
  __typename?: 'FeedAssignment';
  experimentId: Scalars['String']['output'];
  variantKey: Scalars['String']['output'];
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

/** The guardrail's last judgement of a line: SNIPS value estimates over the recent logged decisions. */
export type IraGuardrail = {
  __typename?: 'IraGuardrail';
  at: Scalars['DateTime']['output'];
  /** Version 0 (the heuristic Q), same estimator and decisions. */
  baseline: Scalars['Float']['output'];
  /** The estimate fell below the baseline by more than IRA_GUARDRAIL_MARGIN of it (the line halted). */
  breached: Scalars['Boolean']['output'];
  /** The updated network (Boltzmann at T = 0.1 over its Q). */
  estimate: Scalars['Float']['output'];
  /** Logged slots the estimate used. */
  slots: Scalars['Int']['output'];
};

/** The IRA policy (the `ira/policy` scorer’s Q-network lines) and its online learning. */
export type IraPolicy = {
  __typename?: 'IraPolicy';
  /** Frozen for every line. */
  frozenAll: Scalars['Boolean']['output'];
  /** Learning jobs settled on this instance. */
  learningJobs: Scalars['Int']['output'];
  lines: Array<IraPolicyLine>;
};

/** One IRA policy line: its own versions, replay and learner (lines are named by the scorer settings of a strategy). */
export type IraPolicyLine = {
  __typename?: 'IraPolicyLine';
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  /** Decisions recorded by this instance. */
  decisions: Scalars['Int']['output'];
  /** Frozen (this line or every line): no exploration, no online updates. */
  frozen: Scalars['Boolean']['output'];
  /** The last guardrail judgement; null before one (too few logged slots). */
  guardrail?: Maybe<IraGuardrail>;
  /** Why online updates stopped (the guardrail or a non-finite update); null while learning. Resumed by freezeIraPolicy(frozen: false). */
  halted?: Maybe<Scalars['String']['output']>;
  line: Scalars['String']['output'];
  /** Recorded decisions still inside their attribution window. */
  openDecisions: Scalars['Int']['output'];
  /** Mean slot reward of the last transitions (at most 1,000); null before any. */
  recentMeanReward?: Maybe<Scalars['Float']['output']>;
  /** Transitions (shown slots) in the replay buffer. */
  replaySize: Scalars['Int']['output'];
  /** `pretrain`, `online`, or `heuristic` for version 0. */
  source: Scalars['String']['output'];
  /** Double-DQN updates run by this instance’s learner. */
  updates: Scalars['Int']['output'];
  /** The version served here; 0 = the heuristic Q (no version yet). */
  version: Scalars['Int']['output'];
  /** Versions stored (the newest are kept). */
  versions: Scalars['Int']['output'];
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
  /** Selling-point keywords declared on upsert (normalised); empty when none were declared. */
  sellingPoints: Array<Scalars['String']['output']>;
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
  /** Selling-point keywords for ad titles (at most 8, each 1-32 characters; stored normalised). Default none: the ads service derives them from brand, categories and title terms. */
  sellingPoints?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Title. Default empty. */
  title?: InputMaybe<Scalars['String']['input']>;
};

/** One ONNX input of a published scorer: its name and its feature-vector layout (standard columns, in order). */
export type ManifestInput = {
  __typename?: 'ManifestInput';
  /** Standard column names (docs/writing-a-scorer.md); the input is float32 [N, columns.length]. */
  columns: Array<Scalars['String']['output']>;
  name: Scalars['String']['output'];
};

/** The ONNX output holding one score per candidate, and what it means. */
export type ManifestOutput = {
  __typename?: 'ManifestOutput';
  /** `score`, `probability` or `logit`. */
  meaning: Scalars['String']['output'];
  name: Scalars['String']['output'];
};

/** A treatment against the control on one metric. Intervals at 1 − alpha; non-finite bounds (e.g. a relative lift over 0) are null. */
export type MetricComparison = {
  __typename?: 'MetricComparison';
  absoluteCiLower?: Maybe<Scalars['Float']['output']>;
  absoluteCiUpper?: Maybe<Scalars['Float']['output']>;
  absoluteLift?: Maybe<Scalars['Float']['output']>;
  /** Bonferroni-adjusted across the same family. */
  bonferroniPValue: Scalars['Float']['output'];
  control: Scalars['String']['output'];
  /** Holm-adjusted across every tested (metric, variant) pair. */
  holmPValue: Scalars['Float']['output'];
  metric: ExperimentMetric;
  pValue: Scalars['Float']['output'];
  relativeCiLower?: Maybe<Scalars['Float']['output']>;
  relativeCiUpper?: Maybe<Scalars['Float']['output']>;
  relativeLift?: Maybe<Scalars['Float']['output']>;
  /** Holm-adjusted p < alpha. */
  significant: Scalars['Boolean']['output'];
  /** `delta` (delta-method ratio z-test over users: CTR, cart rate), `z` (two-proportion z-test over users), `welch` (Welch t-test) or `bootstrap` (user-level percentile bootstrap intervals, delta-method p-value: GMV per impression). */
  test: Scalars['String']['output'];
  variant: Scalars['String']['output'];
};

/** A metric of one variant. Rates carry their numerator and denominator; null value = not measurable yet (e.g. no eligible users). */
export type MetricValue = {
  __typename?: 'MetricValue';
  denominator?: Maybe<Scalars['Float']['output']>;
  metric: ExperimentMetric;
  numerator?: Maybe<Scalars['Float']['output']>;
  value?: Maybe<Scalars['Float']['output']>;
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Archive a draft or stopped experiment. */
  archiveExperiment: Experiment;
  /** Create a draft A/B/n experiment. */
  createExperiment: Experiment;
  /** Freeze (or unfreeze) the policy for every strategy and instance: no exploration, recording or learning. Needs scorers:write. */
  freezeDpgcnPolicy: DpgcnPolicy;
  /** Freeze (or unfreeze) one line, or every line when `line` is omitted, on every instance: no exploration and no online updates. Unfreezing also resumes a line halted by the guardrail. BAD_USER_INPUT for an unknown line. Needs scorers:write. */
  freezeIraPolicy: IraPolicy;
  /** Serve a version to strategies naming the id (default: the shadowed version, else the highest). Needs scorers:write. */
  promoteScorer: PublishedScorer;
  /** Publish a scorer version: a manifest plus an ONNX model uploaded with POST /blobs. Checked (manifest, input names/shapes/dtypes, a probe batch) before it is accepted. Needs scorers:write (admin). */
  publishScorer: PublishedScorer;
  /** Publish the next version of a strategy (JSON as in strategies/*.json) and serve it. A scorer entry may pin a published version (canary). Needs scorers:write. */
  publishStrategy: PublishedStrategy;
  /** Store interactions. Valid events are stored atomically; invalid ones are reported by index and not stored. */
  recordEvents: RecordEventsResult;
  /** Serve the policy version live before the current one (LIFECYCLE_CONFLICT when there is none). Needs scorers:write. */
  rollbackDpgcnPolicy: DpgcnPolicy;
  /** Serve the version of a line live before the current one (every line that has one when `line` is omitted); LIFECYCLE_CONFLICT when there is none, BAD_USER_INPUT for an unknown line. Needs scorers:write. */
  rollbackIraPolicy: IraPolicy;
  /** Serve the version that was live before the current one. Needs scorers:write. */
  rollbackScorer: PublishedScorer;
  /** Serve the previous published version of a strategy (rolling back the first one serves the file of that id again, if any). Needs scorers:write. */
  rollbackStrategy: PublishedStrategy;
  /** Shadow a version (scored on live requests, never blended), or stop shadowing (version null). Needs scorers:write. */
  shadowScorer: PublishedScorer;
  /** Start a draft: weights must sum to 1, every strategy must be loaded, and no unlayered overlap on the surface. */
  startExperiment: Experiment;
  /** Stop a running experiment: its users get the default strategy again. */
  stopExperiment: Experiment;
  /** Insert or replace items by id (at most 1000 per call). */
  upsertItems: UpsertResult;
  /** Insert search queries (normalised; terms extracted). */
  upsertQueries: Array<SearchQuery>;
  /** Insert or replace users by id (at most 1000 per call). */
  upsertUsers: UpsertResult;
};


export type MutationArchiveExperimentArgs = {
  id: Scalars['ID']['input'];
};


export type MutationCreateExperimentArgs = {
  input: CreateExperimentInput;
};


export type MutationFreezeDpgcnPolicyArgs = {
  frozen: Scalars['Boolean']['input'];
};


export type MutationFreezeIraPolicyArgs = {
  frozen: Scalars['Boolean']['input'];
  line?: InputMaybe<Scalars['String']['input']>;
};


export type MutationPromoteScorerArgs = {
  id: Scalars['String']['input'];
  version?: InputMaybe<Scalars['String']['input']>;
};


export type MutationPublishScorerArgs = {
  manifest: Scalars['JSONObject']['input'];
  model: Scalars['String']['input'];
  shadow?: Scalars['Boolean']['input'];
};


export type MutationPublishStrategyArgs = {
  strategy: Scalars['JSONObject']['input'];
};


export type MutationRecordEventsArgs = {
  events: Array<EventInput>;
};


export type MutationRollbackIraPolicyArgs = {
  line?: InputMaybe<Scalars['String']['input']>;
};


export type MutationRollbackScorerArgs = {
  id: Scalars['String']['input'];
};


export type MutationRollbackStrategyArgs = {
  id: Scalars['String']['input'];
};


export type MutationShadowScorerArgs = {
  id: Scalars['String']['input'];
  version?: InputMaybe<Scalars['String']['input']>;
};


export type MutationStartExperimentArgs = {
  id: Scalars['ID']['input'];
};


export type MutationStopExperimentArgs = {
  id: Scalars['ID']['input'];
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

/** A scorer published at runtime (a manifest plus an ONNX model), with its lifecycle. */
export type PublishedScorer = {
  __typename?: 'PublishedScorer';
  /** Shadow agreement per version and serving strategy, on the answering instance. */
  agreement: Array<ShadowAgreement>;
  id: Scalars['String']['output'];
  /** The version strategies naming this id serve; null until one is promoted. */
  live?: Maybe<Scalars['String']['output']>;
  /** Earlier live versions, oldest first; rollbackScorer restores the last. */
  liveHistory: Array<Scalars['String']['output']>;
  /** The version scored in shadow (not blended) on live requests. */
  shadow?: Maybe<Scalars['String']['output']>;
  /** Every accepted version, oldest first. */
  versions: Array<PublishedScorerVersion>;
};

/** An accepted version of a published scorer. */
export type PublishedScorerVersion = {
  __typename?: 'PublishedScorerVersion';
  description: Scalars['String']['output'];
  features: Array<Scalars['String']['output']>;
  inputs: Array<ManifestInput>;
  /** Loaded on the instance that answered (live, shadowed or pinned by a strategy, and set up). */
  loadedHere: Scalars['Boolean']['output'];
  modelBytes: Scalars['Int']['output'];
  /** SHA-256 of the ONNX model. */
  modelSha256: Scalars['String']['output'];
  output: ManifestOutput;
  /** Why the answering instance could not load it, when it tried. */
  problem?: Maybe<Scalars['String']['output']>;
  publishedAt: Scalars['DateTime']['output'];
  /** Name of the API key that published it. */
  publishedBy: Scalars['String']['output'];
  publishedByKeyId: Scalars['String']['output'];
  timeoutMs: Scalars['Int']['output'];
  version: Scalars['String']['output'];
};

/** A strategy published at runtime; it overrides a strategy file of the same id while a version is live. */
export type PublishedStrategy = {
  __typename?: 'PublishedStrategy';
  id: Scalars['String']['output'];
  live?: Maybe<Scalars['Int']['output']>;
  liveHistory: Array<Scalars['Int']['output']>;
  problem?: Maybe<Scalars['String']['output']>;
  /** The answering instance serves the live version under this id. */
  servedHere: Scalars['Boolean']['output'];
  versions: Array<PublishedStrategyVersion>;
};

/** An accepted version of a published strategy. */
export type PublishedStrategyVersion = {
  __typename?: 'PublishedStrategyVersion';
  publishedAt: Scalars['DateTime']['output'];
  publishedBy: Scalars['String']['output'];
  /** The strategy JSON as published. */
  strategy: Scalars['JSONObject']['output'];
  version: Scalars['Int']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** Ad slots for a user's query: ads ordered by predicted CTR, titles rewritten with the user's top selling points (MTL-ads). Surface 'ads' for experiments. */
  ads: Ads;
  /** Writes and admin actions with the key that made each, oldest first. Needs scope audit:read (admin). */
  auditLog: AuditPage;
  /** The catalog change log (who published, promoted, rolled back what), oldest first. Needs scorers:read. */
  catalogChanges: Array<CatalogChangeEntry>;
  /** The dpgcn/graph fusion policy: version, frozen, learning, α served. MODEL_UNAVAILABLE without one. Needs scorers:read. */
  dpgcnPolicy: DpgcnPolicy;
  /** Every accepted event type. */
  eventTypes: Array<Scalars['String']['output']>;
  experiment: Experiment;
  /** Per-variant metrics from events attributed to exposures, lifts with intervals, Holm/Bonferroni, SRM and daily trajectories. */
  experimentResults: ExperimentResults;
  experiments: Array<Experiment>;
  /** Ranked, diverse, explained items for a user. Unknown users get a cold-start feed. */
  feed: Feed;
  /** The IRA policy: per line the version served, frozen, halted, learning and the guardrail. MODEL_UNAVAILABLE without one. Needs scorers:read. */
  iraPolicy: IraPolicy;
  item?: Maybe<Item>;
  /** Scorers published at runtime, with versions, lifecycle and shadow agreement. Needs scorers:read (analyst, admin). */
  publishedScorers: Array<PublishedScorer>;
  /** Strategies published at runtime. Needs scorers:read. */
  publishedStrategies: Array<PublishedStrategy>;
  /** Ids of the strategies experiments can serve on this gateway. */
  strategies: Array<Scalars['String']['output']>;
  /** Known queries starting with a prefix, ranked for the user (dpgcn embedding, popularity, own recent queries); unknown users get popularity by prefix. BAD_USER_INPUT names the bad field. */
  suggestQueries: QuerySuggestions;
  user?: Maybe<User>;
  /** A user's live DUVE forecast (null for a user with no tracked interactions). */
  userValue?: Maybe<UserValue>;
  /** Published user values (as of each user's last event or refresh), highest value first, cursor-paginated. */
  users: UserValueConnection;
};


export type QueryAdsArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
  query: Scalars['String']['input'];
  userId: Scalars['String']['input'];
};


export type QueryAuditLogArgs = {
  after?: InputMaybe<Scalars['ID']['input']>;
  first?: Scalars['Int']['input'];
};


export type QueryCatalogChangesArgs = {
  after?: Scalars['Int']['input'];
  first?: Scalars['Int']['input'];
};


export type QueryExperimentArgs = {
  id: Scalars['ID']['input'];
};


export type QueryExperimentResultsArgs = {
  id: Scalars['ID']['input'];
};


export type QueryExperimentsArgs = {
  status?: InputMaybe<ExperimentStatus>;
};


export type QueryFeedArgs = {
  context?: InputMaybe<FeedContextInput>;
  limit?: InputMaybe<Scalars['Int']['input']>;
  userId: Scalars['String']['input'];
};


export type QueryItemArgs = {
  id: Scalars['String']['input'];
};


export type QueryPublishedScorersArgs = {
  id?: InputMaybe<Scalars['String']['input']>;
};


export type QuerySuggestQueriesArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
  prefix?: InputMaybe<Scalars['String']['input']>;
  userId: Scalars['String']['input'];
};


export type QueryUserArgs = {
  id: Scalars['String']['input'];
};


export type QueryUserValueArgs = {
  userId: Scalars['String']['input'];
};


export type QueryUsersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: Scalars['Int']['input'];
  minValue?: InputMaybe<Scalars['Float']['input']>;
  segment?: InputMaybe<UserSegment>;
};

export type QueryInput = {
  /** Query text; stored normalised. */
  text: Scalars['String']['input'];
};

/** A known query suggested for the user, with why. */
export type QuerySuggestion = {
  __typename?: 'QuerySuggestion';
  /** personal·cos(user, query) + popular·popularity + recent·own recency (higher is better). */
  score: Scalars['Float']['output'];
  /** The term that contributed most: personal (the user's dpgcn embedding), popular (popularity by prefix) or recent (the user's own recent query). */
  source: Scalars['String']['output'];
  /** Normalised query text (the Query node id). */
  text: Scalars['String']['output'];
};

/** Suggested queries for a user and a prefix. */
export type QuerySuggestions = {
  __typename?: 'QuerySuggestions';
  /** The dpgcn artifact version used; null without one. */
  artifactVersion?: Maybe<Scalars['Int']['output']>;
  /** True when the user has no dpgcn embedding (unknown user or no artifact): popularity by prefix and the user's own queries only. */
  coldStart: Scalars['Boolean']['output'];
  /** The prefix as matched: normalised like query text (lower case, single spaces, trimmed). */
  prefix: Scalars['String']['output'];
  /** Best first; at most `limit`. */
  suggestions: Array<QuerySuggestion>;
  userId: Scalars['String']['output'];
};

/** Outcome of recordEvents: valid events are stored, invalid ones reported by index. */
export type RecordEventsResult = {
  __typename?: 'RecordEventsResult';
  /** Events stored by this call. */
  accepted: Scalars['Int']['output'];
  /** Event ids already stored, or repeated earlier in this batch (idempotent re-sends); nothing changed for them. */
  duplicates: Array<Scalars['String']['output']>;
  rejected: Array<EventRejection>;
  /** Of the accepted events, those whose itemId names no catalogue item (stored all the same; upsert the item to give it features). */
  unknownItems: Scalars['Int']['output'];
};

/** A normalised search query. */
export type SearchQuery = {
  __typename?: 'SearchQuery';
  terms: Array<Scalars['String']['output']>;
  /** Normalised text (lower case, single spaces); also the id. */
  text: Scalars['String']['output'];
};

/** How far a shadow scorer agrees with what a strategy served, on the answering instance since it started shadowing there. */
export type ShadowAgreement = {
  __typename?: 'ShadowAgreement';
  /** Requests on which the shadow scorer failed, timed out or returned bad scores. */
  failures: Scalars['Int']['output'];
  failuresByCode: Array<CodeCount>;
  /** Mean Spearman correlation between its scores and the served blend, over the candidates (1 = same order). */
  meanRankCorrelation?: Maybe<Scalars['Float']['output']>;
  /** Mean share of the served items that are also in its own top N. */
  meanTopNOverlap?: Maybe<Scalars['Float']['output']>;
  /** Median shadow scoring time (ms), last 1,000 requests. */
  p50Ms?: Maybe<Scalars['Float']['output']>;
  p95Ms?: Maybe<Scalars['Float']['output']>;
  /** Shadowed requests. */
  requests: Scalars['Int']['output'];
  /** The strategy that served the shadowed requests. */
  strategyId: Scalars['String']['output'];
  version: Scalars['String']['output'];
};

/** Sample-ratio-mismatch check: chi-square of exposed users per variant against the traffic weights; mismatch when p < 0.001. */
export type SrmCheck = {
  __typename?: 'SrmCheck';
  chiSquare: Scalars['Float']['output'];
  expected: Array<Scalars['Float']['output']>;
  mismatch: Scalars['Boolean']['output'];
  observed: Array<Scalars['Float']['output']>;
  pValue: Scalars['Float']['output'];
};

/** What produced the feed. */
export type StrategyInfo = {
  __typename?: 'StrategyInfo';
  /** Digest of the strategy settings and the ids+versions of its scorers. */
  digest: Scalars['String']['output'];
  /** Strategy name. */
  id: Scalars['String']['output'];
};

export type Subscription = {
  __typename?: 'Subscription';
  /** Partners (graphql-ws, `connectionParams: { apiKey }`): changes of user values in the segments you are entitled to, in log order. Pass the last `cursor` received as `after` to resume without gaps within the retention window (VALUE_CHANGE_RETENTION_HOURS); an older cursor fails with CURSOR_EXPIRED. */
  userValueChanged: UserValueChange;
};


export type SubscriptionUserValueChangedArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  minDelta?: InputMaybe<Scalars['Float']['input']>;
  segment?: InputMaybe<Array<UserSegment>>;
  userIds?: InputMaybe<Array<Scalars['String']['input']>>;
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

/** DUVE segment, first rule that holds: NEW (observed < newTenureDays), HIGH_VALUE (value ≥ the model's high-value threshold), LATENT_HIGH_INTENT (purchase probability ≥ the intent threshold), AT_RISK (active within dormantDays, not buying), DORMANT. */
export type UserSegment =
  | 'AT_RISK'
  | 'DORMANT'
  | 'HIGH_VALUE'
  | 'LATENT_HIGH_INTENT'
  | 'NEW';

/** A user's forecast value from DUVE's live online state. */
export type UserValue = {
  __typename?: 'UserValue';
  /** Tracked interaction types, the strongest mover first. */
  drivers: Array<ValueDriver>;
  /** Engagement depth: expected tracked interactions over the horizon. */
  expectedEvents: Scalars['Float']['output'];
  expectedPurchases: Scalars['Float']['output'];
  /** Forecast spend over the horizon (0 when the model has no money). */
  expectedSpend: Scalars['Float']['output'];
  /** Forecast horizon in days (30 for a model trained on the default horizon). */
  horizonDays: Scalars['Float']['output'];
  /** The user's newest tracked interaction. */
  lastEventAt: Scalars['DateTime']['output'];
  /** duve/value@<artifact version>. */
  modelVersion: Scalars['String']['output'];
  /** P(at least one purchase over the horizon). */
  purchaseProbability: Scalars['Float']['output'];
  segment: UserSegment;
  /** Data time the value was computed at. */
  updatedAt: Scalars['DateTime']['output'];
  userId: Scalars['String']['output'];
  /** The value score: expected spend over the horizon when the model has money, else expected purchases (see valueUnit). */
  value: Scalars['Float']['output'];
  /** `spend` or `purchases`. */
  valueUnit: Scalars['String']['output'];
};

/** A change of a user's forecast value, as a partner entitled to its segment receives it. */
export type UserValueChange = {
  __typename?: 'UserValueChange';
  /** Data time of the new value. */
  asOf: Scalars['DateTime']['output'];
  /** Monotonic position in the value-change log (`<ms>-<seq>`). Pass the last one received as `after` to resume without gaps. */
  cursor: Scalars['String']['output'];
  /** value − (previousValue ?? 0). */
  delta: Scalars['Float']['output'];
  /** When the value-change log accepted the change. */
  loggedAt: Scalars['DateTime']['output'];
  /** duve/value@<artifact version>. */
  modelVersion: Scalars['String']['output'];
  /** Null when the user had no value before, or the previous segment is one you are not entitled to. */
  previousSegment?: Maybe<UserSegment>;
  /** Null when the user had no value before. */
  previousValue?: Maybe<Scalars['Float']['output']>;
  /** P(at least one purchase over the horizon). */
  purchaseProbability: Scalars['Float']['output'];
  reason: ValueChangeReason;
  segment: UserSegment;
  userId: Scalars['String']['output'];
  /** The value score (see `UserValue.value`). */
  value: Scalars['Float']['output'];
};

/** Published user values, highest value first (ties by userId). */
export type UserValueConnection = {
  __typename?: 'UserValueConnection';
  edges: Array<UserValueEdge>;
  pageInfo: ValuePageInfo;
  /** Users matching the filters, over all pages. */
  totalCount: Scalars['Int']['output'];
};

export type UserValueEdge = {
  __typename?: 'UserValueEdge';
  /** Pass as `after` to get the rows after this one. */
  cursor: Scalars['String']['output'];
  node: UserValue;
};

/** What moved the value: EVENT (an interaction was recorded) or REFRESH (the periodic recomputation, e.g. decay or a new model). */
export type ValueChangeReason =
  | 'EVENT'
  | 'REFRESH';

/** How one interaction type moved the purchase forecast, relative to the average training user. */
export type ValueDriver = {
  __typename?: 'ValueDriver';
  /** Decayed count of this type at asOf (with the learned decay). */
  decayedCount: Scalars['Float']['output'];
  /** This type's terms in the purchase logit: > 0 raises the purchase probability, < 0 lowers it. */
  purchaseLogit: Scalars['Float']['output'];
  /** Interaction type, e.g. add_to_cart. */
  type: Scalars['String']['output'];
};

export type ValuePageInfo = {
  __typename?: 'ValuePageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type VariantResult = {
  __typename?: 'VariantResult';
  exposures: Scalars['Float']['output'];
  /** Items shown. */
  impressions: Scalars['Float']['output'];
  key: Scalars['String']['output'];
  metrics: Array<MetricValue>;
  /** Exposed users. */
  users: Scalars['Float']['output'];
  weight: Scalars['Float']['output'];
};

export type AdsQueryVariables = Exact<{
  userId: Scalars['String']['input'];
  query: Scalars['String']['input'];
  limit?: InputMaybe<Scalars['Int']['input']>;
}>;


export type AdsQuery = { __typename?: 'Query', ads: { __typename?: 'Ads', userId: string, query: string, setting: string, modelVersion?: string | null, personalised: boolean, candidateCount: number, experiments: Array<{ __typename?: 'FeedAssignment', experimentId: string, variantKey: string }>, degraded: Array<{ __typename?: 'DegradedScorer', scorerId: string, code: string }>, slots: Array<{ __typename?: 'AdSlot', rank: number, itemId: string, title: string, shownSellingPoints: Array<string>, predictedCtr?: number | null, highlights: Array<{ __typename?: 'AdHighlight', start: number, end: number, keyword: string }>, sellingPoints: Array<{ __typename?: 'AdSellingPoint', keyword: string, score: number }>, item?: { __typename?: 'Item', id: string, sellingPoints: Array<string> } | null }> } };

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


export type RecordEventsMutation = { __typename?: 'Mutation', recordEvents: { __typename?: 'RecordEventsResult', accepted: number, unknownItems: number, duplicates: Array<string>, rejected: Array<{ __typename?: 'EventRejection', index: number, eventId?: string | null, field: string, code: string, message: string }> } };

export type EventTypesQueryVariables = Exact<{ [key: string]: never; }>;


export type EventTypesQuery = { __typename?: 'Query', eventTypes: Array<string> };

export type CreateExperimentMutationVariables = Exact<{
  input: CreateExperimentInput;
}>;


export type CreateExperimentMutation = { __typename?: 'Mutation', createExperiment: { __typename?: 'Experiment', id: string, name: string, status: ExperimentStatus, surface: string, layer?: string | null, salt: string, primaryMetrics: Array<ExperimentMetric>, guardrails: Array<ExperimentMetric>, attributionWindowHours: number, createdAt: string, start?: string | null, stop?: string | null, variants: Array<{ __typename?: 'ExperimentVariant', key: string, weight: number, strategyId: string }> } };

export type StartExperimentMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type StartExperimentMutation = { __typename?: 'Mutation', startExperiment: { __typename?: 'Experiment', id: string, status: ExperimentStatus, start?: string | null } };

export type StopExperimentMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type StopExperimentMutation = { __typename?: 'Mutation', stopExperiment: { __typename?: 'Experiment', id: string, status: ExperimentStatus, stop?: string | null } };

export type ArchiveExperimentMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ArchiveExperimentMutation = { __typename?: 'Mutation', archiveExperiment: { __typename?: 'Experiment', id: string, status: ExperimentStatus } };

export type ExperimentsQueryVariables = Exact<{
  status?: InputMaybe<ExperimentStatus>;
}>;


export type ExperimentsQuery = { __typename?: 'Query', strategies: Array<string>, experiments: Array<{ __typename?: 'Experiment', id: string, status: ExperimentStatus }> };

export type ExperimentFeedQueryVariables = Exact<{
  userId: Scalars['String']['input'];
  surface?: InputMaybe<Scalars['String']['input']>;
}>;


export type ExperimentFeedQuery = { __typename?: 'Query', feed: { __typename?: 'Feed', strategy: { __typename?: 'StrategyInfo', id: string, digest: string }, experiments: Array<{ __typename?: 'FeedAssignment', experimentId: string, variantKey: string }>, items: Array<{ __typename?: 'FeedItem', itemId: string }> } };

export type ExperimentResultsQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ExperimentResultsQuery = { __typename?: 'Query', experimentResults: { __typename?: 'ExperimentResults', control: string, alpha: number, dataEnd: string, experiment: { __typename?: 'Experiment', id: string, status: ExperimentStatus }, variants: Array<{ __typename?: 'VariantResult', key: string, weight: number, users: number, exposures: number, impressions: number, metrics: Array<{ __typename?: 'MetricValue', metric: ExperimentMetric, value?: number | null, numerator?: number | null, denominator?: number | null }> }>, comparisons: Array<{ __typename?: 'MetricComparison', metric: ExperimentMetric, variant: string, control: string, test: string, absoluteLift?: number | null, absoluteCiLower?: number | null, absoluteCiUpper?: number | null, relativeLift?: number | null, relativeCiLower?: number | null, relativeCiUpper?: number | null, pValue: number, holmPValue: number, bonferroniPValue: number, significant: boolean }>, srm: { __typename?: 'SrmCheck', chiSquare: number, pValue: number, mismatch: boolean, observed: Array<number>, expected: Array<number> }, daily: Array<{ __typename?: 'DailyPoint', day: string, variant: string, exposures: number, impressions: number, ctr?: number | null, gmvPerImpression?: number | null }> } };

export type FeedQueryVariables = Exact<{
  userId: Scalars['String']['input'];
  limit?: InputMaybe<Scalars['Int']['input']>;
  context?: InputMaybe<FeedContextInput>;
}>;


export type FeedQuery = { __typename?: 'Query', feed: { __typename?: 'Feed', userId: string, coldStart: boolean, candidateCount: number, generatedAt: string, strategy: { __typename?: 'StrategyInfo', id: string, digest: string }, items: Array<{ __typename?: 'FeedItem', rank: number, itemId: string, score: number, sources: Array<string>, contributions: Array<{ __typename?: 'Contribution', scorerId: string, version: string, raw: number, normalized: number, weight: number, value: number }>, item?: { __typename?: 'Item', id: string, title: string, categories: Array<string>, brand?: string | null, price?: number | null, available: boolean } | null }>, degraded: Array<{ __typename?: 'DegradedScorer', scorerId: string, version: string, code: string, message: string }> } };

export type SuggestQueriesQueryVariables = Exact<{
  userId: Scalars['String']['input'];
  prefix?: InputMaybe<Scalars['String']['input']>;
  limit?: InputMaybe<Scalars['Int']['input']>;
}>;


export type SuggestQueriesQuery = { __typename?: 'Query', suggestQueries: { __typename?: 'QuerySuggestions', userId: string, prefix: string, coldStart: boolean, artifactVersion?: number | null, suggestions: Array<{ __typename?: 'QuerySuggestion', text: string, score: number, source: string }> } };

export type UserValueQueryVariables = Exact<{
  userId: Scalars['String']['input'];
}>;


export type UserValueQuery = { __typename?: 'Query', userValue?: { __typename?: 'UserValue', userId: string, value: number, valueUnit: string, expectedSpend: number, expectedPurchases: number, expectedEvents: number, purchaseProbability: number, horizonDays: number, segment: UserSegment, modelVersion: string, updatedAt: string, lastEventAt: string, drivers: Array<{ __typename?: 'ValueDriver', type: string, purchaseLogit: number, decayedCount: number }> } | null };

export type UsersQueryVariables = Exact<{
  segment?: InputMaybe<UserSegment>;
  minValue?: InputMaybe<Scalars['Float']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type UsersQuery = { __typename?: 'Query', users: { __typename?: 'UserValueConnection', totalCount: number, pageInfo: { __typename?: 'ValuePageInfo', hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ __typename?: 'UserValueEdge', cursor: string, node: { __typename?: 'UserValue', userId: string, value: number, segment: UserSegment, purchaseProbability: number } }> } };

export type UserValueChangedSubscriptionVariables = Exact<{
  segment?: InputMaybe<Array<UserSegment> | UserSegment>;
  minDelta?: InputMaybe<Scalars['Float']['input']>;
  userIds?: InputMaybe<Array<Scalars['String']['input']> | Scalars['String']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type UserValueChangedSubscription = { __typename?: 'Subscription', userValueChanged: { __typename?: 'UserValueChange', cursor: string, userId: string, segment: UserSegment, previousSegment?: UserSegment | null, value: number, previousValue?: number | null, delta: number, purchaseProbability: number, modelVersion: string, reason: ValueChangeReason, asOf: string, loggedAt: string } };


export const AdsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Ads"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"query"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"limit"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ads"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}},{"kind":"Argument","name":{"kind":"Name","value":"query"},"value":{"kind":"Variable","name":{"kind":"Name","value":"query"}}},{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"limit"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"query"}},{"kind":"Field","name":{"kind":"Name","value":"setting"}},{"kind":"Field","name":{"kind":"Name","value":"modelVersion"}},{"kind":"Field","name":{"kind":"Name","value":"personalised"}},{"kind":"Field","name":{"kind":"Name","value":"candidateCount"}},{"kind":"Field","name":{"kind":"Name","value":"experiments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experimentId"}},{"kind":"Field","name":{"kind":"Name","value":"variantKey"}}]}},{"kind":"Field","name":{"kind":"Name","value":"degraded"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"scorerId"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"Field","name":{"kind":"Name","value":"slots"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rank"}},{"kind":"Field","name":{"kind":"Name","value":"itemId"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"highlights"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"end"}},{"kind":"Field","name":{"kind":"Name","value":"keyword"}}]}},{"kind":"Field","name":{"kind":"Name","value":"sellingPoints"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"keyword"}},{"kind":"Field","name":{"kind":"Name","value":"score"}}]}},{"kind":"Field","name":{"kind":"Name","value":"shownSellingPoints"}},{"kind":"Field","name":{"kind":"Name","value":"predictedCtr"}},{"kind":"Field","name":{"kind":"Name","value":"item"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"sellingPoints"}}]}}]}}]}}]}}]} as unknown as DocumentNode<AdsQuery, AdsQueryVariables>;
export const UpsertItemsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpsertItems"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"items"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ItemInput"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"upsertItems"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"items"},"value":{"kind":"Variable","name":{"kind":"Name","value":"items"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"written"}}]}}]}}]} as unknown as DocumentNode<UpsertItemsMutation, UpsertItemsMutationVariables>;
export const UpsertUsersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpsertUsers"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"users"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UserInput"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"upsertUsers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"users"},"value":{"kind":"Variable","name":{"kind":"Name","value":"users"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"written"}}]}}]}}]} as unknown as DocumentNode<UpsertUsersMutation, UpsertUsersMutationVariables>;
export const UpsertQueriesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpsertQueries"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"queries"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"QueryInput"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"upsertQueries"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"queries"},"value":{"kind":"Variable","name":{"kind":"Name","value":"queries"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"terms"}}]}}]}}]} as unknown as DocumentNode<UpsertQueriesMutation, UpsertQueriesMutationVariables>;
export const ItemDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Item"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"item"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"categories"}},{"kind":"Field","name":{"kind":"Name","value":"brand"}},{"kind":"Field","name":{"kind":"Name","value":"price"}},{"kind":"Field","name":{"kind":"Name","value":"available"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]}}]} as unknown as DocumentNode<ItemQuery, ItemQueryVariables>;
export const UserDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"User"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"preferences"}},{"kind":"Field","name":{"kind":"Name","value":"demographics"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]}}]}}]} as unknown as DocumentNode<UserQuery, UserQueryVariables>;
export const RecordEventsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RecordEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"events"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"EventInput"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"events"},"value":{"kind":"Variable","name":{"kind":"Name","value":"events"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accepted"}},{"kind":"Field","name":{"kind":"Name","value":"unknownItems"}},{"kind":"Field","name":{"kind":"Name","value":"duplicates"}},{"kind":"Field","name":{"kind":"Name","value":"rejected"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<RecordEventsMutation, RecordEventsMutationVariables>;
export const EventTypesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"EventTypes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"eventTypes"}}]}}]} as unknown as DocumentNode<EventTypesQuery, EventTypesQueryVariables>;
export const CreateExperimentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateExperiment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateExperimentInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createExperiment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"surface"}},{"kind":"Field","name":{"kind":"Name","value":"layer"}},{"kind":"Field","name":{"kind":"Name","value":"salt"}},{"kind":"Field","name":{"kind":"Name","value":"variants"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"weight"}},{"kind":"Field","name":{"kind":"Name","value":"strategyId"}}]}},{"kind":"Field","name":{"kind":"Name","value":"primaryMetrics"}},{"kind":"Field","name":{"kind":"Name","value":"guardrails"}},{"kind":"Field","name":{"kind":"Name","value":"attributionWindowHours"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"stop"}}]}}]}}]} as unknown as DocumentNode<CreateExperimentMutation, CreateExperimentMutationVariables>;
export const StartExperimentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StartExperiment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startExperiment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"start"}}]}}]}}]} as unknown as DocumentNode<StartExperimentMutation, StartExperimentMutationVariables>;
export const StopExperimentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StopExperiment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"stopExperiment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"stop"}}]}}]}}]} as unknown as DocumentNode<StopExperimentMutation, StopExperimentMutationVariables>;
export const ArchiveExperimentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ArchiveExperiment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"archiveExperiment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<ArchiveExperimentMutation, ArchiveExperimentMutationVariables>;
export const ExperimentsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Experiments"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"status"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ExperimentStatus"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experiments"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"Variable","name":{"kind":"Name","value":"status"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"strategies"}}]}}]} as unknown as DocumentNode<ExperimentsQuery, ExperimentsQueryVariables>;
export const ExperimentFeedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ExperimentFeed"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"surface"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"feed"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}},{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"IntValue","value":"5"}},{"kind":"Argument","name":{"kind":"Name","value":"context"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"surface"},"value":{"kind":"Variable","name":{"kind":"Name","value":"surface"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"strategy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"digest"}}]}},{"kind":"Field","name":{"kind":"Name","value":"experiments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experimentId"}},{"kind":"Field","name":{"kind":"Name","value":"variantKey"}}]}},{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"itemId"}}]}}]}}]}}]} as unknown as DocumentNode<ExperimentFeedQuery, ExperimentFeedQueryVariables>;
export const ExperimentResultsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ExperimentResults"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experimentResults"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"control"}},{"kind":"Field","name":{"kind":"Name","value":"alpha"}},{"kind":"Field","name":{"kind":"Name","value":"dataEnd"}},{"kind":"Field","name":{"kind":"Name","value":"experiment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"variants"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"weight"}},{"kind":"Field","name":{"kind":"Name","value":"users"}},{"kind":"Field","name":{"kind":"Name","value":"exposures"}},{"kind":"Field","name":{"kind":"Name","value":"impressions"}},{"kind":"Field","name":{"kind":"Name","value":"metrics"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"metric"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"numerator"}},{"kind":"Field","name":{"kind":"Name","value":"denominator"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"comparisons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"metric"}},{"kind":"Field","name":{"kind":"Name","value":"variant"}},{"kind":"Field","name":{"kind":"Name","value":"control"}},{"kind":"Field","name":{"kind":"Name","value":"test"}},{"kind":"Field","name":{"kind":"Name","value":"absoluteLift"}},{"kind":"Field","name":{"kind":"Name","value":"absoluteCiLower"}},{"kind":"Field","name":{"kind":"Name","value":"absoluteCiUpper"}},{"kind":"Field","name":{"kind":"Name","value":"relativeLift"}},{"kind":"Field","name":{"kind":"Name","value":"relativeCiLower"}},{"kind":"Field","name":{"kind":"Name","value":"relativeCiUpper"}},{"kind":"Field","name":{"kind":"Name","value":"pValue"}},{"kind":"Field","name":{"kind":"Name","value":"holmPValue"}},{"kind":"Field","name":{"kind":"Name","value":"bonferroniPValue"}},{"kind":"Field","name":{"kind":"Name","value":"significant"}}]}},{"kind":"Field","name":{"kind":"Name","value":"srm"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"chiSquare"}},{"kind":"Field","name":{"kind":"Name","value":"pValue"}},{"kind":"Field","name":{"kind":"Name","value":"mismatch"}},{"kind":"Field","name":{"kind":"Name","value":"observed"}},{"kind":"Field","name":{"kind":"Name","value":"expected"}}]}},{"kind":"Field","name":{"kind":"Name","value":"daily"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"day"}},{"kind":"Field","name":{"kind":"Name","value":"variant"}},{"kind":"Field","name":{"kind":"Name","value":"exposures"}},{"kind":"Field","name":{"kind":"Name","value":"impressions"}},{"kind":"Field","name":{"kind":"Name","value":"ctr"}},{"kind":"Field","name":{"kind":"Name","value":"gmvPerImpression"}}]}}]}}]}}]} as unknown as DocumentNode<ExperimentResultsQuery, ExperimentResultsQueryVariables>;
export const FeedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Feed"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"limit"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"context"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"FeedContextInput"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"feed"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}},{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"limit"}}},{"kind":"Argument","name":{"kind":"Name","value":"context"},"value":{"kind":"Variable","name":{"kind":"Name","value":"context"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"coldStart"}},{"kind":"Field","name":{"kind":"Name","value":"candidateCount"}},{"kind":"Field","name":{"kind":"Name","value":"generatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"strategy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"digest"}}]}},{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rank"}},{"kind":"Field","name":{"kind":"Name","value":"itemId"}},{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"sources"}},{"kind":"Field","name":{"kind":"Name","value":"contributions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"scorerId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"raw"}},{"kind":"Field","name":{"kind":"Name","value":"normalized"}},{"kind":"Field","name":{"kind":"Name","value":"weight"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"item"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"categories"}},{"kind":"Field","name":{"kind":"Name","value":"brand"}},{"kind":"Field","name":{"kind":"Name","value":"price"}},{"kind":"Field","name":{"kind":"Name","value":"available"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"degraded"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"scorerId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<FeedQuery, FeedQueryVariables>;
export const SuggestQueriesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SuggestQueries"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"prefix"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"limit"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"suggestQueries"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}},{"kind":"Argument","name":{"kind":"Name","value":"prefix"},"value":{"kind":"Variable","name":{"kind":"Name","value":"prefix"}}},{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"limit"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"prefix"}},{"kind":"Field","name":{"kind":"Name","value":"coldStart"}},{"kind":"Field","name":{"kind":"Name","value":"artifactVersion"}},{"kind":"Field","name":{"kind":"Name","value":"suggestions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"source"}}]}}]}}]}}]} as unknown as DocumentNode<SuggestQueriesQuery, SuggestQueriesQueryVariables>;
export const UserValueDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UserValue"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userValue"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"valueUnit"}},{"kind":"Field","name":{"kind":"Name","value":"expectedSpend"}},{"kind":"Field","name":{"kind":"Name","value":"expectedPurchases"}},{"kind":"Field","name":{"kind":"Name","value":"expectedEvents"}},{"kind":"Field","name":{"kind":"Name","value":"purchaseProbability"}},{"kind":"Field","name":{"kind":"Name","value":"horizonDays"}},{"kind":"Field","name":{"kind":"Name","value":"segment"}},{"kind":"Field","name":{"kind":"Name","value":"drivers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"purchaseLogit"}},{"kind":"Field","name":{"kind":"Name","value":"decayedCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"modelVersion"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastEventAt"}}]}}]}}]} as unknown as DocumentNode<UserValueQuery, UserValueQueryVariables>;
export const UsersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Users"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"segment"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"UserSegment"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"minValue"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Float"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"users"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"segment"},"value":{"kind":"Variable","name":{"kind":"Name","value":"segment"}}},{"kind":"Argument","name":{"kind":"Name","value":"minValue"},"value":{"kind":"Variable","name":{"kind":"Name","value":"minValue"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"segment"}},{"kind":"Field","name":{"kind":"Name","value":"purchaseProbability"}}]}}]}}]}}]}}]} as unknown as DocumentNode<UsersQuery, UsersQueryVariables>;
export const UserValueChangedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"UserValueChanged"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"segment"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UserSegment"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"minDelta"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Float"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userIds"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userValueChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"segment"},"value":{"kind":"Variable","name":{"kind":"Name","value":"segment"}}},{"kind":"Argument","name":{"kind":"Name","value":"minDelta"},"value":{"kind":"Variable","name":{"kind":"Name","value":"minDelta"}}},{"kind":"Argument","name":{"kind":"Name","value":"userIds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userIds"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"segment"}},{"kind":"Field","name":{"kind":"Name","value":"previousSegment"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"previousValue"}},{"kind":"Field","name":{"kind":"Name","value":"delta"}},{"kind":"Field","name":{"kind":"Name","value":"purchaseProbability"}},{"kind":"Field","name":{"kind":"Name","value":"modelVersion"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"asOf"}},{"kind":"Field","name":{"kind":"Name","value":"loggedAt"}}]}}]}}]} as unknown as DocumentNode<UserValueChangedSubscription, UserValueChangedSubscriptionVariables>;