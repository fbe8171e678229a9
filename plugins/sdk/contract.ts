/**
 * The scorer contract: the public API for data scientists.
 *
 * A plugin is a plain object (usually made by a factory such as `createCommercialScorer(opts)`)
 * that declares what it needs; `setup` returns the live scorer. The registry checks every
 * declaration once, before the server listens, and closes scorers in reverse order on shutdown.
 *
 * ```ts
 * export function createMyScorer(opts: { boost?: number } = {}) {
 *   return defineScorer({
 *     id: 'acme/boost', version: '1.0.0', features: ['item.stats'] as const,
 *     async setup() {
 *       return { async score({ itemIds, features }) { ... return new Float32Array(itemIds.length); } };
 *     },
 *   });
 * }
 * ```
 */
import type { FeatureKey, FeatureRows } from './features';
import type { ModelSession } from './model';

/** A namespaced, stable id: `namespace/name`, lower case, e.g. `baseline/commercial`. */
export type ScorerId = `${string}/${string}`;

/** Minimal structured logger handed to plugins (pino-compatible subset). */
export interface PluginLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What the registry hands a plugin at setup. Plugins get I/O only through this. */
export interface ScorerContext {
  readonly logger: PluginLogger;
  /** Open the plugin's declared ONNX model (already checked against `model.inputs`). */
  loadModel(uri: string): Promise<ModelSession>;
  /** Plugin-specific settings from the strategy/config, if any. Default `{}`. */
  readonly settings: Readonly<Record<string, unknown>>;
}

export interface ScoreRequest<F extends readonly FeatureKey[]> {
  readonly userId: string;
  /** Candidates to score; the output must align with this array. */
  readonly itemIds: readonly string[];
  /** Exactly the features the plugin declared. */
  readonly features: FeatureRows<F>;
  /** Data time of the request (ms): the newest event the store has seen, or now. */
  readonly now: number;
  /** Aborted when the scorer's deadline passes or the request ends; stop work when it fires. */
  readonly signal: AbortSignal;
}

export type ScorerHealth = { status: 'ready' } | { status: 'degraded' | 'failed'; code: string };

/** A live scorer. */
export interface Scorer<F extends readonly FeatureKey[]> {
  /**
   * One finite score per candidate, higher is better. Scores need not be normalised: the
   * pipeline normalises per request before blending. A wrong length or a NaN drops the scorer
   * from this request's blend (reported as SCORER_BAD_OUTPUT).
   */
  score(req: ScoreRequest<F>): Promise<Float32Array>;
  health?(): Promise<ScorerHealth>;
  /** Release resources; called in reverse registration order after HTTP drains. */
  close?(): Promise<void>;
}

/** An ONNX model the plugin serves, checked at registration. */
export interface ModelDeclaration {
  /** Path or file URI of the .onnx file. */
  readonly uri: string;
  /** Input names the plugin will feed; must equal the model's inputs (order-insensitive). */
  readonly inputs: readonly string[];
}

export interface ScorerPlugin<F extends readonly FeatureKey[] = readonly FeatureKey[]> {
  /** Namespaced, stable id (`namespace/name`): a metric label and the key strategies use. */
  readonly id: ScorerId;
  /** Semantic version (x.y.z); recorded with each feed and exposure. */
  readonly version: string;
  /** Declared inputs; unknown keys fail registration (UNKNOWN_FEATURE). */
  readonly features: F;
  /** Optional ONNX model; its inputs are checked at registration (MODEL_INPUT_MISMATCH). */
  readonly model?: ModelDeclaration;
  /** Per-request deadline in ms. Default: the gateway's SCORER_TIMEOUT_MS (50). */
  readonly timeoutMs?: number;
  /** Create the live scorer. Throwing here fails registration (INVALID_PLUGIN). */
  setup(ctx: ScorerContext): Promise<Scorer<F>>;
}

/** Identity helper that keeps the declared feature tuple's literal type. */
export function defineScorer<const F extends readonly FeatureKey[]>(plugin: ScorerPlugin<F>): ScorerPlugin<F> {
  return plugin;
}
