/**
 * Protocol `value/rolling` on an event log in Taobao format (the Taobao head by default): will a
 * user buy in the next window? Rolling-origin evaluation over many cuts, pooled, with a paired
 * bootstrap over users (value-rolling-stats.ts).
 *
 * - Cuts: a validation cut V = window start + `minHistoryDays`; test cuts from V + H (so the
 *   validation label window [V, V + H) ends at or before the first test cut) every `stepHours`
 *   while c + H ≤ window end. H = `horizonHours`.
 * - At every cut c, each model is fitted afresh on the events strictly before c (a model never
 *   receives an event at or after c: `cutFeatures` filters, and the label is computed apart) and
 *   scores every user with an event before c. Label: a purchase in [c, c + H).
 * - Hyper-parameters (each model's `grid`, e.g. DUVE's Adam steps and step size) are chosen once,
 *   by AUC at the validation cut, and then fixed for every test cut; no test cut chooses anything.
 * - Metric: AUC pooled over the (user, cut) rows of the test cuts, with a 95% percentile bootstrap
 *   interval over users (a user's rows move together), and the paired difference candidate −
 *   baseline per baseline, recomputed on the same resample; plus the AUC of each cut.
 */
import { resolve } from 'node:path';
import type { EventType, Interaction } from '../../domain/events';
import { expectedTransactions, fitBgNbd } from '../../ml/clv/bgnbd';
import { referenceTimes, type DuveHistory } from '../../ml/duve/examples';
import { duveLayout, type DecayMode } from '../../ml/duve/model';
import { forecastsAt } from '../../ml/duve/replay';
import type { DuveEvent } from '../../ml/duve/state';
import { trainDuve } from '../../ml/duve/train';
import { fitRfmBreakpoints, rfmCell, rfmValues, type RfmValues } from '../../plugins/baseline/rfm';
import { TAOBAO_WINDOW, loadTaobao, taobaoLocalTime } from '../datasets/taobao';
import { auc } from '../metrics/classification';
import { candidateLosses } from '../report/json';
import type { EvalModelInfo, EvalReport, MetricRow } from '../report/types';
import { DEFAULT_TAOBAO_FILE } from './events-temporal';
import { createEvalProgress, peakRssMiB, round6, type RunEnvironmentOptions } from './support';
import { argError } from './temporal-source';
import { summarisePurchases } from './value-bgnbd';
import { pairedBootstrap, prepareWeightedAuc, type PairedBootstrapResult } from './value-rolling-stats';

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;

/** One event of the log as the rolling protocol reads it. */
export interface RollingEvent {
  readonly userId: string;
  readonly type: EventType;
  readonly itemId: string;
  readonly ts: number;
  readonly value: number;
  /** The item's category as the log names it on this row (Taobao's category_id), if any. */
  readonly categoryId?: string | null;
}

/** What a model may see at a cut: users with an event before it and those events only. */
export interface CutFeatures {
  readonly cut: number;
  /** Users with at least one event before the cut, sorted. */
  readonly users: readonly string[];
  /** Each user's events strictly before the cut, time-ascending. */
  readonly history: ReadonlyMap<string, readonly DuveEvent[]>;
  /** Item → category, from the rows before the cut only (the last such row's category wins). */
  readonly categories: ReadonlyMap<string, string>;
}

export interface RollingContext {
  readonly windowStart: number;
  readonly horizonMs: number;
  readonly seed: number;
}

/** A hyper-parameter setting (numbers only, so it prints and diffs). */
export type HyperParams = Readonly<Record<string, number>>;

/** A model of the purchase-in-next-window task, refitted at every cut. */
export interface RollingClassifier {
  readonly info: Omit<EvalModelInfo, 'trainMs'>;
  /** Settings tried at the validation cut (one entry: nothing to choose). */
  readonly grid: readonly HyperParams[];
  /** Fit on `f` (events before f.cut only) and score f.users at f.cut; higher = likelier to buy. */
  score(f: CutFeatures, ctx: RollingContext, hp: HyperParams): Float64Array | Promise<Float64Array>;
}

export interface CutSchedule {
  readonly validation: number;
  readonly tests: readonly number[];
}

/**
 * Validation cut V = start + minHistoryDays; test cuts V + H, V + H + step, ... while c + H ≤ end.
 * Throws EVAL_ARGUMENT_INVALID (naming the flag) when no test cut fits.
 */
export function rollingCuts(window: { readonly start: number; readonly end: number }, o: { minHistoryDays: number; stepHours: number; horizonHours: number }): CutSchedule {
  if (!(o.horizonHours > 0)) throw argError('--horizon-hours', `must be positive, got ${o.horizonHours}`);
  if (!(o.stepHours > 0)) throw argError('--step-hours', `must be positive, got ${o.stepHours}`);
  if (!(o.minHistoryDays > 0)) throw argError('--min-history-days', `must be positive, got ${o.minHistoryDays}`);
  const H = o.horizonHours * HOUR_MS;
  const validation = window.start + Math.round(o.minHistoryDays * DAY_MS);
  const tests: number[] = [];
  for (let c = validation + H; c + H <= window.end; c += o.stepHours * HOUR_MS) tests.push(c);
  if (tests.length === 0)
    throw argError(
      '--min-history-days',
      `no test cut fits: the validation cut ${new Date(validation).toISOString()} + 2 × ${o.horizonHours} h passes the window end ${new Date(window.end).toISOString()}`,
    );
  return { validation, tests };
}

/** The log as the cuts read it: events per user (time-ascending, ties in input order) and category rows by time. */
export interface RollingLog {
  readonly byUser: ReadonlyMap<string, readonly DuveEvent[]>;
  /** (ts, item, category) of every row naming a category, time-ascending. */
  readonly categoryRows: ReadonlyArray<{ readonly ts: number; readonly itemId: string; readonly categoryId: string }>;
}

export function groupByUser(events: readonly RollingEvent[]): RollingLog {
  const out = new Map<string, DuveEvent[]>();
  const categoryRows: Array<{ ts: number; itemId: string; categoryId: string }> = [];
  for (const e of events) {
    let l = out.get(e.userId);
    if (l === undefined) out.set(e.userId, (l = []));
    l.push({ type: e.type, itemId: e.itemId, ts: e.ts, value: e.value });
    if (e.categoryId !== undefined && e.categoryId !== null) categoryRows.push({ ts: e.ts, itemId: e.itemId, categoryId: e.categoryId });
  }
  for (const l of out.values()) l.sort((a, b) => a.ts - b.ts);
  categoryRows.sort((a, b) => a.ts - b.ts);
  return { byUser: out, categoryRows };
}

/** The features of a cut: every user's events strictly before it, and the categories those rows name. */
export function cutFeatures(log: RollingLog, cut: number): CutFeatures {
  const history = new Map<string, DuveEvent[]>();
  for (const [u, evs] of log.byUser) {
    const before = evs.filter((e) => e.ts < cut);
    if (before.length > 0) history.set(u, before);
  }
  const users = [...history.keys()].sort();
  const categories = new Map<string, string>();
  for (const r of log.categoryRows) {
    if (r.ts >= cut) break;
    categories.set(r.itemId, r.categoryId);
  }
  return { cut, users, history, categories };
}

/** Labels of a cut: 1 when the user buys in [cut, cut + H). */
export function cutLabels(log: RollingLog, users: readonly string[], cut: number, horizonMs: number): Float64Array {
  return Float64Array.from(users, (u) => ((log.byUser.get(u) ?? []).some((e) => e.type === 'purchase' && e.ts >= cut && e.ts < cut + horizonMs) ? 1 : 0));
}

/** Score a cut, checking the model answered one finite score per user. */
export async function scoreCut(m: RollingClassifier, f: CutFeatures, ctx: RollingContext, hp: HyperParams): Promise<Float64Array> {
  const s = await m.score(f, ctx, hp);
  if (s.length !== f.users.length) throw new Error(`${m.info.id} scored ${s.length} users at ${new Date(f.cut).toISOString()}, expected ${f.users.length}`);
  for (let i = 0; i < s.length; i++) if (!Number.isFinite(s[i]!)) throw new Error(`${m.info.id}: score of ${f.users[i]} at ${new Date(f.cut).toISOString()} is ${s[i]}`);
  return s;
}

/** DUVE v1 (ml/duve/train.ts) with a decay mode; grid over Adam steps × step size. */
export function duveV1Classifier(o: { id: string; decayMode: DecayMode; role?: 'candidate' | 'baseline'; refStepHours?: number; grid?: readonly HyperParams[] }): RollingClassifier {
  const refStepHours = o.refStepHours ?? 3;
  return {
    info: {
      id: o.id,
      version: '1.0.0',
      role: o.role ?? 'baseline',
      params: { model: 'DUVE v1 (decayed sums, ml/duve)', decayMode: o.decayMode, refStepHours, score: 'P(purchase in H) at the cut' },
    },
    grid: o.grid ?? [100, 200, 400].flatMap((iterations) => [0.02, 0.05].map((learningRate) => ({ iterations, learningRate }))),
    score(f, ctx, hp) {
      const histories: DuveHistory[] = f.users.map((u) => ({ userId: u, events: f.history.get(u)! }));
      const refTimes = referenceTimes(ctx.windowStart, f.cut, refStepHours * HOUR_MS, ctx.horizonMs);
      if (refTimes.length === 0) throw new Error(`${o.id}: no training reference time fits before ${new Date(f.cut).toISOString()} (raise --min-history-days)`);
      const { model } = trainDuve(histories, {
        refTimes,
        trainEnd: f.cut,
        horizonMs: ctx.horizonMs,
        decayMode: o.decayMode,
        seed: ctx.seed,
        ...(hp.iterations !== undefined ? { iterations: hp.iterations } : {}),
        ...(hp.learningRate !== undefined ? { learningRate: hp.learningRate } : {}),
      });
      const layout = duveLayout(model);
      return Float64Array.from(histories, (h) => forecastsAt(model, layout, h.events, [f.cut])[0]?.pPurchase ?? 0);
    },
  };
}

const toInteraction = (e: DuveEvent): Interaction => ({ itemId: e.itemId ?? '', type: e.type, ts: e.ts, value: e.value });

/** Static RFM: the cell code 100R+10F+M with quintile edges fitted at the cut on the buyers; 0 without a purchase. */
export function rfmClassifier(): RollingClassifier {
  return {
    info: { id: 'baseline/rfm', version: '1.0.0', role: 'baseline', params: { score: 'RFM cell 100R+10F+M (0 without a purchase); quintile edges fitted at each cut on the buyers before it' } },
    grid: [{}],
    score(f) {
      const values = f.users.map((u) => rfmValues(f.history.get(u)!.map(toInteraction), f.cut));
      const buyers = values.filter((v): v is RfmValues => v !== null);
      if (buyers.length === 0) return new Float64Array(f.users.length);
      const edges = fitRfmBreakpoints(buyers);
      return Float64Array.from(values, (v) => (v === null ? 0 : rfmCell(v, edges).code));
    },
  };
}

/** BG/NBD in weeks on purchase days, fitted at each cut on the users with a purchase: E[purchases in H]; 0 without a purchase. */
export function bgNbdClassifier(): RollingClassifier {
  return {
    info: { id: 'clv/bgnbd', version: '1.0.0', role: 'baseline', params: { score: 'E[purchases in H | x, t_x, T] (includes P(alive)); 0 without a purchase; fitted at each cut' } },
    grid: [{}],
    score(f, ctx) {
      const sums = f.users.map((u) =>
        summarisePurchases(
          f.history.get(u)!.filter((e) => e.type === 'purchase'),
          f.cut - 1,
        ),
      );
      const rows = sums.filter((s) => s !== null);
      if (rows.length === 0) return new Float64Array(f.users.length);
      const bg = fitBgNbd({ x: rows.map((s) => s.x), tx: rows.map((s) => s.tx), T: rows.map((s) => s.T) });
      return Float64Array.from(sums, (s) => (s === null ? 0 : expectedTransactions(bg.params, ctx.horizonMs / WEEK_MS, s.x, s.tx, s.T)));
    },
  };
}

/** The default Taobao models without DUVE v2: v1 per-type (candidate), v1 no decay, RFM, BG/NBD. */
export function defaultRollingClassifiers(): RollingClassifier[] {
  return [duveV1Classifier({ id: 'duve/v1-per-type', decayMode: 'per-type', role: 'candidate' }), duveV1Classifier({ id: 'duve/v1-no-decay', decayMode: 'none' }), rfmClassifier(), bgNbdClassifier()];
}

export interface ValueRollingOptions extends RunEnvironmentOptions {
  /** Event log in Taobao UserBehavior format. Default DEFAULT_TAOBAO_FILE. */
  readonly file?: string;
  /** In-memory events instead of a file (tests). */
  readonly events?: readonly RollingEvent[];
  readonly datasetName?: string;
  /** Default 42. */
  readonly seed?: number;
  /** Observation window [start, end) in ms. Default TAOBAO_WINDOW. */
  readonly window?: { readonly start: number; readonly end: number };
  readonly maxLines?: number;
  /** Days from the window start to the validation cut. Default 3. */
  readonly minHistoryDays?: number;
  /** Hours between test cuts. Default 12. */
  readonly stepHours?: number;
  /** Label window H in hours. Default 24. */
  readonly horizonHours?: number;
  /** Bootstrap resamples over users. Default 1000. */
  readonly resamples?: number;
  /** Models in report order; the one with role `candidate` is compared with every other. Default defaultRollingClassifiers(). */
  readonly models?: readonly RollingClassifier[];
}

/** Per-model detail the run keeps beside the report (the validation grid). */
interface Chosen {
  readonly hp: HyperParams;
  readonly validation: ReadonlyArray<{ hp: HyperParams; auc: number }>;
  fitMs: number;
}

const hpText = (hp: HyperParams): string =>
  Object.keys(hp).length === 0
    ? '(none)'
    : Object.entries(hp)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');

export async function runValueRolling(opts: ValueRollingOptions = {}): Promise<EvalReport & { readonly bootstrap: PairedBootstrapResult }> {
  const started = Date.now();
  const t0 = performance.now();
  const seed = opts.seed ?? 42;
  const window = opts.window ?? TAOBAO_WINDOW;
  const horizonHours = opts.horizonHours ?? 24;
  const stepHours = opts.stepHours ?? 12;
  const minHistoryDays = opts.minHistoryDays ?? 3;
  const resamples = opts.resamples ?? 1000;
  const H = horizonHours * HOUR_MS;
  const schedule = rollingCuts(window, { minHistoryDays, stepHours, horizonHours });
  const models = opts.models ?? defaultRollingClassifiers();
  const candidates = models.filter((m) => m.info.role === 'candidate');
  if (candidates.length !== 1) throw new RangeError(`value/rolling needs exactly one candidate model, got ${candidates.length}`);
  const candidate = candidates[0]!.info.id;

  let file = '(in-memory events)';
  let events: readonly RollingEvent[];
  let lines = 0;
  let rejected = 0;
  if (opts.events !== undefined) events = opts.events;
  else {
    file = opts.file ?? DEFAULT_TAOBAO_FILE;
    const log = await loadTaobao(file, opts.maxLines !== undefined ? { maxLines: opts.maxLines } : {});
    lines = log.lines;
    rejected = log.rowErrors.length;
    events = log.rows.flatMap(({ event: e, item }) =>
      e.itemId === null ? [] : [{ userId: e.userId, type: e.type, itemId: e.itemId, ts: e.ts, value: e.value, categoryId: item?.categories[0] ?? null }],
    );
  }
  const inWindow = events.filter((e) => e.ts >= window.start && e.ts < window.end);
  const rlog = groupByUser(inWindow);
  const ctx: RollingContext = { windowStart: window.start, horizonMs: H, seed };

  const gridFits = models.reduce((s, m) => s + (m.grid.length > 1 ? m.grid.length : 0), 0);
  const progress = createEvalProgress('eval value/rolling', gridFits + models.length * schedule.tests.length + 1, opts);

  // 1. Validation: each model's settings, by AUC at the validation cut (labels [V, V + H)).
  const vf = cutFeatures(rlog, schedule.validation);
  const vLabels = cutLabels(rlog, vf.users, schedule.validation, H);
  const chosen = new Map<string, Chosen>();
  for (const m of models) {
    if (m.grid.length === 0) throw new RangeError(`${m.info.id}: empty hyper-parameter grid`);
    if (m.grid.length === 1) {
      chosen.set(m.info.id, { hp: m.grid[0]!, validation: [], fitMs: 0 });
      continue;
    }
    const tried: Array<{ hp: HyperParams; auc: number }> = [];
    for (const hp of m.grid) {
      const a = auc(await scoreCut(m, vf, ctx, hp), vLabels);
      tried.push({ hp, auc: round6(a) });
      progress.tick();
    }
    const best = tried.reduce((b, t) => (Number.isFinite(t.auc) && (!Number.isFinite(b.auc) || t.auc > b.auc) ? t : b), tried[0]!);
    chosen.set(m.info.id, { hp: best.hp, validation: tried, fitMs: 0 });
  }

  // 2. Test cuts: refit with the chosen settings at every cut, score, label.
  const userIndex = new Map<string, number>();
  const rowUnit: number[] = [];
  const rowCut: number[] = [];
  const labels: number[] = [];
  const scores: number[][] = models.map(() => []);
  const perCut: Array<{ cut: number; rows: number; positives: number; users: number }> = [];
  for (const [ci, cut] of schedule.tests.entries()) {
    const f = cutFeatures(rlog, cut);
    const y = cutLabels(rlog, f.users, cut, H);
    for (const u of f.users) {
      let k = userIndex.get(u);
      if (k === undefined) userIndex.set(u, (k = userIndex.size));
      rowUnit.push(k);
      rowCut.push(ci);
    }
    labels.push(...y);
    perCut.push({ cut, rows: f.users.length, positives: y.reduce((a, b) => a + b, 0), users: f.users.length });
    for (const [k, m] of models.entries()) {
      const c = chosen.get(m.info.id)!;
      const t = performance.now();
      const s = await scoreCut(m, f, ctx, c.hp);
      c.fitMs += performance.now() - t;
      scores[k]!.push(...s);
      progress.tick();
    }
  }
  const n = labels.length;
  const labelArr = Float64Array.from(labels);
  const scoreArr = scores.map((s) => Float64Array.from(s));

  // 3. Pooled AUC, paired bootstrap over users, per-cut AUC.
  const bootstrap = pairedBootstrap({
    units: userIndex.size,
    rowUnit: Int32Array.from(rowUnit),
    models: models.map((m) => m.info.id),
    candidate,
    metric: 'auc',
    evaluate: (k) => prepareWeightedAuc(scoreArr[k]!, labelArr),
    resamples,
    seed,
  });
  progress.tick();
  progress.stop();

  const target = 'purchase_next_window';
  const metrics: MetricRow[] = [];
  const level = 0.95;
  for (const r of bootstrap.models) {
    metrics.push({ model: r.model, metric: 'auc', target, value: round6(r.estimate), n, ...(resamples > 0 ? { ci: { level, lower: round6(r.ci.lower), upper: round6(r.ci.upper) } } : {}) });
  }
  for (const d of bootstrap.differences) {
    metrics.push({
      model: d.model,
      metric: 'auc_diff',
      target,
      value: round6(d.estimate),
      n: userIndex.size,
      ...(resamples > 0 ? { ci: { level, lower: round6(d.ci.lower), upper: round6(d.ci.upper) } } : {}),
    });
  }
  for (const [k, m] of models.entries()) {
    for (const [ci, pc] of perCut.entries()) {
      const idx = rowCut.flatMap((c, i) => (c === ci ? [i] : []));
      const a = auc(
        idx.map((i) => scoreArr[k]![i]!),
        idx.map((i) => labelArr[i]!),
      );
      if (Number.isFinite(a)) metrics.push({ model: m.info.id, metric: 'auc', target, segment: `cut:${taobaoLocalTime(pc.cut)}`, value: round6(a), n: pc.rows });
    }
  }

  const infos: EvalModelInfo[] = models.map((m) => {
    const c = chosen.get(m.info.id)!;
    return {
      ...m.info,
      params: { ...m.info.params, chosen: c.hp, ...(c.validation.length > 0 ? { validationGrid: c.validation.map((v) => ({ ...v.hp, auc: v.auc })) } : {}) },
      trainMs: Math.round(c.fitMs),
    };
  });
  const positives = labels.reduce((a, b) => a + b, 0);
  const local = (t: number): string => (opts.window === undefined ? taobaoLocalTime(t) : new Date(t).toISOString());
  const report: Omit<EvalReport, 'notes'> = {
    schemaVersion: 1,
    protocol: 'value/rolling',
    dataset: {
      name: opts.datasetName ?? 'taobao-userbehavior-head-rolling',
      path: file,
      split: `rolling origin: validation cut ${local(schedule.validation)}; ${schedule.tests.length} test cuts every ${stepHours} h from ${local(schedule.tests[0]!)} to ${local(schedule.tests.at(-1)!)}; label = a purchase in [cut, cut + ${horizonHours} h); features = events before the cut`,
      stats: {
        lines,
        rowErrors: rejected,
        windowStart: window.start,
        windowEnd: window.end,
        validationCut: schedule.validation,
        validationUsers: vf.users.length,
        validationPositives: vLabels.reduce((a, b) => a + b, 0),
        testCuts: schedule.tests.length,
        horizonHours,
        stepHours,
        users: userIndex.size,
        rows: n,
        positives,
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
  const diffNotes = bootstrap.differences.map(
    (d) =>
      `${candidate} − ${d.model}: AUC ${d.estimate >= 0 ? '+' : ''}${round6(d.estimate)} [${round6(d.ci.lower)}, ${round6(d.ci.upper)}], candidate better in ${(100 * d.candidateBetter).toFixed(1)}% of resamples: ${
        d.separated ? (d.ci.lower > 0 ? 'the candidate is ahead (the interval excludes 0)' : 'the candidate is BEHIND (the interval excludes 0)') : 'not separated (the interval contains 0)'
      }.`,
  );
  const notes = [
    `Rolling origin over ${file === '(in-memory events)' ? 'in-memory events' : resolve(file)}${lines > 0 ? ` (${lines} lines, ${rejected} rejected)` : ''}: events in [${local(window.start)}, ${local(window.end)}). Validation cut ${local(schedule.validation)} (${vf.users.length} users, ${report.dataset.stats.validationPositives} buy in [V, V + ${horizonHours} h)); ${schedule.tests.length} test cuts every ${stepHours} h from ${local(schedule.tests[0]!)} (= V + H, so no validation label falls in a test label window) to ${local(schedule.tests.at(-1)!)} (c + H ≤ window end).`,
    `At every cut every model is refitted on the events strictly before it (the harness hands a model nothing else) and scores every user with an event before it; label = a purchase in [cut, cut + ${horizonHours} h). Rows = (user, test cut): ${n} rows of ${userIndex.size} users, ${positives} positive.`,
    `Hyper-parameters: chosen once by AUC at the validation cut, then fixed for every test cut. ${infos
      .map((m) => {
        const c = chosen.get(m.id)!;
        return c.validation.length > 0 ? `${m.id}: ${hpText(c.hp)} (of ${c.validation.map((v) => `${hpText(v.hp)} → ${v.auc}`).join('; ')})` : `${m.id}: nothing to choose`;
      })
      .join('. ')}.`,
    `AUC pooled over the rows; 95% percentile intervals from ${resamples} bootstrap resamples of users (seed ${seed}): a resampled user brings all their rows, and every model is scored on the same resample, so the differences are paired.`,
    ...diffNotes,
    `Per-cut AUC (segment rows cut:<time>): ${models
      .map(
        (m) =>
          `${m.info.id} ${metrics
            .filter((r) => r.model === m.info.id && r.segment !== undefined)
            .map((r) => r.value.toFixed(3))
            .join(' ')}`,
      )
      .join('; ')}.`,
    `Per-cut positives: ${perCut.map((p) => `${local(p.cut).slice(5, 16)} ${p.positives}/${p.rows}`).join(', ')}.`,
  ];
  return { ...report, wallMs: Math.round(performance.now() - t0), peakRssMiB: peakRssMiB(), notes: [...notes, ...candidateLosses(report)], bootstrap };
}
