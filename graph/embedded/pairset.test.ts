import { PairSet } from './pairset';

describe('PairSet', () => {
  it('agrees with a Set of string keys across growth', () => {
    const set = new PairSet(4);
    const ref = new Set<string>();
    let s = 12345;
    for (let j = 0; j < 20000; j++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const a = s % 300;
      const b = (s >>> 9) % 500;
      const key = `${a}:${b}`;
      expect(set.add(a, b)).toBe(!ref.has(key));
      ref.add(key);
    }
    expect(set.size).toBe(ref.size);
    expect(set.has(0, 0)).toBe(ref.has('0:0'));
    expect(set.has(299, 499)).toBe(ref.has('299:499'));
  });

  it('tells (a, b) from (b, a) and handles zero ids', () => {
    const set = new PairSet();
    expect(set.add(0, 1)).toBe(true);
    expect(set.has(1, 0)).toBe(false);
    expect(set.add(1, 0)).toBe(true);
    expect(set.add(0, 1)).toBe(false);
    expect(set.size).toBe(2);
  });
});
