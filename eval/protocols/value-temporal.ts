/**
 * DUVE on the Taobao event log: will a user buy in the next window? Reported under protocol
 * `events/temporal` (dataset `taobao-userbehavior-head-value`), with the same global time cut.
 *
 * - Users: everyone with an event before the cut. Training (every model): events before the cut.
 * - `purchase_next_window`: scored at the cut; label = bought anything in [cut, end).
 * - `purchase_next_window_at_request`: scored at request times inside the evaluation window. A
 *   request is a page view (Taobao pv) at time s in [cut, end − H); up to `requestsPerUser` per
 *   user, drawn without replacement (seeded). Features use every event strictly before s (the
 *   online state sees the evaluation window as it happens); label = a purchase in (s, s + H].
 *   GAUC groups by user: does the model tell a user's buying moments from their other visits?
 * - Models: DUVE with per-type learned decays (candidate), one shared learned decay, no decay
 *   (λ = 0); the per-type model served from snapshots refreshed every 15 or 60 minutes (the state
 *   as of the last refresh r = ⌊s / interval⌋·interval, events before r, read at r); static RFM
 *   (the baseline/rfm plugin's rfmValues/rfmCell, quintiles fitted at the cut); BG/NBD
 *   E[purchases in H | x, t_x, T] (P(alive) included), fitted at the cut on the buyers.
 */
import { resolve } from 'node:path';
import type { Interaction } from '../../domain/events';
import { expectedTransactions, fitBgNbd, type BgNbdParams } from '../../ml/clv/bgnbd';
import { referenceTimes, type DuveHistory } from '../../ml/duve/examples';
import { duveHalfLivesDays, duveLayout, type DecayMode, type DuveModel } from '../../ml/duve/model';
import { duveUserValue, forecastsAt, lastRefresh } from '../../ml/duve/replay';
import { createDuveReading, createDuveStateStore, type DuveEvent } from '../../ml/duve/state';
import { exportDuveModel } from '../../ml/duve/export';
import { trainDuve } from '../../ml/duve/train';
import { mulberry32 } from '../../ml/random';
import { fitRfmBreakpoints, rfmCell, rfmValues, type RfmBreakpoints, type RfmValues } from '../../plugins/baseline/rfm';
import { TAOBAO_WINDOW, loadTaobao, taobaoLocalTime } from '../datasets/taobao';
import { auc, gauc } from '../metrics/classification';
import { candidateLosses } from '../report/json';
import type { EvalModelInfo, EvalReport, MetricRow } from '../report/types';
import { DEFAULT_TAOBAO_FILE } from './events-temporal';
import { compareSegments, createEvalProgress, peakRssMiB, round6, type RunEnvironmentOptions } from './support';
import { historySegment, resolveCut, type CutOptions } from './temporal-split';
import { summarisePurchases } from './value-bgnbd';

const HOUR_MS = 3600 * 1000;
const WEEK_MS = 7 * 24 * HOUR_MS;

export interface ValueTemporalOptions extends RunEnvironmentOptions, CutOptions {
  /** Event log in Taobao UserBehavior format. Default DEFAULT_TAOBAO_FILE. */
  readonly file?: string;
  /** Dataset name in the report. Default `taobao-userbehavior-head-value`. */
  readonly datasetName?: string;
  /** Seed of training and request sampling. Default 42. */
  readonly seed?: number;
  /** Observation window [start, end) in ms. Default TAOBAO_WINDOW. */
  readonly window?: { readonly start: number; readonly end: number };
  /** Read only the first N non-empty lines. Default: all. */
  readonly maxLines?: number;
  /** Forecast horizon H in hours (training label windows and request labels). Default 24. */
  readonly horizonHours?: number;
  /** Hours between training reference times, from the window start. Default 3. */
  readonly refStepHours?: number;
  /** Adam steps per DUVE variant. Default 200. */
  readonly iterations?: number;
  /** Refresh intervals of the snapshot ablation, minutes. Default [15, 60]. */
  readonly refreshMinutes?: readonly number[];
  /** Requests sampled per user. Default 10. */
  readonly requestsPerUser?: number;
  /** When set, export the per-type model as the next version under `<artifactRoot>/duve/`. Default: no export. */
  readonly artifactRoot?: string;
}

interface Scored {
  readonly info: EvalModelInfo;
  readonly atCut: Float64Array;
  readonly atRequest: Float64Array;
}

const VARIANTS: ReadonlyArray<{ id: string; mode: DecayMode }> = [
  { id: 'duve/per-type', mode: 'per-type' },
  { id: 'duve/shared-decay', mode: 'shared' },
  { id: 'duve/no-decay', mode: 'none' },
];

const toInteraction = (e: DuveEvent): Interaction => ({ itemId: e.itemId ?? '', type: e.type, ts: e.ts, value: e.value });

export async function runValueTemporal(opts: ValueTemporalOptions = {}): Promise<EvalReport> {
  const started = Date.now();
  const t0 = performance.now();
  const file = opts.file ?? DEFAULT_TAOBAO_FILE;
  const seed = opts.seed ?? 42;
  const window = opts.window ?? TAOBAO_WINDOW;
  const cut = resolveCut(window, opts);
  const H = (opts.horizonHours ?? 24) * HOUR_MS;
  const refreshes = opts.refreshMinutes ?? [15, 60];
  const perUser = opts.requestsPerUser ?? 10;
  const iterations = opts.iterations ?? 200;
  if (!(cut + H <= window.end)) throw new RangeError('the horizon must fit in the evaluation window');

  const log = await loadTaobao(file, opts.maxLines !== undefined ? { maxLines: opts.maxLines } : {});
  const train = new Map<string, DuveEvent[]>();
  const all = new Map<string, DuveEvent[]>();
  let evalEvents = 0;
  for (const { event: e } of log.rows) {
    if (e.itemId === null || e.ts >= window.end) continue;
    const ev: DuveEvent = { type: e.type, itemId: e.itemId, ts: e.ts, value: e.value };
    if (e.ts < cut) (train.get(e.userId) ?? train.set(e.userId, []).get(e.userId)!).push(ev);
    else evalEvents += 1;
    (all.get(e.userId) ?? all.set(e.userId, []).get(e.userId)!).push(ev);
  }
  const users = [...train.keys()].sort();
  const boughtInWindow = Float64Array.from(users, (u) => (all.get(u)!.some((e) => e.type === 'purchase' && e.ts >= cut) ? 1 : 0));

  // Requests: sampled page views in [cut, end − H), label = a purchase in (s, s + H].
  const rng = mulberry32(seed);
  const reqUser: number[] = [];
  const reqTs: number[] = [];
  const reqLabel: number[] = [];
  const reqOf: number[][] = users.map(() => []);
  users.forEach((u, ui) => {
    const evs = all.get(u)!;
    const views = [...new Set(evs.filter((e) => e.type === 'view' && e.ts >= cut && e.ts < window.end - H).map((e) => e.ts))].sort((a, b) => a - b);
    for (let k = 0; k < Math.min(perUser, views.length); k++) {
      const j = k + Math.floor(rng() * (views.length - k));
      [views[k], views[j]] = [views[j]!, views[k]!];
    }
    for (const s of views.slice(0, perUser).sort((a, b) => a - b)) {
      reqOf[ui]!.push(reqTs.length);
      reqUser.push(ui);
      reqTs.push(s);
      reqLabel.push(evs.some((e) => e.type === 'purchase' && e.ts > s && e.ts <= s + H) ? 1 : 0);
    }
  });

  const progress = createEvalProgress('eval value/temporal', VARIANTS.length + 2, opts);
  const scored: Scored[] = [];
  const notes: string[] = [];
  const scoreDuve = (model: DuveModel, snap: number | null): Float64Array => {
    const layout = duveLayout(model);
    const out = new Float64Array(reqTs.length);
    users.forEach((u, ui) => {
      const idx = reqOf[ui]!;
      const times = idx.map((i) => (snap === null ? reqTs[i]! : lastRefresh(reqTs[i]!, snap)));
      forecastsAt(model, layout, all.get(u)!, times).forEach((f, q) => (out[idx[q]!] = f?.pPurchase ?? 0));
    });
    return out;
  };
  let segmentNote = '';
  const histories: DuveHistory[] = users.map((u) => ({ userId: u, events: train.get(u)! }));
  const refTimes = referenceTimes(window.start, cut, (opts.refStepHours ?? 3) * HOUR_MS, H);
  for (const v of VARIANTS) {
    const { model, stats } = trainDuve(histories, { refTimes, trainEnd: cut, horizonMs: H, decayMode: v.mode, iterations, seed });
    // At the cut: the online state built from the training rows in file order (not time order).
    const layout = duveLayout(model);
    const store = createDuveStateStore(layout);
    for (const u of users) for (const e of train.get(u)!) store.observe(u, e);
    const reading = createDuveReading(layout);
    const served = users.map((u) => duveUserValue(model, store, u, cut, reading));
    const atCut = Float64Array.from(served, (f) => f?.pPurchase ?? 0);
    // null = no decay (JSON has no Infinity).
    const halfLives = Object.fromEntries(Object.entries(duveHalfLivesDays(model)).map(([k, x]) => [k, Number.isFinite(x) ? round6(x * 24) : null]));
    const params = {
      decayMode: v.mode,
      horizonHours: H / HOUR_MS,
      refStepHours: opts.refStepHours ?? 3,
      iterations,
      seed,
      halfLivesHours: halfLives,
      examples: stats.examples,
      positiveRate: round6(stats.positiveRate),
    };
    const artifact =
      opts.artifactRoot !== undefined && v.mode === 'per-type'
        ? (
            await exportDuveModel(model, {
              root: opts.artifactRoot,
              modelId: v.id,
              training: { dataset: resolve(file), trainEnd: new Date(cut).toISOString(), ...stats },
              createdBy: 'eval runValueTemporal',
            })
          ).dir
        : undefined;
    const info: EvalModelInfo = { id: v.id, version: '1.0.0', role: v.mode === 'per-type' ? 'candidate' : 'baseline', params, trainMs: stats.trainMs, ...(artifact !== undefined ? { artifact } : {}) };
    scored.push({ info, atCut, atRequest: scoreDuve(model, null) });
    notes.push(
      `${v.id}: learned half-lives (hours) ${Object.entries(halfLives)
        .map(([k, x]) => `${k} ${x ?? 'none (λ = 0)'}`)
        .join(', ')}; ${stats.examples} training examples over ${stats.refTimes} reference times; trained in ${stats.trainMs} ms.`,
    );
    if (v.mode === 'per-type') {
      for (const minutes of refreshes) {
        const id = `${v.id}+refresh-${minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`}`;
        const atSnap = Float64Array.from(users, (u) => forecastsAt(model, layout, train.get(u)!, [lastRefresh(cut, minutes * 60_000)])[0]?.pPurchase ?? 0);
        scored.push({
          info: { id, version: '1.0.0', role: 'baseline', params: { ...params, refreshMinutes: minutes, served: 'state as of the last refresh (events before it, read at it)' } },
          atCut: atSnap,
          atRequest: scoreDuve(model, minutes * 60_000),
        });
      }
      const seg = new Map<string, { n: number; bought: number }>();
      served.forEach((f, i) => {
        if (f === null) return;
        const s = seg.get(f.segment) ?? { n: 0, bought: 0 };
        seg.set(f.segment, { n: s.n + 1, bought: s.bought + boughtInWindow[i]! });
      });
      segmentNote = `DUVE segments at the cut (duve/per-type; thresholds ${JSON.stringify(model.segments)}): ${[...seg.entries()].map(([k, s]) => `${k} ${s.n} users, ${((100 * s.bought) / s.n).toFixed(1)}% bought in the window`).join('; ')}.`;
    }
    progress.tick();
  }

  // Static RFM, quintile edges fitted on the buyers before the cut; 0 for a user who never bought.
  const rfmAt = (u: string, t: number, edges: RfmBreakpoints): number => {
    const v = rfmValues(
      all
        .get(u)!
        .filter((e) => e.ts < t)
        .map(toInteraction),
      t,
    );
    return v === null ? 0 : rfmCell(v, edges).code;
  };
  const cutValues = users.map((u) => rfmValues(train.get(u)!.map(toInteraction), cut)).filter((v): v is RfmValues => v !== null);
  const edges = fitRfmBreakpoints(cutValues);
  scored.push({
    info: { id: 'baseline/rfm', version: '1.0.0', role: 'baseline', params: { score: 'RFM cell 100R+10F+M (0 without a purchase)', edgesFittedOn: `${cutValues.length} buyers before the cut` } },
    atCut: Float64Array.from(users, (u) => rfmAt(u, cut, edges)),
    atRequest: Float64Array.from(reqTs, (s, i) => rfmAt(users[reqUser[i]!]!, s, edges)),
  });
  progress.tick();

  // BG/NBD in weeks on purchase days, fitted at the cut on the users with a purchase.
  const summary = (u: string, t: number): ReturnType<typeof summarisePurchases> =>
    summarisePurchases(
      all.get(u)!.filter((e) => e.type === 'purchase' && e.ts < t),
      t - 1,
    );
  const fitRows = users.map((u) => summary(u, cut)).filter((s) => s !== null);
  const bgStarted = performance.now();
  const bg = fitBgNbd({ x: fitRows.map((s) => s.x), tx: fitRows.map((s) => s.tx), T: fitRows.map((s) => s.T) });
  const bgScore = (p: BgNbdParams, u: string, t: number): number => {
    const s = summary(u, t);
    return s === null ? 0 : expectedTransactions(p, H / WEEK_MS, s.x, s.tx, s.T);
  };
  const { r, alpha, a, b } = bg.params;
  scored.push({
    info: {
      id: 'clv/bgnbd',
      version: '1.0.0',
      role: 'baseline',
      params: {
        score: 'E[purchases in H | x, t_x, T] (includes P(alive)); 0 without a purchase',
        r: round6(r),
        alpha: round6(alpha),
        a: round6(a),
        b: round6(b),
        customers: bg.customers,
        converged: bg.converged,
      },
      trainMs: Math.round(performance.now() - bgStarted),
    },
    atCut: Float64Array.from(users, (u) => bgScore(bg.params, u, cut)),
    atRequest: Float64Array.from(reqTs, (s, i) => bgScore(bg.params, users[reqUser[i]!]!, s)),
  });
  progress.tick();
  progress.stop();

  const metrics: MetricRow[] = [];
  const segments = users.map((u) => historySegment(train.get(u)!.length));
  const segNames = [...new Set(segments)].sort(compareSegments);
  for (const m of scored) {
    const add = (metric: string, target: string, value: number, n: number, segment?: string): void => {
      if (Number.isFinite(value) && n > 0) metrics.push({ model: m.info.id, metric, target, ...(segment !== undefined ? { segment } : {}), value: round6(value), n });
    };
    add('auc', 'purchase_next_window', auc(m.atCut, boughtInWindow), users.length);
    for (const seg of segNames) {
      const idx = segments.flatMap((s, i) => (s === seg ? [i] : []));
      add(
        'auc',
        'purchase_next_window',
        auc(
          idx.map((i) => m.atCut[i]!),
          idx.map((i) => boughtInWindow[i]!),
        ),
        idx.length,
        seg,
      );
    }
    add('auc', 'purchase_next_window_at_request', auc(m.atRequest, reqLabel), reqTs.length);
    const groups = reqOf.map((idx) => {
      return { scores: idx.map((i) => m.atRequest[i]!), labels: idx.map((i) => reqLabel[i]!) };
    });
    const g = gauc(groups);
    add('gauc', 'purchase_next_window_at_request', g.value, g.groups);
  }

  const stale = refreshes.map((min) => {
    const grid = min * 60_000;
    let gap = 0;
    let missed = 0;
    reqTs.forEach((s, i) => {
      const rr = lastRefresh(s, grid);
      gap += s - rr;
      if (all.get(users[reqUser[i]!]!)!.some((e) => e.ts >= rr && e.ts < s)) missed += 1;
    });
    return `${min}-minute refresh: the served state is on average ${(gap / Math.max(1, reqTs.length) / 60_000).toFixed(1)} minutes old and misses at least one of the user's events in ${((100 * missed) / Math.max(1, reqTs.length)).toFixed(1)}% of requests`;
  });
  // Hanley & McNeil (1982) standard error of an AUC with P positives and N negatives.
  const aucSe = (A: number, P: number, N: number): number => Math.sqrt((A * (1 - A) + (P - 1) * (A / (2 - A) - A * A) + (N - 1) * ((2 * A * A) / (1 + A) - A * A)) / (P * N));
  const pos = boughtInWindow.reduce((x, y) => x + y, 0);
  const candAuc = metrics.find((m) => m.model === 'duve/per-type' && m.metric === 'auc' && m.target === 'purchase_next_window' && m.segment === undefined)?.value ?? Number.NaN;
  const reqPos = reqLabel.reduce((x, y) => x + y, 0);
  const candReq = metrics.find((m) => m.model === 'duve/per-type' && m.metric === 'auc' && m.target === 'purchase_next_window_at_request')?.value ?? Number.NaN;
  const seNote = `Sampling error (Hanley & McNeil 1982): the at-cut AUC of duve/per-type has SE ${round6(aucSe(candAuc, pos, users.length - pos))} (${pos} positives, ${users.length - pos} negatives), the request AUC SE ${round6(aucSe(candReq, reqPos, reqTs.length - reqPos))} (requests of one user are not independent, so the true error is larger); differences under two SE are not evidence either way.`;
  // Diagnostic: how request time alone ranks a user's requests (GAUC of s itself).
  const byTime = gauc(reqOf.map((idx) => ({ scores: idx.map((i) => reqTs[i]!), labels: idx.map((i) => reqLabel[i]!) })));
  const report: Omit<EvalReport, 'notes'> = {
    schemaVersion: 1,
    protocol: 'events/temporal',
    dataset: {
      name: opts.datasetName ?? 'taobao-userbehavior-head-value',
      path: file,
      split: `global time cut at ${new Date(cut).toISOString()}: train = events before it; purchase_next_window = [cut, ${new Date(window.end).toISOString()}); requests in [cut, end − ${H / HOUR_MS} h)`,
      stats: {
        lines: log.lines,
        rowErrors: log.rowErrors.length,
        cutTs: cut,
        windowStart: window.start,
        windowEnd: window.end,
        horizonHours: H / HOUR_MS,
        users: users.length,
        buyersInWindow: boughtInWindow.reduce((x, y) => x + y, 0),
        evalEvents,
        requests: reqTs.length,
        requestPositives: reqLabel.reduce((x, y) => x + y, 0),
      },
    },
    seed,
    startedAt: new Date(started).toISOString(),
    wallMs: 0,
    peakRssMiB: 0,
    models: scored.map((s) => s.info),
    metrics,
  };
  const header = [
    `Cut ${taobaoLocalTime(cut)} (${cut / 1000} s); evaluation window to ${taobaoLocalTime(window.end)}. File: ${resolve(file)} (${log.lines} lines, ${log.rowErrors.length} rejected). Users = the ${users.length} with an event before the cut; ${report.dataset.stats.buyersInWindow} of them buy in the window (purchase_next_window positives).`,
    `DUVE is trained on the events before the cut only: reference times every ${opts.refStepHours ?? 3} h from ${taobaoLocalTime(window.start)}, label windows of H = ${H / HOUR_MS} h ending at or before the cut; tracked types view (pv), add_to_cart (cart), wishlist (fav), purchase (buy). Taobao carries no prices: spend heads are off and RFM's M is constant. Scores: DUVE P(purchase in H); at the cut the forecast horizon (H) is shorter than the label window (${(window.end - cut) / HOUR_MS} h), which only matters for calibration, not for AUC.`,
    `Requests: ${reqTs.length} sampled page views (≤ ${perUser} per user, seed ${seed}) in [cut, end − H); ${report.dataset.stats.requestPositives} are followed by a purchase within H. Refresh ablation: ${stale.join('; ')}. At the cut (a whole hour) the snapshots coincide with the online state, so only the request rows can differ. Within a user, later requests are less often followed by a purchase (a purchase usually ends the buying episode): ranking a user's requests by their time alone gives GAUC ${round6(byTime.value)} over ${byTime.groups} users, so any score that accumulates activity over the window sits below 0.5 there; read GAUC against that, not against 0.5.`,
    seNote,
    segmentNote,
    ...notes,
    `clv/bgnbd: BG/NBD fitted at the cut on the ${bg.customers} users with a purchase (weeks, purchase days; summarisePurchases of value-bgnbd.ts), r = ${round6(r)}, alpha = ${round6(alpha)}, a = ${round6(a)}, b = ${round6(b)}${bg.converged ? '' : ' (the optimiser stopped at its evaluation budget: converged = false)'}; users without a purchase score 0, as in RFM.`,
  ];
  return { ...report, wallMs: Math.round(performance.now() - t0), peakRssMiB: peakRssMiB(), notes: [...header, ...candidateLosses(report)] };
}
