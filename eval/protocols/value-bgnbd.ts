/**
 * `clv/bgnbd-gg`: BG/NBD (Fader, Hardie & Lee 2005) for holdout transactions and Gamma-Gamma
 * (Fader, Hardie & Lee 2005b) for value per transaction, as a value/holdout model. Both are fitted
 * by maximum likelihood on the calibration window only, from each customer's purchase events in
 * the store, with the conventions of the published CDNOW summary (time in weeks, a transaction
 * is a customer-day, x counts the days after the first).
 */
import { expectedTransactions, fitBgNbd } from '../../ml/clv/bgnbd';
import { conditionalExpectedValue, fitGammaGamma, populationMeanValue } from '../../ml/clv/gamma-gamma';
import type { NelderMeadOptions } from '../../ml/clv/nelder-mead';
import { round6 } from './support';
import type { ValueModel } from './value-models';

const DAY_MS = 24 * 3600 * 1000;
const WEEK_MS = 7 * DAY_MS;

/** One customer's calibration summary, in weeks. */
export interface ClvSummary {
  /** Repeat transactions: purchase days after the first. */
  readonly x: number;
  /** Weeks from the first purchase day to the last. */
  readonly tx: number;
  /** Weeks from the first purchase day to the last observed day. */
  readonly T: number;
  /** Mean value of the repeat transactions (the first excluded); 0 when x = 0. */
  readonly zbar: number;
}

/** A purchase as the summary needs it (a store `Interaction` fits). */
export interface PurchaseLike {
  /** ms since the epoch. */
  readonly ts: number;
  readonly value: number;
}

/**
 * Summarise purchases observed up to and including the UTC day that starts at `lastDay` (ms).
 * Purchases are bucketed into UTC days (a transaction is a customer-day, values summed) and every
 * time is measured between day starts: a customer who first bought on 1997-01-01 and is observed
 * to 1997-09-30 has T = 272/7 = 38.86 weeks, as in the published CDNOW summary. Returns null for
 * no purchases; throws RangeError for a purchase after the last day (it would leak the future).
 */
export function summarisePurchases(purchases: readonly PurchaseLike[], lastDay: number): ClvSummary | null {
  const end = Math.floor(lastDay / DAY_MS) * DAY_MS;
  const days = new Map<number, number>();
  for (const p of purchases) {
    const day = Math.floor(p.ts / DAY_MS) * DAY_MS;
    if (day > end) throw new RangeError(`purchase at ${new Date(p.ts).toISOString()} is after the last observed day ${new Date(end).toISOString().slice(0, 10)}`);
    days.set(day, (days.get(day) ?? 0) + p.value);
  }
  if (days.size === 0) return null;
  const sorted = [...days.entries()].sort((u, v) => u[0] - v[0]);
  const first = sorted[0]![0];
  const last = sorted[sorted.length - 1]![0];
  const repeat = sorted.slice(1);
  return {
    x: repeat.length,
    tx: (last - first) / WEEK_MS,
    T: (end - first) / WEEK_MS,
    zbar: repeat.length === 0 ? 0 : repeat.reduce((s, [, v]) => s + v, 0) / repeat.length,
  };
}

export interface BgNbdGammaGammaOptions {
  /** History rows read per customer from the store; a customer with more fails the run. Default 100000. */
  readonly historyLimit?: number;
  /** Nelder–Mead options for both maximum-likelihood fits. Default: nelderMead's defaults. */
  readonly optimizer?: NelderMeadOptions;
}

/**
 * BG/NBD + Gamma-Gamma value model. Per customer, from the calibration purchases in the store:
 * (x, t_x, T, z̄) by `summarisePurchases` with the last calibration day as the end. BG/NBD is fitted
 * on every customer, Gamma-Gamma on those with x > 0 and z̄ > 0. Predictions:
 * transactions = E[Y(holdout weeks) | x, t_x, T]; spend = transactions × the Gamma-Gamma
 * conditional mean value (the population mean p·v/(q−1) when x = 0).
 */
export function createBgNbdGammaGammaValueModel(opts: BgNbdGammaGammaOptions = {}): ValueModel {
  const historyLimit = opts.historyLimit ?? 100_000;
  const fitOpts = opts.optimizer ? { optimizer: opts.optimizer } : {};
  return {
    info: {
      id: 'clv/bgnbd-gg',
      version: '1.0.0',
      role: 'baseline',
      params: {
        transactions: 'BG/NBD (Fader, Hardie & Lee 2005): E[Y(holdout weeks) | x, t_x, T]',
        value: 'Gamma-Gamma (Fader, Hardie & Lee 2005b): conditional mean value per transaction; population mean p·v/(q−1) for x = 0',
        fit: 'maximum likelihood on the calibration window (Nelder–Mead on log-parameters)',
        timeUnit: 'week',
        transaction: 'customer-day; x excludes the first purchase day, z̄ is the mean of the repeat days',
      },
    },
    async predict(ctx) {
      const lastDay = ctx.calibration.end - DAY_MS;
      const summaries: ClvSummary[] = [];
      for (const c of ctx.customers) {
        const profile = await ctx.store.userProfile(c.userId, historyLimit);
        if (profile.history.length >= historyLimit) throw new Error(`${c.userId} has ${historyLimit}+ events: raise historyLimit (a truncated history would move the first purchase)`);
        const s = summarisePurchases(
          profile.history.filter((h) => h.type === 'purchase' && h.ts < ctx.calibration.end),
          lastDay,
        );
        if (s === null) throw new Error(`${c.userId} has no purchase in the store before ${new Date(ctx.calibration.end).toISOString()}`);
        summaries.push(s);
      }
      const bg = fitBgNbd({ x: summaries.map((s) => s.x), tx: summaries.map((s) => s.tx), T: summaries.map((s) => s.T) }, fitOpts);
      const repeat = summaries.filter((s) => s.x > 0 && s.zbar > 0);
      const gg = fitGammaGamma({ x: repeat.map((s) => s.x), zbar: repeat.map((s) => s.zbar) }, fitOpts);
      const mean = populationMeanValue(gg.params);
      const t = ctx.holdout.weeks;
      const transactions = Float64Array.from(summaries, (s) => expectedTransactions(bg.params, t, s.x, s.tx, s.T));
      const spend = Float64Array.from(summaries, (s, i) => transactions[i]! * (s.x > 0 ? conditionalExpectedValue(gg.params, s.x, s.zbar) : mean));
      const { r, alpha, a, b } = bg.params;
      const { p, q, v } = gg.params;
      return {
        transactions,
        spend,
        fitted: {
          bgnbd: { r: round6(r), alpha: round6(alpha), a: round6(a), b: round6(b), logLikelihood: round6(bg.logLikelihood), customers: bg.customers, converged: bg.converged },
          gammaGamma: { p: round6(p), q: round6(q), v: round6(v), logLikelihood: round6(gg.logLikelihood), customers: gg.customers, populationMeanValue: round6(mean), converged: gg.converged },
          horizonWeeks: t,
          lastCalibrationDay: new Date(lastDay).toISOString().slice(0, 10),
        },
      };
    },
  };
}
