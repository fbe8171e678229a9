/**
 * The scorer SDK's one entry point: everything a plugin author needs, and nothing of the
 * gateway's internals (the registry and the deadline runner stay gateway-side). The record types
 * a feature carries (item, user, interaction, statistics) are re-exported here, so a scorer
 * imports only this module.
 */
export { defineScorer } from './contract';
export type { ModelDeclaration, ModelInputDeclaration, PluginLogger, Scorer, ScorerContext, ScorerHealth, ScorerId, ScorerPlugin, ScorerSettings, ScoreRequest } from './contract';
export { FEATURE_KEYS, isFeatureKey } from './features';
export type { CoInteractionFeature, FeatureKey, FeatureRows, FeatureValues, FirstStageScores, RetrievalFeature } from './features';
export type { DenseTensor, ModelInputInfo, ModelSession } from './model';
export { EVENT_TYPES, eventCount, eventCounts, eventTypeIndex } from './stats';
export type { EventType, StatsKind } from './stats';
export type { Interaction } from '../../domain/events';
export type { ItemRecord, ItemStats, UserRecord } from '../../domain/catalog';
export { makeFeatureFixture, seededRandom } from './fixtures';
export type { Fixture, FixtureOptions } from './fixtures';
export { describeScorerConformance } from './conformance';
export type { ConformanceOptions } from './conformance';
