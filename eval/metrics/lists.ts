/**
 * Metrics of recommended lists: accuracy against a relevant set (precision, recall, NDCG at K)
 * and beyond-accuracy properties of the lists (catalogue coverage, intra-list diversity, novelty).
 * A list is ordered best first; only its first K entries count for an @K metric.
 */
import { metricsWidth, RANKING_METRICS, writeUserMetrics, type RankingMetric } from './ranking';

/**
 * Recall, NDCG, Precision and HitRate at k of one string list, computed by the same code as the
 * full-ranking protocol (`writeUserMetrics`), so every protocol shares one definition.
 * Null when nothing is relevant.
 */
function atK(list: readonly string[], relevant: ReadonlySet<string>, k: number): Float64Array | null {
  if (relevant.size === 0) return null;
  const out = new Float64Array(metricsWidth([k]));
  const positions = Int32Array.from({ length: Math.min(k, list.length) }, (_, i) => i);
  writeUserMetrics(positions, (i) => relevant.has(list[i]!), relevant.size, [k], out);
  return out;
}

const column = (name: RankingMetric): number => RANKING_METRICS.indexOf(name);

/** hits in the first k / k (a list shorter than k still divides by k); 0 when nothing is relevant. */
export function precisionAtK(list: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  return atK(list, relevant, k)?.[column('precision')] ?? 0;
}

/** hits in the first k / |relevant|; NaN when nothing is relevant. */
export function recallAtK(list: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  return atK(list, relevant, k)?.[column('recall')] ?? Number.NaN;
}

/**
 * NDCG@k with binary relevance: DCG = Σ_{i<k, hit} 1/log2(i+2) over the list, divided by the
 * ideal DCG over min(k, |relevant|) hits. NaN when nothing is relevant.
 */
export function ndcgAtK(list: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  return atK(list, relevant, k)?.[column('ndcg')] ?? Number.NaN;
}

/** Distinct items in the first k of all lists / catalogue size. */
export function catalogueCoverage(lists: Iterable<readonly string[]>, k: number, catalogueSize: number): number {
  if (!(catalogueSize > 0)) throw new RangeError(`catalogueCoverage: catalogue size must be positive, got ${catalogueSize}`);
  const seen = new Set<string>();
  for (const l of lists) for (let i = 0; i < Math.min(k, l.length); i++) seen.add(l[i]!);
  return seen.size / catalogueSize;
}

/** Jaccard similarity of two category lists; 0 when either is empty (unknown is not alike). */
export function categoryJaccard(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const sa = new Set(a);
  const sb = new Set(b);
  let inter = 0;
  for (const x of sa) if (sb.has(x)) inter++;
  return inter / (sa.size + sb.size - inter);
}

/**
 * Intra-list diversity of one list's first k: 1 − mean pairwise category Jaccard over its
 * k(k−1)/2 pairs. NaN for lists with fewer than two entries.
 */
export function intraListDiversity(list: readonly string[], k: number, categories: (itemId: string) => readonly string[]): number {
  const top = list.slice(0, k);
  if (top.length < 2) return Number.NaN;
  const cats = top.map(categories);
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < cats.length; i++) {
    for (let j = i + 1; j < cats.length; j++) {
      sum += categoryJaccard(cats[i]!, cats[j]!);
      pairs++;
    }
  }
  return 1 - sum / pairs;
}

/**
 * Novelty of one list's first k: mean self-information −log2 p(i) of its items, where
 * p(i) = (users who interacted with i + 1) / (users + 1) in the training data (add-one smoothing,
 * so an item unseen in training is finite and maximally novel). NaN for an empty list.
 */
export function listNovelty(list: readonly string[], k: number, interactedUsers: (itemId: string) => number, users: number): number {
  const top = list.slice(0, k);
  if (top.length === 0) return Number.NaN;
  let s = 0;
  for (const id of top) s += -Math.log2((interactedUsers(id) + 1) / (users + 1));
  return s / top.length;
}

/** Mean of the finite values and how many there were (NaN mean when none). */
export function meanOfFinite(values: Iterable<number>): { readonly mean: number; readonly n: number } {
  let s = 0;
  let n = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    s += v;
    n++;
  }
  return { mean: n > 0 ? s / n : Number.NaN, n };
}
