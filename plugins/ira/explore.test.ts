import { mulberry32 } from '../sdk/random';
import { sampleSlate, slateProbability, topPool, type ExploreOptions } from './explore';

const Q = Float32Array.from([0.2, 0.9, 0.5, 0.1, 0.7]);
const METHODS: ReadonlyArray<[string, ExploreOptions]> = [
  ['boltzmann τ=0.3', { method: 'boltzmann', temperature: 0.3, epsilon: 0 }],
  ['boltzmann τ=0.3 pool 3', { method: 'boltzmann', temperature: 0.3, epsilon: 0, pool: 3 }],
  ['epsilon ε=0.2', { method: 'epsilon', temperature: 1, epsilon: 0.2 }],
  ['epsilon ε=0.5 pool 4', { method: 'epsilon', temperature: 1, epsilon: 0.5, pool: 4 }],
  ['greedy', { method: 'greedy', temperature: 1, epsilon: 0 }],
];

/** Every ordered slate of `k` distinct items from n. */
function slates(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  return slates(n, k - 1).flatMap((s) =>
    Array.from({ length: n }, (_, i) => i)
      .filter((i) => !s.includes(i))
      .map((i) => [...s, i]),
  );
}

const product = (p: ArrayLike<number>): number => Array.from(p).reduce((a, b) => a * b, 1);

describe('slateProbability', () => {
  it.each(METHODS)('%s: the choices at every slot sum to 1 given any earlier slots', (_name, o) => {
    for (const prefix of [[], [1], [4, 2], [3, 0, 1]]) {
      const k = prefix.length;
      let total = 0;
      for (let a = 0; a < Q.length; a++) {
        if (prefix.includes(a)) continue;
        total += slateProbability(Q, [...prefix, a], o)[k]!;
      }
      // With a pool smaller than the slate so far, nothing is left to choose at slot k.
      const left = (o.pool ?? Q.length) - prefix.filter((i) => topPool(Q, o.pool).includes(i)).length;
      expect(total).toBeCloseTo(left > 0 ? 1 : 0, 12);
    }
  });

  it.each(METHODS)('%s: the probabilities of every 3-item slate sum to 1', (_name, o) => {
    const total = slates(Q.length, 3).reduce((s, sl) => s + product(slateProbability(Q, sl, o)), 0);
    expect(total).toBeCloseTo(1, 12);
  });

  it('matches the closed forms', () => {
    // Boltzmann first slot: softmax(Q/τ); second slot renormalised without the first item.
    const e = Array.from(Q, (v) => Math.exp(v / 0.5));
    const z = e.reduce((a, b) => a + b, 0);
    const p = slateProbability(Q, [4, 1], { method: 'boltzmann', temperature: 0.5, epsilon: 0 });
    expect(p[0]).toBeCloseTo(e[4]! / z, 6);
    expect(p[1]).toBeCloseTo(e[1]! / (z - e[4]!), 6);
    // ε-greedy: the argmax gets 1 − ε + ε/|R|, the others ε/|R|.
    const g = slateProbability(Q, [1, 2, 0], { method: 'epsilon', temperature: 1, epsilon: 0.2 });
    expect(Array.from(g)).toEqual([0.8 + 0.2 / 5, 0.2 / 4, 0.2 / 3].map((v) => expect.closeTo(v, 12)));
    // Greedy: 1 for the Q order, 0 otherwise; outside the pool: 0.
    expect(Array.from(slateProbability(Q, [1, 4, 2], { method: 'greedy', temperature: 1, epsilon: 0 }))).toEqual([1, 1, 1]);
    expect(Array.from(slateProbability(Q, [1, 2], { method: 'greedy', temperature: 1, epsilon: 0 }))).toEqual([1, 0]);
    expect(slateProbability(Q, [0], { method: 'boltzmann', temperature: 1, epsilon: 0, pool: 3 })[0]).toBe(0);
  });

  it('rejects bad settings naming them', () => {
    expect(() => slateProbability(Q, [0], { method: 'boltzmann', temperature: 0, epsilon: 0 })).toThrow(/temperature/);
    expect(() => slateProbability(Q, [0], { method: 'epsilon', temperature: 1, epsilon: 1.5 })).toThrow(/epsilon/);
    expect(() => slateProbability(Q, [0], { method: 'greedy', temperature: 1, epsilon: 0, pool: 0 })).toThrow(/pool/);
  });
});

describe('sampleSlate', () => {
  it('greedy serves the Q order with propensity 1', () => {
    const s = sampleSlate(Q, { method: 'greedy', temperature: 1, epsilon: 0, slots: 4, rng: () => 0.5 });
    expect(s).toEqual({ shown: [1, 4, 2, 0], propensities: [1, 1, 1, 1] });
  });

  it('keeps to the pool and stops when it runs out', () => {
    const rng = mulberry32(3);
    for (let t = 0; t < 200; t++) {
      const s = sampleSlate(Q, { method: 'boltzmann', temperature: 2, epsilon: 0, pool: 3, slots: 5, rng });
      expect(s.shown).toHaveLength(3);
      expect([...s.shown].sort()).toEqual([1, 2, 4]);
    }
  });

  it.each(METHODS.filter(([, o]) => o.method !== 'greedy'))('%s: returned propensities equal slateProbability of the drawn slate', (_name, o) => {
    const rng = mulberry32(5);
    for (let t = 0; t < 300; t++) {
      const s = sampleSlate(Q, { ...o, slots: 3, rng });
      expect(s.propensities).toEqual(Array.from(slateProbability(Q, s.shown, o)).map((v) => expect.closeTo(v, 12)));
    }
  });

  it.each(METHODS.filter(([, o]) => o.method !== 'greedy'))('%s: slate frequencies match their probabilities (chi-square, seeded)', (_name, o) => {
    const draws = 40_000;
    const counts = new Map<string, number>();
    const rng = mulberry32(11);
    for (let t = 0; t < draws; t++) {
      const s = sampleSlate(Q, { ...o, slots: 2, rng }).shown.join(',');
      counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    let chi2 = 0;
    let cells = 0;
    let seenMass = 0;
    for (const sl of slates(Q.length, 2)) {
      const p = product(slateProbability(Q, sl, o));
      const n = counts.get(sl.join(',')) ?? 0;
      if (p === 0) {
        expect(n).toBe(0);
        continue;
      }
      seenMass += n;
      chi2 += (n - draws * p) ** 2 / (draws * p);
      cells++;
    }
    expect(seenMass).toBe(draws);
    // The 0.999 quantile of chi-square with df = cells − 1 ≤ 19: at most 43.8.
    expect(cells).toBeLessThanOrEqual(20);
    expect(chi2).toBeLessThan(43.8);
    // And the test can fail: the same counts against a different policy are far off.
    const other: ExploreOptions = { method: 'boltzmann', temperature: 5, epsilon: 0 };
    let chiOther = 0;
    for (const sl of slates(Q.length, 2)) {
      const p = product(slateProbability(Q, sl, other));
      chiOther += ((counts.get(sl.join(',')) ?? 0) - draws * p) ** 2 / (draws * p);
    }
    expect(chiOther).toBeGreaterThan(200);
  });
});
