import { defineLayout } from './layout';

describe('feature layouts', () => {
  const layout = defineLayout<{ a: number; b: number } | null>({
    sum: (r) => (r ? r.a + r.b : 0),
    a: (r) => r?.a ?? -1,
    index: (_r, i) => i,
  });

  it('declares its columns in order and builds the row-major tensor', () => {
    expect(layout.columns).toEqual(['sum', 'a', 'index']);
    const t = layout.tensor([{ a: 1, b: 2 }, null, { a: 5, b: -1 }]);
    expect(t.dims).toEqual([3, 3]);
    expect(Array.from(t.data)).toEqual([3, 1, 0, 0, -1, 1, 4, 5, 2]);
  });

  it('builds an empty [0, width] tensor for no rows', () => {
    const t = layout.tensor([]);
    expect(t.dims).toEqual([0, 3]);
    expect(t.data).toHaveLength(0);
  });

  it('refuses a non-finite value, naming the column and the row', () => {
    expect(() =>
      layout.tensor([
        { a: 1, b: 1 },
        { a: Number.NaN, b: 0 },
      ]),
    ).toThrow('feature column "sum" is NaN for row 1');
  });

  it('refuses a layout with no columns', () => {
    expect(() => defineLayout({})).toThrow(/at least one column/);
  });
});
