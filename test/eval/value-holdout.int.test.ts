/**
 * value/holdout on a real slice of CDNOW: the customers with id <= 3000 (their complete
 * histories), written to a temp file. A second file with every holdout amount changed checks that
 * no model sees the holdout.
 */
import { runValueHoldout } from '../../eval/protocols/value-holdout';
import { createRepeatCalibrationModel, createRfmValueModel, type ValueModel, type ValuePredictions } from '../../eval/protocols/value-models';
import { reproducibleView, type EvalReport, type MetricRow } from '../../eval/report/types';
import { CDNOW_MASTER, readLines, tempDir, writeLines } from '../import/helpers';

const HOLDOUT_START = 19971001;
const HOLDOUT_END = 19980701;

let dir: string;
let cleanup: () => Promise<void>;
let slice: string[];
let file: string;
let altered: string;

/** A model that records what the wrapped model predicted. */
function spy(model: ValueModel, out: ValuePredictions[]): ValueModel {
  return {
    info: model.info,
    predict: async (ctx) => {
      const p = await model.predict(ctx);
      out.push(p);
      return p;
    },
  };
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  const all = await readLines(CDNOW_MASTER);
  slice = all.slice(1).filter((l) => Number(l.trim().split(/\s+/)[0]) <= 3000);
  file = await writeLines(dir, 'cdnow-3000.txt', [all[0]!, ...slice]);
  altered = await writeLines(dir, 'cdnow-3000-altered.txt', [
    all[0]!,
    ...slice.map((l) => {
      const [id, date, cds, dollars] = l.trim().split(/\s+/) as [string, string, string, string];
      return Number(date) >= HOLDOUT_START ? `${id} ${date} ${cds} ${(Number(dollars) * 7 + 1).toFixed(2)}` : l;
    }),
  ]);
});

afterAll(async () => {
  await cleanup();
});

const find = (r: EvalReport, model: string, metric: string, target: string): MetricRow =>
  r.metrics.find((m) => m.model === model && m.metric === metric && m.target === target && m.segment === undefined)!;

describe('value/holdout on CDNOW customers 1..3000', () => {
  let a: EvalReport;
  let b: EvalReport;
  beforeAll(async () => {
    a = await runValueHoldout({ file, datasetName: 'cdnow-3000', progress: false, workDir: dir });
    b = await runValueHoldout({ file, datasetName: 'cdnow-3000', progress: false, workDir: dir });
  });

  it('states the exact 39 + 39 week windows', () => {
    expect(a.dataset.split).toBe('calibration [1997-01-01, 1997-10-01) = 39 weeks; holdout [1997-10-01, 1998-07-01) = 39 weeks');
    expect(a.notes[0]).toContain('1997-01-01 to 1997-09-30 inclusive');
    expect(a.notes[0]).toContain('1997-10-01 to 1998-06-30 inclusive');
  });

  it('reports every model and metric for both targets, over every customer', () => {
    const customers = new Set(slice.map((l) => l.trim().split(/\s+/)[0])).size;
    expect(a.dataset.stats.customers).toBe(customers);
    const ids = ['baseline/rfm', 'clv/bgnbd-gg', 'trivial/repeat-calibration', 'duve/value'];
    expect(a.models.map((m) => m.id)).toEqual(ids);
    for (const model of ids) {
      for (const target of ['spend', 'transactions']) {
        for (const metric of ['mae', 'rmse', 'bias', 'spearman', 'top_decile_capture']) expect(find(a, model, metric, target).n).toBe(customers);
        const mae = find(a, model, 'mae', target).value;
        expect(mae).toBeGreaterThan(0);
        expect(find(a, model, 'rmse', target).value).toBeGreaterThanOrEqual(mae);
        expect(Math.abs(find(a, model, 'spearman', target).value)).toBeLessThanOrEqual(1);
        const cap = find(a, model, 'top_decile_capture', target).value;
        expect(cap >= 0 && cap <= 1).toBe(true);
        const segs = a.metrics.filter((m) => m.model === model && m.target === target && m.segment !== undefined);
        expect(segs.map((m) => m.segment)).toEqual(['calibration_tx:1', 'calibration_tx:2-3', 'calibration_tx:4+']);
        expect(segs.reduce((s, m) => s + m.n, 0)).toBe(customers);
      }
    }
  });

  it('matches an independent computation of the trivial baseline', () => {
    // customer-days per window, straight from the text
    const days = new Map<string, { cal: Map<string, number>; hold: Map<string, number> }>();
    for (const l of slice) {
      const [id, date, , dollars] = l.trim().split(/\s+/) as [string, string, string, string];
      const d = days.get(id) ?? { cal: new Map(), hold: new Map() };
      days.set(id, d);
      const w = Number(date) < HOLDOUT_START ? d.cal : Number(date) < HOLDOUT_END ? d.hold : null;
      w?.set(date, (w.get(date) ?? 0) + Number(dollars));
    }
    let absSpend = 0;
    let absTx = 0;
    for (const d of days.values()) {
      const sum = (m: Map<string, number>): number => [...m.values()].reduce((x, y) => x + y, 0);
      absSpend += Math.abs(sum(d.cal) - sum(d.hold));
      absTx += Math.abs(d.cal.size - d.hold.size);
    }
    expect(find(a, 'trivial/repeat-calibration', 'mae', 'spend').value).toBeCloseTo(absSpend / days.size, 3);
    expect(find(a, 'trivial/repeat-calibration', 'mae', 'transactions').value).toBeCloseTo(absTx / days.size, 4);
  });

  it('records the RFM fit made inside calibration', () => {
    const p = a.models[0]!.params;
    expect(p.fitAsOf).toBe('1997-05-21');
    expect(p.scale).toBeCloseTo(39 / 19, 5);
    expect(p.fitCustomers).toBe(a.dataset.stats.customers);
  });

  it('is reproducible', () => {
    expect(reproducibleView(b)).toEqual(reproducibleView(a));
  });
});

it('never shows a model the holdout: changing every holdout amount changes no prediction', async () => {
  const seen: ValuePredictions[] = [];
  const models = (): ValueModel[] => [spy(createRfmValueModel(), seen), spy(createRepeatCalibrationModel(), seen)];
  const x = await runValueHoldout({ file, progress: false, workDir: dir, models: models() });
  const y = await runValueHoldout({ file: altered, progress: false, workDir: dir, models: models() });
  expect(seen).toHaveLength(4);
  expect(Array.from(seen[2]!.spend)).toEqual(Array.from(seen[0]!.spend));
  expect(Array.from(seen[2]!.transactions)).toEqual(Array.from(seen[0]!.transactions));
  expect(Array.from(seen[3]!.spend)).toEqual(Array.from(seen[1]!.spend));
  // ...while the actuals, hence the errors, did change
  expect(find(y, 'baseline/rfm', 'mae', 'spend').value).not.toBe(find(x, 'baseline/rfm', 'mae', 'spend').value);
});
