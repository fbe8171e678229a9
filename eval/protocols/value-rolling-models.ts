/**
 * The models of `value/rolling`: DUVE v2 (ml/duve2, the candidate) beside the baselines of
 * value-rolling.ts (Taobao) and value-rolling-cdnow.ts (CDNOW).
 *
 * - Taobao, `duve2/per-type`: trainDuve2 at every cut on the events before it (reference times every
 *   3 h from the window start, label windows of H ending at or before the cut, per-type decays, item
 *   categories from the rows before the cut), scored by P(purchase in H) at the cut. Grid (chosen at
 *   the validation cut): v2 Adam steps × step size.
 * - CDNOW, `duve2/value`: trainDuve2 at every origin on the purchases before it (purchase type only,
 *   H = 30 days, reference times every 14 days), holdout spend = E[spend in H] × holdout / H (the
 *   same linear projection as v1). Grid: v2 Adam steps × step size.
 */
import { createDuve2Runner, predictDuve2, trainDuve2 } from '../../ml/duve2';
import { referenceTimes, type DuveHistory } from '../../ml/duve/examples';
import { isoDay } from '../datasets/cdnow';
import { bgNbdClassifier, duveV1Classifier, rfmClassifier, type HyperParams, type RollingClassifier } from './value-rolling';
import { bgNbdGammaGammaRegressor, duveV1Regressor, type RollingRegressor } from './value-rolling-cdnow';

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;

const grid = (iterations: readonly number[], learningRates: readonly number[]): HyperParams[] => iterations.flatMap((it) => learningRates.map((lr) => ({ iterations: it, learningRate: lr })));

export function duve2Classifier(o: { id?: string; role?: 'candidate' | 'baseline'; refStepHours?: number; grid?: readonly HyperParams[] } = {}): RollingClassifier {
  const refStepHours = o.refStepHours ?? 3;
  const id = o.id ?? 'duve2/per-type';
  return {
    info: {
      id,
      version: '2.0.0',
      role: o.role ?? 'candidate',
      params: { model: 'DUVE v2 (attention over the last W events + v1 features, ml/duve2)', decayMode: 'per-type', refStepHours, score: 'P(purchase in H) at the cut' },
    },
    grid: o.grid ?? grid([200, 400], [0.005, 0.01, 0.02]),
    score(f, ctx, hp) {
      const histories: DuveHistory[] = f.users.map((u) => ({ userId: u, events: f.history.get(u)! }));
      const refTimes = referenceTimes(ctx.windowStart, f.cut, refStepHours * HOUR_MS, ctx.horizonMs);
      if (refTimes.length === 0) throw new Error(`${id}: no training reference time fits before ${new Date(f.cut).toISOString()} (raise --min-history-days)`);
      const { model } = trainDuve2(histories, {
        refTimes,
        trainEnd: f.cut,
        horizonMs: ctx.horizonMs,
        decayMode: 'per-type',
        categories: f.categories,
        seed: ctx.seed,
        ...(hp.iterations !== undefined ? { iterations: hp.iterations } : {}),
        ...(hp.learningRate !== undefined ? { learningRate: hp.learningRate } : {}),
        ...(hp.window !== undefined ? { dims: { window: hp.window } } : {}),
      });
      const runner = createDuve2Runner(model);
      return Float64Array.from(histories, (h) => predictDuve2(model, h.events, f.cut, runner)?.pPurchase ?? 0);
    },
  };
}

export function duve2Regressor(o: { id?: string; role?: 'candidate' | 'baseline'; horizonDays?: number; refStepDays?: number; grid?: readonly HyperParams[] } = {}): RollingRegressor {
  const horizonDays = o.horizonDays ?? 30;
  const refStepDays = o.refStepDays ?? 14;
  const id = o.id ?? 'duve2/value';
  return {
    info: {
      id,
      version: '2.0.0',
      role: o.role ?? 'candidate',
      params: {
        model: 'DUVE v2 (attention over the last W events + v1 features, ml/duve2)',
        decayMode: 'per-type',
        horizonDays,
        refStepDays,
        projection: 'linear: holdout = H-day expected spend × holdout days / H',
      },
    },
    grid: o.grid ?? grid([200, 400], [0.005, 0.01, 0.02]),
    predictSpend(f, { seed }, hp) {
      const histories: DuveHistory[] = f.customers.map((c) => ({ userId: c, events: f.history.get(c)! }));
      const horizonMs = horizonDays * DAY_MS;
      const refTimes = referenceTimes(f.calibrationStart, f.origin, refStepDays * DAY_MS, horizonMs);
      if (refTimes.length === 0) throw new Error(`${id}: no reference time fits before ${isoDay(f.origin)}`);
      const { model } = trainDuve2(histories, {
        refTimes,
        trainEnd: f.origin,
        horizonMs,
        types: ['purchase'],
        decayMode: 'per-type',
        seed,
        ...(hp.iterations !== undefined ? { iterations: hp.iterations } : {}),
        ...(hp.learningRate !== undefined ? { learningRate: hp.learningRate } : {}),
        ...(hp.window !== undefined ? { dims: { window: hp.window } } : {}),
      });
      const runner = createDuve2Runner(model);
      const scale = f.holdoutMs / horizonMs;
      return Float64Array.from(histories, (h) => (predictDuve2(model, h.events, f.origin, runner)?.expectedSpend ?? 0) * scale);
    },
  };
}

/** The CLI's model lists: with v2 it is the candidate and v1 a baseline; without, v1 is the candidate. */
export function rollingModels(o: { v2: boolean }): { taobao: RollingClassifier[]; cdnow: RollingRegressor[] } {
  const v1Role = o.v2 ? 'baseline' : 'candidate';
  return {
    taobao: [
      ...(o.v2 ? [duve2Classifier()] : []),
      duveV1Classifier({ id: 'duve/v1-per-type', decayMode: 'per-type', role: v1Role }),
      duveV1Classifier({ id: 'duve/v1-no-decay', decayMode: 'none' }),
      rfmClassifier(),
      bgNbdClassifier(),
    ],
    cdnow: [...(o.v2 ? [duve2Regressor()] : []), duveV1Regressor({ id: 'duve/v1', role: v1Role }), bgNbdGammaGammaRegressor()],
  };
}
