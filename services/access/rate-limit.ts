/**
 * Per-key token buckets (one per API key id, limits per role). A bucket holds up to `burst`
 * tokens and refills at `ratePerSec`; a request takes one token, and with none left it is
 * refused with the time until the next one.
 *
 * Written by hand (about 40 lines): rate-limiter-flexible counts points per fixed duration (no
 * continuous refill; up to 2× the points pass across a window edge), and the npm token-bucket
 * packages (`limiter`) hold one bucket per instance with no eviction or injectable clock.
 *
 * Memory is bounded: a bucket left alone until it is full again is the same as no bucket, so it is
 * dropped. Map order is order of last use (every take moves its key to the end), so the idle
 * buckets sit at the front and each take drops the ones there: O(1) amortised. A hard cap
 * (`maxBuckets`) drops the least recently used bucket even if not yet full (that key starts full
 * again: generous, never wrongly refusing).
 */
import type { Role } from './scopes';

/** One role's limit: `ratePerSec` tokens flow back per second, up to `burst`; a request takes one. */
export interface RateLimit {
  readonly ratePerSec: number;
  readonly burst: number;
}

export type RoleRateLimits = Readonly<Record<Role, RateLimit>>;

export interface RateLimiterOptions {
  /** The limit of each role (RATE_LIMITS; defaults in rate-limit-config.ts). */
  readonly limits: RoleRateLimits;
  /** Monotonic clock in ms. Default `performance.now`. */
  readonly clock?: () => number;
  /** Most buckets held; past it the least recently used one is dropped. Default 100,000 (about 10 MB). */
  readonly maxBuckets?: number;
}

export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number; readonly limit: RateLimit };

export interface RateLimiter {
  /** Take one token from `keyId`'s bucket (created full, with `role`'s limit). */
  take(keyId: string, role: Role): RateDecision;
  /** Buckets held now (idle ones are dropped on the next take). */
  readonly size: number;
}

interface Bucket {
  readonly tokens: number;
  readonly at: number;
}

const ALLOWED: RateDecision = Object.freeze({ allowed: true });
/** Float slack: 0.998 + 0.002 tokens may add up to 0.9999999999999999. */
const EPS = 1e-9;

export function createRateLimiter(opts: RateLimiterOptions): RateLimiter {
  const clock = opts.clock ?? (() => performance.now());
  const maxBuckets = opts.maxBuckets ?? 100_000;
  if (!Number.isInteger(maxBuckets) || maxBuckets < 1) throw new RangeError(`maxBuckets must be a positive integer (got ${maxBuckets})`);
  // The longest any bucket takes to refill from empty: one untouched this long is full.
  const fullAfterMs = Math.max(...Object.values<RateLimit>(opts.limits).map((l) => (l.burst / l.ratePerSec) * 1000));
  const buckets = new Map<string, Bucket>();

  const dropIdle = (now: number): void => {
    for (const [id, b] of buckets) {
      if (now - b.at < fullAfterMs && buckets.size < maxBuckets) return;
      buckets.delete(id);
    }
  };

  return {
    take(keyId, role) {
      const now = clock();
      const limit = opts.limits[role];
      const b = buckets.get(keyId);
      if (b !== undefined) buckets.delete(keyId);
      dropIdle(now);
      const tokens = b === undefined ? limit.burst : Math.min(limit.burst, b.tokens + (Math.max(0, now - b.at) * limit.ratePerSec) / 1000);
      if (tokens >= 1 - EPS) {
        buckets.set(keyId, { tokens: Math.max(0, tokens - 1), at: now });
        return ALLOWED;
      }
      buckets.set(keyId, { tokens, at: now });
      return { allowed: false, retryAfterMs: Math.max(1, Math.ceil(((1 - tokens) * 1000) / limit.ratePerSec - EPS)), limit };
    },
    get size() {
      return buckets.size;
    },
  };
}
