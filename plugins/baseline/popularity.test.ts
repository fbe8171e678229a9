import { EVENT_TYPES, eventTypeIndex, type EventType } from '../../domain/events';
import type { ItemStats } from '../../domain/catalog';
import { createPopularityScorer } from './popularity';

const signal = new AbortController().signal;
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const ctx = { logger: silent, settings: {}, loadModel: () => Promise.reject(new Error('no models')) };

function stats(itemId: string, counts: Partial<Record<EventType, number>>): ItemStats {
  const totals = new Float64Array(EVENT_TYPES.length);
  for (const [t, n] of Object.entries(counts)) totals[eventTypeIndex(t as EventType)] = n;
  // decayed deliberately differs: the score must use the plain totals.
  return { itemId, totals, decayed: totals.map((v) => v / 10), decayedRevenue: 0, totalRevenue: 0, users: 1, lastTs: 0 };
}

describe('baseline/popularity', () => {
  it('scores the total interactions of each item, without impressions; no stats -> 0', async () => {
    const scorer = await createPopularityScorer().setup(ctx);
    const s = [stats('a', { click: 3, purchase: 1, impression: 100 }), null, stats('c', { view: 7 })];
    // a: 3 + 1 (the 100 impressions do not count) = 4; b: no stats = 0; c: 7.
    const out = await scorer.score({ userId: 'anyone', itemIds: ['a', 'b', 'c'], features: { 'item.stats': s }, now: 0, signal });
    expect(Array.from(out)).toEqual([4, 0, 7]);
  });

  it('is the same for every user', async () => {
    const scorer = await createPopularityScorer().setup(ctx);
    const s = [stats('a', { click: 2 }), stats('b', { click: 5 })];
    const one = await scorer.score({ userId: 'u1', itemIds: ['a', 'b'], features: { 'item.stats': s }, now: 0, signal });
    const two = await scorer.score({ userId: 'u2', itemIds: ['a', 'b'], features: { 'item.stats': s }, now: 0, signal });
    expect(Array.from(two)).toEqual(Array.from(one));
    expect(createPopularityScorer().features).toEqual(['item.stats']);
  });
});
