import type { Interaction } from '../../domain/events';
import { createScorerRegistry } from '../sdk/registry';
import { DEFAULT_RFM_BREAKPOINTS, createRfmScorer, fitRfmBreakpoints, quantile, rfmCell, rfmValues } from './rfm';

const DAY = 24 * 3600 * 1000;
const now = Date.UTC(2024, 0, 31);
const signal = new AbortController().signal;
const ctx = { logger: { debug() {}, info() {}, warn() {}, error() {} }, settings: {}, loadModel: () => Promise.reject(new Error('no models')) };
const item = (id: string, price: number | null) => ({ id, title: '', categories: [], brand: null, price, available: true, createdAt: 0 });

// Two purchases (2 and 10 days ago, $30 and $10) and a view that does not count.
const history: Interaction[] = [
  { itemId: 'v', type: 'view', ts: now - 1 * DAY, value: 0 },
  { itemId: 'a', type: 'purchase', ts: now - 2 * DAY, value: 30 },
  { itemId: 'b', type: 'purchase', ts: now - 10 * DAY, value: 10 },
];

describe('baseline/rfm', () => {
  it('computes R, F, M from purchases only', () => {
    expect(rfmValues(history, now)).toEqual({ recencyDays: 2, frequency: 2, monetary: 20 });
    expect(rfmValues([history[0]!], now)).toBeNull();
  });

  it('maps values to quintile scores and the cell code', () => {
    // default edges: R 2 <= 7 -> 5; F 2 > 1 only -> 2; M 20 > 10 only -> 2 -> code 522
    expect(rfmCell({ recencyDays: 2, frequency: 2, monetary: 20 }, DEFAULT_RFM_BREAKPOINTS)).toEqual({ r: 5, f: 2, m: 2, code: 522 });
    // R 200 > all four edges -> 1; F 9 -> 5; M 100 is not > 100 -> 4
    expect(rfmCell({ recencyDays: 200, frequency: 9, monetary: 100 }, DEFAULT_RFM_BREAKPOINTS).code).toBe(154);
  });

  it('fits type-7 quintile edges', () => {
    // [1..5]: h = 4p -> 1.8, 2.6, 3.4, 4.2
    expect(quantile([1, 2, 3, 4, 5], 0.2)).toBeCloseTo(1.8, 12);
    const b = fitRfmBreakpoints([1, 2, 3, 4, 5].map((f) => ({ recencyDays: 10 * f, frequency: f, monetary: f })));
    expect(b.frequency.map((x) => Number(x.toFixed(10)))).toEqual([1.8, 2.6, 3.4, 4.2]);
    expect(b.recencyDays.map((x) => Number(x.toFixed(10)))).toEqual([18, 26, 34, 42]);
    // most recent (10 days) -> R 5, most frequent -> F 5, middle monetary -> M 3
    expect(rfmCell({ recencyDays: 10, frequency: 5, monetary: 3 }, b).code).toBe(553);
    expect(() => fitRfmBreakpoints([])).toThrow(RangeError);
  });

  it('scores cell code plus the price-tier match with the M score', async () => {
    const scorer = await createRfmScorer().setup(ctx);
    // user M score 2 (AOV 20); price tiers on the M edges 10/25/50/100: 20 -> 2, 40 -> 3, 5 -> 1, 500 -> 5
    const meta = [item('p20', 20), item('p40', 40), item('p5', 5), item('p500', 500), null];
    const ids = ['p20', 'p40', 'p5', 'p500', 'x'];
    const out = await scorer.score({ userId: 'u', itemIds: ids, features: { 'user.history': history, 'item.meta': meta }, now, signal });
    // affinity (4 - |tier - 2|) / 8: 4/8, 3/8, 3/8, 1/8; unknown price 0
    expect(Array.from(out)).toEqual([522.5, 522.375, 522.375, 522.125, 522]);
    expect(Math.floor(out[0]!)).toBe(522);
  });

  it('gives a user without purchases code 0 and matches them to the middle tier', async () => {
    const scorer = await createRfmScorer().setup(ctx);
    const meta = [item('a', 30), item('b', 5)];
    const out = await scorer.score({ userId: 'u', itemIds: ['a', 'b'], features: { 'user.history': [history[0]!], 'item.meta': meta }, now, signal });
    // tiers 3 and 1 against M = 3: 4/8 and 2/8
    expect(Array.from(out)).toEqual([0.5, 0.25]);
  });

  it('fails registration on malformed breakpoints', async () => {
    const bad = createRfmScorer({ breakpoints: { ...DEFAULT_RFM_BREAKPOINTS, frequency: [3, 2, 1, 0] } });
    await expect(createScorerRegistry([bad], { logger: ctx.logger, loadModel: ctx.loadModel })).rejects.toMatchObject({ code: 'INVALID_PLUGIN' });
  });
});
