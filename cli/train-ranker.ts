/**
 * `train ranker`: train the learned ranker (LambdaMART) on everything the configured store holds
 * and publish it as the next version under LTR_MODEL_DIR; gateways serve the highest version as
 * `ltr/lambdamart` on their next start. The protocol is in ml/ltr/from-store.ts.
 */
import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../config/config';
import { openConfiguredStore } from '../graph/configured';
import { trainRankerFromStore } from '../ml/ltr/from-store';
import { loadStrategyFile } from '../pipeline/strategy';
import { bundledScorers } from '../server/bundled';

function positive(raw: string): number {
  const n = Number(raw);
  if (!(Number.isFinite(n) && n > 0)) throw new InvalidArgumentError('must be a positive number');
  return n;
}

function positiveInt(raw: string): number {
  const n = Number(raw);
  if (!(Number.isInteger(n) && n > 0)) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

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

export function addTrainRanker(train: Command): Command {
  train
    .command('ranker')
    .description('learned ranker (LambdaMART over the feed features) -> LTR_MODEL_DIR/<n>/ (model.onnx + model.json + manifest.json)')
    .option('--horizon-days <d>', 'label window after each cut, days', positive, 1)
    .option('--cuts <n>', 'training cuts before the validation cut', positiveInt, 3)
    .option('--step-days <d>', 'days between training cuts (default: the horizon)', positive)
    .option('--grades <list>', 'relevance grade per event type (default purchase=3,add_to_cart=2,wishlist=1,click=1,view=1)', grades)
    .option('--negatives <n>', 'random negatives added to each list', positiveInt, 20)
    .option('--trees <n>', 'most boosting rounds', positiveInt, 300)
    .option('--retrieval <file>', 'strategy file whose retrievers build the lists (default: the built-in learned template)')
    .option('--strategy-out <file>', 'also write the learned strategy (retrievers + ranker + replenishable categories) to this file')
    .option('--seed <n>', 'seed of negatives, bagging and feature sampling', positiveInt, 42)
    .action(
      async (opts: { horizonDays: number; cuts: number; stepDays?: number; grades?: Record<string, number>; negatives: number; trees: number; retrieval?: string; strategyOut?: string; seed: number }) => {
        const config = loadConfig();
        const store = await openConfiguredStore(config);
        const log = (line: string): void => void process.stderr.write(`${line}\n`);
        try {
          const r = await trainRankerFromStore(store, {
            modelDir: config.ltrModelDir,
            plugins: bundledScorers(),
            horizonDays: opts.horizonDays,
            cuts: opts.cuts,
            ...(opts.stepDays ? { stepDays: opts.stepDays } : {}),
            ...(opts.grades ? { grades: opts.grades } : {}),
            ...(opts.retrieval ? { strategy: loadStrategyFile(opts.retrieval) } : {}),
            negatives: opts.negatives,
            trees: opts.trees,
            seed: opts.seed,
            log,
          });
          if (opts.strategyOut) writeFileSync(opts.strategyOut, `${JSON.stringify(r.strategy, null, 2)}\n`);
          const top = r.manifest.importance.slice(0, 10).map((f) => `  ${f.feature.padEnd(28)} gain ${f.gain.toFixed(1).padStart(10)}  splits ${f.splits}`);
          process.stdout.write(
            `ranker v${r.version} -> ${r.dir}: ${r.fit.trainLists} lists, ${r.fit.trainRows} rows, ${r.fit.bestIteration} trees, ${(r.fit.trainMs / 1000).toFixed(1)} s\n` +
              `validation NDCG@${r.fit.validation.k} (cut ${r.cuts.validation}): ${Math.max(...r.fit.validation.trials.map((t) => t.ndcg)).toFixed(4)}; the first-stage scores alone: ${Object.entries(r.fit.validation.columns).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ')}\n` +
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
