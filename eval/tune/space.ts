/**
 * The search space of `tune`: a documented grid over the feed strategy's settings, searched by
 * anchors, a seeded random search and a coordinate ascent (eval/tune/run.ts). Pure: no I/O.
 *
 * | setting | grid |
 * |---|---|
 * | weight of each registered baseline scorer (commercial, item-knn, affinity, popularity) | 0, 0.1, 0.2, 0.3, 0.5, 1 (at least one > 0; the blend renormalises) |
 * | recent retriever share (the user's own recent items) | off, 0.1, 0.2, 0.4 |
 * | neighbourhood retriever share (co-interaction walk) | off, 0.3, 0.6, 0.8 |
 * | trending retriever (fills the rest) | on, off |
 * | fresh retriever share | off, 0.1 |
 * | MMR λ (1 = relevance only) | 0.5, 0.7, 0.8, 0.9, 1 |
 * | category cap (maxPerCategory, 0 = none) | 0, 2, 3, 5 |
 * | candidates scored per request (candidates.max) | 100, 200, 400 |
 *
 * At least one retriever is on. Trial 0 is always the gateway's default strategy and trials 1-4
 * each baseline scorer alone (weight 1, the default's retrievers and re-ranking: the `<scorer>-only`
 * models of events/temporal), so the chosen strategy is never worse than these on the validation
 * window; then seeded random draws, then a coordinate ascent from the best point (coordinateMoves).
 */
import { DEFAULT_STRATEGY, parseStrategy, type Strategy } from '../../pipeline/strategy';

/** The baseline scorers whose weights are tuned. */
export const TUNED_SCORERS = ['baseline/commercial', 'baseline/item-knn', 'baseline/affinity', 'baseline/popularity'] as const;

export const GRID = {
  weight: [0, 0.1, 0.2, 0.3, 0.5, 1],
  recent: [null, 0.1, 0.2, 0.4],
  neighbourhood: [null, 0.3, 0.6, 0.8],
  trending: [true, false],
  fresh: [null, 0.1],
  lambda: [0.5, 0.7, 0.8, 0.9, 1],
  maxPerCategory: [0, 2, 3, 5],
  candidates: [100, 200, 400],
} as const;

/** One point of the space. */
export interface TrialSettings {
  /** Scorer id -> blend weight (0 = not in the strategy). */
  readonly weights: Readonly<Record<string, number>>;
  /** Share of the recent retriever, null = off. */
  readonly recent: number | null;
  /** Share of the neighbourhood retriever, null = off. */
  readonly neighbourhood: number | null;
  readonly trending: boolean;
  /** Share of the fresh retriever, null = off. */
  readonly fresh: number | null;
  readonly lambda: number;
  readonly maxPerCategory: number;
  readonly candidates: number;
}

/** The default strategy as a point of the space (its weights need not be on the grid). */
export function defaultSettings(): TrialSettings {
  const d = DEFAULT_STRATEGY;
  const weights: Record<string, number> = Object.fromEntries(TUNED_SCORERS.map((id) => [id, 0]));
  for (const s of d.scorers) weights[s.id] = s.weight;
  return {
    weights,
    recent: d.candidates.recent?.share ?? null,
    neighbourhood: d.candidates.neighbourhood?.share ?? null,
    trending: d.candidates.trending !== null,
    fresh: d.candidates.fresh?.share ?? null,
    lambda: d.diversity.lambda,
    maxPerCategory: d.diversity.maxPerCategory,
    candidates: d.candidates.max,
  };
}

/** The default strategy with one scorer alone (weight 1). */
export function singleScorerSettings(scorerId: string): TrialSettings {
  const d = defaultSettings();
  return { ...d, weights: Object.fromEntries(TUNED_SCORERS.map((id) => [id, id === scorerId ? 1 : 0])) };
}

const pick = <T>(xs: readonly T[], rng: () => number): T => xs[Math.floor(rng() * xs.length)]!;

/** A uniform draw from the grid (redrawn until some weight is positive and some retriever is on). */
export function sampleSettings(rng: () => number): TrialSettings {
  for (;;) {
    const weights = Object.fromEntries(TUNED_SCORERS.map((id) => [id, pick(GRID.weight, rng)]));
    const s: TrialSettings = {
      weights,
      recent: pick(GRID.recent, rng),
      neighbourhood: pick(GRID.neighbourhood, rng),
      trending: pick(GRID.trending, rng),
      fresh: pick(GRID.fresh, rng),
      lambda: pick(GRID.lambda, rng),
      maxPerCategory: pick(GRID.maxPerCategory, rng),
      candidates: pick(GRID.candidates, rng),
    };
    if (isValidSettings(s)) return s;
  }
}

/** Some scorer weight is positive and some retriever is on (what parseStrategy requires). */
export function isValidSettings(s: TrialSettings): boolean {
  return Object.values(s.weights).some((w) => w > 0) && (s.recent !== null || s.neighbourhood !== null || s.trending || s.fresh !== null);
}

/**
 * Every valid point one grid step away along a single setting, in a fixed order: MMR λ, category
 * cap, candidates, the retrievers (recent, neighbourhood, trending, fresh), then each scorer's
 * weight; within a setting, grid order. The coordinate ascent takes the first that improves.
 */
export function coordinateMoves(s: TrialSettings): TrialSettings[] {
  const out: TrialSettings[] = [];
  const along = <T>(values: readonly T[], current: T, make: (v: T) => TrialSettings): void => {
    for (const v of values) if (v !== current) out.push(make(v));
  };
  along(GRID.lambda, s.lambda, (lambda) => ({ ...s, lambda }));
  along(GRID.maxPerCategory, s.maxPerCategory, (maxPerCategory) => ({ ...s, maxPerCategory }));
  along(GRID.candidates, s.candidates, (candidates) => ({ ...s, candidates }));
  along(GRID.recent, s.recent, (recent) => ({ ...s, recent }));
  along(GRID.neighbourhood, s.neighbourhood, (neighbourhood) => ({ ...s, neighbourhood }));
  along(GRID.trending, s.trending, (trending) => ({ ...s, trending }));
  along(GRID.fresh, s.fresh, (fresh) => ({ ...s, fresh }));
  for (const id of TUNED_SCORERS) along(GRID.weight, s.weights[id] ?? 0, (w) => ({ ...s, weights: { ...s.weights, [id]: w } }));
  return out.filter(isValidSettings);
}

/** Stable key of a point (to skip repeats). */
export function settingsKey(s: TrialSettings): string {
  return JSON.stringify([TUNED_SCORERS.map((id) => s.weights[id] ?? 0), s.recent, s.neighbourhood, s.trending, s.fresh, s.lambda, s.maxPerCategory, s.candidates]);
}

/**
 * The strategy file of a point: JSON that parseStrategy (STRATEGIES_DIR / STRATEGY_FILE) reads;
 * unspecified keys (limit, historyLimit, the retrievers' inner limits) keep the default's values.
 */
export function strategyJson(id: string, s: TrialSettings): Record<string, unknown> {
  const d = DEFAULT_STRATEGY.candidates;
  return {
    id,
    limit: DEFAULT_STRATEGY.limit,
    historyLimit: DEFAULT_STRATEGY.historyLimit,
    candidates: {
      max: s.candidates,
      recent: s.recent === null ? null : { limit: d.recent?.limit ?? 20, share: s.recent },
      neighbourhood: s.neighbourhood === null ? null : { ...d.neighbourhood, share: s.neighbourhood },
      trending: s.trending ? { limit: d.trending?.limit ?? 200 } : null,
      fresh: s.fresh === null ? null : { limit: d.fresh?.limit ?? 20, share: s.fresh },
    },
    scorers: TUNED_SCORERS.filter((sid) => (s.weights[sid] ?? 0) > 0).map((sid) => ({ id: sid, weight: s.weights[sid]! })),
    diversity: { method: 'mmr', lambda: s.lambda, maxPerCategory: s.maxPerCategory },
  };
}

/** The validated strategy of a point. */
export function settingsStrategy(id: string, s: TrialSettings): Strategy {
  return parseStrategy(strategyJson(id, s));
}

/** One line describing a point, e.g. `commercial 0.4 + affinity 0.3; recent 0.1 nb 0.6 trending fresh 0.1; λ 0.8 cap 3; max 200` (no `|`: it sits in a Markdown table). */
export function describeSettings(s: TrialSettings): string {
  const w = TUNED_SCORERS.filter((id) => (s.weights[id] ?? 0) > 0)
    .map((id) => `${id.split('/')[1]} ${s.weights[id]}`)
    .join(' + ');
  const r = [s.recent !== null ? `recent ${s.recent}` : '', s.neighbourhood !== null ? `nb ${s.neighbourhood}` : '', s.trending ? 'trending' : '', s.fresh !== null ? `fresh ${s.fresh}` : '']
    .filter(Boolean)
    .join(' ');
  return `${w}; ${r}; λ ${s.lambda} cap ${s.maxPerCategory}; max ${s.candidates}`;
}
