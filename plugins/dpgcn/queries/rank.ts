/**
 * Ranking the known queries under a prefix for one user's intent. Pure: no I/O.
 *
 *   score(q) = personal · cos(user, q) + popular · popularity(q) + recent · recency_user(q)
 *
 * cos is taken only when both the user and the query have a vector (the user's row of the dpgcn
 * artifact and the query's vector, query-index.ts); without a user vector (unknown user, no
 * artifact) the personal term is absent for every query: the cold-start fallback is popularity by
 * prefix, plus the user's own recent queries when they have any. popularity is log1p(count) scaled
 * to [0, 1]; recency is the user's decayed search count of the query scaled to [0, 1].
 * `source` names the term that contributed most (ties: recent, then personal, then popular).
 *
 * Bounded work: when more than `maxScan` queries start with the prefix (a short prefix over a large
 * index), only the `maxScan` most popular of them and the user's own are scored.
 */
import type { QueryIndex } from './query-index';

export type SuggestionSource = 'personal' | 'popular' | 'recent';

export interface Suggestion {
  readonly text: string;
  readonly score: number;
  readonly source: SuggestionSource;
}

/** Term weights (non-negative). */
export interface SuggestWeights {
  /** Weight of cos(user, query). Default DEFAULT_SUGGEST_WEIGHTS.personal. */
  readonly personal: number;
  /** Weight of the query's popularity. Default DEFAULT_SUGGEST_WEIGHTS.popular. */
  readonly popular: number;
  /** Weight of the user's own recency of the query. Default DEFAULT_SUGGEST_WEIGHTS.recent. */
  readonly recent: number;
}

/**
 * Serving defaults: a prior, not a fitted result. On the next-category proxy (eval
 * queries/next-category, README) the validation cut prefers the user's own recency with a little
 * popularity and no graph term, because a Taobao user's next category is mostly one they already
 * used; real query logs were not available to fit these, so the graph term keeps weight 1 here.
 */
export const DEFAULT_SUGGEST_WEIGHTS: SuggestWeights = Object.freeze({ personal: 1, popular: 0.3, recent: 0.5 });

/** What is known of the user. */
export interface UserIntent {
  /** Row-normalised user vector (index.dims values), or null (cold start). */
  readonly vector: Float32Array | null;
  /** Index position -> recency weight in [0, 1] of the user's own queries. */
  readonly recent: ReadonlyMap<number, number>;
}

export const NO_INTENT: UserIntent = Object.freeze({ vector: null, recent: new Map<number, number>() });

/** A user's searches (text, ts) as recency weights: decayed counts (half-life `halfLifeMs`) over the max. */
export function recencyWeights(index: QueryIndex, searches: Iterable<{ readonly text: string; readonly ts: number }>, now: number, halfLifeMs: number): Map<number, number> {
  const out = new Map<number, number>();
  const k = Math.LN2 / halfLifeMs;
  let max = 0;
  for (const s of searches) {
    const p = index.position(s.text);
    if (p < 0) continue;
    const v = (out.get(p) ?? 0) + Math.exp(-k * Math.max(0, now - s.ts));
    out.set(p, v);
    if (v > max) max = v;
  }
  if (max > 0) for (const [p, v] of out) out.set(p, v / max);
  return out;
}

/** Most queries scored per request by default (see the module note). */
export const DEFAULT_MAX_SCAN = 10_000;

/** Positions to score, ascending: the whole range, or its `maxScan` most popular plus `extra`. */
function candidates(index: QueryIndex, lo: number, hi: number, extra: readonly number[], maxScan: number): Int32Array {
  if (hi - lo <= maxScan) {
    const all = new Int32Array(hi - lo);
    for (let j = 0; j < all.length; j++) all[j] = lo + j;
    return all;
  }
  const picked = new Int32Array(maxScan + extra.length);
  let n = 0;
  for (let j = 0; j < index.byPopularity.length && n < maxScan; j++) {
    const p = index.byPopularity[j]!;
    if (p >= lo && p < hi) picked[n++] = p;
  }
  const chosen = picked.subarray(0, n);
  for (const p of extra) if (!chosen.includes(p)) picked[n++] = p;
  return picked.subarray(0, n).sort();
}

/** The top `limit` queries starting with `prefix` (already normalised), best first; ties keep text order. */
export function rankQueries(index: QueryIndex, intent: UserIntent, prefix: string, limit: number, w: SuggestWeights = DEFAULT_SUGGEST_WEIGHTS, maxScan = DEFAULT_MAX_SCAN): Suggestion[] {
  const [lo, hi] = index.prefixRange(prefix);
  const { dims, vectors, hasVector, popularity } = index;
  const u = intent.vector !== null && dims > 0 && intent.vector.length === dims ? intent.vector : null;
  const rec = [...intent.recent].filter(([p]) => p >= lo && p < hi).sort((a, b) => a[0] - b[0]);
  const scan = candidates(
    index,
    lo,
    hi,
    rec.map(([p]) => p),
    maxScan,
  );
  let next = 0;
  const k = Math.max(0, Math.min(limit, scan.length));
  const topPos = new Int32Array(k);
  const topScore = new Float64Array(k);
  let size = 0;
  for (let c = 0; c < scan.length; c++) {
    const i = scan[c]!;
    const cos = u !== null && hasVector[i] === 1 ? dot(u, vectors, i * dims, dims) : 0;
    let r = 0;
    if (next < rec.length && rec[next]![0] === i) r = rec[next++]![1];
    const s = w.personal * cos + w.popular * popularity[i]! + w.recent * r;
    if (size === k && !(s > topScore[k - 1]!)) continue;
    let j = size < k ? size++ : k - 1;
    while (j > 0 && topScore[j - 1]! < s) {
      topScore[j] = topScore[j - 1]!;
      topPos[j] = topPos[j - 1]!;
      j--;
    }
    topScore[j] = s;
    topPos[j] = i;
  }
  const out: Suggestion[] = [];
  for (let j = 0; j < size; j++) {
    const i = topPos[j]!;
    const personal = u !== null && hasVector[i] === 1 ? w.personal * dot(u, vectors, i * dims, dims) : Number.NEGATIVE_INFINITY;
    const recent = w.recent * (intent.recent.get(i) ?? 0);
    const popular = w.popular * popularity[i]!;
    const source: SuggestionSource = recent > 0 && recent >= personal && recent >= popular ? 'recent' : personal >= popular ? 'personal' : 'popular';
    out.push({ text: index.texts[i]!, score: topScore[j]!, source });
  }
  return out;
}

/** ⟨u, v[off .. off + dims)⟩, four lanes at a time. */
export function dot(u: Float32Array, v: Float32Array, off: number, dims: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 3 < dims; d += 4) {
    s0 += u[d]! * v[off + d]!;
    s1 += u[d + 1]! * v[off + d + 1]!;
    s2 += u[d + 2]! * v[off + d + 2]!;
    s3 += u[d + 3]! * v[off + d + 3]!;
  }
  for (; d < dims; d++) s0 += u[d]! * v[off + d]!;
  return s0 + s1 + (s2 + s3);
}
