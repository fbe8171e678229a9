/**
 * `train duve`: train DUVE on everything the configured store holds and publish the artifact as
 * the next version under the model folder (DUVE_MODEL_DIR; gateways pick it up on their next
 * refresh). Seeded and reproducible: same store + same options = same model.
 *
 * Protocol: reference times every `stepDays` from the first event; each example is a user's
 * state at a reference time with the label window [t, t + horizon), all windows ending at or
 * before the newest event. Decays and heads are trained jointly (ml/duve/train.ts).
 */
import { Command, InvalidArgumentError } from 'commander';
import pino from 'pino';
import { loadConfig } from '../config/config';
import { openConfiguredStore } from '../graph/configured';
import { trainDuveFromStore } from '../ml/duve/from-store';
import { trainDuve2FromStore } from '../plugins/duve/v2';
import { addTrainDpgcn } from './train-dpgcn';
import { addTrainRanker } from './train-ranker';
import type { DecayMode } from '../ml/duve/model';

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
    .description('DUVE: learned per-type decays + value head -> DUVE_MODEL_DIR/<n>/ (value-head.onnx + manifest.json); --v2: DUVE v2 -> DUVE2_MODEL_DIR/<n>/')
    .option('--horizon-days <d>', 'forecast horizon in days', positive, 30)
    .option('--step-days <d>', 'days between reference times (default: horizon / 4)', positive)
    .option('--ref-start <iso>', 'reference times start one step after this instant (default: the first event)', instant)
    .option('--iterations <n>', 'Adam steps (default 200; with --v2: 400)', positive)
    .option('--decay-mode <mode>', 'per-type | shared | none', 'per-type')
    .option('--seed <n>', 'seed of the initialisation', positive, 42)
    .option('--v2', 'DUVE v2 (attention over the last 64 events + the v1 features) -> DUVE2_MODEL_DIR/<n>/ (value.onnx + manifest.json + items.json); --iterations counts v2 Adam steps (default 400)')
    .action(async (opts: { horizonDays: number; stepDays?: number; refStart?: number; iterations?: number; decayMode: string; seed: number; v2?: boolean }) => {
      if (!['per-type', 'shared', 'none'].includes(opts.decayMode)) throw new InvalidArgumentError('--decay-mode must be per-type, shared or none');
      const config = loadConfig();
      const logger = pino({ level: config.logLevel });
      const store = await openConfiguredStore(config);
      try {
        if (opts.v2) {
          logger.info({ store: store.kind, modelDir: config.duve2ModelDir }, 'training DUVE v2 on the store');
          const r = await trainDuve2FromStore(store, {
            modelDir: config.duve2ModelDir,
            decay: opts.decayMode as DecayMode,
            horizonDays: opts.horizonDays,
            ...(opts.stepDays ? { stepDays: opts.stepDays } : {}),
            ...(opts.refStart !== undefined ? { refStart: opts.refStart } : {}),
            ...(opts.iterations !== undefined ? { iterations: Math.round(opts.iterations) } : {}),
            seed: Math.round(opts.seed),
          });
          process.stdout.write(`DUVE v2 v${r.version} -> ${r.dir}: ${r.examples} examples, ${(r.trainMs / 1000).toFixed(1)} s\nattention half-lives (days): ${JSON.stringify(r.halfLivesDays)}\n`);
          return;
        }
        logger.info({ store: store.kind, modelDir: config.duveModelDir }, 'training DUVE on the store');
        const r = await trainDuveFromStore(store, {
          modelDir: config.duveModelDir,
          horizonDays: opts.horizonDays,
          ...(opts.stepDays ? { stepDays: opts.stepDays } : {}),
          ...(opts.refStart !== undefined ? { refStart: opts.refStart } : {}),
          iterations: Math.round(opts.iterations ?? 200),
          decayMode: opts.decayMode as DecayMode,
          seed: Math.round(opts.seed),
        });
        process.stdout.write(
          `DUVE v${r.version} -> ${r.dir}: ${r.users} users, ${r.events} events, ${r.examples} examples, ${(r.trainMs / 1000).toFixed(1)} s\nhalf-lives (days): ${JSON.stringify(r.halfLivesDays)}\n`,
        );
      } finally {
        await store.close();
      }
    });
  return addTrainDpgcn(addTrainRanker(train));
}
