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

  const f = meta.map(facets);
  const perCategory = new Map<string, number>();
  const chosen: number[] = [];
  const taken = new Uint8Array(n);
  const maxSim = new Float64Array(n);
  const capped = (i: number): boolean => {
    const c = meta[i]?.categories[0];
    return opts.maxPerCategory > 0 && c !== undefined && (perCategory.get(c) ?? 0) >= opts.maxPerCategory;
  };
  while (chosen.length < limit) {
    let best = -1;
    let bestVal = Number.NEGATIVE_INFINITY;
    for (let pass = 0; pass < 2 && best < 0; pass++) {
      // Pass 0 honours the category cap; pass 1 relaxes it so the feed is never short.
      for (const i of byScore) {
        if (taken[i] || (pass === 0 && capped(i))) continue;
        const val = opts.method === 'mmr' ? opts.lambda * scores[i]! - (1 - opts.lambda) * maxSim[i]! : scores[i]!;
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
    if (opts.method === 'mmr') {
      for (let i = 0; i < n; i++) if (!taken[i]) maxSim[i] = Math.max(maxSim[i]!, jaccard(f[i]!, f[best]!));
    }
  }
  return chosen;
}
