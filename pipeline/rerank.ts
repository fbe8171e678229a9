/**
 * Diversity re-ranking: maximal marginal relevance (Carbonell & Goldstein, 1998) over item
 * similarity (Jaccard of categories + brand), with an optional cap per first category.
 */
import type { ItemRecord } from '../domain/catalog';

export interface RerankOptions {
  readonly method: 'mmr' | 'none';
  /** 1 = relevance only, 0 = diversity only. */
  readonly lambda: number;
  /** At most this many picks per first category; 0 = no cap. */
  readonly maxPerCategory: number;
  readonly limit: number;
}

function facets(m: ItemRecord | null): Set<string> {
  const s = new Set<string>();
  if (!m) return s;
  for (const c of m.categories) s.add(`c:${c}`);
  if (m.brand) s.add(`b:${m.brand}`);
  return s;
}

/** Jaccard similarity of two facet sets (0 when both empty: unknown items are not alike). */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/** Indices of the chosen candidates, in feed order. */
export function rerank(scores: Float64Array, meta: ReadonlyArray<ItemRecord | null>, opts: RerankOptions): number[] {
  const n = scores.length;
  const byScore = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const limit = Math.min(opts.limit, n);
  if (opts.method === 'none' && opts.maxPerCategory === 0) return byScore.slice(0, limit);

  // Facets and each candidate's similarity to the picks are computed lazily, only for the
  // candidates a pass examines: the scan stops once λ · score cannot beat the best value found
  // (maxSim ≥ 0), so a feed of 10 from 250 candidates looks at the top few dozen.
  const f: Array<Set<string> | undefined> = new Array(n);
  const facetsOf = (i: number): Set<string> => (f[i] ??= facets(meta[i] ?? null));
  const perCategory = new Map<string, number>();
  const chosen: number[] = [];
  const taken = new Uint8Array(n);
  const maxSim = new Float64Array(n);
  const folded = new Int32Array(n);
  const capped = (i: number): boolean => {
    const c = meta[i]?.categories[0];
    return opts.maxPerCategory > 0 && c !== undefined && (perCategory.get(c) ?? 0) >= opts.maxPerCategory;
  };
  const simToPicks = (i: number): number => {
    let m = maxSim[i]!;
    for (let k = folded[i]!; k < chosen.length; k++) m = Math.max(m, jaccard(facetsOf(i), facetsOf(chosen[k]!)));
    folded[i] = chosen.length;
    maxSim[i] = m;
    return m;
  };
  const mmr = opts.method === 'mmr';
  while (chosen.length < limit) {
    let best = -1;
    let bestVal = Number.NEGATIVE_INFINITY;
    for (let pass = 0; pass < 2 && best < 0; pass++) {
      // Pass 0 honours the category cap; pass 1 relaxes it so the feed is never short.
      for (const i of byScore) {
        if (taken[i] || (pass === 0 && capped(i))) continue;
        const bound = mmr ? opts.lambda * scores[i]! : scores[i]!;
        if (bound <= bestVal) break; // sorted by score: no later candidate can do better
        const val = mmr ? bound - (1 - opts.lambda) * simToPicks(i) : bound;
        if (val > bestVal) {
          bestVal = val;
          best = i;
        }
      }
    }
    if (best < 0) break;
    taken[best] = 1;
    chosen.push(best);
    const c = meta[best]?.categories[0];
    if (c !== undefined) perCategory.set(c, (perCategory.get(c) ?? 0) + 1);
  }
  return chosen;
}
