/**
 * `train duve`: train DUVE on everything the configured store holds and publish the artifact as
 * the next version under the model folder (DUVE_MODEL_DIR; gateways pick it up on their next
 * refresh). Seeded and reproducible: same store + same options = same model.
 *
 * Protocol: reference times every `stepDays` from the first event; each example is a user's
 * state at a reference time with the label window [t, t + horizon), all windows ending at or
 * before the newest event. Decays and heads are trained jointly (ml/duve/train.ts).
 */
import { basename, dirname } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import pino from 'pino';
import { loadConfig } from '../config/config';
import type { GraphStore } from '../graph/port';
import { referenceTimes, type DuveHistory } from '../ml/duve/examples';
import { exportDuveModel } from '../ml/duve/export';
import { duveHalfLivesDays, type DecayMode } from '../ml/duve/model';
import { DAY_MS, type DuveEvent } from '../ml/duve/state';
import { trainDuve } from '../ml/duve/train';
import { openConfiguredStore } from './store';

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
    training: { source: `${store.kind} store`, events, firstEvent: new Date(first).toISOString(), lastEvent: new Date(last).toISOString(), trainEnd: new Date(trainEnd).toISOString(), horizonDays, stepDays, ...stats },
    createdBy: 'recgate train duve',
  });
  return { dir: out.dir, version: out.version, users: byUser.size, events, examples: stats.examples, halfLivesDays: duveHalfLivesDays(model), trainMs: stats.trainMs };
}

function instant(raw: string): number {
  const t = Date.parse(raw);
  if (!Number.isFinite(t)) throw new InvalidArgumentError('must be an ISO date-time, e.g. 2017-11-25T00:00:00+08:00');
  return t;
}

function positive(raw: string): number {
  const n = Number(raw);
  if (!(Number.isFinite(n) && n > 0)) throw new InvalidArgumentError('must be a positive number');
  return n;
}

export function trainCommand(): Command {
  const train = new Command('train').description('train a model on the configured store and publish the next artifact version');
  train
    .command('duve')
    .description('DUVE: learned per-type decays + value head -> DUVE_MODEL_DIR/<n>/ (value-head.onnx + manifest.json)')
    .option('--horizon-days <d>', 'forecast horizon in days', positive, 30)
    .option('--step-days <d>', 'days between reference times (default: horizon / 4)', positive)
    .option('--ref-start <iso>', 'reference times start one step after this instant (default: the first event)', instant)
    .option('--iterations <n>', 'Adam steps', positive, 200)
    .option('--decay-mode <mode>', 'per-type | shared | none', 'per-type')
    .option('--seed <n>', 'seed of the initialisation', positive, 42)
    .action(async (opts: { horizonDays: number; stepDays?: number; refStart?: number; iterations: number; decayMode: string; seed: number }) => {
      if (!['per-type', 'shared', 'none'].includes(opts.decayMode)) throw new InvalidArgumentError('--decay-mode must be per-type, shared or none');
      const config = loadConfig();
      const logger = pino({ level: config.logLevel });
      const store = await openConfiguredStore(config);
      try {
        logger.info({ store: store.kind, modelDir: config.duveModelDir }, 'training DUVE on the store');
        const r = await trainDuveFromStore(store, { modelDir: config.duveModelDir, horizonDays: opts.horizonDays, ...(opts.stepDays ? { stepDays: opts.stepDays } : {}), ...(opts.refStart !== undefined ? { refStart: opts.refStart } : {}), iterations: Math.round(opts.iterations), decayMode: opts.decayMode as DecayMode, seed: Math.round(opts.seed) });
        process.stdout.write(`DUVE v${r.version} -> ${r.dir}: ${r.users} users, ${r.events} events, ${r.examples} examples, ${(r.trainMs / 1000).toFixed(1)} s\nhalf-lives (days): ${JSON.stringify(r.halfLivesDays)}\n`);
      } finally {
        await store.close();
      }
    });
  return train;
}
