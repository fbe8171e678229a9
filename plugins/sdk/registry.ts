/**
 * The scorer registry: checks every plugin once at boot (before the server listens), sets it
 * up, and closes the live scorers in reverse order.
 */
import { ErrorCode } from '../../errors/codes';
import { CodedError } from '../../errors/errors';
import type { PluginLogger, Scorer, ScorerId, ScorerPlugin } from './contract';
import { isFeatureKey, type FeatureKey } from './features';
import type { ModelSession } from './model';

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

export interface ScorerRegistry {
  get(id: string): RegisteredScorer | undefined;
  list(): readonly RegisteredScorer[];
  /** Close every scorer in reverse registration order; errors are logged, not thrown. */
  close(): Promise<void>;
}

export interface RegistryOptions {
  readonly logger: PluginLogger;
  /** Deadline for scorers that declare none. Default 50 ms. */
  readonly defaultTimeoutMs?: number;
  /** Opens ONNX models; the gateway passes the onnxruntime-node loader. */
  readonly loadModel: (uri: string) => Promise<ModelSession>;
  /** Settings per scorer id, handed to `setup`. Default none. */
  readonly settings?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
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

async function checkModel(plugin: ScorerPlugin, loadModel: RegistryOptions['loadModel']): Promise<void> {
  if (!plugin.model) return;
  let session: ModelSession;
  try {
    session = await loadModel(plugin.model.uri);
  } catch (err) {
    throw invalid(plugin, `cannot open model ${plugin.model.uri}: ${(err as Error).message}`);
  }
  try {
    const declared = [...plugin.model.inputs].sort();
    const actual = [...session.inputNames].sort();
    if (declared.length !== actual.length || declared.some((d, i) => d !== actual[i])) {
      throw new CodedError(ErrorCode.MODEL_INPUT_MISMATCH, `scorer ${plugin.id}: declared model inputs [${declared.join(', ')}] but ${plugin.model.uri} has [${actual.join(', ')}]`, {
        scorerId: plugin.id,
        declared,
        actual,
      });
    }
  } finally {
    await session.close();
  }
}

/**
 * Check and set up every plugin, in order. On any failure, scorers already set up are closed
 * and the error is rethrown: the gateway must not start half-registered.
 */
export async function createScorerRegistry(plugins: readonly ScorerPlugin[], opts: RegistryOptions): Promise<ScorerRegistry> {
  const seen = new Set<string>();
  for (const p of plugins) {
    checkDeclaration(p, seen);
    seen.add(p.id);
  }
  const live: RegisteredScorer[] = [];
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
      await checkModel(p, opts.loadModel);
      let scorer: Scorer<readonly FeatureKey[]>;
      try {
        scorer = await p.setup({ logger: opts.logger, loadModel: opts.loadModel, settings: opts.settings?.[p.id] ?? {} });
      } catch (err) {
        throw invalid(p, `setup failed: ${(err as Error).message}`);
      }
      if (!scorer || typeof scorer.score !== 'function') throw invalid(p, 'setup must return an object with score()');
      live.push({ id: p.id, version: p.version, features: [...p.features], timeoutMs: p.timeoutMs ?? opts.defaultTimeoutMs ?? 50, scorer });
    }
  } catch (err) {
    await close();
    throw err;
  }
  const byId = new Map(live.map((r) => [r.id as string, r]));
  return {
    get: (id) => byId.get(id),
    list: () => [...live],
    close,
  };
}
