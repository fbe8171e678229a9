/**
 * The models of an events/temporal run: feed strategies over the registered scorers. A scorer id
 * becomes `strategy:<name>-only` (the default strategy with that scorer alone: same retrievers and
 * re-ranking); `default` / `strategy:default` is the gateway's default strategy; a strategy file
 * becomes `strategy:<its id>`.
 */
import { basename } from 'node:path';
import { DEFAULT_STRATEGY, loadStrategyFile, parseStrategy, type Strategy } from '../../pipeline/strategy';
import { createPopularityScorer } from '../../plugins/baseline/popularity';
import { bundledScorers } from '../../server/bundled';
import { argError } from './temporal-source';

/** A model under evaluation: a feed strategy over the registered scorers. */
export interface TemporalModel {
  /** Report id, e.g. `strategy:default`. */
  readonly id: string;
  readonly role: 'candidate' | 'baseline';
  readonly strategy: Strategy;
  /** Where the strategy came from (a file path), if not built in. */
  readonly source?: string;
}

/** Ids of the scorers an offline run registers by default: the gateway's bundled scorers and baseline/popularity. */
export function registeredScorerIds(): string[] {
  return [...bundledScorers(), createPopularityScorer()].map((p) => p.id);
}

/** `strategy:<name>-only`: the default strategy with one scorer (weight 1). */
export function singleScorerModel(scorerId: string, role: TemporalModel['role'] = 'baseline'): TemporalModel {
  const name = `${scorerId.split('/').slice(1).join('-') || scorerId}-only`;
  return { id: `strategy:${name}`, role, strategy: parseStrategy({ ...DEFAULT_STRATEGY, id: name, scorers: [{ id: scorerId, weight: 1 }] }) };
}

/**
 * `strategy:default` (the gateway's default strategy) against each of its scorers alone and the
 * popularity floor, all with the default retrievers and re-ranking.
 */
export const DEFAULT_TEMPORAL_MODELS: readonly TemporalModel[] = [
  { id: 'strategy:default', role: 'candidate', strategy: DEFAULT_STRATEGY },
  ...DEFAULT_STRATEGY.scorers.map((s) => singleScorerModel(s.id)),
  singleScorerModel('baseline/popularity'),
];

export interface ModelSelection {
  /** Model ids: `default` / `strategy:default` or registered scorer ids. Default: DEFAULT_TEMPORAL_MODELS. */
  readonly models?: readonly string[];
  /** Strategy files, each one model (a candidate). Default none. */
  readonly strategyFiles?: readonly string[];
  /** Scorer ids that may be named (the registered scorers). */
  readonly scorerIds: readonly string[];
}

/**
 * The model list of `--models` and `--strategy`. With strategy files, they are the candidates and
 * `strategy:default` is a baseline; without, `strategy:default` is the candidate. Unknown ids and
 * clashing names are EVAL_ARGUMENT_INVALID naming the flag.
 */
export function selectTemporalModels(sel: ModelSelection): TemporalModel[] {
  const files = sel.strategyFiles ?? [];
  const defaultRole: TemporalModel['role'] = files.length > 0 ? 'baseline' : 'candidate';
  const known = new Set(sel.scorerIds);
  const base: TemporalModel[] =
    sel.models === undefined
      ? DEFAULT_TEMPORAL_MODELS.map((m) => (m.id === 'strategy:default' ? { ...m, role: defaultRole } : m))
      : sel.models.map((raw) => {
          const id = raw.trim();
          if (id === 'default' || id === 'strategy:default') return { id: 'strategy:default', role: defaultRole, strategy: DEFAULT_STRATEGY };
          if (!known.has(id)) throw argError('--models', `"${id}" is neither "default" nor a registered scorer (${[...known].join(', ')})`);
          return singleScorerModel(id);
        });
  const fromFiles = files.map((path): TemporalModel => {
    let strategy: Strategy;
    try {
      strategy = loadStrategyFile(path);
    } catch (err) {
      throw argError('--strategy', `${path}: ${(err as Error).message}`);
    }
    return { id: `strategy:${strategy.id}`, role: 'candidate', strategy, source: basename(path) };
  });
  const all = [...base, ...fromFiles];
  const seen = new Set<string>();
  for (const m of all) {
    if (seen.has(m.id))
      throw argError(m.source !== undefined ? '--strategy' : '--models', `two models are named ${m.id}${m.source !== undefined ? ` (${m.source}: give the strategy another "id")` : ''}`);
    seen.add(m.id);
  }
  if (all.length === 0) throw argError('--models', 'names no model');
  return all;
}
