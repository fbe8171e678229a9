import { catalogueCoverage, categoryJaccard, intraListDiversity, listNovelty, meanOfFinite, ndcgAtK, precisionAtK, recallAtK } from './lists';

describe('accuracy at K', () => {
  const list = ['a', 'b', 'c', 'd', 'e'];
  const rel = new Set(['b', 'e', 'z']);
  it('precision: hits in the first k over k', () => {
    expect(precisionAtK(list, rel, 2)).toBeCloseTo(1 / 2, 12);
    expect(precisionAtK(list, rel, 5)).toBeCloseTo(2 / 5, 12);
    // a short list still divides by k
    expect(precisionAtK(['a'], new Set(['a']), 5)).toBeCloseTo(0.2, 12);
  });
  it('recall: hits over relevant items', () => {
    expect(recallAtK(list, rel, 5)).toBeCloseTo(2 / 3, 12);
    expect(recallAtK(list, new Set(), 5)).toBeNaN();
  });
  it('NDCG with binary relevance and ideal DCG over min(k, |rel|)', () => {
    // @2: DCG = 1/log2(3) (b at rank 2); IDCG = 1 + 1/log2(3)
    expect(ndcgAtK(list, rel, 2)).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)), 12);
    // @5: DCG = 1/log2(3) + 1/log2(6); IDCG over 3 hits = 1 + 1/log2(3) + 1/2
    expect(ndcgAtK(list, rel, 5)).toBeCloseTo((1 / Math.log2(3) + 1 / Math.log2(6)) / (1 + 1 / Math.log2(3) + 0.5), 12);
    expect(ndcgAtK(['b', 'e', 'z'], rel, 3)).toBeCloseTo(1, 12);
  });
});

describe('beyond accuracy', () => {
  it('coverage: distinct items in the top k of all lists over the catalogue', () => {
    // top 2: {a, b} and {a, d} -> 3 distinct of 10
    expect(
      catalogueCoverage(
        [
          ['a', 'b', 'c'],
          ['a', 'd'],
        ],
        2,
        10,
      ),
    ).toBeCloseTo(0.3, 12);
    expect(() => catalogueCoverage([], 2, 0)).toThrow(RangeError);
  });

  it('intra-list diversity: 1 - mean pairwise category Jaccard', () => {
    const cats: Record<string, string[]> = { x: ['c1'], y: ['c1'], z: ['c2'], p: ['c1', 'c2'], q: ['c2', 'c3'] };
    const of = (id: string): string[] => cats[id] ?? [];
    // pairs xy = 1, xz = 0, yz = 0 -> mean 1/3 -> 2/3
    expect(intraListDiversity(['x', 'y', 'z'], 3, of)).toBeCloseTo(2 / 3, 12);
    // only the first 2: x, y share c1 -> 0
    expect(intraListDiversity(['x', 'y', 'z'], 2, of)).toBeCloseTo(0, 12);
    // {c1,c2} vs {c2,c3}: 1 shared of 3 -> J = 1/3 -> 2/3
    expect(categoryJaccard(of('p'), of('q'))).toBeCloseTo(1 / 3, 12);
    expect(intraListDiversity(['p', 'q'], 5, of)).toBeCloseTo(2 / 3, 12);
    // unknown categories are not alike
    expect(intraListDiversity(['u1', 'u2'], 5, of)).toBe(1);
    expect(intraListDiversity(['x'], 5, of)).toBeNaN();
  });

  it('novelty: mean -log2 of add-one smoothed train popularity', () => {
    // 3 users; a seen by 3 -> p = 4/4 -> 0 bits; b by 1 -> 2/4 -> 1 bit; c by 0 -> 1/4 -> 2 bits; mean 1
    const users: Record<string, number> = { a: 3, b: 1 };
    expect(listNovelty(['a', 'b', 'c'], 3, (id) => users[id] ?? 0, 3)).toBeCloseTo(1, 12);
    expect(listNovelty([], 3, () => 0, 3)).toBeNaN();
  });

  it('meanOfFinite skips NaN', () => {
    expect(meanOfFinite([1, Number.NaN, 3])).toEqual({ mean: 2, n: 2 });
    expect(meanOfFinite([]).mean).toBeNaN();
  });
});
