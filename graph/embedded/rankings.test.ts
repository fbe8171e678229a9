import { bareItem, MemoryIndex } from './memory';
import { createRankings } from './rankings';

/** Deterministic pseudo-random ints in [0, n). */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s / 2 ** 32) * n);
  };
}

describe('rankings', () => {
  it.each([3, 11, 29])('merging touched items gives the same trending and fresh as a full recompute (seed %i)', (seed) => {
    const ix = new MemoryIndex(50);
    const cached = createRankings(ix);
    const rand = rng(seed);
    const types = ['view', 'click', 'impression', 'purchase'] as const;
    for (let step = 0; step < 300; step++) {
      for (let j = 0; j < 20; j++) {
        const type = types[rand(types.length)] as (typeof types)[number];
        ix.applyEvent(`u${rand(40)}`, type, `i${rand(400)}`, step * 10 + rand(30), 1);
      }
      if (step % 37 === 0) {
        const id = `i${rand(400)}`;
        ix.putItem({ ...bareItem(id, rand(1000)), available: rand(2) === 0 });
      }
      const limit = 1 + rand(300);
      const fresh = createRankings(ix);
      expect(cached.trending(limit)).toEqual(fresh.trending(limit));
      expect(cached.fresh(limit)).toEqual(fresh.fresh(limit));
    }
  });
});
