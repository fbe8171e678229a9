/**
 * Reference baselines of events/temporal, computed straight from the training events, NOT through
 * the gateway: they are the floor and the yardstick the gateway strategies are read against.
 * - `reference/popularity`: the most frequent training items (events, any type), same list for all.
 * - `reference/recent-items`: the user's own most recent distinct training items (repeat
 *   consumption; the gateway has no retriever that proposes a user's own items).
 * Both leave out items the user purchased before the cut, as the feed does. Pure: no I/O.
 */
import type { EvalModelInfo } from '../report/types';
import type { TemporalSplit } from './temporal-split';

export interface ReferenceModel {
  readonly info: Omit<EvalModelInfo, 'trainMs' | 'artifact'>;
  /** The first `k` recommendations for a user, best first. */
  list(userId: string, k: number): string[];
  /** A score per item (higher is better), for AUC on the shared candidate sets. */
  score(userId: string, itemIds: readonly string[]): Float64Array;
}

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function createReferenceModels(split: TemporalSplit): ReferenceModel[] {
  const count = new Map<string, number>();
  const last = new Map<string, Map<string, number>>();
  const bought = new Map<string, Set<string>>();
  for (const { event: e } of split.train) {
    if (e.itemId === null) continue;
    count.set(e.itemId, (count.get(e.itemId) ?? 0) + 1);
    let m = last.get(e.userId);
    if (m === undefined) last.set(e.userId, (m = new Map()));
    m.set(e.itemId, Math.max(m.get(e.itemId) ?? 0, e.ts));
    if (e.type === 'purchase') {
      let b = bought.get(e.userId);
      if (b === undefined) bought.set(e.userId, (b = new Set()));
      b.add(e.itemId);
    }
  }
  const ranked = [...count.entries()].sort((a, b) => b[1] - a[1] || byId(a[0], b[0])).map((x) => x[0]);
  const firstK = (ids: Iterable<string>, userId: string, k: number): string[] => {
    const skip = bought.get(userId);
    const out: string[] = [];
    for (const id of ids) {
      if (out.length >= k) break;
      if (!skip?.has(id)) out.push(id);
    }
    return out;
  };
  const rule = 'computed from the training events directly, not through the gateway; items the user bought before the cut are left out';
  return [
    {
      info: { id: 'reference/popularity', version: '1.0.0', role: 'baseline', params: { rule: `most training events first; ${rule}` } },
      list: (userId, k) => firstK(ranked, userId, k),
      score: (_userId, itemIds) => Float64Array.from(itemIds, (id) => count.get(id) ?? 0),
    },
    {
      info: { id: 'reference/recent-items', version: '1.0.0', role: 'baseline', params: { rule: `the user's own items, latest interaction first; ${rule}` } },
      list: (userId, k) => {
        const mine = [...(last.get(userId) ?? new Map<string, number>()).entries()].sort((a, b) => b[1] - a[1] || byId(a[0], b[0]));
        return firstK(
          mine.map((x) => x[0]),
          userId,
          k,
        );
      },
      // Seconds of the latest interaction (0 = never): comparable across users for pooled AUC.
      score: (userId, itemIds) => Float64Array.from(itemIds, (id) => (last.get(userId)?.get(id) ?? 0) / 1000),
    },
  ];
}
