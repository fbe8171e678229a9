/**
 * DUVE defence in depth: whatever reaches the engine (a value of 1e308, sums that would overflow,
 * a NaN time), no user value becomes NaN or Infinity, and other users' values do not move.
 * The gateway refuses such events before this (test/event-input.int.test.ts); this checks the
 * engine alone, with the real exported ONNX value head.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { latestDuveArtifact } from '../../ml/duve/export';
import { createDuveLayout, createDuveState, DUVE_MAX_EVENT_VALUE, observeEvent } from '../../ml/duve/state';
import { loadOnnxModel } from '../../ml/onnx/session';
import { clipDuveFeatures, createDuveEngine, type DuveEngine, type ObservedEvent } from '../../plugins/duve/engine';
import type { UserValue } from '../../domain/user-value';
import { publishTestDuveModel, testDuveModel, TEST_MODEL_START } from '../support/duve-model';

const HOUR = 3600 * 1000;
const at = (h: number): number => TEST_MODEL_START + h * HOUR;
const ev = (userId: string, type: ObservedEvent['type'], h: number, value = 0): ObservedEvent => ({ userId, type, itemId: `i-${userId}-${h}`, ts: at(h), value });

const finiteValue = (v: UserValue): void => {
  for (const x of [v.value, v.expectedSpend, v.expectedPurchases, v.expectedEvents, v.purchaseProbability]) expect(Number.isFinite(x)).toBe(true);
  for (const d of v.drivers) expect(Number.isFinite(d.purchaseLogit)).toBe(true);
};

describe('DUVE clipping', () => {
  let dir: string;
  let engine: DuveEngine;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'recgate-duve-clip-'));
    const { modelDir } = await publishTestDuveModel(dir);
    const art = (await latestDuveArtifact(modelDir))!;
    engine = createDuveEngine({ model: art.model, version: art.manifest.version, session: await loadOnnxModel(art.onnxPath), clock: () => at(48) });
  });
  afterAll(async () => {
    await engine.session.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a purchase of 1e308 (twice: the raw sum would overflow) poisons nobody', async () => {
    engine.observe([ev('a', 'view', 1), ev('a', 'purchase', 2, 20), ev('b', 'view', 1), ev('b', 'add_to_cart', 3), ev('b', 'purchase', 4, 35)]);
    const before = await engine.values(['a', 'b'], at(10));
    engine.observe([ev('a', 'purchase', 5, 1e308), ev('a', 'purchase', 6, Number.MAX_VALUE)]);
    const after = await engine.values(['a', 'b'], at(10));
    finiteValue(after.get('a')!);
    finiteValue(after.get('b')!);
    expect(after.get('b')).toEqual(before.get('b'));
    // The whole population read (what `users` pages and the refresh job use) stays finite too.
    for (const v of (await engine.values(engine.userIds(), at(10))).values()) finiteValue(v);
  });

  it('events the state cannot hold are skipped without dropping the rest of the batch', () => {
    const touched = engine.observe([ev('c', 'view', 1), { ...ev('c', 'view', 2), ts: Number.NaN }, { ...ev('d', 'purchase', 2), value: Number.POSITIVE_INFINITY }, ev('d', 'view', 3)]);
    expect([...touched].sort()).toEqual(['c', 'd']);
  });

  it('the state caps one event at DUVE_MAX_EVENT_VALUE', () => {
    const layout = createDuveLayout({ types: ['purchase'], embeddingDims: 4 });
    const s = createDuveState(layout);
    observeEvent(layout, s, { type: 'purchase', itemId: 'x', ts: at(1), value: Number.MAX_VALUE });
    observeEvent(layout, s, { type: 'purchase', itemId: 'x', ts: at(2), value: Number.MAX_VALUE });
    expect(Array.from(s).every((x) => !Number.isNaN(x))).toBe(true);
    // [first, last, embT0, embW, (t0, C, V, N, R)]: the raw value sum R holds two capped values.
    expect(s[8]).toBe(2 * DUVE_MAX_EVENT_VALUE);
  });

  it('features are clipped to mean ± 10 sd, a NaN one to the mean', () => {
    const model = testDuveModel();
    const F = model.featureMean.length;
    const raw = new Float64Array(F).fill(Number.POSITIVE_INFINITY);
    raw[0] = Number.NaN;
    clipDuveFeatures(model, raw);
    expect(raw[0]).toBe(model.featureMean[0]);
    for (let j = 1; j < F; j++) expect(raw[j]).toBeCloseTo(model.featureMean[j]! + 10 * model.featureStd[j]!, 9);
  });
});
