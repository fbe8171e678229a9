/**
 * DUVE v2 — the pure API (no store, no I/O), for training and evaluation code (e.g. rolling-origin
 * evaluation). Model: model.ts (attention over the user's last W events + DUVE v1's features).
 *
 * Signatures (stable):
 *
 *   trainDuve2(histories: readonly DuveHistory[], opts: Duve2TrainOptions): Duve2TrainResult
 *     histories  = [{ userId, events: [{ type, itemId, ts (ms), value }] }] — every event before opts.trainEnd
 *     opts       = { refTimes (ms, ascending; build with referenceTimes(start, trainEnd, stepMs, horizonMs)),
 *                    trainEnd (ms, exclusive), horizonMs? (default 30 d), types?, decayMode?: 'per-type'|'shared'|'none',
 *                    categories?: Map<itemId, categoryId> | (itemId) => categoryId | null,
 *                    iterations? (v2 Adam steps, 400), batchSize? (256), learningRate? (0.01), l2? (3e-2), l2V1Heads? (= l2), seed? (42),
 *                    v1Iterations? (200), v1Model? (reuse a trained v1 block), dims?: Partial<Duve2Dims> (window W = 64 …) }
 *     result     = { model: Duve2Model, stats: { examples, users, positiveRate, loss, trainMs, halfLivesDays, … } }
 *
 *   predictDuve2(model: Duve2Model, history: readonly DuveEvent[], at: number, runner?: Duve2Runner): Duve2Prediction | null
 *     only events with ts < at count; null when none.
 *     Duve2Prediction = { pPurchase, expectedPurchases, expectedSpend, value (E[spend] with money, else E[purchases]),
 *                         state: Float32Array (the pooled h_u), logits }
 *     Pass `createDuve2Runner(model)` as `runner` when predicting many users (it caches the decays).
 *
 * Labels/examples follow ml/duve/examples.ts: a user's example at t uses events strictly before t;
 * labels count purchases in [t, t + horizonMs).
 */
export { DEFAULT_DUVE2_DIMS, DUVE2_HEADS, type Duve2Dims, type Duve2Forecast, type Duve2Model } from './model';
export {
  createDuve2Runner,
  duve2HalfLivesDays,
  predictDuve2,
  referenceTimes,
  trainDuve2,
  type Duve2Prediction,
  type Duve2Runner,
  type Duve2TrainOptions,
  type Duve2TrainResult,
  type Duve2TrainStats,
} from './train';
export { coInteractionNeighbours } from './neighbours';
export type { DuveHistory } from '../duve/examples';
export type { DuveEvent } from '../duve/state';
