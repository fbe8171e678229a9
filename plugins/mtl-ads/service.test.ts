/** The ads service on a small generated catalogue in a temporary embedded store, with scripted models. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedGraphStore } from '../../graph/embedded';
import type { GraphStore } from '../../graph/port';
import type { AdsPrediction, AdsScoringRow, MtlAdsModel } from '../../ml/mtl/ads/types';
import { createKeywordRates } from './keyword-rates';
import { createAdsService } from './service';
import { parseAdsSetting } from './settings';

const T0 = Date.UTC(2026, 0, 1);
let dir: string;
let store: GraphStore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mtl-ads-'));
  store = await createEmbeddedGraphStore({ path: join(dir, 'store.db'), synchronous: 'NORMAL', categoryCacheMs: 0 });
  await store.upsertItems([
    { id: 'j1', title: 'Trail jacket', categories: ['outdoor.jackets'], brand: 'Alpine', price: 90, available: true, createdAt: T0, sellingPoints: ['waterproof', 'free shipping'] },
    { id: 'j2', title: 'Rain jacket light', categories: ['outdoor.jackets'], brand: 'Nimbus', price: 60, available: true, createdAt: T0 },
    { id: 'j3', title: 'Old jacket', categories: ['outdoor.jackets'], brand: null, price: 10, available: false, createdAt: T0 },
    { id: 'm1', title: 'Coffee mug', categories: ['kitchen.mugs'], brand: 'Clay', price: 8, available: true, createdAt: T0 },
  ]);
  // Popularity: m1 > j2 > j1 (trending order).
  const evs = [...Array.from({ length: 5 }, (_, i) => ['m1', i]), ...Array.from({ length: 3 }, (_, i) => ['j2', i]), ['j1', 0]].map(([item, i], k) => ({
    eventId: `e${k}`,
    userId: `u${i}`,
    type: 'view' as const,
    itemId: item as string,
    ts: T0 + k * 1000,
    value: 0,
    dwellMs: null,
    session: null,
    referrer: null,
    query: null,
  }));
  await store.ingestEvents(evs);
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A model answering CTR by item and keyword scores by keyword (unknown: 0.1). */
function scripted(ctr: Record<string, number>, kw: Record<string, number>, o: { delayMs?: number; fail?: boolean; bad?: boolean } = {}): MtlAdsModel & { seen: AdsScoringRow[][] } {
  const seen: AdsScoringRow[][] = [];
  return {
    kind: 'mtdl',
    version: 3,
    modelVersion: 'mtl-ads/mtdl@3',
    seen,
    async predict(rows): Promise<AdsPrediction[]> {
      seen.push([...rows]);
      if (o.delayMs) await new Promise((r) => setTimeout(r, o.delayMs));
      if (o.fail) throw new Error('session broke');
      if (o.bad) return rows.slice(1).map(() => ({ ctr: 0.1, keywordScores: new Float32Array(0) }));
      return rows.map((r) => ({ ctr: ctr[r.itemId] ?? 0.01, keywordScores: Float32Array.from(r.keywords, (k) => kw[k] ?? 0.1) }));
    },
    close: async () => undefined,
  };
}

const sp = (id: string) => parseAdsSetting(id)!;

describe('ads service', () => {
  it('retrieves available items matching the query, orders by predicted CTR, writes the top personalised selling points', async () => {
    const model = scripted({ j1: 0.2, j2: 0.05 }, { waterproof: 0.3, jackets: 0.25, alpine: 0.05, 'free shipping': 0.2 });
    const ads = createAdsService({ store, model: () => model, rates: createKeywordRates() });
    const r = await ads.ads({ userId: 'u1', query: '  JACKET ', limit: 5, setting: sp('ads/sp2') });
    expect(r.query).toBe('jacket');
    expect(r.slots.map((s) => s.itemId)).toEqual(['j1', 'j2']);
    expect(r.degraded).toEqual([]);
    expect(r.modelVersion).toBe('mtl-ads/mtdl@3');
    expect(r.personalised).toBe(true);
    const j1 = r.slots[0]!;
    expect(j1.predictedCtr).toBeCloseTo(0.2);
    expect(j1.shown).toEqual(['waterproof', 'jackets']);
    expect(j1.sellingPoints[0]).toEqual({ keyword: 'waterproof', score: expect.closeTo(0.3, 6) });
    expect(j1.title).toBe('Trail jacket · waterproof · jackets');
    for (const h of j1.highlights) expect(j1.title.slice(h.start, h.end)).toBe(h.keyword);
    // The model saw every candidate with its candidate selling points and the request's query.
    expect(model.seen[0]!.map((row) => [row.itemId, row.query])).toEqual([
      ['j2', 'jacket'],
      ['j1', 'jacket'],
    ]);
    expect(model.seen[0]![1]!.keywords).toEqual(['waterproof', 'free shipping', 'alpine', 'jackets', 'trail', 'jacket']);
  });

  it('non-personalised settings rank selling points by global click rate; 0 selling points keep the title', async () => {
    const rates = createKeywordRates({ prior: 0.02, strength: 10 });
    const model = scripted({ j1: 0.2 }, { waterproof: 0.9 });
    const ads = createAdsService({ store, model: () => model, rates });
    ads.onStored([{ eventId: 'c', userId: 'u9', type: 'selling_point_click', itemId: 'j1', ts: T0, value: 0, dwellMs: null, session: null, referrer: null, query: null, keyword: 'trail' }]);
    const np = await ads.ads({ userId: 'u1', query: 'jacket', limit: 1, setting: sp('ads/sp1-np') });
    expect(np.personalised).toBe(false);
    expect(np.slots[0]!.shown).toEqual(['trail']);
    expect(np.slots[0]!.sellingPoints[0]!.score).toBeCloseTo((1 + 10 * 0.02) / (0 + 10), 9);
    expect(rates.rate('trail')).toBeCloseTo((1 + 0.2) / (1 + 10), 9);
    const none = await ads.ads({ userId: 'u1', query: 'jacket', limit: 1, setting: sp('ads/sp0') });
    expect(none.slots[0]!.title).toBe('Trail jacket');
    expect(none.slots[0]!.highlights).toEqual([]);
  });

  it.each([
    ['no model', () => null, 'MODEL_UNAVAILABLE'],
    ['a throwing model', () => scripted({}, {}, { fail: true }), 'SCORER_FAILED'],
    ['a slow model', () => scripted({}, {}, { delayMs: 200 }), 'SCORER_TIMEOUT'],
    ['a model with the wrong row count', () => scripted({}, {}, { bad: true }), 'SCORER_BAD_OUTPUT'],
  ])('degrades with %s: retrieval order, null CTR, global rates, listed in degraded', async (_name, make, code) => {
    const model = make();
    const ads = createAdsService({ store, model: () => model, rates: createKeywordRates(), timeoutMs: 30 });
    const r = await ads.ads({ userId: 'u1', query: 'jacket', limit: 5, setting: sp('ads/sp2') });
    expect(r.degraded).toHaveLength(1);
    expect(r.degraded[0]).toMatchObject({ scorerId: 'mtl-ads', code });
    expect(r.modelVersion).toBeNull();
    expect(r.personalised).toBe(false);
    expect(r.slots.map((s) => s.itemId)).toEqual(['j2', 'j1']);
    expect(r.slots.every((s) => s.predictedCtr === null && s.shown.length === 2)).toBe(true);
  });

  it('random settings draw the selling points uniformly, reproducibly for the same request and clock', async () => {
    let now = T0;
    const ads = createAdsService({ store, model: () => null, rates: createKeywordRates(), clock: () => now });
    const shown = async (): Promise<string[]> => (await ads.ads({ userId: 'u1', query: 'jacket', limit: 2, setting: sp('ads/sp2-rnd') })).slots.find((s) => s.itemId === 'j1')!.shown.slice();
    const first = await shown();
    expect(await shown()).toEqual(first);
    const counts = new Map<string, number>();
    for (let k = 0; k < 600; k++) {
      now = T0 + k;
      for (const w of await shown()) counts.set(w, (counts.get(w) ?? 0) + 1);
    }
    // j1's 6 candidates, 2 shown per request: each about 600 · 2/6 = 200 times.
    expect([...counts.keys()].sort()).toEqual(['alpine', 'free shipping', 'jacket', 'jackets', 'trail', 'waterproof']);
    for (const c of counts.values()) expect(Math.abs(c - 200)).toBeLessThan(60);
  });

  it('an empty query serves the popular available items; an unmatched query serves none', async () => {
    const ads = createAdsService({ store, model: () => null, rates: createKeywordRates() });
    expect((await ads.ads({ userId: 'u1', query: '', limit: 10, setting: sp('ads/sp1') })).slots.map((s) => s.itemId)).toEqual(['m1', 'j2', 'j1']);
    const none = await ads.ads({ userId: 'u1', query: 'submarine', limit: 10, setting: sp('ads/sp1') });
    expect(none.slots).toEqual([]);
    expect(none.candidateCount).toBe(0);
  });

  it('an aborted request stops waiting for the model', async () => {
    const model = scripted({}, {}, { delayMs: 500 });
    const ads = createAdsService({ store, model: () => model, rates: createKeywordRates(), timeoutMs: 5_000 });
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 20);
    const t = performance.now();
    const r = await ads.ads({ userId: 'u1', query: 'jacket', limit: 2, setting: sp('ads/sp2'), signal: ctl.signal });
    expect(performance.now() - t).toBeLessThan(400);
    expect(r.degraded[0]?.code).toBe('SCORER_TIMEOUT');
  });
});

describe('ads settings', () => {
  it('parses ads/sp<N> and ads/sp<N>-np, N in 0..3, and nothing else', () => {
    expect(parseAdsSetting('ads/sp3')).toEqual({ id: 'ads/sp3', sellingPoints: 3, personalised: true, selection: 'model' });
    expect(parseAdsSetting('ads/sp0-np')).toEqual({ id: 'ads/sp0-np', sellingPoints: 0, personalised: false, selection: 'global' });
    expect(parseAdsSetting('ads/sp2-rnd')).toEqual({ id: 'ads/sp2-rnd', sellingPoints: 2, personalised: false, selection: 'random' });
    for (const bad of ['ads/sp4', 'ads/sp', 'default', 'ads/sp2-x']) expect(parseAdsSetting(bad)).toBeNull();
  });
});
