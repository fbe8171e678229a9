/**
 * BG/NBD and Gamma-Gamma on the real CDNOW files against the published fits (Fader, Hardie & Lee
 * 2005; lifetimes quickstart), the calibration summary against the published one, and the
 * clv/bgnbd-gg value model inside the value/holdout protocol on a slice of CDNOW_master.
 */
import { join } from 'node:path';
import { expectedTransactions, fitBgNbd } from '../../ml/clv/bgnbd';
import { conditionalExpectedValue, fitGammaGamma } from '../../ml/clv/gamma-gamma';
import { createBgNbdGammaGammaValueModel, summarisePurchases } from '../../eval/protocols/value-bgnbd';
import { runValueHoldout } from '../../eval/protocols/value-holdout';
import { createRepeatCalibrationModel, type ValueModel, type ValuePredictions } from '../../eval/protocols/value-models';
import type { EvalReport } from '../../eval/report/types';
import { DATA, readLines, tempDir, writeLines } from '../import/helpers';

const SUMMARY = join(DATA, 'cdnow/cdnow_customers_summary.csv');
const WITH_VALUE = join(DATA, 'cdnow/cdnow_customers_summary_with_transactions.csv');
const SAMPLE = join(DATA, 'cdnow/CDNOW_sample.txt');
const MASTER = join(DATA, 'cdnow/CDNOW_master.txt');

/** Rows of a numeric CSV with a header line, keyed by column name. */
async function readCsv(file: string): Promise<Array<Record<string, number>>> {
  const [head, ...rows] = await readLines(file);
  const names = head!.split(',');
  return rows.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i]!, Number(v)])));
}

const within = (got: number, want: number, rel: number): void => expect(Math.abs(got / want - 1)).toBeLessThan(rel);

describe('BG/NBD on cdnow_customers_summary.csv', () => {
  let rows: Array<Record<string, number>>;
  let fit: ReturnType<typeof fitBgNbd>;
  let ms: number;
  beforeAll(async () => {
    rows = await readCsv(SUMMARY);
    const t0 = performance.now();
    fit = fitBgNbd({ x: rows.map((r) => r.frequency!), tx: rows.map((r) => r.recency!), T: rows.map((r) => r.T!) });
    ms = performance.now() - t0;
  });

  it('reproduces the published fit r=0.2426, alpha=4.4135, a=0.7929, b=2.4258 within 1%, LL about -9582.4', () => {
    expect(fit.customers).toBe(2357);
    expect(fit.converged).toBe(true);
    within(fit.params.r, 0.2426, 0.01);
    within(fit.params.alpha, 4.4135, 0.01);
    within(fit.params.a, 0.7929, 0.01);
    within(fit.params.b, 2.4258, 0.01);
    expect(fit.logLikelihood).toBeCloseTo(-9582.43, 1);
    expect(ms).toBeLessThan(5000);
  });

  it('reproduces the lifetimes quickstart predictions for the top customers (t = 1 week)', () => {
    const want = new Map([[509, 0.424877], [841, 0.474738], [1981, 0.486526], [157, 0.662396], [1516, 0.710623]]);
    for (const r of rows.filter((x) => want.has(x.ID!))) {
      expect(expectedTransactions(fit.params, 1, r.frequency!, r.recency!, r.T!)).toBeCloseTo(want.get(r.ID!)!, 5);
    }
  });
});

describe('Gamma-Gamma on the repeat customers of cdnow_customers_summary_with_transactions.csv', () => {
  it('reproduces p=6.25, q=3.74, v=15.45 within 1% and the lifetimes conditional averages', async () => {
    const rows = await readCsv(WITH_VALUE);
    const repeat = rows.filter((r) => r.x! > 0);
    const t0 = performance.now();
    const fit = fitGammaGamma({ x: repeat.map((r) => r.x!), zbar: repeat.map((r) => r.zbar!) });
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(fit.customers).toBe(946);
    expect(fit.converged).toBe(true);
    within(fit.params.p, 6.25, 0.01);
    within(fit.params.q, 3.74, 0.01);
    within(fit.params.v, 15.45, 0.01);
    // lifetimes quickstart: conditional_expected_average_profit of customers 1..10, and the mean over all 2357
    const head = [24.658619, 18.911489, 35.170981, 35.170981, 35.170981, 71.462843, 18.911489, 35.170981, 27.282408, 35.170981];
    head.forEach((want, i) => expect(conditionalExpectedValue(fit.params, rows[i]!.x!, rows[i]!.zbar!)).toBeCloseTo(want, 3));
    const mean = rows.reduce((s, r) => s + conditionalExpectedValue(fit.params, r.x!, r.zbar!), 0) / rows.length;
    expect(mean).toBeCloseTo(35.2529588256, 3);
  });
});

describe('summarisePurchases on CDNOW_sample.txt', () => {
  it('reproduces the published calibration summary (x, t_x, T, zbar) of all 2357 customers', async () => {
    // `cust_id sample_id yyyymmdd n_cds dollars`; the summary's ID is the sample id; calibration ends 1997-09-30
    const byId = new Map<number, Array<{ ts: number; value: number }>>();
    for (const l of await readLines(SAMPLE)) {
      const [, id, date, , dollars] = l.trim().split(/\s+/) as [string, string, string, string, string];
      if (Number(date) >= 19971001) continue;
      const ts = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8)));
      const list = byId.get(Number(id)) ?? [];
      list.push({ ts, value: Number(dollars) });
      byId.set(Number(id), list);
    }
    const published = await readCsv(WITH_VALUE);
    expect(byId.size).toBe(published.length);
    for (const r of published) {
      const s = summarisePurchases(byId.get(r.ID!)!, Date.UTC(1997, 8, 30))!;
      expect([r.ID, s.x]).toEqual([r.ID, r.x]);
      // published to 2 decimals
      expect(Math.abs(s.tx - r.t_x!)).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(Math.abs(s.T - r.T!)).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(Math.abs(s.zbar - r.zbar!)).toBeLessThanOrEqual(0.005 + 1e-9);
    }
  });
});

describe('clv/bgnbd-gg in value/holdout on CDNOW customers 1..3000', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let file: string;
  let altered: string;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    const all = await readLines(MASTER);
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

  const spy = (model: ValueModel, out: ValuePredictions[]): ValueModel => ({ info: model.info, predict: async (ctx) => { const p = await model.predict(ctx); out.push(p); return p; } });
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
