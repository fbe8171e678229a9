/**
 * Seeded draws for the simulator, on top of mulberry32 (ml/random.ts). Every stream is derived
 * from the run seed and stable names (a user id, a day, a session index), never from processing
 * order, so one session's randomness does not depend on what other sessions drew (common random
 * numbers across variants and runs).
 */
import { mulberry32 } from '../ml/random';

/** 32-bit FNV-1a of the parts joined by U+001F, mixed with the seed. */
export function hashSeed(seed: number, ...parts: ReadonlyArray<string | number>): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  const text = parts.join('\u001f');
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // Final avalanche (murmur3 fmix32): nearby inputs give unrelated seeds.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform [0, 1) stream named by the seed and parts. */
export function stream(seed: number, ...parts: ReadonlyArray<string | number>): () => number {
  return mulberry32(hashSeed(seed, ...parts));
}

/** Standard normal (Box-Muller). */
export function normal(rng: () => number): number {
  const u = 1 - rng(); // (0, 1]
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Poisson(λ) by inversion (λ is small here: sessions per day). */
export function poisson(rng: () => number, lambda: number): number {
  if (!(lambda > 0)) return 0;
  const l = Math.exp(-lambda);
  let k = 0;
  let p = rng();
  while (p > l && k < 1000) {
    k++;
    p *= rng();
  }
  return k;
}

/** Index drawn with probability proportional to `weights` (non-negative, not all 0). */
export function pickWeighted(rng: () => number, weights: readonly number[]): number {
  let total = 0;
  for (const w of weights) total += w;
  let x = rng() * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i]!;
    if (x < 0) return i;
  }
  return weights.length - 1;
}

/** Seeded Fisher-Yates shuffle (a copy). */
export function shuffled<T>(rng: () => number, xs: readonly T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
