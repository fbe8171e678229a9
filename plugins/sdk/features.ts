/**
 * The features the pipeline can hand a scorer. A plugin declares the keys it reads; the
 * registry rejects unknown keys at boot, and the pipeline loads only what some scorer asked for,
 * in one batched store call per feature kind per request.
 */
import type { Interaction } from '../../domain/events';
import type { ItemRecord, ItemStats, UserRecord } from '../../domain/catalog';

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
}

export type FeatureKey = keyof FeatureValues;

export const FEATURE_KEYS: readonly FeatureKey[] = [
  'user.profile',
  'user.history',
  'item.meta',
  'item.stats',
  'pair.coInteraction',
];

export function isFeatureKey(key: string): key is FeatureKey {
  return (FEATURE_KEYS as readonly string[]).includes(key);
}

/** The features a scorer declared, and nothing else. */
export type FeatureRows<F extends readonly FeatureKey[]> = { readonly [K in F[number]]: FeatureValues[K] };
