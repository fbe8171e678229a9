/**
 * The exported DUVE value head: served by onnxruntime-node (`loadOnnxModel`), it matches the TS
 * forward pass to 1e-5 (relative); the manifest rebuilds the model exactly; versions only go up;
 * the live store answers what the replay of the event log answers.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOnnxModel } from '../onnx/session';
import { referenceTimes } from './examples';
import { DUVE_INPUT, DUVE_OUTPUTS, exportDuveModel, readDuveArtifact } from './export';
import { duveForecast, duveLayout, duveRawFeatures } from './model';
import { checkDuveLayout, duveUserValue, forecastsAt } from './replay';
import { createDuveLayout, createDuveReading, createDuveState, createDuveStateStore, observeEvent, readDuveState } from './state';
import { syntheticDuveHistories } from './synthetic';
import { trainDuve } from './train';

const DAY = 24 * 3600 * 1000;
const start = Date.UTC(2020, 0, 1);
const histories = syntheticDuveHistories({ users: 40, days: 10, seed: 8 });
const trainEnd = start + 10 * DAY;
const { model, stats } = trainDuve(histories, { refTimes: referenceTimes(start, trainEnd, DAY / 2, DAY), trainEnd, horizonMs: DAY, iterations: 40, embedding: { dims: 16 } });

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'duve-export-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('DUVE ONNX export', () => {
  it('serves the same forecasts as the TS forward pass (1e-5) for every user at the training end', async () => {
    expect(model.hasSpend).toBe(true);
    const { dir, version, manifest } = await exportDuveModel(model, { root, training: { examples: stats.examples } });
    expect(version).toBe(1);
    expect(manifest.features.map((f) => f.name)).toEqual(model.features.map((f) => f.name));
    expect(Object.keys(manifest.decays)).toEqual(['view', 'add_to_cart', 'purchase']);
    const art = await readDuveArtifact(dir);
    expect(art.model).toEqual(model);

    const layout = duveLayout(art.model);
    const r = createDuveReading(layout);
    const F = model.features.length;
    const rows: Float64Array[] = [];
    for (const h of histories) {
      const s = createDuveState(layout);
      for (const e of h.events) observeEvent(layout, s, e);
      rows.push(duveRawFeatures(model, readDuveState(layout, s, trainEnd, r)));
    }
    const data = new Float32Array(rows.length * F);
    rows.forEach((row, i) => data.set(row, i * F));
    const session = await loadOnnxModel(art.onnxPath);
    try {
      expect([...session.inputNames]).toEqual([DUVE_INPUT]);
      const out = await session.run({ [DUVE_INPUT]: { data, dims: [rows.length, F] } });
      const keys = { p_purchase: 'pPurchase', expected_purchases: 'expectedPurchases', expected_events: 'expectedEvents', expected_spend: 'expectedSpend' } as const;
      for (let i = 0; i < rows.length; i++) {
        // the model sees the float32 features the session saw
        const f = duveForecast(model, data.subarray(i * F, (i + 1) * F));
        for (const name of DUVE_OUTPUTS) {
          const want = f[keys[name]];
          const got = out[name]!.data[i]!;
          expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want)));
        }
      }
      expect(out.expected_spend!.data.some((v) => v > 0)).toBe(true);
    } finally {
      await session.close();
    }
  });

  it('publishes versions that only go up', async () => {
    const a = await exportDuveModel(model, { root });
    const b = await exportDuveModel(model, { root });
    expect(b.version).toBe(a.version + 1);
    expect((await readdir(join(root, 'duve'))).filter((d) => !d.startsWith('.')).sort()).toEqual(['1', '2', '3']);
  });

  it('answers from the live store what the replay of the log answers, and checks the layout', () => {
    const layout = duveLayout(model);
    checkDuveLayout(model, layout);
    expect(() => checkDuveLayout(model, createDuveLayout({ types: model.types }))).toThrow(RangeError);
    const store = createDuveStateStore(layout);
    for (const h of histories) for (const e of [...h.events].reverse()) store.observe(h.userId, e);
    const t = trainEnd + DAY / 3;
    for (const h of histories.slice(0, 10)) {
      const live = duveUserValue(model, store, h.userId, t)!;
      const replay = forecastsAt(model, layout, h.events, [t])[0]!;
      expect(live.segment).toBe(replay.segment);
      expect(live.pPurchase).toBeCloseTo(replay.pPurchase, 12);
      expect(live.expectedSpend).toBeCloseTo(replay.expectedSpend, 9);
    }
    expect(duveUserValue(model, store, 'nobody', t)).toBeNull();
  });
});
