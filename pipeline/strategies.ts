/**
 * The strategies a gateway can serve: the default one (STRATEGY_FILE, else DEFAULT_STRATEGY)
 * plus every `*.json` in STRATEGIES_DIR, each checked against the registry. A file whose scorers
 * are not registered here (e.g. `duve/purchase` on a gateway without a DUVE model) is skipped
 * with its reason, so an experiment that names it fails to start with that reason instead of
 * the gateway failing to boot. Experiments pick among these by id.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CodedError } from '../errors/errors';
import type { ScorerRegistry } from '../plugins/sdk/registry';
import { checkStrategy, loadStrategyFile, type Strategy } from './strategy';

export interface StrategyCatalog {
  /** The strategy served outside experiments. */
  readonly defaultId: string;
  readonly strategies: ReadonlyMap<string, Strategy>;
  /** Files that could not be served here, with why. */
  readonly skipped: ReadonlyArray<{ readonly file: string; readonly reason: string }>;
}

export function loadStrategyCatalog(defaultStrategy: Strategy, dir: string | undefined, registry: ScorerRegistry): StrategyCatalog {
  checkStrategy(defaultStrategy, registry);
  const strategies = new Map<string, Strategy>([[defaultStrategy.id, defaultStrategy]]);
  const skipped: Array<{ file: string; reason: string }> = [];
  if (dir !== undefined && existsSync(dir)) {
    for (const name of readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const file = join(dir, name);
      try {
        const s = loadStrategyFile(file);
        checkStrategy(s, registry);
        if (strategies.has(s.id)) {
          skipped.push({ file, reason: `strategy id "${s.id}" is already loaded` });
          continue;
        }
        strategies.set(s.id, s);
      } catch (err) {
        if (!(err instanceof CodedError)) throw err;
        skipped.push({ file, reason: err.message });
      }
    }
  }
  return { defaultId: defaultStrategy.id, strategies, skipped };
}
