import { describe, expect, it } from '@jest/globals';
import { mulberry32 } from '../../../ml/random';
import { buildQueryIndex } from './query-index';
import { NO_INTENT, rankQueries, recencyWeights } from './rank';

const ALPHABET = ['a', 'b', 'ab', 'é', 'z', ' ', '1', '\uffff'];

function randomTexts(n: number, rnd: () => number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let t = '';
    const len = 1 + Math.floor(rnd() * 4);
    for (let j = 0; j < len; j++) t += ALPHABET[Math.floor(rnd() * ALPHABET.length)]!;
    out.push(t);
  }
  return out;
}

describe('buildQueryIndex', () => {
  it('prefixRange holds exactly the texts starting with the prefix (random texts, brute force)', () => {
    const rnd = mulberry32(7);
    const texts = randomTexts(300, rnd);
    const ix = buildQueryIndex(texts.map((text) => ({ text, count: 1 })));
    expect(new Set(ix.texts).size).toBe(ix.texts.length);
    for (const prefix of ['', 'a', 'ab', 'é', 'z\uffff', '1 ', 'q', ...randomTexts(40, rnd)]) {
      const [lo, hi] = ix.prefixRange(prefix);
      expect(ix.texts.slice(lo, hi)).toEqual(ix.texts.filter((t) => t.startsWith(prefix)));
    }
  });

  it('merges duplicate texts, scales popularity by log1p to [0, 1] and refuses bad counts', () => {
    const ix = buildQueryIndex([
      { text: 'lamp', count: 3 },
      { text: 'kettle', count: 0 },
      { text: 'lamp', count: 4 },
    ]);
    expect(ix.texts).toEqual(['kettle', 'lamp']);
    expect(Array.from(ix.counts)).toEqual([0, 7]);
    expect(Array.from(ix.popularity)).toEqual([0, 1]);
    expect(() => buildQueryIndex([{ text: 'x', count: -1 }])).toThrow(RangeError);
  });

  it("a query's own embedding wins over the LED_TO mean; the mean is weighted and row-normalised; others get none", () => {
    const ix = buildQueryIndex(
      ['own', 'led', 'none', 'unknown-items'].map((text) => ({ text, count: 1 })),
      {
        dims: 2,
        own: { ids: ['own', 'not-known'], vectors: Float32Array.from([3, 4, 1, 1]) },
        items: { ids: ['i1', 'i2'], vectors: Float32Array.from([1, 0, 0, 1]) },
        ledTo: new Map([
          ['own', new Map([['i1', 1]])],
          [
            'led',
            new Map([
              ['i1', 3],
              ['i2', 1],
            ]),
          ],
          ['unknown-items', new Map([['ghost', 2]])],
        ]),
      },
    );
    const row = (t: string): number[] => Array.from(ix.vectors.subarray(ix.position(t) * 2, ix.position(t) * 2 + 2));
    expect(row('own')).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    const n = Math.hypot(3, 1);
    expect(row('led')[0]).toBeCloseTo(3 / n, 6);
    expect(row('led')[1]).toBeCloseTo(1 / n, 6);
    expect(ix.hasVector[ix.position('none')]).toBe(0);
    expect(ix.hasVector[ix.position('unknown-items')]).toBe(0);
    expect(ix.vectorCounts).toEqual({ own: 1, ledTo: 1 });
  });
});

describe('rankQueries', () => {
  it('equals a brute-force sort of the blended score (random index, user vector and recency)', () => {
    const rnd = mulberry32(11);
    const dims = 8;
    const texts = [...new Set(randomTexts(400, rnd))];
    const own = Float32Array.from({ length: texts.length * dims }, () => rnd() - 0.5);
    const ix = buildQueryIndex(
      texts.map((text) => ({ text, count: Math.floor(rnd() * 50) })),
      { dims, own: { ids: texts.filter((_, i) => i % 5 !== 0), vectors: own.subarray(0, texts.filter((_, i) => i % 5 !== 0).length * dims) } },
    );
    const u = Float32Array.from({ length: dims }, () => rnd() - 0.5);
    const recent = new Map<number, number>([
      [3, 1],
      [50, 0.4],
      [ix.texts.length - 1, 0.2],
    ]);
    const w = { personal: 1, popular: 0.3, recent: 0.5 };
    for (const prefix of ['', 'a', 'b', 'é', 'zz']) {
      const got = rankQueries(ix, { vector: u, recent }, prefix, 10, w);
      const [lo, hi] = ix.prefixRange(prefix);
      const want: { i: number; s: number }[] = [];
      for (let i = lo; i < hi; i++) {
        let cos = 0;
        if (ix.hasVector[i] === 1) for (let d = 0; d < dims; d++) cos += u[d]! * ix.vectors[i * dims + d]!;
        want.push({ i, s: w.personal * cos + w.popular * ix.popularity[i]! + w.recent * (recent.get(i) ?? 0) });
      }
      want.sort((a, b) => b.s - a.s || a.i - b.i);
      expect(got.map((g) => g.text)).toEqual(want.slice(0, 10).map((x) => ix.texts[x.i]));
      got.forEach((g, j) => expect(g.score).toBeCloseTo(want[j]!.s, 9));
    }
  });

  it("over more than maxScan matches, scores only the maxScan most popular of them and the user's own", () => {
    const texts = Array.from({ length: 50 }, (_, i) => `q${String(i).padStart(2, '0')}`);
    // Counts fall with i; vectors make the least popular queries the closest to the user.
    const ix = buildQueryIndex(
      texts.map((text, i) => ({ text, count: 100 - i })),
      { dims: 1, own: { ids: texts, vectors: Float32Array.from(texts, (_, i) => (i >= 45 ? 1 : -1)) } },
    );
    const intent = { vector: Float32Array.from([1]), recent: new Map([[ix.position('q48'), 0.5]]) };
    const w = { personal: 1, popular: 0.1, recent: 0.1 };
    expect(rankQueries(ix, intent, 'q', 3, w, 50).map((s) => s.text)).toEqual(['q48', 'q45', 'q46']);
    // maxScan 10: q00..q09 and the user's own q48.
    expect(rankQueries(ix, intent, 'q', 3, w, 10).map((s) => s.text)).toEqual(['q48', 'q00', 'q01']);
  });

  it('cold start (no vector, no history) ranks by popularity within the prefix, ties in text order', () => {
    const ix = buildQueryIndex([
      { text: 'red lamp', count: 2 },
      { text: 'red kettle', count: 9 },
      { text: 'reader', count: 2 },
      { text: 'blue lamp', count: 50 },
    ]);
    const got = rankQueries(ix, NO_INTENT, 're', 5);
    expect(got.map((s) => [s.text, s.source])).toEqual([
      ['red kettle', 'popular'],
      ['reader', 'popular'],
      ['red lamp', 'popular'],
    ]);
    expect(rankQueries(ix, NO_INTENT, 'x', 5)).toEqual([]);
    expect(rankQueries(ix, NO_INTENT, '', 2).map((s) => s.text)).toEqual(['blue lamp', 'red kettle']);
  });

  it("a user's own recent query is boosted and labelled recent; a close vector wins as personal", () => {
    const ix = buildQueryIndex(
      [
        { text: 'lamp', count: 100 },
        { text: 'lantern', count: 1 },
        { text: 'ladder', count: 1 },
      ],
      { dims: 2, own: { ids: ['lamp', 'lantern', 'ladder'], vectors: Float32Array.from([1, 0, 0, 1, -1, 0]) } },
    );
    const recent = recencyWeights(
      ix,
      [
        { text: 'ladder', ts: 1000 },
        { text: 'ladder', ts: 900 },
        { text: 'unknown', ts: 1000 },
      ],
      1000,
      100,
    );
    expect([...recent]).toEqual([[ix.position('ladder'), 1]]);
    const got = rankQueries(ix, { vector: Float32Array.from([0, 1]), recent }, 'la', 3, { personal: 1, popular: 0.3, recent: 2 });
    expect(got.map((s) => [s.text, s.source])).toEqual([
      ['ladder', 'recent'],
      ['lantern', 'personal'],
      ['lamp', 'popular'],
    ]);
  });
});
