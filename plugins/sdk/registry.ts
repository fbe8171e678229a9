/**
 * The scorer registry: checks every plugin once at boot (before the server listens), sets it
 * up, and closes the live scorers in reverse order.
 */
import { resolve } from 'node:path';
import { ErrorCode } from '../../errors/codes';
import { CodedError } from '../../errors/errors';
import type { PluginLogger, Scorer, ScorerContext, ScorerId, ScorerPlugin, ScorerSettings } from './contract';
import { isFeatureKey, type FeatureKey } from './features';
import type { ModelSession } from './model';
import { checkModelDeclaration, resolveModelUri } from './model-check';

const ID_PATTERN = /^[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9.-]*$/;
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

/** A plugin that passed registration, with its live scorer. */
export interface RegisteredScorer {
  readonly id: ScorerId;
  readonly version: string;
  readonly features: readonly FeatureKey[];
  /** Effective per-request deadline (ms). */
  readonly timeoutMs: number;
  readonly scorer: Scorer<readonly FeatureKey[]>;
}

/** A plugin left out at registration (only with `skipFailing`) or before it (`RegistryOptions.skipped`), and why. */
export interface SkippedScorer {
  /** The plugin's id; for a plugin module that loaded no plugin (server/plugin-loader.ts), the module's path. */
  readonly id: string;
  /** The plugin's version; "" for a module that loaded no plugin. */
  readonly version: string;
  /**
   * INVALID_PLUGIN (model file missing or unreadable, setup failed; or, from the plugin loader, a
   * module not found, throwing on load, exporting no scorer, or a malformed declaration),
   * DUPLICATE_SCORER_ID, UNKNOWN_FEATURE (plugin loader), MODEL_INPUT_MISMATCH or MODEL_SHAPE_MISMATCH.
   */
  readonly code: ErrorCode;
  readonly reason: string;
}

export interface ScorerRegistry {
  /** The scorer serving `id`; with `version`, only that version (a published scorer's pinned version). */
  get(id: string, version?: string): RegisteredScorer | undefined;
  list(): readonly RegisteredScorer[];
  /** Plugins left out before registration (`RegistryOptions.skipped`), then those skipped at it (only with `skipFailing`), in order. */
  readonly skipped: readonly SkippedScorer[];
  /** Close every scorer in reverse registration order; errors are logged, not thrown. */
  close(): Promise<void>;
}

export interface RegistryOptions {
  readonly logger: PluginLogger;
  /** Deadline for scorers that declare none. Default 50 ms. */
  readonly defaultTimeoutMs?: number;
  /** Opens ONNX models (given resolved paths); the gateway passes the onnxruntime-node loader. */
  readonly loadModel: (uri: string) => Promise<ModelSession>;
  /** Setup-time settings per scorer id, handed to `setup` as `ctx.settings`. Default none (`{}`). */
  readonly settings?: Readonly<Record<string, ScorerSettings>>;
  /** Folder that relative model paths (`model.uri`, `ctx.loadModel`) resolve against. Default: the working directory; the gateway passes MODELS_DIR. */
  readonly modelsDir?: string;
  /**
   * Skip a plugin whose model file is missing, unreadable or does not match its declaration, or
   * whose setup fails, logging the reason and listing it in `skipped`, instead of failing the
   * whole registration. Declaration errors (id, version, duplicate id, unknown feature) always
   * fail. Default false (the gateway passes true).
   */
  readonly skipFailing?: boolean;
  /** Plugins left out before registration (the plugin loader's skips), listed first in `skipped` and not logged again. Default none. */
  readonly skipped?: readonly SkippedScorer[];
}

function invalid(plugin: { id?: unknown }, message: string): CodedError {
  return new CodedError(ErrorCode.INVALID_PLUGIN, `scorer ${String(plugin.id)}: ${message}`, { scorerId: String(plugin.id) });
}

/** Static checks that need no I/O. Throws a CodedError naming the plugin. */
export function checkDeclaration(plugin: ScorerPlugin, seen: ReadonlySet<string>): void {
  if (typeof plugin.id !== 'string' || !ID_PATTERN.test(plugin.id)) {
    throw invalid(plugin, 'id must look like "namespace/name" (lower case, digits, dashes)');
  }
  if (seen.has(plugin.id)) {
    throw new CodedError(ErrorCode.DUPLICATE_SCORER_ID, `scorer id ${plugin.id} is registered twice`, { scorerId: plugin.id });
  }
  if (typeof plugin.version !== 'string' || !SEMVER.test(plugin.version)) throw invalid(plugin, 'version must be semver (x.y.z)');
  if (!Array.isArray(plugin.features)) throw invalid(plugin, 'features must be an array');
  for (const f of plugin.features as readonly string[]) {
    if (!isFeatureKey(f)) {
      throw new CodedError(ErrorCode.UNKNOWN_FEATURE, `scorer ${plugin.id} declares unknown feature "${f}"`, { scorerId: plugin.id, feature: f });
    }
  }
  if (plugin.timeoutMs !== undefined && (!Number.isFinite(plugin.timeoutMs) || plugin.timeoutMs <= 0)) {
    throw invalid(plugin, 'timeoutMs must be a positive number');
  }
  if (typeof plugin.setup !== 'function') throw invalid(plugin, 'setup must be a function');
}

async function checkModel(plugin: ScorerPlugin, loadModel: RegistryOptions['loadModel'], modelsDir: string): Promise<void> {
  if (!plugin.model) return;
  const uri = resolveModelUri(plugin.model.uri, modelsDir);
  let session: ModelSession;
  try {
    session = await loadModel(uri);
  } catch (err) {
    throw invalid(plugin, `cannot open model ${uri}: ${(err as Error).message}`);
  }
  try {
    await checkModelDeclaration(plugin, uri, session);
  } finally {
    await session.close();
  }
}

async function setUp(p: ScorerPlugin, opts: RegistryOptions, modelsDir: string, loadModel: ScorerContext['loadModel']): Promise<RegisteredScorer> {
  await checkModel(p, opts.loadModel, modelsDir);
  let scorer: Scorer<readonly FeatureKey[]>;
  try {
    scorer = await p.setup({ logger: opts.logger, loadModel, settings: opts.settings?.[p.id] ?? {} });
  } catch (err) {
    throw invalid(p, `setup failed: ${(err as Error).message}`);
  }
  if (!scorer || typeof scorer.score !== 'function') throw invalid(p, 'setup must return an object with score()');
  return { id: p.id, version: p.version, features: [...p.features], timeoutMs: p.timeoutMs ?? opts.defaultTimeoutMs ?? 50, scorer };
}

/**
 * Check and set up every plugin, in order. On a failure, scorers already set up are closed and
 * the error is rethrown, unless `skipFailing` is set and the failure is the plugin's model or
 * setup: then that plugin alone is skipped.
 */
export async function createScorerRegistry(plugins: readonly ScorerPlugin[], opts: RegistryOptions): Promise<ScorerRegistry> {
  const seen = new Set<string>();
  for (const p of plugins) {
    checkDeclaration(p, seen);
    seen.add(p.id);
  }
  const live: RegisteredScorer[] = [];
  const skipped: SkippedScorer[] = [...(opts.skipped ?? [])];
  const modelsDir = resolve(opts.modelsDir ?? '.');
  const loadModel = (uri: string): Promise<ModelSession> => opts.loadModel(resolveModelUri(uri, modelsDir));
  const close = async (): Promise<void> => {
    for (const r of [...live].reverse()) {
      try {
        await r.scorer.close?.();
      } catch (err) {
        opts.logger.error({ scorerId: r.id, err: (err as Error).message }, 'scorer close failed');
      }
    }
    live.length = 0;
  };
  try {
    for (const p of plugins) {
      try {
        live.push(await setUp(p, opts, modelsDir, loadModel));
      } catch (err) {
        if (!opts.skipFailing || !(err instanceof CodedError)) throw err;
        skipped.push({ id: p.id, version: p.version, code: err.code, reason: err.message });
        opts.logger.error({ scorerId: p.id, version: p.version, code: err.code, reason: err.message }, 'scorer plugin skipped: strategies naming it are not served');
      }
    }
  } catch (err) {
    await close();
    throw err;
  }
  const byId = new Map(live.map((r) => [r.id as string, r]));
  return {
    get: (id, version) => {
      const r = byId.get(id);
      return r !== undefined && (version === undefined || r.version === version) ? r : undefined;
    },
    list: () => [...live],
    skipped,
    close,
  };
}
