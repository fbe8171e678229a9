/**
 * The strategy files a gateway can serve: the default one (STRATEGY_FILE, else DEFAULT_STRATEGY)
 * plus every `*.json` in STRATEGIES_DIR, parsed. A file that does not parse, or repeats an id, is
 * skipped with its reason. Whether each one's scorers are registered is checked when the serving
 * set is built (publishing/serving.ts), against the scorers from code and the published ones: a
 * strategy naming a scorer that is not served there is skipped with the reason, so an experiment
 * that names it fails to start with that reason instead of the gateway failing to boot.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CodedError } from '../errors/errors';
import { loadStrategyFile, type Strategy } from './strategy';

export interface StrategyCatalog {
  /** The strategy served outside experiments. */
  readonly defaultId: string;
  readonly strategies: ReadonlyMap<string, Strategy>;
  /** Files that could not be served here, with why. */
  readonly skipped: ReadonlyArray<{ readonly file: string; readonly reason: string }>;
}

export function readStrategyFiles(defaultStrategy: Strategy, dir: string | undefined): StrategyCatalog {
  const strategies = new Map<string, Strategy>([[defaultStrategy.id, defaultStrategy]]);
  const skipped: Array<{ file: string; reason: string }> = [];
  if (dir !== undefined && existsSync(dir)) {
    for (const name of readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const file = join(dir, name);
      try {
        const s = loadStrategyFile(file);
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
