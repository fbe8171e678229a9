/**
 * `dpgcn/filter` as ranking/full evaluates it: the closed-form graph filter (ml/gcn/filter.ts) built
 * from the train split, scoring every catalogue item from the user's train items. A user without
 * train items scores 0 everywhere.
 */
import { filterScores, filterScratch, type GraphFilter } from '../../../ml/gcn/filter';
import { defineScorer } from '../../../plugins/sdk/contract';

export interface GraphFilterScorerOptions {
  readonly filter: GraphFilter;
  readonly alpha: number;
  /** Row ids of the filter's users and items (the split's). */
  readonly userIds: readonly string[];
  readonly itemIds: readonly string[];
}

export function createGraphFilterScorer(o: GraphFilterScorerOptions) {
  return defineScorer({
    id: 'dpgcn/filter',
    version: '0.1.0',
    features: [] as const,
    setup() {
      const f = o.filter;
      const userRow = new Map(o.userIds.map((id, r) => [id, r]));
      const itemRow = new Map(o.itemIds.map((id, r) => [id, r]));
      const scratch = filterScratch(f);
      const all = new Float32Array(f.numItems);
      let lastIds: readonly string[] = [];
      let lastRows = new Int32Array(0);
      return Promise.resolve({
        score({ userId, itemIds }) {
          const out = new Float32Array(itemIds.length);
          const u = userRow.get(userId);
          if (u === undefined) return Promise.resolve(out);
          if (itemIds !== lastIds) {
            lastRows = Int32Array.from(itemIds, (id) => itemRow.get(id) ?? -1);
            lastIds = itemIds;
          }
          filterScores(f, f.r.indices.subarray(f.r.indptr[u]!, f.r.indptr[u + 1]!), o.alpha, all, scratch);
          for (let i = 0; i < lastRows.length; i++) {
            const r = lastRows[i]!;
            if (r >= 0) out[i] = all[r]!;
          }
          return Promise.resolve(out);
        },
      });
    },
  });
}
