/**
 * duve/value in value/holdout on a real CDNOW slice (customers with id <= 2000, complete
 * histories), side by side with the trivial floor: it beats the floor, is reproducible, exports
 * versioned artifacts, and never sees the holdout (changing every holdout amount changes none of
 * its predictions).
 */
import { join } from 'node:path';
import { readDuveArtifact } from '../../ml/duve/export';
import { runValueHoldout } from '../../eval/protocols/value-holdout';
import { createDuveValueModel } from '../../eval/protocols/value-duve';
import { createRepeatCalibrationModel, type ValueModel, type ValuePredictions } from '../../eval/protocols/value-models';
import { reproducibleView, type EvalReport } from '../../eval/report/types';
import { CDNOW_MASTER, readLines, tempDir, writeLines } from '../import/helpers';

const HOLDOUT_START = 19971001;
let dir: string;
let cleanup: () => Promise<void>;
let file: string;
let altered: string;
const seen: ValuePredictions[] = [];

const spy = (model: ValueModel): ValueModel => ({
  info: model.info,
  predict: async (ctx) => {
    const p = await model.predict(ctx);
    seen.push(p);
    return p;
  },
});
const models = (artifactRoot?: string): ValueModel[] => [spy(createDuveValueModel({ iterations: 60, ...(artifactRoot ? { artifactRoot } : {}) })), createRepeatCalibrationModel()];
const value = (r: EvalReport, model: string, metric: string, target: string): number =>
  r.metrics.find((m) => m.model === model && m.metric === metric && m.target === target && m.segment === undefined)!.value;

let a: EvalReport;
let b: EvalReport;
let c: EvalReport;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  const all = await readLines(CDNOW_MASTER);
  const slice = all.slice(1).filter((l) => Number(l.trim().split(/\s+/)[0]) <= 2000);
  file = await writeLines(dir, 'cdnow-2000.txt', [all[0]!, ...slice]);
  altered = await writeLines(dir, 'cdnow-2000-altered.txt', [
    all[0]!,
    ...slice.map((l) => {
      const [id, date, cds, dollars] = l.trim().split(/\s+/) as [string, string, string, string];
      return Number(date) >= HOLDOUT_START ? `${id} ${date} ${cds} ${(Number(dollars) * 3 + 2).toFixed(2)}` : l;
    }),
  ]);
  const root = join(dir, 'models');
  a = await runValueHoldout({ file, progress: false, workDir: dir, models: models(root) });
  b = await runValueHoldout({ file, progress: false, workDir: dir, models: models(root) });
  c = await runValueHoldout({ file: altered, progress: false, workDir: dir, models: models() });
});

afterAll(async () => {
  await cleanup();
});

describe('duve/value on CDNOW customers 1..2000', () => {
  it('is the candidate, with one learned purchase half-life inside the bounds', () => {
    const m = a.models[0]!;
    expect([m.id, m.role]).toEqual(['duve/value', 'candidate']);
    const half = (m.params.halfLivesDays as Record<string, number>).purchase!;
    expect(Object.keys(m.params.halfLivesDays as object)).toEqual(['purchase']);
    expect(half).toBeGreaterThan(1 / 24);
    expect(half).toBeLessThan(365);
    expect(m.params.holdoutScale).toBeCloseTo(273 / 30, 5);
    expect(m.params.referenceTimes).toBe(17);
  });

  // Not RMSE of transactions: the linear 9.1× projection over-predicts the heaviest buyers, and
  // the full run reports that loss.
  it('beats the trivial floor on MAE and |bias| for spend and transactions, and on spend RMSE', () => {
    for (const target of ['spend', 'transactions']) {
      expect(value(a, 'duve/value', 'mae', target)).toBeLessThan(value(a, 'trivial/repeat-calibration', 'mae', target));
      expect(Math.abs(value(a, 'duve/value', 'bias', target))).toBeLessThan(Math.abs(value(a, 'trivial/repeat-calibration', 'bias', target)));
    }
    expect(value(a, 'duve/value', 'rmse', 'spend')).toBeLessThan(value(a, 'trivial/repeat-calibration', 'rmse', 'spend'));
  });

  it('is reproducible and publishes versions that only go up', async () => {
    expect(reproducibleView({ ...b, models: b.models.map(({ params: { artifact: _x, ...p }, ...m }) => ({ ...m, params: p })) })).toEqual(
      reproducibleView({ ...a, models: a.models.map(({ params: { artifact: _x, ...p }, ...m }) => ({ ...m, params: p })) }),
    );
    expect(String(a.models[0]!.params.artifact)).toMatch(/models[/\\]duve[/\\]1$/);
    expect(String(b.models[0]!.params.artifact)).toMatch(/models[/\\]duve[/\\]2$/);
    const art = await readDuveArtifact(String(b.models[0]!.params.artifact));
    expect(art.manifest.version).toBe(2);
    expect(art.manifest.decays.purchase!.halfLifeDays).toBeCloseTo((b.models[0]!.params.halfLivesDays as Record<string, number>).purchase!, 3);
  });

  it('never sees the holdout: altering every holdout amount changes no prediction', () => {
    expect(seen).toHaveLength(3);
    expect(Array.from(seen[2]!.spend)).toEqual(Array.from(seen[0]!.spend));
    expect(Array.from(seen[2]!.transactions)).toEqual(Array.from(seen[0]!.transactions));
    expect(value(c, 'duve/value', 'mae', 'spend')).not.toBe(value(a, 'duve/value', 'mae', 'spend'));
  });
});
