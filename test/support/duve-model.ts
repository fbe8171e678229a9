/**
 * A small DUVE model for integration tests: trained (seeded) on synthetic histories with view,
 * add_to_cart and purchase events and published as version 1 under `<dir>/duve`. Pass
 * `DUVE_MODEL_DIR: <returned modelDir>` to a test gateway.
 */
import { join } from 'node:path';
import { referenceTimes } from '../../ml/duve/examples';
import { exportDuveModel } from '../../ml/duve/export';
import type { DuveModel } from '../../ml/duve/model';
import { syntheticDuveHistories } from '../../ml/duve/synthetic';
import { trainDuve } from '../../ml/duve/train';

const DAY = 24 * 3600 * 1000;
export const TEST_MODEL_START = Date.UTC(2020, 0, 1);

let cached: DuveModel | null = null;

/** The model (trained once per test file). 16-d embedding, 1-day horizon. */
export function testDuveModel(): DuveModel {
  if (cached === null) {
    const histories = syntheticDuveHistories({ users: 60, days: 12, seed: 5, start: TEST_MODEL_START });
    const trainEnd = TEST_MODEL_START + 12 * DAY;
    cached = trainDuve(histories, { refTimes: referenceTimes(TEST_MODEL_START, trainEnd, DAY / 2, DAY), trainEnd, horizonMs: DAY, iterations: 60, embedding: { dims: 16 } }).model;
  }
  return cached;
}

/** Publish the test model as the next version under `<root>/duve`; returns that folder (the DUVE_MODEL_DIR). */
export async function publishTestDuveModel(root: string): Promise<{ modelDir: string; version: number; dir: string }> {
  const out = await exportDuveModel(testDuveModel(), { root, name: 'duve', createdBy: 'test/support/duve-model' });
  return { modelDir: join(root, 'duve'), version: out.version, dir: out.dir };
}
