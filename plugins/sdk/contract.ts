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

/**
 * Settings of a scorer: plain JSON (null, booleans, finite numbers, strings, arrays, plain
 * objects), frozen. A scorer reads what it knows and keeps its own default for the rest.
 */
export type ScorerSettings = Readonly<Record<string, unknown>>;

/** What the registry hands a plugin at setup. Plugins get I/O only through this. */
export interface ScorerContext {
  readonly logger: PluginLogger;
  /**
   * Open an ONNX model (the declared one is already checked against `model.inputs`). A relative
   * path resolves against the registry's models folder (the gateway's MODELS_DIR), not the
   * working directory; absolute paths and `file:` URIs are taken as they are.
   */
  loadModel(uri: string): Promise<ModelSession>;
  /**
   * Setup-time settings of this plugin, the same for every strategy (`RegistryOptions.settings`;
   * the conformance suite's `settings` option). Default `{}`. Per-strategy values reach each
   * request as `ScoreRequest.settings` instead.
   */
  readonly settings: ScorerSettings;
}

/**
 * What the gateway knows about the request beyond the candidates (Contract B): the surface asking
 * (`feed` today), how many items it will serve, and a request id a policy can key its decision on.
 */
export interface ScoreContext {
  readonly surface: string;
  readonly limit: number;
  readonly requestId: string;
}

export interface ScoreRequest<F extends readonly FeatureKey[]> {
  readonly userId: string;
  /** Candidates to score; the output must align with this array. */
  readonly itemIds: readonly string[];
  /** Exactly the features the plugin declared. */
  readonly features: FeatureRows<F>;
  /** Data time of the request (ms): the newest event the store has seen, or now. */
  readonly now: number;
  /**
   * Aborted when the scorer's deadline passes or the request ends (the client went away, or it
   * was answered); stop work when it fires. `signal.reason` says which.
   */
  readonly signal: AbortSignal;
  /**
   * The serving strategy's settings for this scorer (`scorers[i].settings` in the strategy file),
   * so one plugin can serve several strategies or experiment arms with different parameters.
   * The gateway always sets it (`{}` when the strategy gives none; the same frozen object on
   * every request); it is optional only so hand-made requests (tests) may leave it out.
   */
  readonly settings?: ScorerSettings;
  /** The request's surface, served length and id. The gateway always sets it; optional for hand-made requests. */
  readonly context?: ScoreContext;
}

/**
 * A policy's own served list (Contract B). A strategy names one scorer as its policy
 * (`"policy": { "scorer": id }`); when that scorer answers with a ranking, the feed serves
 * `order` (kept to eligible candidates, cut to the limit) instead of blend + diversity, and the
 * exposure records the propensities, the policy and the decision id. Any other scorer's ranking
 * is ignored (its scores are blended as usual).
 */
export interface PolicyRanking {
  /** Indices into `req.itemIds`: the served list in slot order (length ≥ the limit when possible). */
  readonly order: readonly number[];
  /** Per slot: P(this item at this slot | the earlier slots) under the behaviour policy, aligned with `order`. */
  readonly propensities: readonly number[];
  /** The acting policy and its version, e.g. `ira/policy@3`. */
  readonly policy: string;
  /** The policy's id for this decision (joins the exposure with the policy's decision log). */
  readonly decisionId?: string;
}

/** A scorer's answer with its own served list: the scores still enter the blend (explanations, fallback). */
export interface ScoredWithRanking {
  readonly scores: Float32Array;
  readonly ranking: PolicyRanking;
}

/** What `score()` may resolve to: scores, or scores with a ranking (policy scorers). */
export type ScoreOutput = Float32Array | ScoredWithRanking;

/** The scores of either answer shape. */
export function scoresOf(out: ScoreOutput): Float32Array {
  return out instanceof Float32Array ? out : out.scores;
}

/** The ranking of an answer, or null for plain scores. */
export function rankingOf(out: ScoreOutput): PolicyRanking | null {
  return out instanceof Float32Array ? null : out.ranking;
}

export type ScorerHealth = { status: 'ready' } | { status: 'degraded' | 'failed'; code: string };

/**
 * A live scorer. `O` is what `score` resolves to: plain scores (most scorers; `defineScorer`
 * infers it), or `ScoreOutput` for a scorer that may also answer with a ranking.
 */
export interface Scorer<F extends readonly FeatureKey[], O extends ScoreOutput = ScoreOutput> {
  /**
   * One finite score per candidate, higher is better. Scores need not be normalised: the
   * pipeline normalises per request before blending. A wrong length or a NaN drops the scorer
   * from this request's blend (reported as SCORER_BAD_OUTPUT). A policy scorer may resolve to
   * `{ scores, ranking }` (ScoredWithRanking); a bad ranking is treated like no ranking.
   */
  score(req: ScoreRequest<F>): Promise<O>;
  health?(): Promise<ScorerHealth>;
  /** Release resources; called in reverse registration order after HTTP drains. */
  close?(): Promise<void>;
}

/**
 * One ONNX input with its feature-vector layout: a float32 matrix of shape [rows, columns.length],
 * one row per candidate, the columns in this order.
 */
export interface ModelInputDeclaration {
  /** The input's name in the ONNX graph. */
  readonly name: string;
  /** Names of the feature columns, in order; the input's width is their number. */
  readonly columns: readonly string[];
}

/** An ONNX model the plugin serves, checked at registration. */
export interface ModelDeclaration {
  /**
   * The .onnx file: an absolute path, a `file:` URI, or a path relative to the registry's models
   * folder (the gateway's MODELS_DIR, default `models`), never to the working directory.
   */
  readonly uri: string;
  /**
   * The inputs the plugin will feed; their names must equal the model's (order-insensitive).
   * An input given with its `columns` is also checked for shape and dtype: the model must take
   * float32 [N, columns.length] (MODEL_SHAPE_MISMATCH otherwise). A bare name checks the name only.
   */
  readonly inputs: ReadonlyArray<string | ModelInputDeclaration>;
}

export interface ScorerPlugin<F extends readonly FeatureKey[] = readonly FeatureKey[], O extends ScoreOutput = ScoreOutput> {
  /** Namespaced, stable id (`namespace/name`): a metric label and the key strategies use. */
  readonly id: ScorerId;
  /** Semantic version (x.y.z); recorded with each feed and exposure. */
  readonly version: string;
  /** Declared inputs; unknown keys fail registration (UNKNOWN_FEATURE). */
  readonly features: F;
  /** Optional ONNX model; its inputs are checked at registration (MODEL_INPUT_MISMATCH, MODEL_SHAPE_MISMATCH). */
  readonly model?: ModelDeclaration;
  /** Per-request deadline in ms. Default: the gateway's SCORER_TIMEOUT_MS (50). */
  readonly timeoutMs?: number;
  /** Create the live scorer. Throwing here fails registration (INVALID_PLUGIN). */
  setup(ctx: ScorerContext): Promise<Scorer<F, O>>;
}

/** Identity helper that keeps the declared feature tuple's literal type (and the answer shape). */
export function defineScorer<const F extends readonly FeatureKey[], O extends ScoreOutput = Float32Array>(plugin: ScorerPlugin<F, O>): ScorerPlugin<F, O> {
  return plugin;
}
