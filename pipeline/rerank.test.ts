import type { ItemRecord } from '../domain/catalog';
import { seededRandom } from '../plugins/sdk/fixtures';
import { jaccard, rerank, type RerankOptions } from './rerank';

/** The plain O(n · limit) MMR with every similarity computed eagerly: what the lazy scan must equal. */
function reference(scores: Float64Array, meta: ReadonlyArray<ItemRecord | null>, opts: RerankOptions): number[] {
  const n = scores.length;
  const byScore = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const limit = Math.min(opts.limit, n);
  if (opts.method === 'none' && opts.maxPerCategory === 0) return byScore.slice(0, limit);
  const f = meta.map((m) => new Set(m ? [...m.categories.map((c) => `c:${c}`), ...(m.brand ? [`b:${m.brand}`] : [])] : []));
  const per = new Map<string, number>();
  const chosen: number[] = [];
  const taken = new Uint8Array(n);
  const maxSim = new Float64Array(n);
  while (chosen.length < limit) {
    let best = -1;
    let bestVal = -Infinity;
    for (let pass = 0; pass < 2 && best < 0; pass++) {
      for (const i of byScore) {
        const c = meta[i]?.categories[0];
        if (taken[i] || (pass === 0 && opts.maxPerCategory > 0 && c !== undefined && (per.get(c) ?? 0) >= opts.maxPerCategory)) continue;
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
    if (c !== undefined) per.set(c, (per.get(c) ?? 0) + 1);
    if (opts.method === 'mmr') for (let i = 0; i < n; i++) if (!taken[i]) maxSim[i] = Math.max(maxSim[i]!, jaccard(f[i]!, f[best]!));
  }
  return chosen;
}

describe('rerank (lazy MMR scan)', () => {
  it('picks exactly what the eager MMR picks, over random candidates, ties and settings', () => {
    const rnd = seededRandom(3);
    for (let t = 0; t < 300; t++) {
      const n = 1 + Math.floor(rnd() * 60);
      // Coarse scores so that ties happen; a few items without a record or category.
      const scores = Float64Array.from({ length: n }, () => Math.round(rnd() * 8) / 8);
      const meta = Array.from({ length: n }, (_, i): ItemRecord | null =>
        rnd() < 0.1
          ? null
          : {
              id: `i${i}`,
              title: '',
              categories: rnd() < 0.1 ? [] : [`c${Math.floor(rnd() * 5)}`, ...(rnd() < 0.3 ? [`d${Math.floor(rnd() * 3)}`] : [])],
              brand: rnd() < 0.5 ? `b${Math.floor(rnd() * 3)}` : null,
              price: null,
              available: true,
              createdAt: 0,
            },
      );
      const opts: RerankOptions = {
        method: rnd() < 0.8 ? 'mmr' : 'none',
        lambda: [0, 0.3, 0.5, 0.8, 0.95, 1][Math.floor(rnd() * 6)]!,
        maxPerCategory: [0, 1, 2, 3][Math.floor(rnd() * 4)]!,
        limit: 1 + Math.floor(rnd() * 15),
      };
      expect(rerank(scores, meta, opts)).toEqual(reference(scores, meta, opts));
    }
  });
});
