/** adsExamplesFromStore on in-memory fakes of the exposure log and the ad events; the feature context. */
import { adsExtraFeatures, ADS_EXTRA_FEATURES, createAdsFeatureContext } from './features';
import { adsExamplesFromStore, joinAdsLogs, type AdsLoggedEvent, type AdsLoggedExposure, type AdsLogStores } from './from-store';

const MIN = 60_000;

function fakeStores(exposures: AdsLoggedExposure[], events: AdsLoggedEvent[]): AdsLogStores & { asked: Array<{ surface: string; from?: number; to?: number }> } {
  const asked: Array<{ surface: string; from?: number; to?: number }> = [];
  return {
    asked,
    exposures: {
      exposuresOnSurface(surface, o = {}) {
        asked.push({ surface, ...o });
        return Promise.resolve(exposures.filter((x) => (o.from === undefined || x.ts >= o.from) && (o.to === undefined || x.ts < o.to)));
      },
    },
    events: {
      async *scanAdEvents(pageSize) {
        for (let i = 0; i < events.length; i += pageSize) yield events.slice(i, i + pageSize);
      },
    },
  };
}

describe('adsExamplesFromStore', () => {
  const exposures: AdsLoggedExposure[] = [
    { exposureId: 'x1', userId: 'u1', ts: 0, itemIds: ['a', 'b'], ads: { query: 'Rain  Boots', slots: [{ keywords: ['Waterproof', 'free shipping'] }, { keywords: ['leather'] }] } },
    { exposureId: 'x2', userId: 'u1', ts: 10 * MIN, itemIds: ['a'], ads: { query: 'boots', slots: [{ keywords: ['waterproof'] }] } },
    { exposureId: 'x3', userId: 'u2', ts: 5 * MIN, itemIds: ['a'], ads: { query: '', slots: [{ keywords: ['warm'] }] } },
    { exposureId: 'feed', userId: 'u2', ts: 6 * MIN, itemIds: ['c'] },
  ];
  const events: AdsLoggedEvent[] = [
    // to x1 slot a (x2 is later than the click)
    { userId: 'u1', type: 'selling_point_click', itemId: 'a', ts: 2 * MIN, keyword: 'WATERPROOF' },
    // to x1 slot b: ad click only
    { userId: 'u1', type: 'ad_click', itemId: 'b', ts: 3 * MIN, keyword: null },
    // to x2 (latest exposure of (u1, a) before it); keyword not shown there → ad click only
    { userId: 'u1', type: 'selling_point_click', itemId: 'a', ts: 11 * MIN, keyword: 'free shipping' },
    // too late for x3 (30 min window)
    { userId: 'u2', type: 'ad_click', itemId: 'a', ts: 40 * MIN, keyword: null },
    // before any exposure of the pair
    { userId: 'u2', type: 'ad_click', itemId: 'c', ts: 1 * MIN, keyword: null },
  ];

  it('one example per slot; clicks attributed to the latest exposure of the pair within the window', async () => {
    const stores = fakeStores(exposures, events);
    const ex = await adsExamplesFromStore(stores);
    expect(stores.asked).toEqual([{ surface: 'ads' }]);
    expect(ex).toEqual([
      { userId: 'u1', query: 'rain boots', itemId: 'a', keywords: ['waterproof', 'free shipping'], clickedAd: true, clickedKeywords: ['waterproof'], ts: 0 },
      { userId: 'u1', query: 'rain boots', itemId: 'b', keywords: ['leather'], clickedAd: true, clickedKeywords: [], ts: 0 },
      { userId: 'u1', query: 'boots', itemId: 'a', keywords: ['waterproof'], clickedAd: true, clickedKeywords: [], ts: 10 * MIN },
      { userId: 'u2', query: '', itemId: 'a', keywords: ['warm'], clickedAd: false, clickedKeywords: [], ts: 5 * MIN },
    ]);
  });

  it('from/to bound the exposures; a longer window attributes the late click', async () => {
    const ex = await adsExamplesFromStore(fakeStores(exposures, events), { from: 5 * MIN, to: 8 * MIN, attributionMs: 60 * MIN });
    expect(ex).toEqual([{ userId: 'u2', query: '', itemId: 'a', keywords: ['warm'], clickedAd: true, clickedKeywords: [], ts: 5 * MIN }]);
    expect(joinAdsLogs(exposures, [], {}).every((e) => !e.clickedAd)).toBe(true);
  });
});

describe('AMTDL features', () => {
  const ctx = createAdsFeatureContext(
    [
      { userId: 'u', type: 'view', itemId: 'a', ts: 10 },
      { userId: 'u', type: 'purchase', itemId: 'a', ts: 20 },
      { userId: 'u', type: 'view', itemId: 'b', ts: 30 },
      { userId: 'v', type: 'search', itemId: null, ts: 5, query: 'Shoes' },
      { userId: 'w', type: 'search', itemId: null, ts: 50, query: 'shoes' },
    ],
    new Map([
      ['a', ['shoes']],
      ['b', ['hats']],
    ]),
  );

  it('counts strictly before `at`, in the documented columns', () => {
    const f = adsExtraFeatures({ userId: 'u', query: 'shoes', itemId: 'a' }, 25, ctx);
    expect(ADS_EXTRA_FEATURES).toHaveLength(f.length);
    // 2 events, 1 conversion, both in 'shoes' (item and query category), query searched once before 25, query = item category
    const want = [Math.log1p(2), Math.log1p(1), 1 / 3, 2 / 3, 2 / 3, Math.log1p(1), 1];
    want.forEach((w, i) => expect(f[i]).toBeCloseTo(w, 6));
    const later = adsExtraFeatures({ userId: 'u', query: 'hats', itemId: 'b' }, 100, ctx);
    expect(Array.from(later, (x) => Number(x.toFixed(4)))).toEqual([Number(Math.log1p(3).toFixed(4)), Number(Math.log1p(1).toFixed(4)), 0.25, 0.25, 0.25, 0, 1]);
    expect(Array.from(adsExtraFeatures({ userId: 'nobody', query: '', itemId: 'zz' }, 100, ctx))).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(ctx.userStats('u', 10)).toBeNull();
  });
});
