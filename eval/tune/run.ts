/**
 * `tune`: choose feed-strategy settings on a validation cut, never on the test window.
 *
 *   data:        [window start ........ validation start | validation window | test cut ... end)
 *   used:        training (the store)                   | objective          | never read
 *
 * The test cut is the one `eval events/temporal` would use with the same flags (`--cut`, or the
 * window end minus `--eval-days`). Every event at or after it is dropped right after loading, before
 * anything else looks at the log. Validation = [test cut − valid-days, test cut); training = the
 * events before the validation start, loaded into a fresh embedded store through the importer's
 * sink, as events/temporal does. Each trial is a strategy (space.ts) whose feeds, from the real
 * FeedService, are scored by NDCG@K of the validation purchases (ties: of the validation clicks,
 * then the earlier trial). Search, `--trials` evaluations in all: trial 0 = the default strategy,
 * trials 1-4 = each baseline scorer alone (anchors), then `--random` seeded draws from the grid,
 * then a first-improvement coordinate ascent from the best so far (space.ts coordinateMoves) until
 * no single-setting move improves or the budget is spent.
 */
import { createEventSink } from '../../ingest/import/sink';
import { mulberry32 } from '../../ml/random';
import { createPopularityScorer } from '../../plugins/baseline/popularity';
import { bundledScorers } from '../../server/bundled';
import { meanOfFinite, ndcgAtK, precisionAtK } from '../metrics/lists';
import { createEvalProgress, createEvalRegistry, openTempStore, peakRssMiB, round6, type RunEnvironmentOptions } from '../protocols/support';
import { argError, loadSource, DEFAULT_TAOBAO_FILE, type TemporalSource } from '../protocols/temporal-source';
import { feedLists } from '../protocols/temporal-score';
import { resolveCut, splitAtCut, type CutOptions, type UserWindow } from '../protocols/temporal-split';
import { TUNED_SCORERS, coordinateMoves, defaultSettings, describeSettings, sampleSettings, settingsKey, settingsStrategy, singleScorerSettings, strategyJson, type TrialSettings } from './space';

const DAY_MS = 24 * 3600 * 1000;

export type TuneTarget = 'purchase' | 'click';

export interface TuneOptions extends RunEnvironmentOptions, CutOptions {
  /** The event log. Default: the `taobao` preset over the Taobao head. */
  readonly source?: TemporalSource;
  /** Observation window [start, end) in ms. Default: as events/temporal (Taobao's for the preset, else the data's span). */
  readonly window?: { readonly start: number; readonly end: number };
  /** Read only the first N records. Default: all. */
  readonly maxLines?: number;
  /** Days before the test cut that form the validation window. Default: evalDays (2). */
  readonly validDays?: number;
  /** Evaluations in all: the anchors (trial 0 = the default strategy, 1-4 = each baseline scorer alone), the random draws, then the coordinate ascent. Default 50. */
  readonly trials?: number;
  /** Seeded random draws after the anchors; the rest of `trials` goes to the coordinate ascent. Default 15. */
  readonly random?: number;
  /** Seed of the random search. Default 42. */
  readonly seed?: number;
  /** K of the objective NDCG@K. Default 10. */
  readonly k?: number;
  /** Target of the objective; ties are broken by the other target. Default `purchase`. */
  readonly target?: TuneTarget;
  /** Id of the chosen strategy (its file's `id`). Default `tuned`. */
  readonly strategyId?: string;
}

export interface TrialResult {
  readonly index: number;
  /** How the point was picked: an anchor (default, one scorer alone), a random draw, or a coordinate-ascent move. */
  readonly phase: 'anchor' | 'random' | 'coordinate';
  readonly settings: TrialSettings;
  readonly description: string;
  /** NDCG@K / P@K on the validation window, per target; n = users with a relevant item. */
  readonly ndcg: { readonly purchase: number; readonly click: number };
  readonly precision: { readonly purchase: number; readonly click: number };
  readonly ms: number;
}

export interface TuneResult {
  readonly name: string;
  readonly path: string;
  readonly seed: number;
  readonly k: number;
  readonly target: TuneTarget;
  readonly window: { readonly start: number; readonly end: number };
  /** The test cut: nothing at or after it is used. */
  readonly testCut: number;
  /** Validation = [validStart, testCut); training = before validStart. */
  readonly validStart: number;
  readonly trainEvents: number;
  readonly validEvents: number;
  /** Validation users with a purchase / a click (the n of the objective and its tie-break). */
  readonly validUsers: { readonly purchase: number; readonly click: number };
  readonly trials: readonly TrialResult[];
  /** Index of the chosen trial. */
  readonly chosen: number;
  /** The chosen strategy file's JSON. */
  readonly strategy: Readonly<Record<string, unknown>>;
  readonly wallMs: number;
  readonly peakRssMiB: number;
}

/** Order of trials: objective, then the tie-break target, then the earlier trial. */
export function compareTrials(a: TrialResult, b: TrialResult, target: TuneTarget): number {
  const other: TuneTarget = target === 'purchase' ? 'click' : 'purchase';
  return b.ndcg[target] - a.ndcg[target] || b.ndcg[other] - a.ndcg[other] || a.index - b.index;
}

/** The trial points: the default strategy, each baseline scorer alone, then distinct seeded draws from the grid; `trials` in all. */
export function trialPoints(trials: number, seed: number): TrialSettings[] {
  const rng = mulberry32(seed);
  const out = [defaultSettings(), ...TUNED_SCORERS.map(singleScorerSettings)].slice(0, trials);
  const seen = new Set(out.map(settingsKey));
  // The grid has ~1.6M points: a repeat is rare; the attempt cap only guards tiny budgets of a small grid.
  for (let attempts = 0; out.length < trials && attempts < trials * 100; attempts++) {
    const s = sampleSettings(rng);
    if (seen.has(settingsKey(s))) continue;
    seen.add(settingsKey(s));
    out.push(s);
  }
  return out;
}

export async function runTune(opts: TuneOptions = {}): Promise<TuneResult> {
  const t0 = performance.now();
  const seed = opts.seed ?? 42;
  const k = opts.k ?? 10;
  const target = opts.target ?? 'purchase';
  const trials = opts.trials ?? 50;
  if (!Number.isInteger(trials) || trials < 1) throw argError('--trials', `must be a positive integer, got ${trials}`);
  const random = opts.random ?? 15;
  if (!Number.isInteger(random) || random < 0) throw argError('--random', `must be a non-negative integer, got ${random}`);
  if (!Number.isInteger(k) || k < 1) throw argError('--k', `must be a positive integer, got ${k}`);
  const validDays = opts.validDays ?? opts.evalDays ?? 2;
  if (!(validDays > 0)) throw argError('--valid-days', `must be positive, got ${validDays}`);

  const source: TemporalSource = opts.source ?? { kind: 'preset', preset: 'taobao', file: DEFAULT_TAOBAO_FILE };
  const loaded = await loadSource(source, opts.maxLines !== undefined ? { maxLines: opts.maxLines } : {});
  const window = opts.window ?? loaded.window;
  const testCut = resolveCut(window, opts);
  // The test window is dropped here, before anything else reads the log.
  const before = loaded.log.rows.filter((r) => r.event.ts < testCut);
  const validStart = testCut - Math.round(validDays * DAY_MS);
  if (!(validStart > window.start)) throw argError('--valid-days', `the validation start ${new Date(validStart).toISOString()} is not after the window start ${new Date(window.start).toISOString()}`);
  const split = splitAtCut(before, validStart, testCut);

  const { store, dispose } = await openTempStore(opts, 'tune');
  const registry = await createEvalRegistry([...bundledScorers(), createPopularityScorer()]);
  try {
    const sink = createEventSink(store, 5000);
    for (const r of split.train) await sink.add(r.event, r.item, r.categories);
    await sink.flush();
    const now = await store.latestEventTs();
    const judged = (pick: (w: UserWindow) => ReadonlySet<string>): string[] => [...split.windows].filter(([, w]) => pick(w).size > 0).map(([u]) => u);
    const buyers = judged((w) => w.purchased);
    const clickers = judged((w) => w.clicked);
    const users = [...new Set([...buyers, ...clickers])].sort();
    if (users.length === 0) throw argError('--valid-days', 'the validation window has no purchase and no click');

    const anchors = 1 + TUNED_SCORERS.length;
    const points = trialPoints(Math.min(trials, anchors + random), seed);
    const progress = createEvalProgress('tune', trials * users.length, opts);
    const results: TrialResult[] = [];
    const seen = new Set<string>();
    const evaluate = async (settings: TrialSettings, phase: TrialResult['phase']): Promise<TrialResult> => {
      const index = results.length;
      seen.add(settingsKey(settings));
      const started = performance.now();
      const strategy = settingsStrategy(`trial-${index}`, settings);
      const { lists } = await feedLists(store, registry, strategy, users, k, now, () => progress.tick());
      const mean = (us: readonly string[], fn: typeof ndcgAtK, pick: (w: UserWindow) => ReadonlySet<string>): number =>
        round6(meanOfFinite(us.map((u) => fn(lists.get(u) ?? [], pick(split.windows.get(u)!), k))).mean || 0);
      const result: TrialResult = {
        index,
        phase,
        settings,
        description: describeSettings(settings),
        ndcg: { purchase: mean(buyers, ndcgAtK, (w) => w.purchased), click: mean(clickers, ndcgAtK, (w) => w.clicked) },
        precision: { purchase: mean(buyers, precisionAtK, (w) => w.purchased), click: mean(clickers, precisionAtK, (w) => w.clicked) },
        ms: Math.round(performance.now() - started),
      };
      results.push(result);
      return result;
    };
    for (const [i, settings] of points.entries()) await evaluate(settings, i < anchors ? 'anchor' : 'random');
    let best = [...results].sort((a, b) => compareTrials(a, b, target))[0]!;
    for (let improved = true; improved && results.length < trials;) {
      improved = false;
      for (const move of coordinateMoves(best.settings)) {
        if (results.length >= trials) break;
        if (seen.has(settingsKey(move))) continue;
        const r = await evaluate(move, 'coordinate');
        if (compareTrials(r, best, target) < 0) {
          best = r;
          improved = true;
          break;
        }
      }
    }
    progress.stop();
    const chosen = [...results].sort((a, b) => compareTrials(a, b, target))[0]!;
    return {
      name: loaded.name,
      path: loaded.path,
      seed,
      k,
      target,
      window,
      testCut,
      validStart,
      trainEvents: split.train.length,
      validEvents: split.evalEvents,
      validUsers: { purchase: buyers.length, click: clickers.length },
      trials: results,
      chosen: chosen.index,
      strategy: strategyJson(opts.strategyId ?? 'tuned', chosen.settings),
      wallMs: Math.round(performance.now() - t0),
      peakRssMiB: peakRssMiB(),
    };
  } finally {
    try {
      await registry.close();
    } finally {
      await dispose();
    }
  }
}
