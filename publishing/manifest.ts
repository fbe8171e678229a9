/**
 * The manifest of a published ONNX scorer: what the gateway needs to serve a model without code.
 * Its feature-vector layout names standard columns (plugins/sdk/columns.ts), which the gateway
 * computes from the declared features, so a model published at runtime is fed exactly what it
 * was trained on.
 */
import type { ScorerId } from '../plugins/sdk/contract';
import type { FeatureKey } from '../plugins/sdk/features';

/** What the model's output means (documentation, and how the explanation labels it). */
export type OutputMeaning = 'score' | 'probability' | 'logit';

export interface ManifestInput {
  /** The input's name in the ONNX graph. */
  readonly name: string;
  /** Standard column names (plugins/sdk/columns.ts), in order: the input is float32 [N, columns.length]. */
  readonly columns: readonly string[];
}

export interface ScorerManifest {
  /** Namespaced id (`namespace/name`), the key strategies use. */
  readonly id: ScorerId;
  /** Semantic version (x.y.z); every publish of an id must be higher than the last. */
  readonly version: string;
  /** Free text shown in `scorers` (at most 500 characters). Default empty. */
  readonly description: string;
  /** Declared features; must include every feature the columns read, and the pipeline loads only these. */
  readonly features: readonly FeatureKey[];
  /** One entry per ONNX input. */
  readonly inputs: readonly ManifestInput[];
  /** The ONNX output holding one score per row ([N] or [N, 1]), and what it means. */
  readonly output: { readonly name: string; readonly meaning: OutputMeaning };
  /** Per-request deadline in ms (1..2000); the probe batch at publish must also finish within it. */
  readonly timeoutMs: number;
}
