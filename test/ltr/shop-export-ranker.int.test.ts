/**
 * The learned ranker end to end on the committed shop export (synthetic, REES46 shape): import
 * with the committed mapping -> `train ranker` -> the gateway serves `feed` with the learned
 * strategy (ltr/lambdamart over the first-stage scorers) -> `eval events/temporal --ranker --name`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evalCommand } from '../../cli/eval-command';
import type { EvalReport } from '../../eval/report/types';
import { createGraphStore } from '../../graph/factory';
import { importCsv, loadMappingFile } from '../../ingest/import/csv';
import { trainRankerFromStore } from '../../ml/ltr/from-store';
import { loadOnnxModel } from '../../ml/onnx/session';
import { gbdtFromJSON } from '../../ml/gbdt';
import { readLtrManifest } from '../../plugins/ltr/artifact';
import { LTR_SCORER_ID } from '../../plugins/ltr/scorer';
import { parseStrategy } from '../../pipeline/strategy';
import { bundledScorers } from '../../server/bundled';
import { startTestGateway } from '../support/gateway';

const EVENTS = join(__dirname, '../fixtures/shop-export/events.csv');
const MAPPING = join(__dirname, '../../ingest/import/examples/shop-export.mapping.json');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recgate-ltr-shop-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('learned ranker on a shop export', () => {
  it('imports, trains, serves the learned feed and evaluates it by name', async () => {
    const dbPath = join(dir, 'shop.db');
    const modelDir = join(dir, 'models', 'ltr');
    const store = await createGraphStore({ kind: 'embedded', path: dbPath });
    let strategyJson: unknown;
    try {
      const summary = await importCsv(store, EVENTS, await loadMappingFile(MAPPING), { progress: false, log: () => {} });
      expect(summary.inserted).toBe(432);
      const r = await trainRankerFromStore(store, { modelDir, plugins: bundledScorers(), horizonDays: 1, cuts: 2, trees: 60, seed: 7 });
      expect(r.version).toBe(1);
      expect(r.fit.bestIteration).toBeGreaterThan(0);
      expect(r.fit.trainLists).toBeGreaterThan(0);
      // Importance names real columns and the strongest one carries gain.
      expect(r.manifest.importance[0]!.gain).toBeGreaterThan(0);
      expect(r.manifest.featureNames).toContain(r.manifest.importance[0]!.feature);
      const manifest = await readLtrManifest(r.dir);
      expect(manifest.version).toBe(1);
      expect(manifest.training['cuts']).toEqual(r.cuts);
      // The ONNX file scores exactly as the trees it was exported from.
      const trees = gbdtFromJSON(JSON.parse(readFileSync(join(r.dir, 'model.json'), 'utf8')));
      const d = manifest.featureNames.length;
      const x = Float32Array.from({ length: 7 * d }, (_, i) => (i % 5 === 0 ? Number.NaN : ((i * 7919) % 97) / 10));
      const session = await loadOnnxModel(join(r.dir, 'model.onnx'));
      const out = await session.run({ features: { data: x, dims: [7, d] } });
      await session.close();
      const want = trees.predict(x, 7);
      Array.from(out['score']!.data).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 4));
      strategyJson = r.strategy;
      // A second run publishes the next version.
      expect((await trainRankerFromStore(store, { modelDir, plugins: bundledScorers(), horizonDays: 1, cuts: 2, trees: 20, seed: 7 })).version).toBe(2);
    } finally {
      await store.close();
    }

    const gw = await startTestGateway({ env: { DB_PATH: dbPath, LTR_MODEL_DIR: modelDir, STORE_SYNC_MS: '0' }, strategy: parseStrategy(strategyJson) });
    try {
      const res = await gw.raw(`{ feed(userId: "shop:541312140", limit: 5) { coldStart strategy { id } items { itemId score contributions { scorerId weight raw } } degraded { scorerId code } } }`);
      expect(res.errors).toBeUndefined();
      const feed = (
        res.data as {
          feed: { coldStart: boolean; strategy: { id: string }; items: Array<{ itemId: string; contributions: Array<{ scorerId: string; weight: number; raw: number }> }>; degraded: unknown[] };
        }
      ).feed;
      expect(feed.strategy.id).toBe('learned');
      expect(feed.degraded).toEqual([]);
      expect(feed.items.length).toBe(5);
      for (const item of feed.items) {
        const ltr = item.contributions.find((c) => c.scorerId === LTR_SCORER_ID)!;
        expect(ltr.weight).toBe(1);
        // The first-stage scorers are the ranker's inputs: shown with weight 0.
        expect(item.contributions.filter((c) => c.scorerId.startsWith('baseline/')).map((c) => c.weight)).toEqual([0, 0, 0]);
      }
      const health = (await (await gw.get('/healthz')).json()) as { scorers: string[] };
      expect(health.scorers).toContain(`${LTR_SCORER_ID}@1.2.0`);
    } finally {
      await gw.stop();
    }

    const out = join(dir, 'reports');
    await evalCommand().parseAsync(
      [
        'events/temporal',
        '--file',
        EVENTS,
        '--mapping',
        MAPPING,
        '--eval-days',
        '1',
        '--ranker',
        '--ranker-cuts',
        '2',
        '--models',
        'default',
        '--name',
        'shop ranker',
        '--negatives',
        '10',
        '--bootstrap',
        '50',
        '--seed',
        '3',
        '--out',
        out,
        '--no-progress',
      ],
      { from: 'user' },
    );
    const json = readdirSync(out).find((f) => f.endsWith('.json') && f.includes('shop-ranker'));
    expect(json).toBeDefined();
    const report = JSON.parse(readFileSync(join(out, json!), 'utf8')) as EvalReport;
    expect(report.models.map((m) => m.id)).toEqual(expect.arrayContaining(['strategy:default', 'strategy:learned']));
    const learnedNdcg = report.metrics.find((m) => m.model === 'strategy:learned' && m.metric === 'ndcg' && m.k === 10 && m.target === 'click' && m.segment === undefined);
    expect(learnedNdcg).toBeDefined();
    expect(Number.isFinite(learnedNdcg!.value)).toBe(true);
    expect(report.notes.some((n) => n.startsWith('Learned ranker (ltr/lambdamart)'))).toBe(true);
    expect(existsSync(join(out, json!.replace(/\.json$/, '.html')))).toBe(true);
  }, 240_000);
});
