/**
 * Choosing settings without touching the test split: hold out part of each user's train items
 * (seeded), train on the rest, and measure Recall@K on the held-out part.
 */
import { mulberry32 } from '../random';
import { recallOfScores } from './filter';
import type { GcnGraphData } from './objective';

export interface HoldoutSplit {
  readonly fit: GcnGraphData;
  /** Held-out items per user (CSR over the same users). */
  readonly valid: { readonly indptr: Int32Array; readonly items: Int32Array };
}

/**
 * Hold out round(fraction·n) of each user's n train items, at least 1 when n ≥ 2 and never all:
 * a seeded shuffle per user, rows kept sorted.
 */
export function holdoutSplit(data: GcnGraphData, fraction: number, seed: number): HoldoutSplit {
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`holdout fraction must be in (0, 1) (got ${fraction})`);
  const rnd = mulberry32(seed);
  const fitPtr = new Int32Array(data.numUsers + 1);
  const validPtr = new Int32Array(data.numUsers + 1);
  const fit: number[] = [];
  const valid: number[] = [];
  for (let u = 0; u < data.numUsers; u++) {
    const row = Array.from(data.items.subarray(data.indptr[u]!, data.indptr[u + 1]!));
    const n = row.length;
    const k = n < 2 ? 0 : Math.min(n - 1, Math.max(1, Math.round(fraction * n)));
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [row[i], row[j]] = [row[j]!, row[i]!];
    }
    valid.push(...row.slice(0, k).sort((a, b) => a - b));
    fit.push(...row.slice(k).sort((a, b) => a - b));
    fitPtr[u + 1] = fit.length;
    validPtr[u + 1] = valid.length;
  }
  return {
    fit: { numUsers: data.numUsers, numItems: data.numItems, indptr: fitPtr, items: Int32Array.from(fit) },
    valid: { indptr: validPtr, items: Int32Array.from(valid) },
  };
}

/**
 * Mean Recall@k over `users` (those with held-out items): rank every item by ⟨Ê_u, Ê_i⟩, the
 * user's fit items excluded, ties to the lower index.
 */
export function holdoutRecall(hat: Float32Array, d: number, fit: GcnGraphData, valid: HoldoutSplit['valid'], users: Int32Array, k: number): number {
  const { numUsers, numItems } = fit;
  const scores = new Float32Array(numItems);
  let sum = 0;
  let counted = 0;
  for (const u of users) {
    const v0 = valid.indptr[u]!;
    const v1 = valid.indptr[u + 1]!;
    if (v1 === v0) continue;
    const uo = u * d;
    for (let i = 0, io = numUsers * d; i < numItems; i++, io += d) {
      let s = 0;
      for (let c = 0; c < d; c++) s += hat[uo + c]! * hat[io + c]!;
      scores[i] = s;
    }
    sum += recallOfScores(scores, fit.items.subarray(fit.indptr[u]!, fit.indptr[u + 1]!), valid.items.subarray(v0, v1), k);
    counted++;
  }
  return counted > 0 ? sum / counted : 0;
}
