/**
 * Items' neighbourhoods for DUVE v2: category and co-interaction neighbours, as hashed buckets.
 *
 * Co-interaction neighbours (training data only, i.e. events before the training end):
 * - for each user, take their `maxItemsPerUser` most recently touched distinct items (any tracked type);
 * - two items co-interact once per user who touched both (support = number of such users);
 * - an item's neighbours are its top `neighbours` co-interacting items by support, ties broken by
 *   the neighbour's popularity (distinct users) then id, so the list is deterministic.
 * The item itself is always the first member of its neighbourhood, so an item with no neighbour (or
 * one first seen after training) still has its own bucket embedding.
 * Buckets: item b = hash(item) mod itemBuckets; category 1 + hash(category) mod (categoryBuckets − 1),
 * 0 = unknown category. Hash: FNV-1a + murmur3 finaliser (ml/duve/item-vector.ts) under `hashSeed`.
 */
import { hashItemId } from '../duve/item-vector';
import type { DuveEvent } from '../duve/state';
import type { Duve2Dims } from './model';

export interface Duve2NeighbourOptions {
  /** Neighbours per item. */
  readonly neighbours: number;
  /** Distinct recent items per user that count towards co-interactions. Default 50. */
  readonly maxItemsPerUser?: number;
}

/** item → its top co-interaction neighbours (ids, best first). */
export function coInteractionNeighbours(histories: ReadonlyArray<{ readonly events: readonly DuveEvent[] }>, o: Duve2NeighbourOptions): Map<string, string[]> {
  const cap = o.maxItemsPerUser ?? 50;
  const index = new Map<string, number>();
  const ids: string[] = [];
  const users: number[] = [];
  const pairs: Array<Map<number, number>> = [];
  for (const h of histories) {
    const recent: number[] = [];
    const seen = new Set<number>();
    const sorted = h.events.filter((e) => e.itemId !== null).sort((a, b) => b.ts - a.ts);
    for (const e of sorted) {
      let i = index.get(e.itemId!);
      if (i === undefined) {
        i = ids.length;
        index.set(e.itemId!, i);
        ids.push(e.itemId!);
        users.push(0);
        pairs.push(new Map());
      }
      if (seen.has(i)) continue;
      seen.add(i);
      users[i] = users[i]! + 1;
      if (recent.length < cap) recent.push(i);
    }
    for (let x = 0; x < recent.length; x++) {
      const a = recent[x]!;
      const pa = pairs[a]!;
      for (let y = 0; y < recent.length; y++) {
        if (x === y) continue;
        const b = recent[y]!;
        pa.set(b, (pa.get(b) ?? 0) + 1);
      }
    }
  }
  const out = new Map<string, string[]>();
  for (let i = 0; i < ids.length; i++) {
    const list = [...pairs[i]!.entries()].sort((p, q) => q[1] - p[1] || users[q[0]]! - users[p[0]]! || (ids[p[0]]! < ids[q[0]]! ? -1 : 1));
    out.set(
      ids[i]!,
      list.slice(0, o.neighbours).map(([j]) => ids[j]!),
    );
  }
  return out;
}

export function itemBucket(itemId: string, dims: Pick<Duve2Dims, 'itemBuckets'>, seed: number): number {
  return hashItemId(itemId, seed) % dims.itemBuckets;
}

export function categoryBucket(category: string | null | undefined, dims: Pick<Duve2Dims, 'categoryBuckets'>, seed: number): number {
  if (category === null || category === undefined || category === '') return 0;
  return 1 + (hashItemId(category, seed ^ 0x5bd1e995) % (dims.categoryBuckets - 1));
}

/** [category bucket, self bucket, neighbour buckets…, −1 padding] (length 1 + M1). */
export function itemEntry(itemId: string, category: string | null | undefined, neighbours: readonly string[], dims: Duve2Dims, seed: number): Int32Array {
  const e = new Int32Array(2 + dims.neighbours).fill(-1);
  e[0] = categoryBucket(category, dims, seed);
  e[1] = itemBucket(itemId, dims, seed);
  for (let m = 0; m < Math.min(dims.neighbours, neighbours.length); m++) e[2 + m] = itemBucket(neighbours[m]!, dims, seed);
  return e;
}
