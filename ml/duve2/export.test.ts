/**
 * DUVE v2 export: the ONNX graph run by onnxruntime-node equals the TS forward pass (float64) on
 * random windows (partial and full, items with and without neighbours, long ages) within 1e-4, in
 * every decay mode; artifacts round-trip through publish + read.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOnnxModel } from '../onnx/session';
import { referenceTimes } from '../duve/examples';
import { syntheticDuveHistories } from '../duve/synthetic';
import type { DecayMode } from '../duve/model';
import { mulberry32 } from '../random';
import { createDuve2Window, duve2Offsets, type Duve2Model } from './model';
import { duve2Feeds, exportDuve2Model, latestDuve2Artifact, readDuve2Artifact } from './export';
import { createDuve2Runner, trainDuve2 } from './train';

const DAY = 24 * 3600 * 1000;
const start = Date.UTC(2020, 0, 1);
const histories = syntheticDuveHistories({ users: 30, days: 12, seed: 4, items: 60 });
const trainEnd = start + 12 * DAY;
const refTimes = referenceTimes(start, trainEnd, DAY, DAY);
const dims = { window: 6, neighbours: 2, categoryBuckets: 7, itemBuckets: 32, categoryDims: 3, itemDims: 4, stateDims: 5 };

function randomise(m: Duve2Model, seed: number): Duve2Model {
  // Trained weights are small; random ones make the attention far from uniform so parity means something.
  const rng = mulberry32(seed);
  const off = duve2Offsets(m.dims, m.types.length, m.v1.features.length, m.decayMode);
  const params = Float64Array.from(m.params);
  for (let q = off.u; q < off.b; q++) params[q] = params[q]! + (rng() - 0.5);
  return { ...m, params };
}

describe('DUVE v2 ONNX', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'duve2-export-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const mode of ['per-type', 'shared', 'none'] as DecayMode[]) {
    it(`onnxruntime output equals the TS forward pass (${mode})`, async () => {
      const trained = trainDuve2(histories, { refTimes, trainEnd, horizonMs: DAY, decayMode: mode, iterations: 20, v1Iterations: 10, dims, categories: (id) => `c${id.length % 3}` }).model;
      const model = randomise(trained, 3);
      const out = await exportDuve2Model(model, { root: dir, name: mode });
      const art = await readDuve2Artifact(out.dir);
      expect(art.model.params).toEqual(model.params);
      const session = await loadOnnxModel(art.onnxPath);
      try {
        const runner = createDuve2Runner(art.model);
        const rng = mulberry32(8);
        const K = model.types.length;
        const F = model.v1.features.length;
        const rows = Array.from({ length: 25 }, (_x, r) => {
          const win = createDuve2Window(model.dims);
          win.n = 1 + (r % model.dims.window);
          const M1 = model.dims.neighbours + 1;
          for (let w = 0; w < win.n; w++) {
            win.type[w] = Math.floor(rng() * K);
            win.logValue[w] = rng() < 0.5 ? 0 : Math.log1p(100 * rng());
            win.extra[w * 2] = Math.log1p(1 + Math.floor(3 * rng()));
            win.extra[w * 2 + 1] = rng() < 0.3 ? 1 : 0;
            win.category[w] = Math.floor(rng() * model.dims.categoryBuckets);
            for (let q = 0; q < M1; q++) win.neighbours[w * M1 + q] = q === 0 || rng() < 0.5 ? Math.floor(rng() * model.dims.itemBuckets) : -1;
            win.ageDays[w] = rng() < 0.2 ? 30 * rng() : rng();
          }
          const raw = Float64Array.from({ length: F }, (_y, j) => model.v1.featureMean[j]! + model.v1.featureStd[j]! * 2 * (rng() - 0.5));
          return { win, raw };
        });
        const res = await session.run(duve2Feeds(art.model, rows));
        rows.forEach(({ win, raw }, r) => {
          const f = Float64Array.from(raw, (x, j) => (x - model.v1.featureMean[j]!) / model.v1.featureStd[j]!);
          const ts = runner.predict(win, f);
          expect(Math.abs(res['p_purchase']!.data[r]! - ts.pPurchase)).toBeLessThan(1e-4);
          expect(Math.abs(res['expected_purchases']!.data[r]! - ts.expectedPurchases)).toBeLessThan(1e-4 * Math.max(1, ts.expectedPurchases));
          expect(Math.abs(res['expected_spend']!.data[r]! - ts.expectedSpend)).toBeLessThan(1e-4 * Math.max(1, ts.expectedSpend));
          for (let j = 0; j < model.dims.stateDims; j++) expect(Math.abs(res['state']!.data[r * model.dims.stateDims + j]! - ts.state[j]!)).toBeLessThan(1e-4);
        });
        // The attention is not uniform: states differ across rows.
        expect(new Set(rows.map((_x, r) => res['state']!.data[r * model.dims.stateDims]!.toFixed(4))).size).toBeGreaterThan(10);
      } finally {
        await session.close();
      }
    });
  }

  it('publishes increasing versions and reads the latest', async () => {
    const m = trainDuve2(histories, { refTimes, trainEnd, horizonMs: DAY, iterations: 5, v1Iterations: 5, dims }).model;
    const a = await exportDuve2Model(m, { root: dir, name: 'versions' });
    const b = await exportDuve2Model(m, { root: dir, name: 'versions' });
    expect([a.version, b.version]).toEqual([1, 2]);
    const latest = await latestDuve2Artifact(join(dir, 'versions'));
    expect(latest?.manifest.version).toBe(2);
    expect(latest?.model.items.size).toBe(m.items.size);
    expect(latest?.manifest.halfLivesDays['purchase']).toBeGreaterThan(0);
  });
});
