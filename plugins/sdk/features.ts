/**
 * The features the pipeline can hand a scorer. A plugin declares the keys it reads; the
 * registry rejects unknown keys at boot, and the pipeline loads only what some scorer asked for,
 * in one batched store call per feature kind per request.
 */
import type { Interaction, ItemRecord, ItemStats, UserRecord, UserValueState } from './records';

/** Co-interaction rows of the candidates against the user's recent items (the seeds). */
export interface CoInteractionFeature {
  /** The user's recent distinct items used as seeds, newest first. */
  readonly seeds: readonly string[];
  /** Age of each seed's latest interaction, in ms before the request's data time. */
  readonly seedAgeMs: Float64Array;
  /** Strongest interaction type index (EVENT_TYPES) the user had with each seed. */
  readonly seedType: Uint8Array;
  /** Distinct-user degree of each seed. */
  readonly seedDegree: Float64Array;
  /** Per candidate (aligned with itemIds): co-counts with each seed, or null when none. */
  readonly rows: ReadonlyArray<Float32Array | null>;
  /** Per candidate: distinct-user degree (0 when unknown). */
  readonly degree: Float64Array;
}

/**
 * Where each candidate came from: its 0-based rank in each retriever's own list, or -1 when that
 * retriever did not propose it (a candidate proposed by several retrievers has several ranks).
 */
export interface RetrievalFeature {
  /** Retriever ids, e.g. `recent`, `neighbourhood`, `category`, `trending`, `fresh`. */
  readonly retrievers: readonly string[];
  /** `ranks[r][i]`: rank of candidate i in retriever r's list, -1 when absent. */
  readonly ranks: readonly Int32Array[];
}

/**
 * The raw outputs of the strategy's other scorers on this request, for a scorer that learns how
 * to combine them (a learned ranker). A scorer that declares `scores.firstStage` runs after the
 * others (second stage); a first-stage scorer that failed on this request has a null column.
 */
export interface FirstStageScores {
  readonly scorerIds: readonly string[];
  readonly columns: ReadonlyArray<Float32Array | null>;
}

/** Every feature key, with the shape of its value. Item-level features align with `itemIds`. */
export interface FeatureValues {
  /** The user's record, or null for an unknown user. */
  'user.profile': UserRecord | null;
  /** The user's recent interactions, newest first. */
  'user.history': readonly Interaction[];
  /** Catalogue record per candidate (null when missing). */
  'item.meta': ReadonlyArray<ItemRecord | null>;
  /** Statistics per candidate (null when the item has no events). */
  'item.stats': ReadonlyArray<ItemStats | null>;
  /** Co-interaction of each candidate with the user's recent items. */
  'pair.coInteraction': CoInteractionFeature;
  /** Catalogue records of the items in `user.history` (by item id; missing items are absent). */
  'user.historyItems': ReadonlyMap<string, ItemRecord>;
  /**
   * Category hierarchy of every category of the candidates and of the history items: id -> the
   * chain from the root down to and including the id (`[id]` for a category without a parent).
   */
  'category.ancestors': ReadonlyMap<string, readonly string[]>;
  /** Each candidate's rank in each retriever's list. */
  'pair.retrieval': RetrievalFeature;
  /** The other scorers' raw outputs (makes the declaring scorer run in a second stage). */
  'scores.firstStage': FirstStageScores;
  /** The user's DUVE state; null when the gateway serves no DUVE model or DUVE has not seen the user. */
  'user.value': UserValueState | null;
}

export type FeatureKey = keyof FeatureValues;

export const FEATURE_KEYS: readonly FeatureKey[] = [
  'user.profile',
  'user.history',
  'item.meta',
  'item.stats',
  'pair.coInteraction',
  'user.historyItems',
  'category.ancestors',
  'pair.retrieval',
  'scores.firstStage',
  'user.value',
];

/** The key that makes a scorer run after the others, on their outputs. */
export const SECOND_STAGE_FEATURE: FeatureKey = 'scores.firstStage';

export function isFeatureKey(key: string): key is FeatureKey {
  return (FEATURE_KEYS as readonly string[]).includes(key);
}

/** The features a scorer declared, and nothing else. */
export type FeatureRows<F extends readonly FeatureKey[]> = { readonly [K in F[number]]: FeatureValues[K] };
