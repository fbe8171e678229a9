/**
 * Seeded randomness for the demo catalogue: mulberry32 plus the few distributions the generator
 * needs. Same seed, same sequence, on every platform (32-bit integer arithmetic only).
 */

import { mulberry32 } from '../ml/random';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** A uniformly chosen element (the array must not be empty). */
  pick<T>(items: readonly T[]): T;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** exp(N(mu, sigma)). */
  logNormal(mu: number, sigma: number): number;
  /** Number of failures before the first success, success probability p (mean (1-p)/p). */
  geometric(p: number): number;
  /** Index drawn with probability proportional to weights[i]. */
  weighted(weights: readonly number[]): number;
  /** k distinct indexes of [0, n), in draw order. */
  sample(n: number, k: number): number[];
}

export { mulberry32 };

export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  const rng: Rng = {
    next,
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick from an empty array');
      return items[Math.floor(next() * items.length)] as T;
    },
    normal() {
      const u = 1 - next(); // (0, 1]: log(0) would be -Infinity
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    logNormal: (mu, sigma) => Math.exp(mu + sigma * rng.normal()),
    geometric(p) {
      return Math.floor(Math.log(1 - next()) / Math.log(1 - p));
    },
    weighted(weights) {
      let total = 0;
      for (const w of weights) total += w;
      let r = next() * total;
      for (let i = 0; i < weights.length; i += 1) {
        r -= weights[i] ?? 0;
        if (r < 0) return i;
      }
      return weights.length - 1;
    },
    sample(n, k) {
      const pool = Array.from({ length: n }, (_, i) => i);
      const out: number[] = [];
      for (let i = 0; i < Math.min(k, n); i += 1) {
        const j = i + Math.floor(next() * (n - i));
        const tmp = pool[i] as number;
        pool[i] = pool[j] as number;
        pool[j] = tmp;
        out.push(pool[i] as number);
      }
      return out;
    },
  };
  return rng;
}

/**
 * Sampler over a fixed list of weights by binary search on the cumulative sums: O(log n) a draw,
 * for the Zipf popularity of many items.
 */
export function createCumulativeSampler(weights: readonly number[]): (rng: Rng) => number {
  const cum = new Float64Array(weights.length);
  let total = 0;
  weights.forEach((w, i) => {
    total += w;
    cum[i] = total;
  });
  return (rng) => {
    const r = rng.next() * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cum[mid] as number) > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

/** Zipf weights 1 / rank^s for ranks 1..n. */
export function zipfWeights(n: number, s: number): number[] {
  return Array.from({ length: n }, (_, i) => 1 / Math.pow(i + 1, s));
}
