import { assignVariant, bucketOf, variantForBucket } from './assignment';

describe('experiment assignment', () => {
  it('is deterministic and sticky per (salt, user), in [0, 1)', () => {
    const u = bucketOf('exp-1', 'user-42');
    expect(u).toBeGreaterThanOrEqual(0);
    expect(u).toBeLessThan(1);
    expect(bucketOf('exp-1', 'user-42')).toBe(u);
    expect(bucketOf('exp-2', 'user-42')).not.toBe(u);
    // The salt/user boundary is part of the hash input: ("a:b", "c") and ("a", "b:c") differ in position only.
    expect(bucketOf('a', 'b')).not.toBe(bucketOf('a:', 'b'));
  });

  it('splits 5% / 5% / 90% within sampling error on 200k users', () => {
    const variants = [
      { key: 'a', weight: 0.05 },
      { key: 'b', weight: 0.05 },
      { key: 'control', weight: 0.9 },
    ];
    const n = 200_000;
    const counts: Record<string, number> = { a: 0, b: 0, control: 0 };
    for (let i = 0; i < n; i++) counts[assignVariant('salt-x', `u${i}`, variants).key]!++;
    // 4 standard errors of a binomial share: sqrt(p(1-p)/n).
    for (const v of variants) expect(Math.abs(counts[v.key]! / n - v.weight)).toBeLessThan(4 * Math.sqrt((v.weight * (1 - v.weight)) / n));
  });

  it('reshuffles independently under a new salt (about 1/2 of a 50/50 split moves)', () => {
    const variants = [
      { key: 'a', weight: 0.5 },
      { key: 'b', weight: 0.5 },
    ];
    let moved = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) if (assignVariant('s1', `u${i}`, variants).key !== assignVariant('s2', `u${i}`, variants).key) moved++;
    expect(Math.abs(moved / n - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / n));
  });

  it('maps buckets on cumulative weights, the last variant taking the rounding remainder', () => {
    const v = [
      { key: 'a', weight: 0.1 },
      { key: 'b', weight: 0.2 },
      { key: 'c', weight: 0.7 },
    ];
    expect(variantForBucket(v, 0).key).toBe('a');
    expect(variantForBucket(v, 0.0999).key).toBe('a');
    expect(variantForBucket(v, 0.1).key).toBe('b');
    expect(variantForBucket(v, 0.2999).key).toBe('b');
    expect(variantForBucket(v, 0.3001).key).toBe('c');
    expect(
      variantForBucket(
        [
          { key: 'x', weight: 0.3 },
          { key: 'y', weight: 0.6999999 },
        ],
        0.99999999,
      ).key,
    ).toBe('y');
    expect(() => variantForBucket([], 0.5)).toThrow(RangeError);
  });
});
