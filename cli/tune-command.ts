/**
 * `tune`: choose feed-strategy settings on a validation cut before the test cut (eval/tune), write
 * the strategy file and a report of every trial.
 *
 *   tune [--file <csv> --mapping <json> | --preset taobao | --db <sqlite>] [--cut|--window|--eval-days]
 *        [--valid-days <n>] [--trials <n>] [--random <n>] [--k <n>] [--target purchase|click] [--seed <n>]
 *        --out strategies/tuned.json [--report-dir reports] [--name <name>] [--no-progress]
 */
import { Command, InvalidArgumentError } from 'commander';
import { count, positive, temporalRunOptions, temporalSourceOptions, type TemporalSourceFlags } from './temporal-flags';

function seedArg(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

interface TuneFlags extends TemporalSourceFlags {
  out: string;
  reportDir: string;
  name?: string;
  id: string;
  validDays?: number;
  trials: number;
  random: number;
  k: number;
  target: string;
  seed: number;
  progress: boolean;
}

export function tuneCommand(): Command {
  return temporalSourceOptions(
    new Command('tune').description('choose strategy settings (scorer weights, retrievers, MMR λ, category cap, candidates) on a validation window before the test cut; the test window is never read'),
  )
    .option('--out <file>', 'the chosen strategy file (STRATEGY_FILE / STRATEGIES_DIR format)', 'strategies/tuned.json')
    .option('--report-dir <dir>', 'directory of the trial report (JSON + Markdown table)', 'reports')
    .option('--name <name>', 'report name (default: the dataset name)')
    .option('--id <id>', 'id of the chosen strategy', 'tuned')
    .option('--valid-days <n>', 'days before the test cut that form the validation window (default: --eval-days, 2)', positive)
    .option('--trials <n>', 'evaluations in all: the default strategy and each scorer alone, --random draws, then coordinate ascent', count, 50)
    .option('--random <n>', 'seeded random draws from the grid after the anchors', seedArg, 15)
    .option('--k <n>', 'K of the objective NDCG@K', count, 10)
    .option('--target <t>', 'objective target: purchase (ties by click) or click (ties by purchase)', 'purchase')
    .option('--seed <n>', 'seed of the random search', seedArg, 42)
    .option('--no-progress', 'no progress bar')
    .action(async (o: TuneFlags) => {
      const { argError } = await import('../eval/protocols/temporal-source');
      if (o.target !== 'purchase' && o.target !== 'click') throw argError('--target', `must be purchase or click, got "${o.target}"`);
      const { runTune } = await import('../eval/tune/run');
      const { tuneStatement, writeTuneOutputs } = await import('../eval/tune/report');
      const r = await runTune({
        ...temporalRunOptions(o),
        ...(o.validDays !== undefined ? { validDays: o.validDays } : {}),
        trials: o.trials,
        random: o.random,
        k: o.k,
        target: o.target,
        seed: o.seed,
        strategyId: o.id,
        progress: o.progress,
      });
      const paths = await writeTuneOutputs(r, o.out, o.reportDir, o.name);
      const best = r.trials[r.chosen]!;
      const base = r.trials[0]!;
      process.stdout.write(
        [
          `tune on ${r.name} (seed ${r.seed}): ${r.trials.length} trials in ${(r.wallMs / 1000).toFixed(1)} s wall, peak RSS ${r.peakRssMiB} MiB`,
          tuneStatement(r),
          `  default (trial 0): NDCG@${r.k} purchase ${base.ndcg.purchase.toFixed(4)}, click ${base.ndcg.click.toFixed(4)}`,
          `  chosen (trial ${best.index}): NDCG@${r.k} purchase ${best.ndcg.purchase.toFixed(4)}, click ${best.ndcg.click.toFixed(4)} — ${best.description}`,
          `strategy: ${paths.strategy}`,
          `report:   ${paths.json}`,
          `          ${paths.table}`,
          '',
        ].join('\n'),
      );
    });
}
