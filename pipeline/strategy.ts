/**
 * A feed strategy: which retrievers, which scorers with which weights, how many items, how much
 * diversity. Strategies are data (JSON), checked against the registry at boot.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';
import type { ScorerSettings } from '../plugins/sdk/contract';
import type { ScorerRegistry } from '../plugins/sdk/registry';
import { scorerRetriever } from '../plugins/sdk/retriever';
import { parseScorerSettings } from './scorer-settings';

export interface StrategyScorer {
  /** Registered scorer id. */
  readonly id: string;
  /**
   * A published scorer's version to serve (a canary arm pins the version under test); absent: the
   * id's live version (a scorer loaded from code has one version, and a pin must equal it).
   */
  readonly version?: string;
  /** Non-negative blend weight; weights of the scorers that answer are renormalised to sum 1. */
  readonly weight: number;
  /**
   * How the scores enter the blend: `minmax` (default) rescales them to [0, 1] over the request's
   * candidates, so only their order within the feed matters; `none` takes them as they are,
   * clamped to [0, 1], for a scorer whose scale means something across users (a probability).
   */
  readonly normalize?: 'minmax' | 'none';
  /**
   * Settings handed to the scorer on every request of this strategy (`ScoreRequest.settings`):
   * a plain JSON object of at most 16 KiB (pipeline/scorer-settings.ts). Default none (`{}`).
   */
  readonly settings?: ScorerSettings;
}

export interface Strategy {
  /** Stable name, e.g. `default`, `ltv`. */
  readonly id: string;
  /** Items returned when the query sets no limit. Default 10. */
  readonly limit: number;
  /** User history rows loaded per request. Default 50. */
  readonly historyLimit: number;
  readonly candidates: {
    /** Candidates scored per request. Default 200. */
    readonly max: number;
    /** The user's own recent, not purchased items (re-targeting); null disables. */
    readonly recent: { readonly limit: number; readonly share: number } | null;
    /** Co-interaction neighbourhood of the user's recent items; null disables. */
    readonly neighbourhood: { readonly seeds: number; readonly usersPerItem: number; readonly itemsPerUser: number; readonly share: number } | null;
    /** Trending items (decayed popularity); null disables. */
    readonly trending: { readonly limit: number } | null;
    /** Newest catalogue items; null disables. */
    readonly fresh: { readonly limit: number; readonly share: number } | null;
    /**
     * Category affinity over the hierarchy: the user's `categories` strongest categories (by
     * time-decayed interactions, at the leaf and at each ancestor level up to `levels` above it),
     * each contributing its `perCategory` most popular items (decayed). Null disables (default).
     */
    readonly category: { readonly categories: number; readonly perCategory: number; readonly levels: number; readonly share: number } | null;
    /**
     * Purchased items are excluded, except in these replenishable categories (an item whose
     * category, or one of its ancestors, is listed may come back). Learned by `train ranker` from
     * repeat purchases, or set by hand. Null: every purchased item is excluded (default).
     */
    readonly repurchase: { readonly categories: readonly string[] } | null;
    /**
     * The top `limit` items by embedding similarity to the user, proposed by a scorer that can
     * retrieve (plugins/sdk/retriever.ts, e.g. `dpgcn/graph`), with a quota of `share` after the
     * neighbourhood's. Absent (or null in the file): off (default).
     */
    readonly embedding?: { readonly scorer: string; readonly limit: number; readonly share: number };
  };
  readonly scorers: readonly StrategyScorer[];
  /**
   * A policy that serves its own list (Contract B, plugins/sdk/contract.ts PolicyRanking): the id of
   * one of `scorers` (weight 0 keeps its scores out of the blend). When it answers with a ranking,
   * the feed serves that order instead of blend + diversity; when it fails, times out or answers
   * without one, the feed serves blend + diversity (the baseline) and lists it in `degraded`.
   * Absent: off (default; strategies without it keep their digest).
   */
  readonly policy?: { readonly scorer: string };
  readonly diversity: {
    /** `mmr`: maximal marginal relevance on category/brand overlap; `none`: pure score order. */
    readonly method: 'mmr' | 'none';
    /** MMR trade-off: 1 = relevance only, 0 = diversity only. Default 0.8. */
    readonly lambda: number;
    /** At most this many items share a first category (0 = no cap). Default 3. */
    readonly maxPerCategory: number;
  };
}

export const DEFAULT_STRATEGY: Strategy = Object.freeze<Strategy>({
  id: 'default',
  limit: 10,
  historyLimit: 50,
  candidates: {
    max: 200,
    recent: { limit: 20, share: 0.1 },
    neighbourhood: { seeds: 20, usersPerItem: 50, itemsPerUser: 20, share: 0.6 },
    trending: { limit: 200 },
    fresh: { limit: 20, share: 0.1 },
    category: null,
    repurchase: null,
  },
  scorers: [
    { id: 'baseline/commercial', weight: 0.4 },
    { id: 'baseline/item-knn', weight: 0.3 },
    { id: 'baseline/affinity', weight: 0.3 },
  ],
  diversity: { method: 'mmr', lambda: 0.8, maxPerCategory: 3 },
});

function bad(field: string, message: string): CodedError {
  return new CodedError(ErrorCode.INVALID_STRATEGY, `strategy.${field}: ${message}`, { field: `strategy.${field}` });
}

function num(v: unknown, field: string, min: number, max: number, integer = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw bad(field, `must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`);
  }
  return v;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null);

/** Parse a strategy from JSON data; missing keys take DEFAULT_STRATEGY's values. */
export function parseStrategy(input: unknown): Strategy {
  const s = obj(input);
  if (!s) throw bad('', 'must be an object');
  const d = DEFAULT_STRATEGY;
  const c = obj(s.candidates) ?? {};
  const div = obj(s.diversity) ?? {};
  const sub = <T>(key: string, dflt: T | null, parse: (o: Json) => T): T | null => {
    if (!(key in c)) return dflt;
    if (c[key] === null) return null;
    const o = obj(c[key]);
    if (!o) throw bad(`candidates.${key}`, 'must be an object or null');
    return parse(o);
  };
  const nb = d.candidates.neighbourhood!;
  const embedding = sub('embedding', null, (o) => {
    if (typeof o.scorer !== 'string' || o.scorer.length === 0) throw bad('candidates.embedding.scorer', 'must be the id of a scorer that retrieves');
    return { scorer: o.scorer, limit: num(o.limit ?? 100, 'candidates.embedding.limit', 1, 10000, true), share: num(o.share ?? 0.2, 'candidates.embedding.share', 0, 1) };
  });
  const scorersRaw = s.scorers ?? d.scorers;
  if (!Array.isArray(scorersRaw) || scorersRaw.length === 0) throw bad('scorers', 'must be a non-empty array');
  const scorers = scorersRaw.map((x, i) => {
    const o = obj(x);
    if (!o || typeof o.id !== 'string') throw bad(`scorers[${i}].id`, 'must be a string');
    const normalize = o.normalize ?? 'minmax';
    if (normalize !== 'minmax' && normalize !== 'none') throw bad(`scorers[${i}].normalize`, 'must be "minmax" or "none"');
    const settings = parseScorerSettings(o.settings, `strategy.scorers[${i}].settings`);
    if (o.version !== undefined && (typeof o.version !== 'string' || !/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(o.version))) throw bad(`scorers[${i}].version`, 'must be a semver string (x.y.z)');
    return {
      id: o.id,
      ...(typeof o.version === 'string' ? { version: o.version } : {}),
      weight: num(o.weight, `scorers[${i}].weight`, 0, 1000),
      ...(normalize === 'none' ? { normalize: 'none' as const } : {}),
      ...(settings ? { settings } : {}),
    };
  });
  if (scorers.every((x) => x.weight === 0)) throw bad('scorers', 'at least one weight must be positive');
  let policy: { scorer: string } | undefined;
  if (s.policy !== undefined && s.policy !== null) {
    const p = obj(s.policy);
    if (!p) throw bad('policy', 'must be an object { "scorer": "<scorer id>" } or null');
    if (typeof p.scorer !== 'string' || p.scorer.length === 0) throw bad('policy.scorer', "must be the id of one of the strategy's scorers");
    if (!scorers.some((x) => x.id === p.scorer)) throw bad('policy.scorer', `"${p.scorer}" is not one of the strategy's scorers (add it to "scorers", weight 0 to keep it out of the blend)`);
    policy = { scorer: p.scorer };
  }
  const method = div.method ?? d.diversity.method;
  if (method !== 'mmr' && method !== 'none') throw bad('diversity.method', 'must be "mmr" or "none"');
  const strategy: Strategy = {
    id: typeof s.id === 'string' && s.id.length > 0 ? s.id : d.id,
    limit: num(s.limit ?? d.limit, 'limit', 1, 1000, true),
    historyLimit: num(s.historyLimit ?? d.historyLimit, 'historyLimit', 0, 10000, true),
    candidates: {
      max: num(c.max ?? d.candidates.max, 'candidates.max', 1, 10000, true),
      recent: sub('recent', d.candidates.recent, (o) => ({
        limit: num(o.limit ?? 20, 'candidates.recent.limit', 1, 10000, true),
        share: num(o.share ?? 0.1, 'candidates.recent.share', 0, 1),
      })),
      neighbourhood: sub('neighbourhood', nb, (o) => ({
        seeds: num(o.seeds ?? nb.seeds, 'candidates.neighbourhood.seeds', 1, 1000, true),
        usersPerItem: num(o.usersPerItem ?? nb.usersPerItem, 'candidates.neighbourhood.usersPerItem', 1, 100000, true),
        itemsPerUser: num(o.itemsPerUser ?? nb.itemsPerUser, 'candidates.neighbourhood.itemsPerUser', 1, 100000, true),
        share: num(o.share ?? nb.share, 'candidates.neighbourhood.share', 0, 1),
      })),
      trending: sub('trending', d.candidates.trending, (o) => ({ limit: num(o.limit ?? 200, 'candidates.trending.limit', 1, 10000, true) })),
      fresh: sub('fresh', d.candidates.fresh, (o) => ({
        limit: num(o.limit ?? 20, 'candidates.fresh.limit', 1, 10000, true),
        share: num(o.share ?? 0.1, 'candidates.fresh.share', 0, 1),
      })),
      category: sub('category', d.candidates.category, (o) => ({
        categories: num(o.categories ?? 5, 'candidates.category.categories', 1, 1000, true),
        perCategory: num(o.perCategory ?? 20, 'candidates.category.perCategory', 1, 10000, true),
        levels: num(o.levels ?? 1, 'candidates.category.levels', 0, 20, true),
        share: num(o.share ?? 0.2, 'candidates.category.share', 0, 1),
      })),
      repurchase: sub('repurchase', d.candidates.repurchase, (o) => {
        const cats = o.categories;
        if (!Array.isArray(cats) || cats.some((x) => typeof x !== 'string' || x.length === 0)) throw bad('candidates.repurchase.categories', 'must be an array of category ids');
        return { categories: Object.freeze([...(cats as string[])]) };
      }),
      // Only when enabled, so strategies without it keep their digest.
      ...(embedding ? { embedding } : {}),
    },
    scorers,
    ...(policy ? { policy } : {}),
    diversity: {
      method,
      lambda: num(div.lambda ?? d.diversity.lambda, 'diversity.lambda', 0, 1),
      maxPerCategory: num(div.maxPerCategory ?? d.diversity.maxPerCategory, 'diversity.maxPerCategory', 0, 1000, true),
    },
  };
  const r = strategy.candidates;
  if (!r.recent && !r.neighbourhood && !r.trending && !r.fresh && !r.category && !r.embedding) {
    throw bad('candidates', 'enable at least one retriever');
  }
  return Object.freeze(strategy);
}

export function loadStrategyFile(path: string): Strategy {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CodedError(ErrorCode.INVALID_STRATEGY, `cannot read strategy file ${path}: ${(err as Error).message}`, { field: 'STRATEGY_FILE' });
  }
  return parseStrategy(data);
}

/** Check that every scorer the strategy names is registered. */
export function checkStrategy(strategy: Strategy, registry: ScorerRegistry): void {
  strategy.scorers.forEach((s, i) => {
    if (registry.get(s.id, s.version)) return;
    const skip = registry.skipped.find((k) => k.id === s.id && (s.version === undefined || k.version === s.version));
    const what = s.version === undefined ? `scorer "${s.id}"` : `scorer "${s.id}" version ${s.version}`;
    throw bad(s.version === undefined ? `scorers[${i}].id` : `scorers[${i}].version`, skip ? `${what} was skipped (${skip.code}: ${skip.reason})` : `${what} is not registered`);
  });
  const emb = strategy.candidates.embedding;
  if (emb) {
    const reg = registry.get(emb.scorer);
    if (!reg) throw bad('candidates.embedding.scorer', `scorer "${emb.scorer}" is not registered`);
    if (!scorerRetriever(reg.scorer)) throw bad('candidates.embedding.scorer', `scorer "${emb.scorer}" cannot retrieve (its live scorer has no retrieve())`);
  }
}

/**
 * A short, stable digest of what produced a feed: the strategy's settings plus the ids and
 * versions of its scorers. Two feeds with the same digest came from the same recipe.
 */
export function strategyDigest(strategy: Strategy, registry: ScorerRegistry): string {
  const scorers = strategy.scorers.map((s) => ({ ...s, version: registry.get(s.id, s.version)?.version ?? 'missing' }));
  const canonical = JSON.stringify({ ...strategy, scorers });
  return `${strategy.id}@${createHash('sha256').update(canonical).digest('hex').slice(0, 12)}`;
}

/**
 * The weights a strategy really gives each term of the ranking objective when every scorer
 * answers. The blend renormalises the weights to sum 1 over the scorers that answered
 * (`answered`, default all), over scores min-max normalised per request; MMR then ranks by
 * λ·blend − (1 − λ)·maxSim = Σ_s λ·w_s/Σw · n_s + (1 − λ)·(1 − maxSim) − (1 − λ), the last term
 * a constant. So scorer s weighs λ·w_s/Σw and diversity (1 − maxSim, maxSim = the largest
 * category/brand Jaccard similarity to the items already picked) weighs 1 − λ. Without MMR
 * (`method: none`) diversity weighs 0. A category cap (maxPerCategory > 0) is a hard rule on top.
 */
export function effectiveWeights(strategy: Strategy, answered?: ReadonlySet<string>): { readonly scorers: Readonly<Record<string, number>>; readonly diversity: number } {
  const live = strategy.scorers.filter((s) => s.weight > 0 && (answered === undefined || answered.has(s.id)));
  const total = live.reduce((a, s) => a + s.weight, 0);
  const lambda = strategy.diversity.method === 'mmr' ? strategy.diversity.lambda : 1;
  const scorers: Record<string, number> = {};
  for (const s of live) scorers[s.id] = (scorers[s.id] ?? 0) + (total > 0 ? (lambda * s.weight) / total : 0);
  return { scorers, diversity: 1 - lambda };
}
