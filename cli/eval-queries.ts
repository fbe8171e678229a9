/**
 * `eval queries/*` subcommands (issue 12, query suggestions), registered on the `eval` command by
 * cli/eval-command.ts, which passes its common options and report writer in.
 *
 *   eval queries/next-category   next-category proxy (categories as pseudo-queries) at a time cut:
 *                                popularity by prefix vs own categories vs dpgcn/graph vs a blend
 *                                chosen on a validation cut; Hit@1/5/10, MRR@10 with intervals
 */
import type { Command } from 'commander';
import type { EvalReport } from '../eval/report/types';
import { count, positive, temporalRunOptions, temporalSourceOptions, type TemporalSourceFlags } from './temporal-flags';

interface Common {
  seed: number;
  out: string;
  name?: string;
  progress: boolean;
}

export function addQueriesEvalCommands(root: Command, withCommon: (cmd: Command) => Command, finish: (r: EvalReport, o: Pick<Common, 'out' | 'name'>) => Promise<void>): void {
  withCommon(
    temporalSourceOptions(
      root
        .command('queries/next-category')
        .description("query suggestion by proxy: the category of each user's next interaction after a time cut, categories as pseudo-queries, under empty / 1 / 2-character prefixes"),
    )
      .option('--valid-days <n>', 'days between the validation cut (where the blend is chosen) and the test cut (default 1)', positive)
      .option('--epochs <n>', "most dpgcn/graph training epochs (default the trainer's)", count)
      .option('--bootstrap <n>', 'bootstrap resamples of the intervals (default 2000)', count),
  ).action(async (o: Common & TemporalSourceFlags & { validDays?: number; epochs?: number; bootstrap?: number }) => {
    const { runQueriesNextCategory } = await import('../eval/protocols/queries-next-category');
    const r = await runQueriesNextCategory({
      ...temporalRunOptions(o),
      seed: o.seed,
      progress: o.progress,
      ...(o.validDays !== undefined ? { validDays: o.validDays } : {}),
      ...(o.epochs !== undefined ? { epochs: o.epochs } : {}),
      ...(o.bootstrap !== undefined ? { bootstrapResamples: o.bootstrap } : {}),
    });
    await finish(r, o);
  });
}
