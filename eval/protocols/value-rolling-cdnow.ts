/**
 * Protocol `value/rolling` on CDNOW: per-customer holdout spend at rolling origins, pooled, with a
 * paired bootstrap over customers (value-rolling-stats.ts).
 *
 * - Origins (calibration ends): weeks `firstWeek`, firstWeek + stepWeeks, ... ≤ lastWeek, counted
 *   from the calibration start (1997-01-01), each followed by a holdout of `holdoutWeeks`, kept
 *   while origin + holdout ≤ the day after the last transaction. Defaults 26, 30, ..., 50 and 26
 *   weeks (7 origins; 1997-07-02 .. 1997-12-17).
 * - Validation origin `validationWeek` (default 18) with its own holdout ending at the first test
 *   origin (default 8 weeks), so no validation label falls in a test holdout. Each model's settings
 *   are chosen there by spend MAE and then fixed for every test origin.
 * - At each origin every model is refitted on the customer-day purchases before it (nothing else
 *   is handed to it) and predicts each customer's spend in the holdout. Customers = those with a
 *   purchase before the origin (CDNOW's cohort all buy first in 1997-01..03, so from week 13 on
 *   every origin has the same customers).
 * - Metrics of holdout spend: MAE, RMSE and bias (mean prediction − actual) pooled over the (customer, origin) rows; Spearman and
 *   top-decile capture computed per origin (they rank customers against each other within one
 *   holdout) and averaged over origins. 95% percentile intervals by resampling customers (all their
 *   rows together); differences candidate − baseline paired on the same resample.
 */
import { resolve } from 'node:path';
import { expectedTransactions, fitBgNbd } from '../../ml/clv/bgnbd';
import { conditionalExpectedValue, fitGammaGamma, populationMeanValue } from '../../ml/clv/gamma-gamma';
import { referenceTimes, type DuveHistory } from '../../ml/duve/examples';
import { duveLayout, type DecayMode } from '../../ml/duve/model';
import { forecastsAt } from '../../ml/duve/replay';
import type { DuveEvent } from '../../ml/duve/state';
import { trainDuve } from '../../ml/duve/train';
import { isoDay, loadCdnow } from '../datasets/cdnow';
import { mae, meanError, rmse, spearman, topDecileCapture } from '../metrics/regression';
import { candidateLosses, metricDirection } from '../report/json';
import type { EvalModelInfo, EvalReport, MetricRow } from '../report/types';
import { createEvalProgress, peakRssMiB, round6, type RunEnvironmentOptions } from './support';
import { argError } from './temporal-source';
import { summarisePurchases } from './value-bgnbd';
import { DEFAULT_CDNOW_FILE } from './value-holdout';
import type { HyperParams } from './value-rolling';
import {
  meanOfMetrics,
  pairedBootstrap,
  prepareWeightedMae,
  prepareWeightedMeanError,
  prepareWeightedRmse,
  prepareWeightedSpearman,
  prepareWeightedTopShare,
  type PairedBootstrapResult,
  type WeightedMetric,
} from './value-rolling-stats';

const DAY_MS = 24 * 3600 * 1000;
const WEEK_MS = 7 * DAY_MS;
const CDNOW_ITEM = 'cdnow:cds';

/** One customer-day purchase. */
export interface RollingPurchase {
  readonly customerId: string;
  /** 00:00 UTC of the day (ms). */
  readonly day: number;
  readonly dollars: number;
}

/** What a model may see at an origin: customers with a purchase before it and those purchases only. */
export interface OriginFeatures {
  readonly origin: number;
  readonly calibrationStart: number;
  /** Holdout length the model predicts (ms). */
  readonly holdoutMs: number;
  readonly customers: readonly string[];
  /** Each customer's purchases before the origin as DUVE events (type purchase, value = dollars), time-ascending. */
  readonly history: ReadonlyMap<string, readonly DuveEvent[]>;
}

export interface RollingRegressor {
  readonly info: Omit<EvalModelInfo, 'trainMs'>;
  readonly grid: readonly HyperParams[];
  /** Fit on `f` and predict each customer's spend in [origin, origin + holdout). */
  predictSpend(f: OriginFeatures, o: { seed: number }, hp: HyperParams): Float64Array | Promise<Float64Array>;
}

export interface OriginSchedule {
  readonly validation: { readonly origin: number; readonly holdoutMs: number };
  readonly tests: readonly number[];
  readonly holdoutMs: number;
}

export function rollingOrigins(calibrationStart: number, dataEnd: number, o: { validationWeek: number; firstWeek: number; stepWeeks: number; lastWeek: number; holdoutWeeks: number }): OriginSchedule {
  if (!(o.holdoutWeeks > 0)) throw argError('--holdout-weeks', `must be positive, got ${o.holdoutWeeks}`);
  if (!(o.stepWeeks > 0)) throw argError('--step-weeks', `must be positive, got ${o.stepWeeks}`);
  if (!(o.validationWeek > 0 && o.validationWeek < o.firstWeek)) throw argError('--validation-week', `must be in (0, --first-week ${o.firstWeek}), got ${o.validationWeek}`);
  const holdoutMs = o.holdoutWeeks * WEEK_MS;
  const tests: number[] = [];
  for (let w = o.firstWeek; w <= o.lastWeek; w += o.stepWeeks) {
    const origin = calibrationStart + w * WEEK_MS;
    if (origin + holdoutMs <= dataEnd) tests.push(origin);
  }
  if (tests.length === 0) throw argError('--first-week', `no origin in weeks ${o.firstWeek}..${o.lastWeek} leaves a ${o.holdoutWeeks}-week holdout before ${isoDay(dataEnd)}`);
  const v = calibrationStart + o.validationWeek * WEEK_MS;
  return { validation: { origin: v, holdoutMs: tests[0]! - v }, tests, holdoutMs };
}

export function originFeatures(byCustomer: ReadonlyMap<string, readonly DuveEvent[]>, calibrationStart: number, origin: number, holdoutMs: number): OriginFeatures {
  const history = new Map<string, DuveEvent[]>();
  for (const [c, evs] of byCustomer) {
    const before = evs.filter((e) => e.ts >= calibrationStart && e.ts < origin);
    if (before.length > 0) history.set(c, before);
  }
  const customers = [...history.keys()].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  return { origin, calibrationStart, holdoutMs, customers, history };
}

export function originSpend(byCustomer: ReadonlyMap<string, readonly DuveEvent[]>, customers: readonly string[], origin: number, holdoutMs: number): Float64Array {
  return Float64Array.from(customers, (c) => (byCustomer.get(c) ?? []).reduce((s, e) => (e.ts >= origin && e.ts < origin + holdoutMs ? s + e.value : s), 0));
}

/** BG/NBD + Gamma-Gamma (value-bgnbd.ts conventions), fitted at each origin on the purchases before it. */
export function bgNbdGammaGammaRegressor(): RollingRegressor {
  return {
    info: {
      id: 'clv/bgnbd-gg',
      version: '1.0.0',
      role: 'baseline',
      params: {
        transactions: 'BG/NBD: E[Y(holdout weeks) | x, t_x, T]',
        value: 'Gamma-Gamma conditional mean per transaction; population mean p·v/(q−1) for x = 0',
        fit: 'maximum likelihood at each origin on the purchases before it (weeks, customer-days)',
      },
    },
    grid: [{}],
    predictSpend(f) {
      const lastDay = f.origin - DAY_MS;
      const sums = f.customers.map((c) => summarisePurchases(f.history.get(c)!, lastDay)!);
      const bg = fitBgNbd({ x: sums.map((s) => s.x), tx: sums.map((s) => s.tx), T: sums.map((s) => s.T) });
      const repeat = sums.filter((s) => s.x > 0 && s.zbar > 0);
      const gg = fitGammaGamma({ x: repeat.map((s) => s.x), zbar: repeat.map((s) => s.zbar) });
      const mean = populationMeanValue(gg.params);
      const t = f.holdoutMs / WEEK_MS;
      return Float64Array.from(sums, (s) => expectedTransactions(bg.params, t, s.x, s.tx, s.T) * (s.x > 0 ? conditionalExpectedValue(gg.params, s.x, s.zbar) : mean));
    },
  };
}

/** DUVE v1 (value-duve.ts): H-day forecast × holdout / H, trained at each origin. */
export function duveV1Regressor(o: {
  id: string;
  decayMode?: DecayMode;
  role?: 'candidate' | 'baseline';
  horizonDays?: number;
  refStepDays?: number;
  grid?: readonly HyperParams[];
}): RollingRegressor {
  const horizonDays = o.horizonDays ?? 30;
  const refStepDays = o.refStepDays ?? 14;
  const decayMode = o.decayMode ?? 'per-type';
  return {
    info: {
      id: o.id,
      version: '1.0.0',
      role: o.role ?? 'baseline',
      params: { model: 'DUVE v1 (decayed sums, ml/duve)', decayMode, horizonDays, refStepDays, projection: 'linear: holdout = H-day expected spend × holdout days / H' },
    },
    grid: o.grid ?? [75, 150, 300].flatMap((iterations) => [0.02, 0.05].map((learningRate) => ({ iterations, learningRate }))),
    predictSpend(f, { seed }, hp) {
      const histories: DuveHistory[] = f.customers.map((c) => ({ userId: c, events: f.history.get(c)! }));
      const horizonMs = horizonDays * DAY_MS;
      const refTimes = referenceTimes(f.calibrationStart, f.origin, refStepDays * DAY_MS, horizonMs);
      if (refTimes.length === 0) throw new Error(`${o.id}: no reference time fits before ${isoDay(f.origin)}`);
      const { model } = trainDuve(histories, {
        refTimes,
        trainEnd: f.origin,
        horizonMs,
        types: ['purchase'],
        decayMode,
        seed,
        ...(hp.iterations !== undefined ? { iterations: hp.iterations } : {}),
        ...(hp.learningRate !== undefined ? { learningRate: hp.learningRate } : {}),
      });
      const layout = duveLayout(model);
      const scale = f.holdoutMs / horizonMs;
      return Float64Array.from(histories, (h) => (forecastsAt(model, layout, h.events, [f.origin])[0]?.expectedSpend ?? 0) * scale);
    },
  };
}

export function defaultRollingRegressors(): RollingRegressor[] {
  return [duveV1Regressor({ id: 'duve/v1', role: 'candidate' }), bgNbdGammaGammaRegressor()];
}

export interface ValueRollingCdnowOptions extends RunEnvironmentOptions {
  readonly file?: string;
  /** In-memory customer-day purchases instead of a file (tests). */
  readonly purchases?: readonly RollingPurchase[];
  readonly datasetName?: string;
  readonly seed?: number;
  /** Calibration start (ms). Default 1997-01-01. */
  readonly calibrationStart?: number;
  /** Default 18. */
  readonly validationWeek?: number;
  /** Default 26. */
  readonly firstWeek?: number;
  /** Default 4. */
  readonly stepWeeks?: number;
  /** Default 52. */
  readonly lastWeek?: number;
  /** Default 26. */
  readonly holdoutWeeks?: number;
  /** Bootstrap resamples over customers. Default 1000. */
  readonly resamples?: number;
  readonly models?: readonly RollingRegressor[];
}

export const CDNOW_METRICS = ['mae', 'rmse', 'spearman', 'top_decile_capture', 'bias'] as const;

async function predictChecked(m: RollingRegressor, f: OriginFeatures, seed: number, hp: HyperParams): Promise<Float64Array> {
  const p = await m.predictSpend(f, { seed }, hp);
  if (p.length !== f.customers.length) throw new Error(`${m.info.id} predicted ${p.length} customers at ${isoDay(f.origin)}, expected ${f.customers.length}`);
  for (let i = 0; i < p.length; i++) if (!Number.isFinite(p[i]!)) throw new Error(`${m.info.id}: prediction of ${f.customers[i]} at ${isoDay(f.origin)} is ${p[i]}`);
  return p;
}

export async function runValueRollingCdnow(opts: ValueRollingCdnowOptions = {}): Promise<EvalReport & { readonly bootstrap: readonly PairedBootstrapResult[] }> {
  const started = Date.now();
  const t0 = performance.now();
  const seed = opts.seed ?? 42;
  const resamples = opts.resamples ?? 1000;
  const calStart = opts.calibrationStart ?? Date.UTC(1997, 0, 1);
  const models = opts.models ?? defaultRollingRegressors();
  const candidates = models.filter((m) => m.info.role === 'candidate');
  if (candidates.length !== 1) throw new RangeError(`value/rolling needs exactly one candidate model, got ${candidates.length}`);
  const candidate = candidates[0]!.info.id;

  let file = '(in-memory purchases)';
  let purchases: readonly RollingPurchase[];
  let rows = 0;
  let bad = 0;
  if (opts.purchases !== undefined) purchases = opts.purchases;
  else {
    file = opts.file ?? DEFAULT_CDNOW_FILE;
    const data = await loadCdnow(file);
    rows = data.rows.length;
    bad = data.problems.length;
    purchases = data.transactions.map((t) => ({ customerId: t.customerId, day: t.day, dollars: t.dollars }));
  }
  if (purchases.length === 0) throw new RangeError('value/rolling cdnow: no purchase');
  const dataEnd = purchases.reduce((m, p) => Math.max(m, p.day), Number.NEGATIVE_INFINITY) + DAY_MS;
  const byCustomer = new Map<string, DuveEvent[]>();
  for (const p of purchases) {
    let l = byCustomer.get(p.customerId);
    if (l === undefined) byCustomer.set(p.customerId, (l = []));
    l.push({ type: 'purchase', itemId: CDNOW_ITEM, ts: p.day, value: p.dollars });
  }
  for (const l of byCustomer.values()) l.sort((a, b) => a.ts - b.ts);
  const schedule = rollingOrigins(calStart, dataEnd, {
    validationWeek: opts.validationWeek ?? 18,
    firstWeek: opts.firstWeek ?? 26,
    stepWeeks: opts.stepWeeks ?? 4,
    lastWeek: opts.lastWeek ?? 52,
    holdoutWeeks: opts.holdoutWeeks ?? 26,
  });
  const week = (t: number): number => round6((t - calStart) / WEEK_MS);

  const gridFits = models.reduce((s, m) => s + (m.grid.length > 1 ? m.grid.length : 0), 0);
  const progress = createEvalProgress('eval value/rolling cdnow', gridFits + models.length * schedule.tests.length + CDNOW_METRICS.length, opts);

  // 1. Validation origin: settings by spend MAE.
  const vf = originFeatures(byCustomer, calStart, schedule.validation.origin, schedule.validation.holdoutMs);
  const vActual = originSpend(byCustomer, vf.customers, vf.origin, vf.holdoutMs);
  const chosen = new Map<string, { hp: HyperParams; validation: Array<{ hp: HyperParams; mae: number }>; fitMs: number }>();
  for (const m of models) {
    if (m.grid.length === 0) throw new RangeError(`${m.info.id}: empty hyper-parameter grid`);
    if (m.grid.length === 1) {
      chosen.set(m.info.id, { hp: m.grid[0]!, validation: [], fitMs: 0 });
      continue;
    }
    const tried: Array<{ hp: HyperParams; mae: number }> = [];
    for (const hp of m.grid) {
      tried.push({ hp, mae: round6(mae(await predictChecked(m, vf, seed, hp), vActual)) });
      progress.tick();
    }
    const best = tried.reduce((b, t) => (t.mae < b.mae ? t : b), tried[0]!);
    chosen.set(m.info.id, { hp: best.hp, validation: tried, fitMs: 0 });
  }

  // 2. Test origins.
  const unitOf = new Map<string, number>();
  const rowUnit: number[] = [];
  const rowOrigin: number[] = [];
  const actual: number[] = [];
  const preds: number[][] = models.map(() => []);
  const perOrigin: Array<{ origin: number; customers: number; active: number; spend: number }> = [];
  for (const [oi, origin] of schedule.tests.entries()) {
    const f = originFeatures(byCustomer, calStart, origin, schedule.holdoutMs);
    const y = originSpend(byCustomer, f.customers, origin, schedule.holdoutMs);
    for (const c of f.customers) {
      let k = unitOf.get(c);
      if (k === undefined) unitOf.set(c, (k = unitOf.size));
      rowUnit.push(k);
      rowOrigin.push(oi);
    }
    actual.push(...y);
    perOrigin.push({ origin, customers: f.customers.length, active: y.filter((v) => v > 0).length, spend: y.reduce((a, b) => a + b, 0) });
    for (const [k, m] of models.entries()) {
      const c = chosen.get(m.info.id)!;
      const t = performance.now();
      preds[k]!.push(...(await predictChecked(m, f, seed, c.hp)));
      c.fitMs += performance.now() - t;
      progress.tick();
    }
  }
  const n = actual.length;
  const act = Float64Array.from(actual);
  const pred = preds.map((p) => Float64Array.from(p));
  const originRows = schedule.tests.map((_o, oi) => Int32Array.from(rowOrigin.flatMap((x, i) => (x === oi ? [i] : []))));
  const units = Int32Array.from(rowUnit);
  const ids = models.map((m) => m.info.id);
  const prepare: Record<(typeof CDNOW_METRICS)[number], (k: number) => WeightedMetric> = {
    mae: (k) => prepareWeightedMae(pred[k]!, act),
    rmse: (k) => prepareWeightedRmse(pred[k]!, act),
    spearman: (k) => meanOfMetrics(originRows.map((r) => prepareWeightedSpearman(pred[k]!, act, r))),
    top_decile_capture: (k) => meanOfMetrics(originRows.map((r) => prepareWeightedTopShare(pred[k]!, act, 0.1, r))),
    bias: (k) => prepareWeightedMeanError(pred[k]!, act),
  };
  const results: PairedBootstrapResult[] = [];
  for (const metric of CDNOW_METRICS) {
    // One seed for every metric: the same resamples of customers throughout.
    results.push(pairedBootstrap({ units: unitOf.size, rowUnit: units, models: ids, candidate, metric, evaluate: prepare[metric], resamples, seed }));
    progress.tick();
  }
  progress.stop();

  const target = 'spend';
  const level = 0.95;
  const metrics: MetricRow[] = [];
  for (const r of results) {
    for (const m of r.models)
      metrics.push({ model: m.model, metric: r.metric, target, value: round6(m.estimate), n, ...(resamples > 0 ? { ci: { level, lower: round6(m.ci.lower), upper: round6(m.ci.upper) } } : {}) });
  }
  for (const r of results) {
    for (const d of r.differences)
      metrics.push({
        model: d.model,
        metric: `${r.metric}_diff`,
        target,
        value: round6(d.estimate),
        n: unitOf.size,
        ...(resamples > 0 ? { ci: { level, lower: round6(d.ci.lower), upper: round6(d.ci.upper) } } : {}),
      });
  }
  for (const [k, id] of ids.entries()) {
    for (const [oi, r] of originRows.entries()) {
      const p = Array.from(r, (i) => pred[k]![i]!);
      const a = Array.from(r, (i) => act[i]!);
      const segment = `origin:week-${week(schedule.tests[oi]!)}`;
      const add = (metric: string, value: number): void => {
        if (Number.isFinite(value)) metrics.push({ model: id, metric, target, segment, value: round6(value), n: r.length });
      };
      add('mae', mae(p, a));
      add('rmse', rmse(p, a));
      add('spearman', spearman(p, a));
      add('top_decile_capture', topDecileCapture(p, a));
      add('bias', meanError(p, a));
    }
  }

  const infos: EvalModelInfo[] = models.map((m) => {
    const c = chosen.get(m.info.id)!;
    return {
      ...m.info,
      params: { ...m.info.params, chosen: c.hp, ...(c.validation.length > 0 ? { validationGrid: c.validation.map((v) => ({ ...v.hp, mae: v.mae })) } : {}) },
      trainMs: Math.round(c.fitMs),
    };
  });
  const holdoutWeeks = schedule.holdoutMs / WEEK_MS;
  const report: Omit<EvalReport, 'notes'> = {
    schemaVersion: 1,
    protocol: 'value/rolling',
    dataset: {
      name: opts.datasetName ?? 'cdnow-rolling',
      path: file,
      split: `rolling origin from ${isoDay(calStart)}: validation origin week ${week(schedule.validation.origin)} (holdout to week ${week(schedule.tests[0]!)}); test origins weeks ${schedule.tests.map(week).join(', ')}, each with a ${holdoutWeeks}-week holdout; features = purchases before the origin`,
      stats: {
        rows,
        badLines: bad,
        purchases: purchases.length,
        customers: unitOf.size,
        testRows: n,
        origins: schedule.tests.length,
        holdoutWeeks,
        validationOrigin: schedule.validation.origin,
        validationHoldoutWeeks: round6(schedule.validation.holdoutMs / WEEK_MS),
        resamples,
      },
    },
    seed,
    startedAt: new Date(started).toISOString(),
    wallMs: 0,
    peakRssMiB: 0,
    models: infos,
    metrics,
  };
  const verdict = (metric: string, d: PairedBootstrapResult['differences'][number]): string => {
    if (!d.separated) return 'not separated (the interval contains 0)';
    const dir = metricDirection(metric);
    if (dir === 'zero') return 'separated (the biases differ; which is closer to 0 is the share above)';
    return (dir === 'lower' ? d.ci.upper < 0 : d.ci.lower > 0) ? 'the candidate is ahead' : 'the candidate is BEHIND';
  };
  const readAs = { lower: 'lower is better', higher: 'higher is better', zero: 'closest to 0 is better' } as const;
  const diffNotes = results.flatMap((r) =>
    r.differences.map(
      (d) =>
        `${r.metric}: ${candidate} − ${d.model} = ${d.estimate >= 0 ? '+' : ''}${round6(d.estimate)} [${round6(d.ci.lower)}, ${round6(d.ci.upper)}] (${readAs[metricDirection(r.metric)]}); candidate better in ${(100 * d.candidateBetter).toFixed(1)}% of resamples: ${verdict(r.metric, d)}.`,
    ),
  );
  const notes = [
    `CDNOW ${file === '(in-memory purchases)' ? 'in-memory purchases' : resolve(file)}${rows > 0 ? ` (${rows} rows, ${bad} malformed)` : ''}; a transaction is a customer-day. Calibration starts ${isoDay(calStart)}. Test origins (calibration ends) at weeks ${schedule.tests.map(week).join(', ')} (${schedule.tests.map(isoDay).join(', ')}), each with a ${holdoutWeeks}-week holdout; rows = (customer, origin): ${n} rows of ${unitOf.size} customers.`,
    `At each origin every model is refitted on the purchases before it only (the harness hands it nothing else) and predicts each customer's holdout spend. Settings are chosen once at the validation origin week ${week(schedule.validation.origin)} (${isoDay(schedule.validation.origin)}) by spend MAE over its ${round6(schedule.validation.holdoutMs / WEEK_MS)}-week holdout, which ends at the first test origin: ${infos
      .map((m) => {
        const c = chosen.get(m.id)!;
        return c.validation.length > 0
          ? `${m.id}: ${Object.entries(c.hp)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ')} (of ${c.validation.map((v) => `${JSON.stringify(v.hp)} → MAE ${v.mae}`).join('; ')})`
          : `${m.id}: nothing to choose`;
      })
      .join('. ')}.`,
    `MAE, RMSE and bias (mean prediction − actual) pooled over every (customer, origin) row; Spearman and top-decile capture per origin (they rank customers within one holdout), averaged over origins. 95% percentile intervals from ${resamples} bootstrap resamples of customers (seed ${seed}, the same resamples for every metric and model); differences are candidate − baseline on the same resample.`,
    ...diffNotes,
    `Per origin: ${perOrigin.map((p) => `week ${week(p.origin)}: ${p.customers} customers, ${p.active} buy in the holdout, $${Math.round(p.spend)}`).join('; ')}.`,
    `Holdouts of consecutive origins overlap (${holdoutWeeks}-week holdouts ${schedule.tests.length > 1 ? `every ${round6((schedule.tests[1]! - schedule.tests[0]!) / WEEK_MS)} weeks` : 'at one origin'}), so the origins are not independent replicates; the bootstrap over customers accounts for a customer's rows moving together, not for the shared calendar.`,
  ];
  return { ...report, wallMs: Math.round(performance.now() - t0), peakRssMiB: peakRssMiB(), notes: [...notes, ...candidateLosses(report)], bootstrap: results };
}
