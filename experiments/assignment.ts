/**
 * Deterministic, sticky user-level assignment: u = first 52 bits of SHA-256(salt ":" userId) as a
 * number in [0, 1); the variant is the first whose cumulative traffic weight exceeds u. The same
 * user and salt always land in the same variant, on every gateway, with no stored state; a new
 * salt reshuffles everyone independently of the old one. Weights need not be equal (5/5/90).
 */
import { createHash } from 'node:crypto';

const TWO_52 = 2 ** 52;

/** The user's bucket in [0, 1) under a salt. */
export function bucketOf(salt: string, userId: string): number {
  const h = createHash('sha256').update(salt).update(':').update(userId).digest();
  // 52 bits: 6 whole bytes and the top 4 bits of the seventh (exact in a double).
  const hi = h.readUIntBE(0, 6);
  return (hi * 16 + (h[6]! >>> 4)) / TWO_52;
}

export interface WeightedVariant {
  readonly key: string;
  /** Traffic share in (0, 1]; the shares of an experiment sum to 1. */
  readonly weight: number;
}

/** The variant a bucket falls in (cumulative weights; the last variant takes any rounding remainder). */
export function variantForBucket<V extends WeightedVariant>(variants: readonly V[], u: number): V {
  if (variants.length === 0) throw new RangeError('an experiment needs at least one variant');
  let acc = 0;
  for (const v of variants) {
    acc += v.weight;
    if (u < acc) return v;
  }
  return variants[variants.length - 1]!;
}

export function assignVariant<V extends WeightedVariant>(salt: string, userId: string, variants: readonly V[]): V {
  return variantForBucket(variants, bucketOf(salt, userId));
}
