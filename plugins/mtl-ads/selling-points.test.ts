import { adTermsOf, rewriteTitle, sellingPointsOf, TITLE_SEPARATOR } from './selling-points';

const item = (o: Partial<{ title: string; categories: string[]; brand: string | null; sellingPoints: string[] }>) => ({ title: '', categories: [], brand: null, ...o });

describe('sellingPointsOf', () => {
  it('lists explicit, brand, category leaves, then title terms, deduplicated and capped', () => {
    const it = item({ title: 'The Alpine 2000 waterproof jacket for hiking', categories: ['apparel.outdoor.rain_jackets', '123'], brand: 'Alpine', sellingPoints: ['Free shipping', 'waterproof'] });
    expect(sellingPointsOf(it)).toEqual(['free shipping', 'waterproof', 'alpine', 'rain jackets', 'jacket', 'hiking']);
    expect(sellingPointsOf(it, 3)).toEqual(['free shipping', 'waterproof', 'alpine']);
  });

  it('drops derived keywords over 32 characters, stop words and numbers', () => {
    expect(sellingPointsOf(item({ title: 'the and 42 ok', categories: ['x'.repeat(40)] }))).toEqual([]);
  });

  it('matches query terms on title, brand, category segments and selling points', () => {
    const t = adTermsOf(item({ title: 'Red lamp', categories: ['home.lighting'], brand: 'Lumo', sellingPoints: ['energy saving'] }));
    for (const w of ['red', 'lamp', 'home', 'lighting', 'lumo', 'energy', 'saving']) expect(t.has(w)).toBe(true);
    expect(t.has('blue')).toBe(false);
  });
});

describe('rewriteTitle', () => {
  it('highlights a keyword the title holds as a whole word where it stands, and appends the others', () => {
    const r = rewriteTitle('Waterproof trail Jacket', ['jacket', 'free shipping']);
    expect(r.title).toBe(`Waterproof trail Jacket${TITLE_SEPARATOR}free shipping`);
    expect(r.highlights).toEqual([
      { start: 17, end: 23, keyword: 'jacket' },
      { start: 23 + TITLE_SEPARATOR.length, end: 23 + TITLE_SEPARATOR.length + 13, keyword: 'free shipping' },
    ]);
    for (const h of r.highlights) expect(r.title.slice(h.start, h.end).toLowerCase()).toBe(h.keyword);
  });

  it('does not match inside a word, and spans never overlap', () => {
    const r = rewriteTitle('Rainproof coat', ['rain', 'coat', 'coat']);
    expect(r.title).toBe(`Rainproof coat${TITLE_SEPARATOR}rain${TITLE_SEPARATOR}coat`);
    const sorted = [...r.highlights].sort((a, b) => a.start - b.start);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.start).toBeGreaterThanOrEqual(sorted[i - 1]!.end);
    for (const h of r.highlights) expect(r.title.slice(h.start, h.end).toLowerCase()).toBe(h.keyword);
  });

  it('keeps the title as is with no keywords, and an empty title becomes the keywords', () => {
    expect(rewriteTitle(' Mug ', [])).toEqual({ title: 'Mug', highlights: [] });
    expect(rewriteTitle('', ['a1', 'b2'])).toEqual({
      title: `a1${TITLE_SEPARATOR}b2`,
      highlights: [
        { start: 0, end: 2, keyword: 'a1' },
        { start: 2 + TITLE_SEPARATOR.length, end: 4 + TITLE_SEPARATOR.length, keyword: 'b2' },
      ],
    });
  });
});
