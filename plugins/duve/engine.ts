/**
 * The DUVE engine of one gateway: the live online state of every user (ml/duve/state.ts, O(1)
 * per event) bound to one model version, and the exported value head served through an SDK
 * ModelSession (onnxruntime-node in the gateway). No I/O of its own: the composition root feeds
 * it stored events and hands it the session.
 *
 * Time: a value is read at the engine's data time, min(newest event folded, clock), so a replayed
 * historical log is valued as of its own time; a user is never read before their newest event.
 */
import type { EventType } from '../../domain/events';
import type { UserSegment, UserValue, ValueDriver } from '../../domain/user-value';
import { duveLayout, duveRawFeatures, duveSegment, valueScore, type DuveModel } from '../../ml/duve/model';
import { DUVE_INPUT } from '../../ml/duve/export';
import { DAY_MS, createDuveReading, createDuveStateStore, type DuveLayout, type DuveReading, type DuveStateStore } from '../../ml/duve/state';
import type { ModelSession } from '../sdk/model';

/** An event as the engine folds it (InteractionEvent and UserInteraction both fit). */
export interface ObservedEvent {
  readonly userId: string;
  readonly type: EventType;
  readonly itemId: string | null;
  readonly ts: number;
  readonly value: number;
}

/**
 * Features are clipped to the training mean ± this many standard deviations before the value
 * head: far outside what the model saw its output means nothing, and a bounded input keeps every
 * head's logit, and so every value, finite whatever the events were.
 */
export const DUVE_FEATURE_CLIP_SD = 10;

/** Clip raw features in place to mean ± DUVE_FEATURE_CLIP_SD · std; a non-finite one becomes the mean. */
export function clipDuveFeatures(model: Pick<DuveModel, 'featureMean' | 'featureStd'>, raw: Float64Array): Float64Array {
  for (let j = 0; j < raw.length; j++) {
    const mean = model.featureMean[j]!;
    const span = DUVE_FEATURE_CLIP_SD * Math.abs(model.featureStd[j]!);
    const x = raw[j]!;
    raw[j] = x === x ? Math.min(mean + span, Math.max(mean - span, x)) : mean;
  }
  return raw;
}

export interface DuveEngineOptions {
  readonly model: DuveModel;
  /** The artifact version (directory name). */
  readonly version: number;
  /** The exported value head (input `features`). */
  readonly session: ModelSession;
  /** Server clock (ms). Default Date.now. */
  readonly clock?: () => number;
  /** Rows per ONNX call when many users are valued at once. Default 8192. */
  readonly batchSize?: number;
}

export interface DuveEngine {
  readonly model: DuveModel;
  readonly layout: DuveLayout;
  /** `duve/value@<version>`. */
  readonly modelVersion: string;
  readonly horizonDays: number;
  readonly valueUnit: 'spend' | 'purchases';
  /** Users with a state. */
  readonly userCount: number;
  /** min(newest folded event, clock), or the clock before any event. */
  dataTime(): number;
  readonly session: ModelSession;
  /** Fold stored events into the state in O(1) each; returns the users whose state changed. */
  observe(events: Iterable<ObservedEvent>): Set<string>;
  /** Live values of the given users at the data time (unknown users are absent), batched through the session. */
  values(userIds: Iterable<string>, t?: number): Promise<Map<string, UserValue>>;
  /** Every user id with a state. */
  userIds(): IterableIterator<string>;
}

export function createDuveEngine(opts: DuveEngineOptions): DuveEngine {
  const { model } = opts;
  const layout = duveLayout(model);
  const store: DuveStateStore = createDuveStateStore(layout);
  const clock = opts.clock ?? Date.now;
  const batchSize = opts.batchSize ?? 8192;
  const F = model.features.length;
  const modelVersion = `duve/value@${opts.version}`;
  const horizonDays = model.horizonMs / DAY_MS;
  const valueUnit = model.segments.valueScore;
  const session = opts.session;
  if (!session.inputNames.includes(DUVE_INPUT)) throw new Error(`DUVE: the model session lacks input ${DUVE_INPUT}`);
  let newest = 0;

  const dataTime = (): number => (newest > 0 ? Math.min(newest, clock()) : clock());

  async function values(ids: Iterable<string>, at?: number): Promise<Map<string, UserValue>> {
    const t = at ?? dataTime();
    const out = new Map<string, UserValue>();
    let chunk: string[] = [];
    const flush = async (): Promise<void> => {
      if (chunk.length === 0) return;
      const rows = chunk;
      chunk = [];
      await valueChunk(session, rows, t, out);
    };
    for (const id of ids) {
      if (store.get(id) === undefined) continue;
      chunk.push(id);
      if (chunk.length >= batchSize) await flush();
    }
    await flush();
    return out;
  }

  async function valueChunk(s: ModelSession, ids: readonly string[], t: number, out: Map<string, UserValue>): Promise<void> {
    const n = ids.length;
    const readings: DuveReading[] = [];
    const features = new Float32Array(n * F);
    const raw = new Float64Array(F);
    ids.forEach((id, r) => {
      const state = store.get(id)!;
      const reading = createDuveReading(layout);
      // Never read a user before their newest event (their clock may run ahead of the data time).
      store.read(id, Math.max(t, state[1]!), reading);
      clipDuveFeatures(model, duveRawFeatures(model, reading, raw));
      features.set(raw, r * F);
      readings.push(reading);
    });
    const res = await s.run({ [DUVE_INPUT]: { data: features, dims: [n, F] } });
    const p = res['p_purchase']!.data;
    const purchases = res['expected_purchases']!.data;
    const events = res['expected_events']!.data;
    const spend = res['expected_spend']!.data;
    for (let r = 0; r < n; r++) {
      const f = { pPurchase: p[r]!, expectedPurchases: purchases[r]!, expectedEvents: events[r]!, expectedSpend: spend[r]! };
      const reading = readings[r]!;
      const segment: UserSegment = duveSegment(model, f, reading);
      out.set(ids[r]!, {
        userId: ids[r]!,
        value: valueScore(model, f),
        valueUnit,
        expectedSpend: f.expectedSpend,
        expectedPurchases: f.expectedPurchases,
        expectedEvents: f.expectedEvents,
        purchaseProbability: f.pPurchase,
        horizonDays,
        segment,
        drivers: duveDrivers(model, reading, features.subarray(r * F, (r + 1) * F)),
        modelVersion,
        asOf: reading.t,
        lastEventAt: reading.lastTs,
      });
    }
  }

  return {
    model,
    layout,
    modelVersion,
    horizonDays,
    valueUnit,
    get userCount() {
      return store.size;
    },
    dataTime,
    session,
    observe(events) {
      const touched = new Set<string>();
      for (const e of events) {
        // An event the state cannot hold (non-finite time, negative or non-finite value) is
        // skipped rather than aborting the rest of the batch; the gateway refuses them earlier.
        if (!(Number.isFinite(e.ts) && e.value >= 0 && Number.isFinite(e.value))) continue;
        if (store.observe(e.userId, e)) {
          touched.add(e.userId);
          if (e.ts > newest) newest = e.ts;
        }
      }
      return touched;
    },
    values,
    userIds: () => store.userIds(),
  };
}

/**
 * Which interaction types moved the purchase forecast: per tracked type, the sum of its features'
 * terms in the purchase logit, w·(x − μ)/σ (0 = like the average training user), largest |·| first.
 * User-level features (recency, tenure, focus) are not attributed to a type.
 */
export function duveDrivers(model: DuveModel, reading: DuveReading, raw: ArrayLike<number>): ValueDriver[] {
  const K = model.types.length;
  const logit = new Float64Array(K);
  model.features.forEach((f, j) => {
    if (f.k < 0) return;
    logit[f.k] = logit[f.k]! + (model.weights[j]! * (raw[j]! - model.featureMean[j]!)) / model.featureStd[j]!;
  });
  return model.types
    .map((type, k) => ({ type, purchaseLogit: logit[k]!, decayedCount: reading.decayedCount[k]! }))
    .sort((a, b) => Math.abs(b.purchaseLogit) - Math.abs(a.purchaseLogit) || a.type.localeCompare(b.type));
}
