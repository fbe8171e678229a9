import { makeFeatureFixture } from './fixtures';
import { EVENT_TYPES, eventCount, eventCounts, eventTypeIndex } from './stats';

describe('item statistics by event-type name', () => {
  const stats = makeFeatureFixture({ n: 40, seed: 3, sparsity: 0.3 }).features['item.stats'];
  const withStats = stats.filter((s) => s !== null);

  it('reads the same numbers as the index-ordered arrays, for every type and both kinds', () => {
    expect(withStats.length).toBeGreaterThan(5);
    const purchase = EVENT_TYPES.indexOf('purchase');
    expect(withStats.some((s) => s!.totals[purchase]! > 0)).toBe(true);
    for (const s of withStats) {
      EVENT_TYPES.forEach((t, i) => {
        expect(eventCount(s, t)).toBe(s!.totals[i]);
        expect(eventCount(s, t, 'decayed')).toBe(s!.decayed[i]);
      });
      expect(eventCounts(s, 'decayed')).toEqual(Object.fromEntries(EVENT_TYPES.map((t, i) => [t, s!.decayed[i]])));
    }
  });

  it('gives 0 for an item without statistics', () => {
    expect(eventCount(null, 'view')).toBe(0);
    expect(Object.values(eventCounts(undefined)).every((v) => v === 0)).toBe(true);
  });

  it('names the valid types when given an unknown one', () => {
    expect(eventTypeIndex('click')).toBe(1);
    expect(() => eventCount(withStats[0], 'teleport' as never)).toThrow(/unknown event type "teleport" \(one of view, click,/);
  });
});
