import { createRateLimiter, type RoleRateLimits } from './rate-limit';
import { DEFAULT_RATE_LIMITS } from './rate-limit-config';

/** frontend 2/s burst 3 (full again 1.5 s after empty); every other role as the defaults but quick. */
const LIMITS: RoleRateLimits = { ...DEFAULT_RATE_LIMITS, frontend: { ratePerSec: 2, burst: 3 }, partner: { ratePerSec: 3, burst: 1 }, analyst: { ratePerSec: 1000, burst: 1000 } };
const fakeClock = () => {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
};
const takeN = (limiter: ReturnType<typeof createRateLimiter>, n: number, key = 'k1', role: 'frontend' | 'partner' = 'frontend') => Array.from({ length: n }, () => limiter.take(key, role).allowed);

describe('token bucket', () => {
  it('serves a full burst at once, then refuses with the time until the next token', () => {
    const c = fakeClock();
    const limiter = createRateLimiter({ limits: LIMITS, clock: c.now });
    expect(takeN(limiter, 4)).toEqual([true, true, true, false]);
    expect(limiter.take('k1', 'frontend')).toEqual({ allowed: false, retryAfterMs: 500, limit: { ratePerSec: 2, burst: 3 } });
  });

  it('refills at the rate: one token per 1/rate seconds, never past the burst', () => {
    const c = fakeClock();
    const limiter = createRateLimiter({ limits: LIMITS, clock: c.now });
    takeN(limiter, 3);
    c.advance(499);
    expect(limiter.take('k1', 'frontend')).toMatchObject({ allowed: false, retryAfterMs: 1 });
    c.advance(1);
    expect(takeN(limiter, 2)).toEqual([true, false]);
    c.advance(250);
    const half = limiter.take('k1', 'frontend');
    expect(half).toMatchObject({ allowed: false, retryAfterMs: 250 });
    c.advance(60_000); // a minute idle refills to the burst, not to 120 tokens
    expect(takeN(limiter, 4)).toEqual([true, true, true, false]);
  });

  it('rounds the wait up to the next ms (3/s: 334 ms), and refused takes do not spend tokens', () => {
    const c = fakeClock();
    const limiter = createRateLimiter({ limits: LIMITS, clock: c.now });
    expect(limiter.take('p', 'partner').allowed).toBe(true);
    for (let i = 0; i < 5; i++) expect(limiter.take('p', 'partner')).toMatchObject({ allowed: false, retryAfterMs: 334 });
    c.advance(334);
    expect(limiter.take('p', 'partner').allowed).toBe(true);
  });

  it('keeps one bucket per key: another key of the same role is not affected', () => {
    const c = fakeClock();
    const limiter = createRateLimiter({ limits: LIMITS, clock: c.now });
    expect(takeN(limiter, 4, 'a')).toEqual([true, true, true, false]);
    expect(takeN(limiter, 3, 'b')).toEqual([true, true, true]);
  });

  it('does not grant tokens when the clock goes backwards', () => {
    const c = fakeClock();
    const limiter = createRateLimiter({ limits: LIMITS, clock: c.now });
    takeN(limiter, 3);
    c.advance(-10_000);
    expect(limiter.take('k1', 'frontend').allowed).toBe(false);
  });

  it('drops buckets that are full again, so many distinct keys do not accumulate', () => {
    const c = fakeClock();
    // Slowest refill among these limits: monitor 20 tokens at 10/s = 2 s.
    const limiter = createRateLimiter({ limits: LIMITS, clock: c.now });
    for (let i = 0; i < 10_000; i++) limiter.take(`key-${i}`, 'frontend');
    expect(limiter.size).toBe(10_000);
    c.advance(1_999);
    limiter.take('late', 'frontend');
    expect(limiter.size).toBe(10_001);
    c.advance(1);
    limiter.take('later', 'frontend');
    expect(limiter.size).toBe(2); // 'late' (1 ms old) and 'later'
    // A dropped bucket was full: the key starts with its whole burst, exactly as if it had been kept.
    expect(takeN(limiter, 4, 'key-7')).toEqual([true, true, true, false]);
  });

  it('keeps a recently used bucket while dropping older idle ones (order of last use)', () => {
    const c = fakeClock();
    const limiter = createRateLimiter({ limits: LIMITS, clock: c.now });
    takeN(limiter, 3, 'busy');
    limiter.take('idle', 'frontend');
    c.advance(1_500);
    expect(takeN(limiter, 3, 'busy')).toEqual([true, true, true]); // empties it again, and moves it to the back
    c.advance(600);
    limiter.take('new', 'frontend'); // 'idle' is 2.1 s old: dropped; 'busy' only 0.6 s: kept
    expect(limiter.size).toBe(2);
    // Kept: 1.2 tokens (a dropped bucket would have started full).
    expect(takeN(limiter, 3, 'busy')).toEqual([true, false, false]);
  });

  it('holds at most maxBuckets, dropping the least recently used', () => {
    const c = fakeClock();
    const limiter = createRateLimiter({ limits: LIMITS, clock: c.now, maxBuckets: 100 });
    for (let i = 0; i < 1_000; i++) limiter.take(`key-${i}`, 'frontend');
    expect(limiter.size).toBe(100);
    expect(() => createRateLimiter({ limits: LIMITS, maxBuckets: 0 })).toThrow(RangeError);
  });
});
