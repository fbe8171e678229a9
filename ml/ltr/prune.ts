/**
 * Choose the learned ranker's pruning on the validation lists: score only the top K candidates
 * by one first-stage score (plugins/ltr/prune.ts), the smallest K whose validation NDCG@k stays
 * within a tolerance of scoring every candidate. "Top K" is counted in the whole retrieved list
 * (the lists' preRanks), as when serving, not in the subsampled validation list. Measured with the model that never saw the
 * validation lists (the chosen setting's trial model), so the choice is honest.
 */
import { ndcgAt, type GbdtModel } from '../gbdt';
import { preRankOrder, type LtrPrune } from '../../plugins/ltr/prune';
import type { LtrLists } from './lists';

/** Candidate counts tried, smallest first. */
export const PRUNE_TOPS: readonly number[] = [50, 100, 150];

export interface PruneOptions {
  /** NDCG cut-off. Default 10. */
  readonly k?: number;
  /** Candidate counts to try. Default PRUNE_TOPS. */
  readonly tops?: readonly number[];
  /** Largest relative loss of validation NDCG@k accepted for the speed. Default 0.01 (1%); 0 accepts no loss. */
  readonly tolerance?: number;
}

export interface PruneChoice {
  /** The chosen pruning, or null when every tried one loses more than the tolerance. */
  readonly prune: LtrPrune | null;
  /** Validation NDCG@k scoring every candidate. */
  readonly full: number;
  readonly tolerance: number;
  readonly tried: ReadonlyArray<{ readonly scorerId: string; readonly top: number; readonly ndcg: number }>;
}

/**
 * NDCG@k when only the rows within the top `top` by one first-stage score keep the model's score:
 * ranks in the whole retrieved list (`lists.preRanks[scorerId]`) when the lists carry them, else
 * ranks within each list by column `col`. The other rows go below, in that order.
 */
export function prunedNdcg(scores: Float32Array, lists: LtrLists, col: number, top: number, k: number, scorerId?: string): number {
  const d = lists.featureNames.length;
  const s = Float64Array.from(scores);
  const full = scorerId !== undefined ? lists.preRanks?.[scorerId] : undefined;
  let start = 0;
  for (let q = 0; q < lists.groups.length; q++) {
    const len = lists.groups[q]!;
    if (full) {
      for (let r = 0; r < len; r++) {
        const rank = full[start + r]!;
        if (rank >= top) s[start + r] = -1e30 - Math.min(rank, 1e9);
      }
    } else if (len > top) {
      const pre = new Float32Array(len);
      for (let r = 0; r < len; r++) pre[r] = lists.x[(start + r) * d + col]!;
      const order = preRankOrder(pre);
      for (let p = top; p < len; p++) s[start + order[p]!] = -1e30 - p;
    }
    start += len;
  }
  return ndcgAt(s, lists.y, lists.groups, k);
}

export function choosePrune(model: GbdtModel, valid: LtrLists, scorerIds: readonly string[], o: PruneOptions = {}): PruneChoice {
  const k = o.k ?? 10;
  const tolerance = o.tolerance ?? 0.01;
  if (!(tolerance >= 0 && tolerance < 1)) throw new RangeError(`prune tolerance must be in [0, 1), got ${tolerance}`);
  const scores = model.predict(valid.x, valid.y.length);
  const full = ndcgAt(scores, valid.y, valid.groups, k);
  const tried: Array<{ scorerId: string; top: number; ndcg: number }> = [];
  for (const scorerId of scorerIds) {
    const col = valid.featureNames.indexOf(`score:${scorerId}`);
    if (col < 0) continue;
    for (const top of o.tops ?? PRUNE_TOPS) tried.push({ scorerId, top, ndcg: prunedNdcg(scores, valid, col, top, k, scorerId) });
  }
  const ok = tried.filter((t) => t.ndcg >= full * (1 - tolerance)).sort((a, b) => a.top - b.top || b.ndcg - a.ndcg);
  const best = ok[0];
  return { prune: best ? { scorerId: best.scorerId, top: best.top } : null, full, tolerance, tried };
}
