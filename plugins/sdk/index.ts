/**
 * The scorer SDK's one entry point: everything a plugin author needs. The SDK owns the records
 * features carry (item, user, interaction, statistics) and the event-type vocabulary
 * (records.ts; the gateway's domain/ re-exports them), so a scorer imports only this module and
 * the SDK's own modules import nothing from the gateway. The registry, its model checks and the
 * deadline runner (registry.ts, model-check.ts, run.ts) are the gateway's side of the folder; the
 * conformance suite reaches them (and errors/) to register a plugin as the gateway does.
 */
export { defineScorer, rankingOf, scoresOf } from './contract';
export type {
  ModelDeclaration,
  ModelInputDeclaration,
  PluginLogger,
  PolicyRanking,
  ScoreContext,
  ScoredWithRanking,
  ScoreOutput,
  Scorer,
  ScorerContext,
  ScorerHealth,
  ScorerId,
  ScorerPlugin,
  ScorerSettings,
  ScoreRequest,
} from './contract';
export { FEATURE_KEYS, isFeatureKey } from './features';
export type { CoInteractionFeature, FeatureKey, FeatureRows, FeatureValues, FirstStageScores, RetrievalFeature } from './features';
export type { DenseTensor, ModelInputInfo, ModelSession } from './model';
export { defineLayout } from './layout';
export { AGE_CAP_DAYS, HIT_RETRIEVERS, STANDARD_COLUMNS, columnLayout, columnValue, standardColumn } from './columns';
export type { ColumnFeatures, ColumnLayout, ColumnTarget, StandardColumn } from './columns';
export type { ColumnFn, FeatureLayout } from './layout';
export { EVENT_TYPES, eventCount, eventCounts, eventTypeIndex } from './stats';
export type { EventType, StatsKind } from './stats';
export type { Interaction, ItemRecord, ItemStats, UserRecord, UserValueState } from './records';
export { makeFeatureFixture, seededRandom } from './fixtures';
export type { Fixture, FixtureOptions } from './fixtures';
export { describeScorerConformance } from './conformance';
export type { ConformanceOptions } from './conformance';
