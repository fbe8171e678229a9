import type { ItemRecord } from '../../domain/catalog';
import type { Interaction } from '../../domain/events';
import { makeFeatureFixture } from '../sdk/fixtures';
import { LTR_BASE_FEATURES, ltrFeatureNames, ltrFeatures, type LtrInput } from './features';

const HOUR = 3600 * 1000;
const NOW = Date.UTC(2024, 0, 10);
const rec = (id: string, categories: string[], brand: string | null = null, price: number | null = null): ItemRecord => ({
  id,
  title: id,
  categories,
  brand,
  price,
  available: true,
  createdAt: NOW - 100 * HOUR,
});

/** A hand-made request: two candidates, a history of three events. */
function handMade(): { input: LtrInput; ids: string[] } {
  const history: Interaction[] = [
    { itemId: 'a', type: 'view', ts: NOW - 2 * HOUR, value: 0 },
    { itemId: 'a', type: 'add_to_cart', ts: NOW - HOUR, value: 0 },
    { itemId: 'h', type: 'view', ts: NOW - 10 * HOUR, value: 0 },
  ];
  const historyItems = new Map([
    ['a', rec('a', ['shoes.trail'], 'acme', 100)],
    ['h', rec('h', ['shoes.road'], 'zed', 50)],
  ]);
  const meta = [rec('a', ['shoes.trail'], 'acme', 100), rec('b', ['hats'], null, null)];
  const ancestors = new Map<string, readonly string[]>([
    ['shoes.trail', ['shoes', 'shoes.trail']],
    ['shoes.road', ['shoes', 'shoes.road']],
    ['hats', ['hats']],
  ]);
  const input: LtrInput = {
    'user.history': history,
    'user.historyItems': historyItems,
    'item.meta': meta,
    'item.stats': [null, null],
    'pair.coInteraction': { seeds: [], seedAgeMs: new Float64Array(0), seedType: new Uint8Array(0), seedDegree: new Float64Array(0), rows: [null, null], degree: Float64Array.from([0, 0]) },
    'pair.retrieval': { retrievers: ['recent', 'trending'], ranks: [Int32Array.from([0, -1]), Int32Array.from([-1, 3])] },
    'category.ancestors': ancestors,
    'scores.firstStage': { scorerIds: ['x/one', 'x/two'], columns: [Float32Array.from([0.5, 0.25]), null] },
  };
  return { input, ids: ['a', 'b'] };
}

describe('ltr featuriser', () => {
  const names = ltrFeatureNames(['x/one', 'x/two']);
  const col = (name: string): number => names.indexOf(name);

  it('names every column: first-stage scores first, then the fixed features', () => {
    expect(names.slice(0, 2)).toEqual(['score:x/one', 'score:x/two']);
    expect(names.length).toBe(2 + LTR_BASE_FEATURES.length);
    expect(new Set(names).size).toBe(names.length);
  });

  it('computes hand-checked values, and NaN for what is missing', () => {
    const { input, ids } = handMade();
    const x = ltrFeatures(input, ids, NOW, { scorerIds: ['x/one', 'x/two'] });
    const d = names.length;
    const at = (row: number, name: string): number => x[row * d + col(name)]!;
    expect(x.length).toBe(2 * d);
    expect(at(0, 'score:x/one')).toBe(0.5);
    expect(at(1, 'score:x/two')).toBeNaN(); // the scorer failed on this request
    expect(at(0, 'ui.views')).toBe(1);
    expect(at(0, 'ui.carts')).toBe(1);
    expect(at(0, 'ui.events')).toBe(2);
    expect(at(0, 'ui.hoursSinceLast')).toBeCloseTo(Math.log1p(1), 6);
    expect(at(1, 'ui.events')).toBe(0);
    expect(at(1, 'ui.hoursSinceLast')).toBeNaN();
    // Leaf shoes.trail: 2 of 3 history events; its parent shoes: all 3.
    expect(at(0, 'cat0.share')).toBeCloseTo(2 / 3, 6);
    expect(at(0, 'cat1.share')).toBeCloseTo(1, 6);
    expect(at(0, 'cat0.items')).toBe(1);
    expect(at(0, 'cat1.items')).toBe(2);
    expect(at(0, 'cat2.share')).toBeNaN(); // no level 2 above shoes.trail
    expect(at(1, 'cat0.share')).toBe(0); // hats: never touched
    expect(at(0, 'brand.share')).toBeCloseTo(2 / 3, 6);
    expect(at(1, 'brand.share')).toBeNaN(); // no brand
    expect(at(0, 'price.rel')).toBeCloseTo(Math.log(100) - (2 * Math.log(100) + Math.log(50)) / 3, 5);
    expect(at(0, 'ret.recent')).toBe(0);
    expect(at(0, 'ret.trending')).toBeNaN();
    expect(at(1, 'ret.trending')).toBe(3);
    expect(at(1, 'ret.count')).toBe(1);
    expect(at(0, 'item.traffic.decayed')).toBeNaN(); // no stats
    expect(at(0, 'user.events')).toBeCloseTo(Math.log1p(3), 6);
    expect(at(0, 'user.carts')).toBe(1);
  });

  it('gives the same row for a candidate whatever else is in the list, and is finite or NaN everywhere', () => {
    const f = makeFeatureFixture({ n: 40, seed: 7 });
    const input = f.features as unknown as LtrInput;
    const opts = { scorerIds: ['fixture/a', 'fixture/b'] };
    const d = ltrFeatureNames(opts.scorerIds).length;
    const all = ltrFeatures(input, f.itemIds, f.now, opts);
    for (const v of all) expect(Number.isNaN(v) || Number.isFinite(v)).toBe(true);
    // Reverse the candidates (and every per-candidate column with them): rows must follow.
    const rev = <T>(a: ArrayLike<T>): T[] => Array.from(a).reverse();
    const reversed: LtrInput = {
      ...input,
      'item.meta': rev(input['item.meta']),
      'item.stats': rev(input['item.stats']),
      'pair.coInteraction': { ...input['pair.coInteraction'], rows: rev(input['pair.coInteraction'].rows), degree: Float64Array.from(rev(input['pair.coInteraction'].degree)) },
      'pair.retrieval': { ...input['pair.retrieval'], ranks: input['pair.retrieval'].ranks.map((r) => Int32Array.from(rev(r))) },
      'scores.firstStage': { ...input['scores.firstStage'], columns: input['scores.firstStage'].columns.map((c) => (c ? Float32Array.from(rev(c)) : null)) },
    };
    const back = ltrFeatures(reversed, rev(f.itemIds), f.now, opts);
    const n = f.itemIds.length;
    for (let i = 0; i < n; i++) {
      expect(Array.from(back.subarray((n - 1 - i) * d, (n - i) * d))).toEqual(Array.from(all.subarray(i * d, (i + 1) * d)));
    }
  });

  it('with rows, writes exactly the rows of those candidates, in that order, and refuses an index outside the list', () => {
    const f = makeFeatureFixture({ n: 30, seed: 3 });
    const input = f.features as unknown as LtrInput;
    const opts = { scorerIds: ['fixture/a', 'fixture/b'] };
    const d = ltrFeatureNames(opts.scorerIds).length;
    const all = ltrFeatures(input, f.itemIds, f.now, opts);
    const rows = [17, 2, 29, 2];
    const some = ltrFeatures(input, f.itemIds, f.now, opts, rows);
    expect(some.length).toBe(rows.length * d);
    rows.forEach((i, j) => expect(Array.from(some.subarray(j * d, (j + 1) * d))).toEqual(Array.from(all.subarray(i * d, (i + 1) * d))));
    expect(ltrFeatures(input, f.itemIds, f.now, opts, []).length).toBe(0);
    expect(() => ltrFeatures(input, f.itemIds, f.now, opts, [30])).toThrow(/rows\[0\] = 30/);
  });
});
