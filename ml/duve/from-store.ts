/**
 * Train DUVE on everything a GraphStore holds and publish the artifact as the next version under a
 * model folder. Seeded and reproducible: same store + same options = same model.
 *
 * Protocol: reference times every `stepDays` from the first event; each example is a user's
 * state at a reference time with the label window [t, t + horizon), all windows ending at or
 * before the newest event. Decays and heads are trained jointly (./train.ts).
 */
import { basename, dirname } from 'node:path';
import type { GraphStore } from '../../graph/port';
import { referenceTimes, type DuveHistory } from './examples';
import { exportDuveModel } from './export';
import { duveHalfLivesDays, type DecayMode } from './model';
import { DAY_MS, type DuveEvent } from './state';
import { trainDuve } from './train';

export interface TrainDuveFromStoreOptions {
  /** Folder of versions, e.g. `models/duve`. */
  readonly modelDir: string;
  /** Forecast horizon in days. Default 30. */
  readonly horizonDays?: number;
  /** Days between reference times. Default horizon / 4. */
  readonly stepDays?: number;
  /** Reference times are `refStart + k·step` (k ≥ 1). Default: the first event (ms). */
  readonly refStart?: number;
  /** End of the training period (ms, exclusive): label windows end at or before it. Default: the newest event + 1 ms. */
  readonly trainEnd?: number;
  readonly iterations?: number;
  readonly decayMode?: DecayMode;
  readonly seed?: number;
  readonly embeddingDims?: number;
}

export interface TrainDuveFromStoreResult {
  readonly dir: string;
  readonly version: number;
  readonly users: number;
  readonly events: number;
  readonly examples: number;
  readonly halfLivesDays: Readonly<Record<string, number>>;
  readonly trainMs: number;
}

/** Read every interaction from the store, train, export. Throws a RangeError naming the option when the data cannot support the horizon. */
export async function trainDuveFromStore(store: GraphStore, o: TrainDuveFromStoreOptions): Promise<TrainDuveFromStoreResult> {
  const byUser = new Map<string, DuveEvent[]>();
  let first = Infinity;
  let last = -Infinity;
  let events = 0;
  for await (const page of store.scanInteractions(50_000)) {
    for (const e of page) {
      let list = byUser.get(e.userId);
      if (list === undefined) byUser.set(e.userId, (list = []));
      list.push({ type: e.type, itemId: e.itemId, ts: e.ts, value: e.value });
      if (e.ts < first) first = e.ts;
      if (e.ts > last) last = e.ts;
      events++;
    }
  }
  if (events === 0) throw new RangeError('train duve: the store holds no interactions');
  const horizonDays = o.horizonDays ?? 30;
  const stepDays = o.stepDays ?? horizonDays / 4;
  const spanDays = (last - first) / DAY_MS;
  const horizonMs = horizonDays * DAY_MS;
  // By default the newest event closes the training period; +1 ms so it is inside [first, trainEnd).
  const trainEnd = o.trainEnd ?? last + 1;
  if (last >= trainEnd) throw new RangeError(`train duve: the store holds events at or after trainEnd ${new Date(trainEnd).toISOString()}`);
  const refTimes = referenceTimes(o.refStart ?? first, trainEnd, stepDays * DAY_MS, horizonMs);
  if (refTimes.length === 0) {
    throw new RangeError(`train duve: --horizon-days ${horizonDays} (+ one step of ${stepDays} days) does not fit in the ${spanDays.toFixed(1)} days of data; pass a shorter --horizon-days`);
  }
  const histories: DuveHistory[] = [...byUser].map(([userId, evs]) => ({ userId, events: evs }));
  const { model, stats } = trainDuve(histories, {
    refTimes,
    trainEnd,
    horizonMs,
    ...(o.decayMode ? { decayMode: o.decayMode } : {}),
    ...(o.iterations !== undefined ? { iterations: o.iterations } : {}),
    seed: o.seed ?? 42,
    ...(o.embeddingDims !== undefined ? { embedding: { dims: o.embeddingDims } } : {}),
  });
  const out = await exportDuveModel(model, {
    root: dirname(o.modelDir),
    name: basename(o.modelDir),
    training: {
      source: `${store.kind} store`,
      events,
      firstEvent: new Date(first).toISOString(),
      lastEvent: new Date(last).toISOString(),
      trainEnd: new Date(trainEnd).toISOString(),
      horizonDays,
      stepDays,
      ...stats,
    },
    createdBy: 'recgate train duve',
  });
  return { dir: out.dir, version: out.version, users: byUser.size, events, examples: stats.examples, halfLivesDays: duveHalfLivesDays(model), trainMs: stats.trainMs };
}
