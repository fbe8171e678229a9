/**
 * `baseline/item-knn` for full-catalogue ranking: the gateway's item-kNN formula
 * (plugins/baseline/item-knn.ts)
 *
 *   score(c) = Σ_s w(s) · co(s, c) / sqrt(deg(s) · deg(c)),   w(s) = typeWeight(click) · 2^(−age(s) / halfLife)
 *
 * summed over the user's history items s, with co and deg from a KnnIndex built once from the
 * train split instead of the store's per-request neighbourhood walk. Differences from serving, all
 * in the candidate set, none in the formula: the seeds are every history item (serving: the 20
 * most recent distinct ones), co-counts are exact (serving: bounded by the walk's users-per-item
 * and items-per-user caps, and 300 neighbours kept by total co-count), and each item keeps its
 * index's top neighbours. Items reached by no seed score 0 (ranked last; seeds too, as they are
 * not their own neighbours in the walk). History entries must be clicks (the split has one
 * interaction type); the seed's age is that of its newest interaction, as in serving.
 */
import { createItemKnnScorer, type ItemKnnOptions } from '../../../plugins/baseline/item-knn';
import { defineScorer } from '../../../plugins/sdk/contract';
import type { KnnIndex } from './knn-index';

/** The serving scorer's defaults (plugins/baseline/item-knn.ts); the parity test pins them. */
const DEFAULT_HALF_LIFE_MS = 3 * 24 * 3600 * 1000;
const DEFAULT_CLICK_WEIGHT = 1;

export interface FullItemKnnOptions extends Pick<ItemKnnOptions, 'halfLifeMs' | 'typeWeights'> {
  /** Neighbours and similarities (buildKnnIndex). Required. */
  readonly index: KnnIndex;
  /** Gateway id of each index item, to map history and candidate ids. Required. */
  readonly itemIds: readonly string[];
}

export function createFullItemKnnScorer(opts: FullItemKnnOptions) {
  const halfLife = opts.halfLifeMs ?? DEFAULT_HALF_LIFE_MS;
  const clickWeight = opts.typeWeights?.click ?? DEFAULT_CLICK_WEIGHT;
  return defineScorer({
    id: 'baseline/item-knn',
    // Reported under the serving plugin's version: the same formula, its own candidate set.
    version: createItemKnnScorer().version,
    features: ['user.history'] as const,
    async setup() {
      const { indptr, neighbours, sims, numItems } = opts.index;
      if (opts.itemIds.length !== numItems) throw new Error(`item-knn index has ${numItems} items but ${opts.itemIds.length} ids`);
      const index = new Map(opts.itemIds.map((id, i) => [id, i]));
      const acc = new Float64Array(numItems);
      const age = new Float64Array(numItems).fill(Number.POSITIVE_INFINITY);
      let lastIds: readonly string[] = [];
      let lastRows = new Int32Array(0);
      const rowsOf = (itemIds: readonly string[]): Int32Array => {
        let same = itemIds.length === lastIds.length;
        for (let i = 0; same && i < itemIds.length; i++) same = itemIds[i] === lastIds[i];
        if (!same) {
          lastRows = Int32Array.from(itemIds, (id) => index.get(id) ?? -1);
          lastIds = itemIds.slice();
        }
        return lastRows;
      };
      return {
        async score({ itemIds, features, now }) {
          const seeds: number[] = [];
          for (const h of features['user.history']) {
            if (h.type !== 'click') throw new Error(`full-ranking item-knn expects click history, got "${h.type}" for ${h.itemId}`);
            const s = index.get(h.itemId);
            if (s === undefined) continue;
            if (age[s] === Number.POSITIVE_INFINITY) seeds.push(s);
            age[s] = Math.min(age[s]!, Math.max(0, now - h.ts));
          }
          acc.fill(0);
          for (const s of seeds) {
            const w = clickWeight * Math.pow(2, -age[s]! / halfLife);
            for (let p = indptr[s]!; p < indptr[s + 1]!; p++) {
              const c = neighbours[p]!;
              acc[c] = acc[c]! + w * sims[p]!;
            }
          }
          for (const s of seeds) {
            acc[s] = 0;
            age[s] = Number.POSITIVE_INFINITY;
          }
          const rows = rowsOf(itemIds);
          const out = new Float32Array(itemIds.length);
          for (let i = 0; i < rows.length; i++) if (rows[i]! >= 0) out[i] = acc[rows[i]!]!;
          return out;
        },
      };
    },
  });
}
