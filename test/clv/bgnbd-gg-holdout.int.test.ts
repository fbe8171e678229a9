/**
 * The clv/bgnbd-gg value model inside the value/holdout protocol on the committed CDNOW slice
 * (customers 1..3000 of CDNOW_master). The published BG/NBD and Gamma-Gamma fits on the complete
 * CDNOW summary files are checked by `npm run eval:published` (bench/cdnow-published.ts), which
 * needs the full files; parameter recovery on simulated data is in ml/clv/*.test.ts.
 */
import { createBgNbdGammaGammaValueModel } from '../../eval/protocols/value-bgnbd';
import { runValueHoldout } from '../../eval/protocols/value-holdout';
import { createRepeatCalibrationModel, type ValueModel, type ValuePredictions } from '../../eval/protocols/value-models';
import type { EvalReport } from '../../eval/report/types';
import { CDNOW_MASTER, readLines, tempDir, writeLines } from '../import/helpers';

describe('clv/bgnbd-gg in value/holdout on CDNOW customers 1..3000', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let file: string;
  let altered: string;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    const all = await readLines(CDNOW_MASTER);
    const slice = all.slice(1).filter((l) => Number(l.trim().split(/\s+/)[0]) <= 3000);
    file = await writeLines(dir, 'cdnow-3000.txt', [all[0]!, ...slice]);
    // every holdout amount changed: no prediction may move
    altered = await writeLines(dir, 'cdnow-3000-altered.txt', [
      all[0]!,
      ...slice.map((l) => {
        const [id, date, cds, dollars] = l.trim().split(/\s+/) as [string, string, string, string];
        return Number(date) >= 19971001 ? `${id} ${date} ${cds} ${(Number(dollars) * 7 + 1).toFixed(2)}` : l;
      }),
    ]);
  });
  afterAll(async () => {
    await cleanup();
  });

  const spy = (model: ValueModel, out: ValuePredictions[]): ValueModel => ({
    info: model.info,
    predict: async (ctx) => {
      const p = await model.predict(ctx);
      out.push(p);
      return p;
    },
  });
  const overall = (r: EvalReport, model: string, metric: string, target: string): number =>
    r.metrics.find((m) => m.model === model && m.metric === metric && m.target === target && m.segment === undefined)!.value;

  it('fits on calibration only, never sees the holdout, and beats the trivial floor', async () => {
    const seen: ValuePredictions[] = [];
    const models = (): ValueModel[] => [spy(createBgNbdGammaGammaValueModel(), seen), createRepeatCalibrationModel()];
    const a = await runValueHoldout({ file, progress: false, workDir: dir, models: models() });
    await runValueHoldout({ file: altered, progress: false, workDir: dir, models: models() });
    expect(Array.from(seen[1]!.transactions)).toEqual(Array.from(seen[0]!.transactions));
    expect(Array.from(seen[1]!.spend)).toEqual(Array.from(seen[0]!.spend));

    const info = a.models.find((m) => m.id === 'clv/bgnbd-gg')!;
    expect(info.role).toBe('baseline');
    const fitted = info.params as { bgnbd: { customers: number }; lastCalibrationDay: string; horizonWeeks: number };
    expect(fitted.bgnbd.customers).toBe(a.dataset.stats.customers);
    expect(fitted.lastCalibrationDay).toBe('1997-09-30');
    expect(fitted.horizonWeeks).toBe(39);
    for (const target of ['transactions', 'spend']) {
      expect(overall(a, 'clv/bgnbd-gg', 'mae', target)).toBeLessThan(overall(a, 'trivial/repeat-calibration', 'mae', target));
    }
  });
});
