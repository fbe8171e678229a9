import type { ItemRecord } from '../domain/catalog';
import { blend, minMax } from './blend';
import { jaccard, rerank } from './rerank';
import { DEFAULT_STRATEGY, parseStrategy } from './strategy';

const item = (id: string, cat: string, brand: string | null = null): ItemRecord => ({ id, title: id, categories: [cat], brand, price: null, available: true, createdAt: 0 });

describe('blend', () => {
  it('min-max normalises each scorer and renormalises weights over the scorers that answered', () => {
    const b = blend(
      [
        { scorerId: 'a/x', version: '1.0.0', weight: 0.5, raw: Float32Array.from([0, 5, 10]) },
        { scorerId: 'b/y', version: '1.0.0', weight: 0.3, raw: Float32Array.from([3, 2, 1]) },
      ],
      3,
    );
    // weights renormalised: 0.625 and 0.375
    expect(Array.from(b.scores)).toEqual([0.375, 0.625 * 0.5 + 0.375 * 0.5, 0.625].map((v) => expect.closeTo(v, 10)));
    expect(b.contributions[2]![0]).toMatchObject({ scorerId: 'a/x', raw: 10, normalized: 1, weight: 0.625, value: 0.625 });
  });

  it('maps a constant column to 0 (no information)', () => {
    expect(Array.from(minMax(Float32Array.from([4, 4, 4])))).toEqual([0, 0, 0]);
  });
});

describe('rerank', () => {
  const meta = [item('a', 'shoes'), item('b', 'shoes'), item('c', 'shoes'), item('d', 'hats'), item('e', 'bags')];
  const scores = Float64Array.from([1, 0.95, 0.9, 0.5, 0.4]);

  it('without diversity returns score order', () => {
    expect(rerank(scores, meta, { method: 'none', lambda: 1, maxPerCategory: 0, limit: 4 })).toEqual([0, 1, 2, 3]);
  });

  it('caps items per first category and fills from others', () => {
    expect(rerank(scores, meta, { method: 'none', lambda: 1, maxPerCategory: 2, limit: 4 })).toEqual([0, 1, 3, 4]);
  });

  it('relaxes the cap rather than return a short feed', () => {
    expect(rerank(scores, meta, { method: 'none', lambda: 1, maxPerCategory: 1, limit: 5 })).toHaveLength(5);
  });

  it('MMR trades relevance for novelty', () => {
    // lambda 0.5: after 'a', 'b' scores 0.5*0.95 - 0.5*1 < 'd' at 0.5*0.5 - 0
    expect(rerank(scores, meta, { method: 'mmr', lambda: 0.5, maxPerCategory: 0, limit: 3 })).toEqual([0, 3, 4]);
  });

  it('jaccard over facets', () => {
    expect(jaccard(new Set(['c:x', 'b:y']), new Set(['c:x']))).toBe(0.5);
    expect(jaccard(new Set(), new Set(['c:x']))).toBe(0);
  });
});

describe('strategy', () => {
  it('fills defaults and rejects bad weights with the field named', () => {
    expect(parseStrategy({ id: 'x' }).candidates.max).toBe(DEFAULT_STRATEGY.candidates.max);
    expect(() => parseStrategy({ scorers: [{ id: 'a/b', weight: -1 }] })).toThrow(/strategy.scorers\[0\].weight/);
    expect(() => parseStrategy({ candidates: { recent: null, neighbourhood: null, trending: null, fresh: null } })).toThrow(/at least one retriever/);
  });
});

describe('blend: a scorer taken as it is (normalize "none")', () => {
  it('clamps its raw scores to [0, 1] instead of rescaling them over the candidates', () => {
    const { scores, contributions } = blend(
      [
        { scorerId: 'a/minmax', version: '1.0.0', weight: 1, raw: Float32Array.of(2, 4, 6) },
        { scorerId: 'b/prob', version: '1.0.0', weight: 1, raw: Float32Array.of(0.2, -1, 3), normalize: 'none' },
      ],
      3,
    );
    expect(contributions.map((c) => c[1]!.normalized)).toEqual([expect.closeTo(0.2, 6), 0, 1]);
    expect(Array.from(scores)).toEqual([expect.closeTo(0.1, 6), expect.closeTo(0.25, 6), expect.closeTo(1, 6)]);
  });

  it('is parsed from a strategy and rejects other values naming the field', () => {
    const s = parseStrategy({
      scorers: [
        { id: 'x/y', weight: 1, normalize: 'none' },
        { id: 'x/z', weight: 1 },
      ],
    });
    expect(s.scorers).toEqual([
      { id: 'x/y', weight: 1, normalize: 'none' },
      { id: 'x/z', weight: 1 },
    ]);
    expect(() => parseStrategy({ scorers: [{ id: 'x/y', weight: 1, normalize: 'zscore' }] })).toThrow(/strategy\.scorers\[0\]\.normalize/);
  });
});
