/**
 * `eval value/rolling` (issue 13, DUVE v2 evaluation), registered on the `eval` command by
 * cli/eval-command.ts, which passes its common options and report writer in.
 *
 *   eval value/rolling --dataset taobao   Taobao head: purchase-in-next-window AUC pooled over many cuts
 *   eval value/rolling --dataset cdnow    CDNOW: holdout spend MAE/RMSE/Spearman/top decile over rolling origins
 *
 * Both: every model refitted at each cut on the events before it, settings chosen on a validation
 * cut before the first test cut, a paired bootstrap over users (candidate − baseline with 95%
 * intervals). One report per dataset (reports/value-rolling-<name>-<seed>.json/.html) and a table.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { EvalReport } from '../eval/report/types';
import { argError } from '../eval/protocols/temporal-source';

interface Common {
  seed: number;
  out: string;
  name?: string;
  progress: boolean;
}

function positiveNumber(raw: string): number {
  const n = Number(raw);
  if (!(Number.isFinite(n) && n > 0)) throw new InvalidArgumentError('must be a positive number');
  return n;
}

function nonNegativeInt(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

function datasets(raw: string): Array<'taobao' | 'cdnow'> {
  const v = raw.split(',').map((s) => s.trim());
  const bad = v.find((x) => x !== 'taobao' && x !== 'cdnow');
  if (bad !== undefined || v.length === 0) throw new InvalidArgumentError(`unknown "${bad ?? ''}"; taobao, cdnow or taobao,cdnow`);
  return v as Array<'taobao' | 'cdnow'>;
}

/** `iterations=100,200;l2=0.001,0.03` → { iterations: [100, 200], l2: [0.001, 0.03] }. */
export function parseGridFlag(raw: string): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const part of raw
    .split(';')
    .map((x) => x.trim())
    .filter((x) => x !== '')) {
    const m = /^([A-Za-z0-9]+)=(.+)$/.exec(part);
    if (m === null) throw new InvalidArgumentError(`"${part}" is not key=v1,v2,...`);
    const values = m[2]!.split(',').map((v) => Number(v.trim()));
    if (values.some((v) => !(Number.isFinite(v) && v > 0))) throw new InvalidArgumentError(`${m[1]}: values must be positive numbers`);
    out[m[1]!] = values;
  }
  if (Object.keys(out).length === 0) throw new InvalidArgumentError('empty grid');
  return out;
}

interface Flags extends Common {
  dataset: Array<'taobao' | 'cdnow'>;
  file: string;
  cdnowFile: string;
  resamples?: number;
  minHistoryDays?: number;
  stepHours?: number;
  horizonHours?: number;
  maxLines?: number;
  validationWeek?: number;
  firstWeek?: number;
  stepWeeks?: number;
  lastWeek?: number;
  holdoutWeeks?: number;
  v1Only?: boolean;
  v2Grid?: Record<string, number[]>;
}

export function addValueRollingEvalCommand(root: Command, withCommon: (cmd: Command) => Command, finish: (r: EvalReport, o: Pick<Common, 'out' | 'name'>) => Promise<void>): void {
  withCommon(
    root
      .command('value/rolling')
      .description('rolling-origin evaluation of DUVE v2 against v1, no decay, RFM, BG/NBD (Taobao) and BG/NBD + Gamma-Gamma (CDNOW), paired bootstrap over users')
      .option('--dataset <list>', 'taobao, cdnow or taobao,cdnow (one report each)', datasets, ['taobao', 'cdnow'] as Array<'taobao' | 'cdnow'>)
      .option('--file <file>', 'Taobao-format event log', '../shared/data/taobao-userbehavior-head/UserBehavior_head.csv')
      .option('--cdnow-file <file>', 'CDNOW master file', '../shared/data/cdnow/CDNOW_master.txt')
      .option('--resamples <n>', 'bootstrap resamples over users (default 1000; 0: no intervals)', nonNegativeInt)
      .option('--min-history-days <d>', 'taobao: days from the window start to the validation cut (default 3)', positiveNumber)
      .option('--step-hours <h>', 'taobao: hours between test cuts (default 12)', positiveNumber)
      .option('--horizon-hours <h>', 'taobao: label window after each cut, hours (default 24)', positiveNumber)
      .option('--max-lines <n>', 'taobao: read only the first n lines', nonNegativeInt)
      .option('--validation-week <w>', 'cdnow: validation origin, weeks from 1997-01-01 (default 18; its holdout ends at the first test origin)', positiveNumber)
      .option('--first-week <w>', 'cdnow: first test origin (default 26)', positiveNumber)
      .option('--step-weeks <w>', 'cdnow: weeks between origins (default 4)', positiveNumber)
      .option('--last-week <w>', 'cdnow: last origin at most (default 52)', positiveNumber)
      .option('--holdout-weeks <w>', 'cdnow: holdout after each origin (default 26)', positiveNumber)
      .option('--v1-only', 'leave DUVE v2 out (v1 becomes the candidate)')
      .option(
        '--v2-grid <grid>',
        'DUVE v2 settings searched at the validation cut, e.g. "iterations=100,200,400;l2=0.001,0.03,0.1;learningRate=0.01" (keys: iterations, learningRate, l2, l2V1Heads, window, batchSize, v1Iterations)',
        parseGridFlag,
      ),
  ).action(async (o: Flags) => {
    const { rollingTable } = await import('../eval/protocols/value-rolling-table');
    const { DUVE2_GRID_KEYS, gridOf, rollingModels } = await import('../eval/protocols/value-rolling-models');
    const badKey = Object.keys(o.v2Grid ?? {}).find((k) => !(DUVE2_GRID_KEYS as readonly string[]).includes(k));
    if (badKey !== undefined) throw argError('--v2-grid', `unknown key ${badKey}; one of ${DUVE2_GRID_KEYS.join(', ')}`);
    if (o.v2Grid !== undefined && o.v1Only === true) throw argError('--v2-grid', 'not with --v1-only');
    const models = rollingModels({ v2: o.v1Only !== true, ...(o.v2Grid !== undefined ? { v2Grid: gridOf(o.v2Grid) } : {}) });
    for (const ds of o.dataset) {
      // One report per dataset: a --name shared by two runs gets the dataset appended.
      const named = o.name !== undefined && o.dataset.length > 1 ? { out: o.out, name: `${o.name}-${ds}` } : o;
      if (ds === 'taobao') {
        const { runValueRolling } = await import('../eval/protocols/value-rolling');
        const r = await runValueRolling({
          file: o.file,
          seed: o.seed,
          progress: o.progress,
          models: models.taobao,
          ...(o.resamples !== undefined ? { resamples: o.resamples } : {}),
          ...(o.minHistoryDays !== undefined ? { minHistoryDays: o.minHistoryDays } : {}),
          ...(o.stepHours !== undefined ? { stepHours: o.stepHours } : {}),
          ...(o.horizonHours !== undefined ? { horizonHours: o.horizonHours } : {}),
          ...(o.maxLines !== undefined ? { maxLines: o.maxLines } : {}),
        });
        await finish(r, named);
        const s = r.dataset.stats;
        process.stdout.write(
          `${rollingTable({ candidate: r.models.find((m) => m.role === 'candidate')!.id, results: [r.bootstrap], cuts: s.testCuts!, users: s.users!, rows: s.rows! }).join('\n')}\n`,
        );
      } else {
        const { runValueRollingCdnow } = await import('../eval/protocols/value-rolling-cdnow');
        const r = await runValueRollingCdnow({
          file: o.cdnowFile,
          seed: o.seed,
          progress: o.progress,
          models: models.cdnow,
          ...(o.resamples !== undefined ? { resamples: o.resamples } : {}),
          ...(o.validationWeek !== undefined ? { validationWeek: o.validationWeek } : {}),
          ...(o.firstWeek !== undefined ? { firstWeek: o.firstWeek } : {}),
          ...(o.stepWeeks !== undefined ? { stepWeeks: o.stepWeeks } : {}),
          ...(o.lastWeek !== undefined ? { lastWeek: o.lastWeek } : {}),
          ...(o.holdoutWeeks !== undefined ? { holdoutWeeks: o.holdoutWeeks } : {}),
        });
        await finish(r, named);
        const s = r.dataset.stats;
        process.stdout.write(
          `${rollingTable({ candidate: r.models.find((m) => m.role === 'candidate')!.id, results: r.bootstrap, cuts: s.origins!, users: s.customers!, rows: s.testRows! }).join('\n')}\n`,
        );
      }
    }
  });
}
