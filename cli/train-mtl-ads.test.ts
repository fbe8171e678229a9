/**
 * `train mtl-ads`: flag checks (coded errors naming the flag), and one end-to-end run on an
 * embedded store + exposure log in a temp dir, filled from a generated ads log.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InteractionEvent } from '../domain/events';
import { CodedError } from '../errors/errors';
import { createSqliteExperimentStore } from '../experiments/sqlite';
import { createEmbeddedGraphStore } from '../graph/embedded';
import { readMtlAdsManifest } from '../ml/mtl/ads/artifact';
import { syntheticAdsLog } from '../ml/mtl/ads/synthetic';
import { mtlAdsOptionsFromFlags, runTrainMtlAds } from './train-mtl-ads';

const flagOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof CodedError ? (err.details as { flag?: string }).flag : 'not coded';
  }
  return undefined;
};

describe('train mtl-ads flags', () => {
  const ok = { kind: 'mtdl', schedule: 'alternating', fromStore: true, seed: 1 };
  it('names the bad flag', () => {
    expect(flagOf(() => mtlAdsOptionsFromFlags({ ...ok, fromStore: false }, { adsDir: 'm' }))).toBe('--from-store');
    expect(flagOf(() => mtlAdsOptionsFromFlags({ ...ok, kind: 'big' }, { adsDir: 'm' }))).toBe('--kind');
    expect(flagOf(() => mtlAdsOptionsFromFlags({ ...ok, schedule: 'joint' }, { adsDir: 'm' }))).toBe('--schedule');
    expect(flagOf(() => mtlAdsOptionsFromFlags({ ...ok, from: 'yesterday' }, { adsDir: 'm' }))).toBe('--from');
    expect(flagOf(() => mtlAdsOptionsFromFlags({ ...ok, from: '2026-01-02', to: '2026-01-01' }, { adsDir: 'm' }))).toBe('--to');
    expect(flagOf(() => mtlAdsOptionsFromFlags(ok, { adsDir: '' }))).toBe('--models-dir');
    const o = mtlAdsOptionsFromFlags({ ...ok, k: 3, from: '2026-01-01', attributionMinutes: 5 }, { adsDir: 'm' });
    expect(o).toMatchObject({ kind: 'mtdl', schedule: 'alternating', k: 3, from: Date.UTC(2026, 0, 1), attributionMs: 300_000 });
    expect(o.adsDir!.endsWith('/m')).toBe(true);
  });
});

describe('train mtl-ads --from-store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'train-mtl-ads-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('trains on the exposure log + ad events and publishes a version', async () => {
    const log = syntheticAdsLog({ users: 20, items: 20, exposures: 600, seed: 3 });
    const db = join(dir, 'graph.db');
    const exp = join(dir, 'experiments.db');
    const store = await createEmbeddedGraphStore({ path: db });
    const events: InteractionEvent[] = [];
    const base = { value: 0, dwellMs: null, session: null, referrer: null, query: null };
    log.examples.forEach((e, n) => {
      if (e.clickedAd) events.push({ ...base, eventId: `a${n}`, userId: e.userId, type: 'ad_click', itemId: e.itemId, ts: e.ts + 1000 });
      e.clickedKeywords.forEach((k, j) => events.push({ ...base, eventId: `s${n}-${j}`, userId: e.userId, type: 'selling_point_click', itemId: e.itemId, ts: e.ts + 2000, keyword: k }));
    });
    await store.ingestEvents(events);
    await store.close();
    const xs = createSqliteExperimentStore(exp);
    await xs.appendExposures(
      log.examples.map((e, n) => ({
        exposureId: `x${n}`,
        userId: e.userId,
        surface: 'ads',
        ts: e.ts,
        assignments: [],
        strategyId: 'ads/sp2',
        strategyDigest: 'd',
        scorerVersions: [],
        itemIds: [e.itemId],
        latencyMs: 1,
        diversity: 1,
        ads: { query: e.query, setting: 'ads/sp2', modelVersion: null, slots: [{ keywords: e.keywords, personalised: false, predictedCtr: null }] },
      })),
    );
    await xs.close();
    const out: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await runTrainMtlAds({ kind: 'mtdl', schedule: 'pretrain-finetune', fromStore: true, seed: 2, epochs: 2, pretrainEpochs: 1, db, experimentsDb: exp, modelsDir: join(dir, 'ads') });
    } finally {
      write.mockRestore();
      err.mockRestore();
    }
    expect(out.join('')).toMatch(/^mtl-ads\/mtdl@1 -> .*: 600 exposures \(540 train, 60 validation\)/);
    const m = await readMtlAdsManifest(join(dir, 'ads', 'mtdl', '1'));
    expect(m).toMatchObject({ kind: 'mtdl', schedule: 'pretrain-finetune', modelVersion: 'mtl-ads/mtdl@1' });
    expect(m.metrics.trainAdPositives).toBe(log.examples.slice(0, 540).filter((e) => e.clickedAd).length);
  });
});
