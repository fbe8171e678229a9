import { fitLog, type LogEvent } from './fit';

const HOUR = 3600 * 1000;
const MIN = 60 * 1000;
// Local (UTC+8) midnight of 2020-01-01: hour h of day d is START + d·24h + h·1h in local time.
const START = Date.UTC(2020, 0, 1) - 8 * HOUR;
const WINDOW = { start: START, end: START + 48 * HOUR };
const at = (day: number, hour: number, minute = 0): number => START + (day * 24 + hour) * HOUR + minute * MIN;

// Two users over a 2-day window, plus one row before the window.
const LOG: LogEvent[] = [
  // u1, session 1 (day 0, 10:00-10:25): view i1, view i2, cart i2, view i1 again (a revisit), buy i2
  { userId: 'u1', itemId: 'i1', category: 'c1', type: 'view', ts: at(0, 10, 0) },
  { userId: 'u1', itemId: 'i2', category: 'c1', type: 'view', ts: at(0, 10, 10) },
  { userId: 'u1', itemId: 'i2', category: 'c1', type: 'add_to_cart', ts: at(0, 10, 12) },
  { userId: 'u1', itemId: 'i1', category: 'c1', type: 'view', ts: at(0, 10, 20) },
  { userId: 'u1', itemId: 'i2', category: 'c1', type: 'purchase', ts: at(0, 10, 25) },
  // u1, session 2 (day 1, 15:00)
  { userId: 'u1', itemId: 'i3', category: 'c2', type: 'view', ts: at(1, 15) },
  // u2: view + fav i3 at 09:00, then 49 minutes later (a new session) buys i1 without cart or view
  { userId: 'u2', itemId: 'i3', category: 'c2', type: 'view', ts: at(0, 9, 0) },
  { userId: 'u2', itemId: 'i3', category: 'c2', type: 'wishlist', ts: at(0, 9, 1) },
  { userId: 'u2', itemId: 'i1', category: 'c1', type: 'purchase', ts: at(0, 9, 50) },
  // before the window: ignored for rates, but i4 is part of the catalogue
  { userId: 'u3', itemId: 'i4', category: 'c3', type: 'view', ts: START - 1 },
];

describe('fitLog on a hand-made log', () => {
  const fit = fitLog(LOG, { window: WINDOW });

  it('counts events in the window and ignores the rest', () => {
    expect(fit.events).toBe(9);
    expect(fit.ignored).toBe(1);
    expect(fit.days).toBe(2);
    expect([...fit.users.keys()]).toEqual(['u1', 'u2']);
  });

  it('splits sessions at gaps over 30 minutes and rates them per day', () => {
    const u1 = fit.users.get('u1')!;
    const u2 = fit.users.get('u2')!;
    expect(u1.sessions).toBe(2);
    expect(u1.sessionsPerDay).toBe(1);
    expect(u2.sessions).toBe(2); // 09:00 and 09:50
    expect(u2.sessionsPerDay).toBe(1);
  });

  it('estimates the funnel on engaged (user, item) pairs', () => {
    // pairs: u1-i1, u1-i2 (cart, buy), u1-i3, u2-i3 (fav), u2-i1 (buy, no cart)
    expect(fit.funnel).toEqual({
      engagedPairs: 5,
      cartedPairs: 1,
      boughtCarted: 1,
      boughtUncarted: 1,
      favedPairs: 1,
      pCart: 1 / 5,
      pBuyGivenCart: 1,
      pBuyGivenNoCart: 1 / 4,
      pBuy: 2 / 5,
      pFav: 1 / 5,
    });
  });

  it('shrinks per-user cart and buy rates toward the global ones (20 pseudo-pairs)', () => {
    const u1 = fit.users.get('u1')!;
    const u2 = fit.users.get('u2')!;
    expect(u1.engagedPairs).toBe(3);
    expect(u1.cartLift).toBeCloseTo((1 + 20 * 0.2) / 23 / 0.2, 12);
    expect(u1.buyLift).toBeCloseTo((1 + 20 * 0.4) / 23 / 0.4, 12);
    expect(u2.cartLift).toBeCloseTo((0 + 20 * 0.2) / 22 / 0.2, 12);
    expect(u2.buyLift).toBeCloseTo((1 + 20 * 0.4) / 22 / 0.4, 12);
  });

  it('measures views, the revisit share and per-user category and item counts', () => {
    expect(fit.totalViews).toBe(5);
    expect(fit.revisitShare).toBeCloseTo(1 / 5, 12); // u1's second view of i1
    const u1 = fit.users.get('u1')!;
    expect(Object.fromEntries(u1.categories)).toEqual({ c1: 5, c2: 1 });
    expect(Object.fromEntries(u1.items)).toEqual({ i1: 2, i2: 3, i3: 1 });
  });

  it('builds the catalogue from every item, counting only in-window views', () => {
    expect(Object.fromEntries([...fit.items].map(([id, i]) => [id, [i.category, i.views]]))).toEqual({ i1: ['c1', 2], i2: ['c1', 1], i3: ['c2', 2], i4: ['c3', 0] });
    expect(fit.categories.get('c1')).toEqual({ id: 'c1', views: 3, items: 2 });
    expect(fit.categories.get('c3')).toEqual({ id: 'c3', views: 0, items: 1 });
  });

  it('profiles session starts by local hour with +1 smoothing', () => {
    expect(fit.hourProfile).toHaveLength(24);
    expect(fit.hourProfile.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(fit.hourProfile[9]).toBeCloseTo(3 / 28, 12); // u2 at 09:00 and 09:50
    expect(fit.hourProfile[10]).toBeCloseTo(2 / 28, 12);
    expect(fit.hourProfile[15]).toBeCloseTo(2 / 28, 12);
    expect(fit.hourProfile[0]).toBeCloseTo(1 / 28, 12);
  });

  it('does not depend on the order of the rows', () => {
    const shuffledFit = fitLog([...LOG].reverse(), { window: WINDOW });
    expect(shuffledFit.funnel).toEqual(fit.funnel);
    expect(shuffledFit.revisitShare).toBe(fit.revisitShare);
    expect(shuffledFit.hourProfile).toEqual(fit.hourProfile);
    expect(shuffledFit.users.get('u1')).toEqual(fit.users.get('u1'));
  });

  it('rejects an empty window', () => {
    expect(() => fitLog(LOG, { window: { start: START, end: START } })).toThrow(RangeError);
  });
});
