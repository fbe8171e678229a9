import { categoryFacts } from './categories';

describe('categoryFacts', () => {
  const dotted = { listSeparator: null, pathSeparator: '.', idPrefix: 'shop:' };

  it('turns a dotted path into records with parent edges and gives the item the leaf', () => {
    expect(categoryFacts(['appliances.kitchen.washer'], dotted)).toEqual({
      leaves: ['shop:appliances.kitchen.washer'],
      records: [
        { id: 'shop:appliances', parent: null, name: 'appliances' },
        { id: 'shop:appliances.kitchen', parent: 'shop:appliances', name: 'kitchen' },
        { id: 'shop:appliances.kitchen.washer', parent: 'shop:appliances.kitchen', name: 'washer' },
      ],
    });
  });

  it('gives one leaf per column in column order; flat values are roots', () => {
    const f = categoryFacts(['electronics.audio', '2103807459595387724'], dotted);
    expect(f.leaves).toEqual(['shop:electronics.audio', 'shop:2103807459595387724']);
    expect(f.records.map((r) => [r.id, r.parent])).toEqual([
      ['shop:electronics', null],
      ['shop:electronics.audio', 'shop:electronics'],
      ['shop:2103807459595387724', null],
    ]);
  });

  it('splits lists, trims segments, drops empty ones and repeats', () => {
    const f = categoryFacts([' a . b |a.b| c..d. '], { listSeparator: '|', pathSeparator: '.', idPrefix: '' });
    expect(f.leaves).toEqual(['a.b', 'c.d']);
    expect(f.records.map((r) => r.id)).toEqual(['a', 'a.b', 'c', 'c.d']);
    expect(categoryFacts([' | . '], { listSeparator: '|', pathSeparator: '.', idPrefix: '' })).toEqual({ leaves: [], records: [] });
  });

  it('without a path separator a category is one flat record, dots included', () => {
    expect(categoryFacts(['a.b'], { listSeparator: null, pathSeparator: null, idPrefix: 'p/' })).toEqual({
      leaves: ['p/a.b'],
      records: [{ id: 'p/a.b', parent: null, name: 'a.b' }],
    });
  });
});
