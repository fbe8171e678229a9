/**
 * `eval mtl/*` subcommands (issue 14, multi-task networks of ml/mtl), registered on the `eval`
 * command by cli/eval-command.ts, which passes its common options and report writer in (so this
 * file does not import it back).
 *
 *   eval mtl/census   UCI Census-Income (KDD): single-task vs shared-bottom vs MMoE, AUC per task
 *                     (95% bootstrap intervals), both MMoE-paper task groups
 *   eval mtl/taobao   Taobao head as a sparse-main (cart/buy) / rich-auxiliary (interaction) proxy: single-task
 *                     vs multi-task (joint, alternating 1:k, pretrain-finetune), main AUC by user sparsity bucket
 *   eval mtl/ads      Taobao head as an ads proxy: MTL-ads BM vs MTDL vs AMTDL × (alternating 1:k, pretrain-finetune),
 *                     AUC per task overall and by user sparsity bucket (ml/mtl/ads, eval/mtl/ads.ts)
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { EvalReport } from '../eval/report/types';

interface Common {
  seed: number;
  out: string;
  name?: string;
  progress: boolean;
}

function positiveInt(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function intList(raw: string): number[] {
  const v = raw.split(',').map(Number);
  if (v.some((x) => !(Number.isInteger(x) && x >= 1))) throw new InvalidArgumentError('must be comma-separated positive integers');
  return v;
}

function rates(raw: string): number[] {
  const v = raw.split(',').map(Number);
  if (v.length === 0 || v.some((x) => !(x > 0 && x < 1))) throw new InvalidArgumentError('must be comma-separated learning rates in (0, 1)');
  return v;
}

function list<T extends string>(allowed: readonly T[]) {
  return (raw: string): T[] => {
    const v = raw.split(',').map((s) => s.trim());
    const bad = v.find((x) => !(allowed as readonly string[]).includes(x));
    if (bad !== undefined) throw new InvalidArgumentError(`unknown "${bad}"; one of ${allowed.join(', ')}`);
    return v as T[];
  };
}

export function addMtlEvalCommands(root: Command, withCommon: (cmd: Command) => Command, finish: (r: EvalReport, o: Pick<Common, 'out' | 'name'>) => Promise<void>): void {
  withCommon(
    root
      .command('mtl/census')
      .description('Census-Income (KDD), the MMoE benchmark: single-task vs shared-bottom vs MMoE networks (ml/mtl), test AUC per task with bootstrap intervals')
      .option('--file <file>', 'census-income.test', '../shared/data/census-income-kdd/census-income.test')
      .option('--groups <g>', 'task groups: income-marital, education-marital', list(['income-marital', 'education-marital'] as const))
      .option('--models <m>', 'models: single-task, shared-bottom, mmoe', list(['single-task', 'shared-bottom', 'mmoe'] as const))
      .option('--learning-rates <r>', 'learning-rate grid chosen on validation (default 0.001,0.003)', rates)
      .option('--epochs <n>', 'most epochs per training run, early stopping on validation (default 20)', positiveInt)
      .option('--patience <n>', 'epochs without a better validation AUC before stopping (default 3)', positiveInt)
      .option('--batch-size <n>', 'rows per mini-batch (default 256)', positiveInt)
      .option('--bootstrap <n>', 'resamples of the 95% test-AUC intervals (default 200)', positiveInt)
      .option('--max-rows <n>', 'use only the first n rows of the file (quick runs)', positiveInt),
  ).action(
    async (
      o: Common & {
        file: string;
        groups?: Array<'income-marital' | 'education-marital'>;
        models?: Array<'single-task' | 'shared-bottom' | 'mmoe'>;
        learningRates?: number[];
        epochs?: number;
        patience?: number;
        batchSize?: number;
        bootstrap?: number;
        maxRows?: number;
      },
    ) => {
      const { runCensusMtl } = await import('../eval/mtl/census');
      const r = await runCensusMtl({
        file: o.file,
        seed: o.seed,
        ...(o.groups !== undefined ? { groups: o.groups } : {}),
        ...(o.models !== undefined ? { models: o.models } : {}),
        ...(o.learningRates !== undefined ? { learningRates: o.learningRates } : {}),
        ...(o.epochs !== undefined ? { epochs: o.epochs } : {}),
        ...(o.patience !== undefined ? { patience: o.patience } : {}),
        ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
        ...(o.bootstrap !== undefined ? { resamples: o.bootstrap } : {}),
        ...(o.maxRows !== undefined ? { maxRows: o.maxRows } : {}),
        ...(o.progress ? { log: (line: string) => void process.stderr.write(`${line}\n`) } : {}),
      });
      await finish(r, o);
    },
  );

  withCommon(
    root
      .command('mtl/taobao')
      .description('Taobao head: cart/buy (sparse main) with interaction (rich auxiliary), single-task vs multi-task schedules, main AUC by user sparsity bucket')
      .option('--file <file>', 'event log', '../shared/data/taobao-userbehavior-head/UserBehavior_head.csv')
      .option('--negatives <n>', 'sampled untouched items per interacted pair (default 1)', positiveInt)
      .option('--k <n>', 'k of the alternating 1:k schedule (default 2)', positiveInt)
      .option('--pretrain-epochs <n>', 'auxiliary-only epochs before fine-tuning (default 2)', positiveInt)
      .option('--epochs <n>', 'most epochs, early stopping on validation main AUC (default 10)', positiveInt)
      .option('--patience <n>', 'epochs without a better validation AUC before stopping (default 2)', positiveInt)
      .option('--bootstrap <n>', 'resamples of the 95% intervals over users (default 200)', positiveInt)
      .option('--max-lines <n>', 'read only the first n lines', positiveInt),
  ).action(async (o: Common & { file: string; negatives?: number; k?: number; pretrainEpochs?: number; epochs?: number; patience?: number; bootstrap?: number; maxLines?: number }) => {
    const { runTaobaoMtl } = await import('../eval/mtl/taobao');
    const r = await runTaobaoMtl({
      file: o.file,
      seed: o.seed,
      ...(o.negatives !== undefined ? { negatives: o.negatives } : {}),
      ...(o.k !== undefined ? { k: o.k } : {}),
      ...(o.pretrainEpochs !== undefined ? { pretrainEpochs: o.pretrainEpochs } : {}),
      ...(o.epochs !== undefined ? { epochs: o.epochs } : {}),
      ...(o.patience !== undefined ? { patience: o.patience } : {}),
      ...(o.bootstrap !== undefined ? { resamples: o.bootstrap } : {}),
      ...(o.maxLines !== undefined ? { maxLines: o.maxLines } : {}),
      ...(o.progress ? { log: (line: string) => void process.stderr.write(`${line}\n`) } : {}),
    });
    await finish(r, o);
  });

  withCommon(
    root
      .command('mtl/ads')
      .description('Taobao head as an ads proxy: MTL-ads BM vs MTDL vs AMTDL, each with alternating 1:k and pretrain-finetune, AUC per task by user sparsity bucket')
      .option('--file <file>', 'event log', '../shared/data/taobao-userbehavior-head/UserBehavior_head.csv')
      .option('--negatives <n>', 'sampled untouched items per interacted pair (default 1)', positiveInt)
      .option('--k <list>', 'grid of k for alternating 1:k, chosen on validation (default 1,4)', intList)
      .option('--pretrain-epochs <list>', 'grid of auxiliary-only epochs before fine-tuning, chosen on validation (default 1,2)', intList)
      .option('--learning-rates <r>', 'learning-rate grid chosen on validation, every model (default 0.001,0.003)', rates)
      .option('--epochs <n>', 'most epochs, early stopping on validation main AUC (default 6)', positiveInt)
      .option('--patience <n>', 'epochs without a better validation AUC before stopping (default 1)', positiveInt)
      .option('--batch-size <n>', 'rows per mini-batch (default 512)', positiveInt)
      .option('--bootstrap <n>', 'resamples of the 95% intervals over users (default 200)', positiveInt)
      .option('--max-lines <n>', 'read only the first n lines', positiveInt),
  ).action(
    async (
      o: Common & {
        file: string;
        negatives?: number;
        k?: number[];
        pretrainEpochs?: number[];
        learningRates?: number[];
        epochs?: number;
        patience?: number;
        batchSize?: number;
        bootstrap?: number;
        maxLines?: number;
      },
    ) => {
      const { runAdsMtl } = await import('../eval/mtl/ads');
      const r = await runAdsMtl({
        file: o.file,
        seed: o.seed,
        ...(o.negatives !== undefined ? { negatives: o.negatives } : {}),
        ...(o.k !== undefined ? { kGrid: o.k } : {}),
        ...(o.pretrainEpochs !== undefined ? { pretrainGrid: o.pretrainEpochs } : {}),
        ...(o.learningRates !== undefined ? { learningRates: o.learningRates } : {}),
        ...(o.epochs !== undefined ? { epochs: o.epochs } : {}),
        ...(o.patience !== undefined ? { patience: o.patience } : {}),
        ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
        ...(o.bootstrap !== undefined ? { resamples: o.bootstrap } : {}),
        ...(o.maxLines !== undefined ? { maxLines: o.maxLines } : {}),
        ...(o.progress ? { log: (line: string) => void process.stderr.write(`${line}\n`) } : {}),
      });
      await finish(r, o);
    },
  );
}
