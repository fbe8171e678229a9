import { GOWALLA_TS } from '../../../ingest/import/gowalla';
import { eventTypeIndex } from '../../../domain/events';
import { parseSplit } from '../../datasets/gowalla';
import { createFeatureSource, GOWALLA_DATA_TS, itemStatsFromTrain } from './features';

// user 0 trained on items 0 and 2, user 1 on item 2; item 1 has no train interactions.
const split = parseSplit('0 0 2\n1 2\n', '0 1\n1 0\n');
const ids = ['gowalla:0', 'gowalla:1', 'gowalla:2'];

describe('ranking/full features', () => {
  it('uses the gateway importer timestamp', () => {
    expect(GOWALLA_DATA_TS).toBe(GOWALLA_TS);
  });

  it('builds item.stats from train counts: click totals, decayed = totals, null without interactions', () => {
    const stats = itemStatsFromTrain(split.train, ids, GOWALLA_DATA_TS);
    const click = eventTypeIndex('click');
    expect(stats[1]).toBeNull();
    expect(stats[0]!.totals[click]).toBe(1);
    expect(stats[2]!.totals[click]).toBe(2);
    expect(stats[2]!.decayed).toEqual(stats[2]!.totals);
    expect(Array.from(stats[2]!.totals).reduce((a, b) => a + b, 0)).toBe(2);
    expect(stats[2]).toMatchObject({ itemId: 'gowalla:2', users: 2, totalRevenue: 0, lastTs: GOWALLA_DATA_TS });
  });

  it('shares item-level features across users and builds the history per user', () => {
    const src = createFeatureSource(new Set(['item.stats', 'item.meta', 'user.profile', 'user.history'] as const), split.train, ids, 5);
    const a = src.forUser(0);
    const b = src.forUser(1);
    expect(a['item.stats']).toBe(b['item.stats']);
    expect(a['item.meta']).toEqual([null, null, null]);
    expect(a['user.profile']).toBeNull();
    expect(a['user.history']).toEqual([
      { itemId: 'gowalla:0', type: 'click', ts: 5, value: 0 },
      { itemId: 'gowalla:2', type: 'click', ts: 5, value: 0 },
    ]);
    expect(b['user.history']).toEqual([{ itemId: 'gowalla:2', type: 'click', ts: 5, value: 0 }]);
    // Without user.history the same object is handed out for every user.
    const only = createFeatureSource(new Set(['item.stats'] as const), split.train, ids, 5);
    expect(only.forUser(0)).toBe(only.forUser(1));
  });

  it('refuses a feature the protocol cannot provide', () => {
    expect(() => createFeatureSource(new Set(['pair.coInteraction'] as const), split.train, ids, 5)).toThrow('pair.coInteraction');
  });
});
