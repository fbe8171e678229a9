/**
 * Serialisable scorer specs: how a worker thread builds the same plugin the main thread would,
 * from a module path, the name of a factory export and its options (plain JSON-cloneable data).
 */
import type { ScorerPlugin } from '../../../plugins/sdk/contract';

export interface ScorerSpec {
  /** Absolute path of the module (compiled JS in workers), e.g. `require.resolve('../../plugins/mf/bpr')`. */
  readonly module: string;
  /** Name of the factory export, e.g. `createBprScorer`. */
  readonly factory: string;
  /** The factory's single argument; must survive structured cloning. Default: none. */
  readonly options?: unknown;
}

/** Build the plugin a spec names. Throws when the export is missing or not a factory. */
export function pluginFromSpec(spec: ScorerSpec): ScorerPlugin {
  // A dynamic require: the module is only known at run time (and must be JS in a worker).
  const mod = require(spec.module) as Record<string, unknown>;
  const factory = mod[spec.factory];
  if (typeof factory !== 'function') throw new TypeError(`${spec.module} has no factory export "${spec.factory}"`);
  const plugin = (spec.options === undefined ? factory() : factory(spec.options)) as ScorerPlugin;
  if (!plugin || typeof plugin !== 'object' || typeof plugin.id !== 'string') throw new TypeError(`${spec.module}#${spec.factory} did not return a scorer plugin`);
  return plugin;
}
