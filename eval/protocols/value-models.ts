/**
 * Models of the value/holdout protocol. A model sees the calibration window only: the store
 * (calibration transactions as purchase events) and per-customer calibration summaries; it
 * returns per-customer predictions of holdout spend and transactions. Another model (BG/NBD,
 * DUVE) is one more object implementing `ValueModel`.
 */
import type { Interaction } from '../../domain/events';
import type { GraphStore, UserProfile } from '../../graph/port';
import { loadFeatures } from '../../pipeline/features';
import { createRfmScorer, fitRfmBreakpoints, rfmValues, type RfmBreakpoints, type RfmValues } from '../../plugins/baseline/rfm';
import { scoresOf } from '../../plugins/sdk/contract';
import type { FeatureKey } from '../../plugins/sdk/features';
import { checkScores } from '../../plugins/sdk/run';
import type { EvalModelInfo } from '../report/types';
import { createEvalRegistry, round6 } from './support';

const roundEdges = (b: RfmBreakpoints): Record<string, number[]> => ({
  recencyDays: b.recencyDays.map(round6),
  frequency: b.frequency.map(round6),
  monetary: b.monetary.map(round6),
});

const WEEK_MS = 7 * 24 * 3600 * 1000;

/** What a customer did in the calibration window. */
export interface CalibrationCustomer {
  /** Store user id (`cdnow:<customer_id>`). */
  readonly userId: string;
  /** Customer-days with a purchase. */
  readonly transactions: number;
  /** Dollars spent. */
  readonly spend: number;
}

export interface ValueWindow {
  readonly start: number;
  /** Exclusive end (ms). */
  readonly end: number;
  readonly weeks: number;
}

/** Everything a model may use. The holdout is described by its dates only. */
export interface ValueContext {
  readonly store: GraphStore;
  readonly customers: readonly CalibrationCustomer[];
  readonly calibration: ValueWindow;
  readonly holdout: ValueWindow;
  /** The item every purchase event names. */
  readonly itemId: string;
  readonly seed: number;
}

/** Predictions aligned with `ctx.customers`. */
export interface ValuePredictions {
  readonly spend: Float64Array;
  readonly transactions: Float64Array;
  /** Fitted values worth recording in the report (merged into the model's params). */
  readonly fitted?: Readonly<Record<string, unknown>>;
}

export interface ValueModel {
  readonly info: Omit<EvalModelInfo, 'trainMs' | 'artifact'>;
  predict(ctx: ValueContext): Promise<ValuePredictions>;
}

/** Floor: "repeat the calibration period": holdout = calibration × holdout weeks / calibration weeks. */
export function createRepeatCalibrationModel(): ValueModel {
  return {
    info: { id: 'trivial/repeat-calibration', version: '1.0.0', role: 'baseline', params: { rule: 'holdout value = calibration value × holdoutWeeks / calibrationWeeks' } },
    async predict(ctx) {
      const f = ctx.holdout.weeks / ctx.calibration.weeks;
      return {
        spend: Float64Array.from(ctx.customers, (c) => c.spend * f),
        transactions: Float64Array.from(ctx.customers, (c) => c.transactions * f),
      };
    },
  };
}

export interface RfmValueOptions {
  /** Weeks at the start of calibration whose RFM cell is mapped to the outcome in the rest of calibration. Default 20. */
  readonly featureWeeks?: number;
  /** Prior strength, in customers, shrinking each cell's mean towards the overall mean. Default 10. */
  readonly shrinkage?: number;
  /** History rows read per customer from the store. Default 100000. */
  readonly historyLimit?: number;
}

/** RFM cell of every customer as of `now`, computed by the registered `baseline/rfm` plugin. */
async function rfmCells(ctx: ValueContext, profiles: readonly UserProfile[], histories: ReadonlyArray<readonly Interaction[]>, now: number, breakpoints: RfmBreakpoints): Promise<Int32Array> {
  const registry = await createEvalRegistry([createRfmScorer({ breakpoints })]);
  try {
    const reg = registry.get('baseline/rfm')!;
    const needed = new Set<FeatureKey>(reg.features);
    const meta = (await ctx.store.getItems([ctx.itemId])).get(ctx.itemId) ?? null;
    const candidates = { itemIds: [ctx.itemId], sources: [[]], meta: [meta], neighbourhood: null, ranks: [], historyItems: null, ancestors: new Map() };
    const cells = new Int32Array(profiles.length);
    const signal = new AbortController().signal;
    for (let i = 0; i < profiles.length; i++) {
      const profile = { ...profiles[i]!, history: histories[i]! };
      const features = await loadFeatures({ store: ctx.store, needed, profile, candidates, now, seeds: 0 });
      const scores = scoresOf(await reg.scorer.score({ userId: ctx.customers[i]!.userId, itemIds: candidates.itemIds, features: features as never, now, signal }));
      const problem = checkScores(scores, 1);
      if (problem) throw new Error(`baseline/rfm returned a bad score: ${problem}`);
      cells[i] = Math.floor(scores[0]!);
    }
    return cells;
  } finally {
    await registry.close();
  }
}

/**
 * Static RFM with a documented calibration, fitted inside the calibration window only:
 * 1. RFM cells as of calibration start + featureWeeks (quintile edges fitted on that population);
 *    outcome = spend and transactions in the rest of calibration; per cell the mean outcome,
 *    shrunk towards the overall mean with `shrinkage` pseudo-customers.
 * 2. RFM cells as of calibration end (edges refitted: quintiles are relative to the population);
 *    prediction = that cell's fitted mean × holdout weeks / outcome weeks (overall mean for a
 *    cell unseen in step 1).
 */
export function createRfmValueModel(opts: RfmValueOptions = {}): ValueModel {
  const featureWeeks = opts.featureWeeks ?? 20;
  const shrinkage = opts.shrinkage ?? 10;
  const historyLimit = opts.historyLimit ?? 100_000;
  return {
    info: {
      id: 'baseline/rfm',
      version: createRfmScorer().version,
      role: 'baseline',
      params: { featureWeeks, shrinkage, mapping: 'shrunk mean outcome per RFM cell (100R+10F+M), fitted within calibration, scaled to the holdout length' },
    },
    async predict(ctx) {
      if (!(featureWeeks > 0 && featureWeeks < ctx.calibration.weeks)) throw new RangeError(`featureWeeks must be in (0, ${ctx.calibration.weeks}), got ${featureWeeks}`);
      const asOf = ctx.calibration.start + featureWeeks * WEEK_MS;
      const profiles: UserProfile[] = [];
      for (const c of ctx.customers) profiles.push(await ctx.store.userProfile(c.userId, historyLimit));
      const early = profiles.map((p) => p.history.filter((h) => h.ts < asOf));
      const full = profiles.map((p) => p.history);

      // Step 1: cell -> rest-of-calibration outcome.
      const earlyValues = early.map((h) => rfmValues(h, asOf));
      const fitEdges = fitRfmBreakpoints(earlyValues.filter((v): v is RfmValues => v !== null));
      const earlyCells = await rfmCells(ctx, profiles, early, asOf, fitEdges);
      const sums = new Map<number, { n: number; spend: number; tx: number }>();
      let all = { n: 0, spend: 0, tx: 0 };
      profiles.forEach((p, i) => {
        if (earlyValues[i] === null) return;
        let spend = 0;
        let tx = 0;
        for (const h of p.history) {
          if (h.ts < asOf || h.type !== 'purchase') continue;
          spend += h.value;
          tx += 1;
        }
        const cell = earlyCells[i]!;
        const s = sums.get(cell) ?? { n: 0, spend: 0, tx: 0 };
        sums.set(cell, { n: s.n + 1, spend: s.spend + spend, tx: s.tx + tx });
        all = { n: all.n + 1, spend: all.spend + spend, tx: all.tx + tx };
      });
      const meanSpend = all.spend / all.n;
      const meanTx = all.tx / all.n;
      const scale = ctx.holdout.weeks / (ctx.calibration.weeks - featureWeeks);

      // Step 2: cells at calibration end -> prediction.
      const endEdges = fitRfmBreakpoints(full.map((h) => rfmValues(h, ctx.calibration.end)).filter((v): v is RfmValues => v !== null));
      const endCells = await rfmCells(ctx, profiles, full, ctx.calibration.end, endEdges);
      const spend = new Float64Array(ctx.customers.length);
      const transactions = new Float64Array(ctx.customers.length);
      endCells.forEach((cell, i) => {
        const s = sums.get(cell);
        spend[i] = scale * (s === undefined ? meanSpend : (s.spend + shrinkage * meanSpend) / (s.n + shrinkage));
        transactions[i] = scale * (s === undefined ? meanTx : (s.tx + shrinkage * meanTx) / (s.n + shrinkage));
      });
      return {
        spend,
        transactions,
        fitted: { fitCells: sums.size, fitCustomers: all.n, scale: round6(scale), fitAsOf: new Date(asOf).toISOString().slice(0, 10), fitEdges: roundEdges(fitEdges), endEdges: roundEdges(endEdges) },
      };
    },
  };
}
