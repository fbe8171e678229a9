/**
 * `train ranker`: train the learned ranker (LambdaMART) on everything the configured store holds
 * and publish it as the next version under LTR_MODEL_DIR; gateways serve the highest version as
 * `ltr/lambdamart` on their next start. The protocol is in ml/ltr/from-store.ts.
 */
import { writeFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../config/config';
import { openConfiguredStore } from '../graph/configured';
import { createJobQueue } from '../jobs/factory';
import { scheduleLtrRetrain } from '../jobs/processors/ltr-retrain';
import { trainRankerFromStore, type TrainRankerOptions } from '../ml/ltr/from-store';
import type { GraphStore } from '../graph/port';
import { loadStrategyFile } from '../pipeline/strategy';
import { bundledScorers } from '../server/bundled';
import { count, fraction, positive } from './temporal-flags';

function grades(raw: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of raw.split(',')) {
    const [type, g] = part.split('=');
    const v = Number(g);
    if (!type || !(Number.isFinite(v) && v >= 0)) throw new InvalidArgumentError('must look like purchase=3,add_to_cart=2,view=1');
    out[type.trim()] = v;
  }
  return out;
}

/** Retrain now and every `hours` until SIGINT/SIGTERM (the store is closed by the caller). */
async function retrainForever(store: GraphStore, o: TrainRankerOptions, hours: number, redisUrl: string): Promise<void> {
  const queue = createJobQueue(redisUrl ? { redisUrl } : {});
  const logger = {
    info: (obj: object, msg?: string) => void process.stderr.write(`${msg ?? ''} ${JSON.stringify(obj)}\n`),
    warn: (obj: object, msg?: string) => void process.stderr.write(`warning: ${msg ?? ''} ${JSON.stringify(obj)}\n`),
  };
  queue.onOutcome((out) => {
    if (out.status === 'failed') logger.warn({ job: out.id, error: out.error, unrecoverable: out.unrecoverable }, 'ranker retrain failed');
  });
  await scheduleLtrRetrain(queue, store, o, { everyMs: hours * 3_600_000, logger });
  process.stderr.write(`retraining every ${hours} h (${queue.kind} queue); Ctrl-C stops\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await queue.close();
}

export function addTrainRanker(train: Command): Command {
  train
    .command('ranker')
    .description('learned ranker (LambdaMART over the feed features) -> LTR_MODEL_DIR/<n>/ (model.onnx + model.json + manifest.json)')
    .option('--horizon-days <d>', 'label window after each cut, days', positive, 1)
    .option('--cuts <n>', 'training cuts before the validation cut', count, 3)
    .option('--step-days <d>', 'days between training cuts (default: the horizon)', positive)
    .option('--grades <list>', 'relevance grade per event type (default purchase=3,add_to_cart=2,wishlist=1,click=1,view=1)', grades)
    .option('--negatives <n>', 'random negatives added to each list', count, 20)
    .option('--trees <n>', 'most boosting rounds', count, 300)
    .option('--prune-tolerance <f>', 'largest relative loss of validation NDCG@10 accepted to score only the top 50/100/150 candidates by one first-stage score (0: no loss accepted)', fraction, 0.01)
    .option('--no-prune', 'the trees score every candidate (slower feeds)')
    .option('--retrieval <file>', 'strategy file whose retrievers build the lists (default: the built-in learned template)')
    .option('--strategy-out <file>', 'also write the learned strategy (retrievers + ranker + replenishable categories) to this file')
    .option('--seed <n>', 'seed of negatives, bagging and feature sampling', count, 42)
    .option('--every-hours <h>', 'stay up and retrain on this schedule (BullMQ when REDIS_URL is set, else in-process); gateways swap to each new version')
    .action(
      async (opts: {
        horizonDays: number;
        cuts: number;
        stepDays?: number;
        grades?: Record<string, number>;
        negatives: number;
        trees: number;
        pruneTolerance: number;
        prune: boolean;
        retrieval?: string;
        strategyOut?: string;
        seed: number;
        everyHours?: string;
      }) => {
        const config = loadConfig();
        const store = await openConfiguredStore(config);
        const log = (line: string): void => void process.stderr.write(`${line}\n`);
        const everyHours = opts.everyHours === undefined ? undefined : positive(opts.everyHours);
        try {
          const trainOpts: TrainRankerOptions = {
            modelDir: config.ltrModelDir,
            plugins: bundledScorers(),
            horizonDays: opts.horizonDays,
            cuts: opts.cuts,
            ...(opts.stepDays ? { stepDays: opts.stepDays } : {}),
            ...(opts.grades ? { grades: opts.grades } : {}),
            ...(opts.retrieval ? { strategy: loadStrategyFile(opts.retrieval) } : {}),
            negatives: opts.negatives,
            trees: opts.trees,
            prune: opts.prune ? { tolerance: opts.pruneTolerance } : false,
            seed: opts.seed,
            log,
          };
          if (everyHours !== undefined) {
            await retrainForever(store, trainOpts, everyHours, config.redisUrl ?? '');
            return;
          }
          const r = await trainRankerFromStore(store, trainOpts);
          if (opts.strategyOut) writeFileSync(opts.strategyOut, `${JSON.stringify(r.strategy, null, 2)}\n`);
          const best = Math.max(...r.fit.validation.trials.map((t) => t.ndcg));
          const [column, alone] = Object.entries(r.fit.validation.columns).sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
          if (alone >= best) {
            log(
              `warning: on the validation cut the ranker (NDCG@${r.fit.validation.k} ${best.toFixed(4)}) does not beat ${column} alone (${alone.toFixed(4)}): too little history to learn from? Serve a simpler strategy until more data is in.`,
            );
          }
          const top = r.manifest.importance.slice(0, 10).map((f) => `  ${f.feature.padEnd(28)} gain ${f.gain.toFixed(1).padStart(10)}  splits ${f.splits}`);
          process.stdout.write(
            `ranker v${r.version} -> ${r.dir}: ${r.fit.trainLists} lists, ${r.fit.trainRows} rows, ${r.fit.bestIteration} trees, ${(r.fit.trainMs / 1000).toFixed(1)} s\n` +
              `validation NDCG@${r.fit.validation.k} (cut ${r.cuts.validation}): ${Math.max(...r.fit.validation.trials.map((t) => t.ndcg)).toFixed(4)}; the first-stage scores alone: ${Object.entries(
                r.fit.validation.columns,
              )
                .map(([k, v]) => `${k} ${v.toFixed(4)}`)
                .join(', ')}\n` +
              `replenishable categories: ${r.replenishable.length}${opts.strategyOut ? `; strategy written to ${opts.strategyOut}` : ''}\n` +
              `feature importance:\n${top.join('\n')}\n`,
          );
        } finally {
          await store.close();
        }
      },
    );
  return train;
}
