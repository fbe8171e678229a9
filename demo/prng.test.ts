import { createCumulativeSampler, createRng, mulberry32, zipfWeights } from './prng';

describe('mulberry32', () => {
  it('is reproducible and matches the reference sequence for seed 42', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const seq = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(seq);
    // Reference values of the canonical mulberry32 (t += 0x6D2B79F5 ...) for seed 42.
    expect(seq.map((x) => Math.floor(x * 4294967296))).toEqual([2581720956, 1925393290, 3661312704]);
  });

  it('stays in [0, 1) with a mean near 0.5', () => {
    const r = mulberry32(1);
    let sum = 0;
    for (let i = 0; i < 10000; i += 1) {
      const x = r();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(Math.abs(sum / 10000 - 0.5)).toBeLessThan(0.02);
  });
});

describe('createRng', () => {
  const rng = createRng(3);

  it('sample gives distinct indexes in range', () => {
    const s = rng.sample(50, 20);
    expect(new Set(s).size).toBe(20);
    expect(s.every((i) => i >= 0 && i < 50)).toBe(true);
    expect([...rng.sample(5, 5)].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('weighted follows the weights; geometric has mean (1-p)/p', () => {
    const hits = [0, 0, 0];
    for (let i = 0; i < 20000; i += 1) {
      const k = rng.weighted([1, 0, 3]);
      hits[k] = (hits[k] ?? 0) + 1;
    }
    expect(hits[1]).toBe(0);
    expect((hits[2] ?? 0) / (hits[0] ?? 1)).toBeGreaterThan(2.5);
    let g = 0;
    for (let i = 0; i < 20000; i += 1) g += rng.geometric(0.25);
    expect(Math.abs(g / 20000 - 3)).toBeLessThan(0.15);
  });

  it('logNormal has the median exp(mu)', () => {
    const xs = Array.from({ length: 5001 }, () => rng.logNormal(Math.log(50), 0.7)).sort((a, b) => a - b);
    expect(Math.abs((xs[2500] ?? 0) / 50 - 1)).toBeLessThan(0.08);
  });

  it('pick refuses an empty array', () => {
    expect(() => rng.pick([])).toThrow(RangeError);
  });
});

describe('Zipf sampling', () => {
  it('draws rank 1 about twice as often as rank 2 (s = 1)', () => {
    const draw = createCumulativeSampler(zipfWeights(100, 1));
    const rng = createRng(9);
    const hits = new Array<number>(100).fill(0);
    for (let i = 0; i < 50000; i += 1) {
      const k = draw(rng);
      hits[k] = (hits[k] ?? 0) + 1;
    }
    expect((hits[0] ?? 0) / (hits[1] ?? 1)).toBeGreaterThan(1.8);
    expect((hits[0] ?? 0) / (hits[1] ?? 1)).toBeLessThan(2.2);
    expect(hits[99]).toBeGreaterThan(0);
  });
});
