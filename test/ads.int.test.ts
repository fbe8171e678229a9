/**
 * `ads` through the real gateway: a tiny MTDL model trained on a generated log and published under
 * MTL_ADS_MODELS_DIR scores the ads (predicted CTR, personalised selling points in the title as
 * highlight spans); a frontend key (feed:read) may ask, an ingest key may not; bad input is refused
 * naming the field; an experiment on surface `ads` picks the setting per variant; every response
 * is logged as an exposure with the selling points shown; selling_point_click needs its keyword.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainMtlAds, writeMtlAdsArtifact, type AdsExample } from '../ml/mtl/ads';
import { mulberry32 } from '../ml/random';
import { AdsDocument, CreateExperimentDocument, RecordEventsDocument, StartExperimentDocument, UpsertItemsDocument } from './generated/graphql';
import { startTestGateway, type TestGateway } from './support/gateway';

const KEYWORDS = ['waterproof', 'free shipping', 'light', 'warm'];

/** A log where users u0..u9 click `waterproof` and u10..u19 click `warm`, on jackets j0..j5. */
function generatedLog(): AdsExample[] {
  const rnd = mulberry32(7);
  const out: AdsExample[] = [];
  for (let n = 0; n < 3000; n++) {
    const u = Math.floor(rnd() * 20);
    const likes = u < 10 ? 'waterproof' : 'warm';
    const shown = [...KEYWORDS].sort(() => rnd() - 0.5).slice(0, 2);
    const clickedKeywords = shown.filter((k) => (k === likes ? rnd() < 0.5 : rnd() < 0.02));
    out.push({ userId: `u${u}`, query: 'jacket', itemId: `j${n % 6}`, keywords: shown, clickedAd: clickedKeywords.length > 0 || rnd() < 0.05, clickedKeywords, ts: Date.UTC(2026, 0, 1) + n * 1000 });
  }
  return out;
}

describe('ads', () => {
  let t: TestGateway;
  const models = mkdtempSync(join(tmpdir(), 'recgate-ads-models-'));
  beforeAll(async () => {
    const trained = trainMtlAds(generatedLog(), { kind: 'mtdl', schedule: 'alternating', seed: 1, epochs: 4, batchSize: 128 });
    await writeMtlAdsArtifact(trained, models);
    t = await startTestGateway({ env: { MTL_ADS_MODELS_DIR: join(models, 'mtl-ads') } });
    const items = Array.from({ length: 6 }, (_, i) => ({ id: `j${i}`, title: `Jacket ${i}`, categories: ['outdoor.jackets'], sellingPoints: KEYWORDS }));
    const up = await t.gql(UpsertItemsDocument, { items: [...items, { id: 'm1', title: 'Mug', categories: ['kitchen'] }] });
    expect(up.errors).toBeUndefined();
  });
  afterAll(async () => {
    await t.stop();
    rmSync(models, { recursive: true, force: true });
  });

  it('scores with the served model and writes the user’s top two selling points into each title', async () => {
    const r = await t.gql(AdsDocument, { userId: 'u1', query: 'Jacket', limit: 6 }, { key: t.keyFor('frontend') });
    expect(r.errors).toBeUndefined();
    const ads = r.data!.ads;
    expect(ads).toMatchObject({ query: 'jacket', setting: 'ads/sp2', modelVersion: 'mtl-ads/mtdl@1', personalised: true, degraded: [] });
    expect(ads.slots).toHaveLength(6);
    for (const s of ads.slots) {
      expect(s.predictedCtr).toBeGreaterThan(0);
      expect(s.predictedCtr).toBeLessThan(1);
      expect(s.shownSellingPoints).toHaveLength(2);
      expect(s.highlights.map((h) => h.keyword).sort()).toEqual([...s.shownSellingPoints].sort());
      for (const h of s.highlights) expect(s.title.slice(h.start, h.end)).toBe(h.keyword);
      expect(s.item?.sellingPoints).toEqual(KEYWORDS);
      const scores = s.sellingPoints.map((p) => p.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    }
    // The model learned the two user groups' keywords.
    expect(ads.slots[0]!.shownSellingPoints).toContain('waterproof');
    const other = await t.gql(AdsDocument, { userId: 'u15', query: 'jacket', limit: 1 }, { key: t.keyFor('frontend') });
    expect(other.data!.ads.slots[0]!.shownSellingPoints).toContain('warm');
  });

  it('refuses keys without feed:read, and bad input naming the field', async () => {
    const r = await t.gql(AdsDocument, { userId: 'u1', query: 'jacket' }, { key: t.keyFor('ingest') });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'ads', scope: 'feed:read' });
    for (const [vars, field] of [
      [{ userId: '', query: 'x' }, 'userId'],
      [{ userId: 'u1', query: 'x'.repeat(513) }, 'query'],
      [{ userId: 'u1', query: 'x', limit: 0 }, 'limit'],
      [{ userId: 'u1', query: 'x', limit: 51 }, 'limit'],
    ] as const) {
      const bad = await t.gql(AdsDocument, vars, { key: t.keyFor('frontend') });
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });

  it('serves each ads experiment variant its setting and logs the shown selling points with the exposure', async () => {
    const created = await t.gql(CreateExperimentDocument, {
      input: {
        name: 'selling points',
        surface: 'ads',
        primaryMetrics: ['CTR'],
        variants: [
          { key: 'none', weight: 0.5, strategyId: 'ads/sp0' },
          { key: 'three-np', weight: 0.5, strategyId: 'ads/sp3-np' },
        ],
      },
    });
    expect(created.errors).toBeUndefined();
    const id = created.data!.createExperiment.id;
    expect((await t.gql(StartExperimentDocument, { id })).errors).toBeUndefined();
    const seen = new Map<string, number>();
    for (let u = 0; u < 12; u++) {
      const r = await t.gql(AdsDocument, { userId: `x${u}`, query: 'jacket', limit: 2 }, { key: t.keyFor('frontend') });
      const a = r.data!.ads;
      expect(a.experiments).toEqual([{ experimentId: id, variantKey: a.setting === 'ads/sp0' ? 'none' : 'three-np' }]);
      expect(a.slots.every((s) => s.shownSellingPoints.length === (a.setting === 'ads/sp0' ? 0 : 3))).toBe(true);
      expect(a.personalised).toBe(a.setting === 'ads/sp0');
      seen.set(a.setting, (seen.get(a.setting) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(['ads/sp0', 'ads/sp3-np']);
    await t.gateway.experiments.exposures.flush();
    const rows = await t.gateway.experiments.store.exposures(id);
    expect(rows).toHaveLength(12);
    for (const x of rows) {
      expect(x.surface).toBe('ads');
      expect(x.ads?.slots).toHaveLength(x.itemIds.length);
      expect(x.ads?.slots.every((s) => s.keywords.length === (x.strategyId === 'ads/sp0' ? 0 : 3))).toBe(true);
    }
    // Responses outside experiments are logged too (the training log): surface 'ads' holds them all.
    expect((await t.gateway.experiments.store.exposuresOnSurface('ads')).length).toBeGreaterThanOrEqual(14);
  });

  it('stores a selling_point_click with its keyword and refuses one without', async () => {
    const ts = new Date().toISOString();
    const r = await t.gql(RecordEventsDocument, {
      events: [
        { eventId: 's1', userId: 'u1', type: 'selling_point_click', itemId: 'j1', ts, keyword: ' Waterproof ', query: 'jacket' },
        { eventId: 's2', userId: 'u1', type: 'selling_point_click', itemId: 'j1', ts },
        { eventId: 's3', userId: 'u1', type: 'ad_click', itemId: 'j1', ts },
      ],
    });
    expect(r.data?.recordEvents).toMatchObject({ accepted: 2, rejected: [{ index: 1, field: 'events[1].keyword', code: 'BAD_USER_INPUT' }] });
    const got: unknown[] = [];
    for await (const page of t.store.scanAdEvents(10)) got.push(...page);
    expect(got).toEqual([expect.objectContaining({ eventId: 's1', keyword: 'waterproof', query: 'jacket' }), expect.objectContaining({ eventId: 's3', keyword: null })]);
  });
});
