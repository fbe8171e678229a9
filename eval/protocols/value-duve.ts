/**
 * `duve/value`: DUVE (ml/duve) as a value/holdout model, the candidate. Trained on the
 * calibration window only: reference times every `refStepDays` from the calibration start, each
 * with a label window of `horizonDays` that ends at or before the calibration end. CDNOW has
 * purchases only, so the per-type decays reduce to ONE learned λ (the purchase decay).
 *
 * Holdout projection (linear): the model forecasts the next H = horizonDays; holdout figures are
 * that forecast × holdout days / H (273 / 30 = 9.1 on the default split), i.e. the forecast rate
 * is assumed to hold through the holdout. The state is not aged further, so customers who are
 * lapsing at the calibration end are over-predicted and the reported bias shows it.
 */
import type { Interaction } from '../../domain/events';
import { referenceTimes, type DuveHistory } from '../../ml/duve/examples';
import { exportDuveModel } from '../../ml/duve/export';
import { duveHalfLivesDays, duveLayout, type DecayMode } from '../../ml/duve/model';
import { forecastsAt } from '../../ml/duve/replay';
import { DAY_MS } from '../../ml/duve/state';
import { trainDuve } from '../../ml/duve/train';
import { round6 } from './support';
import type { ValueModel } from './value-models';

export interface DuveValueOptions {
  /** Report id. Default `duve/value`. */
  readonly id?: string;
  /** Forecast horizon H the model is trained on, in days. Default 30. */
  readonly horizonDays?: number;
  /** Days between reference times, counted from the calibration start. Default 14. */
  readonly refStepDays?: number;
  /** Decay parametrisation. Default `per-type` (one λ on purchase-only data). */
  readonly decayMode?: DecayMode;
  /** Adam steps. Default 150 (the CDNOW objective is flat after ~100). */
  readonly iterations?: number;
  /** Training seed. Default: the run's seed. */
  readonly seed?: number;
  /** History rows read per customer; a customer with more fails the run. Default 100000. */
  readonly historyLimit?: number;
  /** When set, export the trained model as the next version under `<artifactRoot>/duve/`. Default: no export. */
  readonly artifactRoot?: string;
}

export function createDuveValueModel(opts: DuveValueOptions = {}): ValueModel {
  const horizonDays = opts.horizonDays ?? 30;
  const stepDays = opts.refStepDays ?? 14;
  const decayMode = opts.decayMode ?? 'per-type';
  const iterations = opts.iterations ?? 150;
  const historyLimit = opts.historyLimit ?? 100_000;
  return {
    info: {
      id: opts.id ?? 'duve/value',
      version: '1.0.0',
      role: 'candidate',
      params: {
        horizonDays,
        refStepDays: stepDays,
        decayMode,
        iterations,
        heads: 'logistic P(purchase), Poisson purchases and events, log-normal spend | purchase; joint Adam with the decays',
        projection: 'linear: holdout = H-day forecast × holdout days / H',
      },
    },
    async predict(ctx) {
      const cal = ctx.calibration;
      const histories: DuveHistory[] = [];
      for (const c of ctx.customers) {
        const profile = await ctx.store.userProfile(c.userId, historyLimit);
        if (profile.history.length >= historyLimit) throw new Error(`${c.userId} has ${historyLimit}+ events: raise historyLimit`);
        histories.push({ userId: c.userId, events: profile.history.filter((h: Interaction) => h.ts < cal.end) });
      }
      const horizonMs = horizonDays * DAY_MS;
      const refTimes = referenceTimes(cal.start, cal.end, stepDays * DAY_MS, horizonMs);
      const seed = opts.seed ?? ctx.seed;
      const { model, stats } = trainDuve(histories, { refTimes, trainEnd: cal.end, horizonMs, types: ['purchase'], decayMode, iterations, seed });
      const layout = duveLayout(model);
      const scale = (ctx.holdout.end - ctx.holdout.start) / horizonMs;
      const spend = new Float64Array(histories.length);
      const transactions = new Float64Array(histories.length);
      const segments: Record<string, number> = {};
      histories.forEach((h, i) => {
        // The store returns newest first: the state folds them out of order, exactly.
        const f = forecastsAt(model, layout, h.events, [cal.end])[0];
        if (!f) throw new Error(`${h.userId} has no purchase before ${new Date(cal.end).toISOString()}`);
        spend[i] = f.expectedSpend * scale;
        transactions[i] = f.expectedPurchases * scale;
        segments[f.segment] = (segments[f.segment] ?? 0) + 1;
      });
      let artifact: string | undefined;
      if (opts.artifactRoot !== undefined) {
        const out = await exportDuveModel(model, {
          root: opts.artifactRoot,
          training: { dataset: 'value/holdout calibration window', calibration: [new Date(cal.start).toISOString(), new Date(cal.end).toISOString()], ...stats },
          createdBy: 'eval value/holdout createDuveValueModel',
        });
        artifact = out.dir;
      }
      const halfLives = duveHalfLivesDays(model);
      return {
        spend,
        transactions,
        fitted: {
          // null = no decay (JSON has no Infinity)
          halfLivesDays: Object.fromEntries(Object.entries(halfLives).map(([k, v]) => [k, Number.isFinite(v) ? round6(v) : null])),
          examples: stats.examples,
          referenceTimes: stats.refTimes,
          positiveRate: round6(stats.positiveRate),
          lossFirstLast: [round6(stats.loss[0]!), round6(stats.loss.at(-1)!)],
          holdoutScale: round6(scale),
          spendLogVariance: round6(model.spendLogVariance),
          segmentsAtCalibrationEnd: segments,
          seed,
          ...(artifact !== undefined ? { artifact } : {}),
        },
      };
    },
  };
}
