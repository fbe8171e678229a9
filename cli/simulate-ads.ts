/**
 * `simulate --ads` (issue 14): the flags and the action over sim/ads.ts; registered by
 * cli/simulate.ts. Prints the arms table and writes `<out>/simulate-ads-<seed>.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { ADS_MODEL_KINDS, ADS_SCHEDULES, type AdsModelKind, type AdsSchedule } from '../ml/mtl/ads';
import { formatAdsReport, runAdsSimulation } from '../sim/ads';

export interface AdsFlags {
  ads: boolean;
  file: string;
  maxLines?: number;
  seed: number;
  days: number;
  users: number;
  burnInDays: number;
  adsSlots: number;
  adsModel: AdsModelKind;
  adsSchedule: AdsSchedule;
  adsEpochs?: number;
  adsClutter?: number;
  adsMaxLift?: number;
  baseCtr: number;
  maxCtr: number;
  out: string;
  workDir?: string;
}

const choice =
  <T extends string>(values: readonly T[], what: string) =>
  (raw: string): T => {
    if (!(values as readonly string[]).includes(raw)) throw new InvalidArgumentError(`${what} must be one of ${values.join(', ')}`);
    return raw as T;
  };
const count = (raw: string): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
};
const share = (raw: string): number => {
  const n = Number(raw);
  if (!(Number.isFinite(n) && n >= 0) || raw.trim() === '') throw new InvalidArgumentError('must be a number ≥ 0');
  return n;
};

/** The `--ads-*` options (the shared --file, --seed, --days, --users, --burn-in-days, --base-ctr, --max-ctr, --out, --work-dir come from `simulate`). */
export function addAdsOptions(cmd: Command): Command {
  return cmd
    .option(
      '--ads',
      "issue 14's selling-points experiment: burn-in with random selling points, MTL-ads trained on that log, then arms with 0-3 personalised and 2 non-personalised selling points (sim/ads.ts); defaults then --days 14 --users 200 --burn-in-days 7",
      false,
    )
    .option('--ads-slots <n>', '--ads: ad slots per request', count, 4)
    .option('--ads-model <kind>', '--ads: model trained on the burn-in (bm, mtdl, amtdl)', choice(ADS_MODEL_KINDS, '--ads-model'), 'mtdl')
    .option('--ads-schedule <s>', '--ads: training schedule (alternating, pretrain-finetune)', choice(ADS_SCHEDULES, '--ads-schedule'), 'alternating')
    .option('--ads-epochs <n>', "--ads: most training epochs (default: the trainer's 10)", count)
    .option('--ads-clutter <c>', '--ads: relative CTR lost per title keyword beyond 2 (assumption, default 0.15)', share)
    .option('--ads-max-lift <l>', '--ads: largest relative CTR lift from liked keywords (assumption, default 0.5)', share);
}

export async function simulateAds(f: AdsFlags, cmd: Command): Promise<void> {
  const given = (k: string): boolean => cmd.getOptionValueSource(k) !== 'default';
  const log = (line: string): void => void process.stderr.write(`[simulate --ads] ${line}\n`);
  const outcome = await runAdsSimulation({
    file: f.file,
    ...(f.maxLines !== undefined ? { maxLines: f.maxLines } : {}),
    seed: f.seed,
    users: given('users') ? f.users : 200,
    days: given('days') ? f.days : 14,
    burnInDays: given('burnInDays') ? f.burnInDays : 7,
    slots: f.adsSlots,
    behaviour: { baseCtr: f.baseCtr, maxCtr: f.maxCtr },
    keywords: { ...(f.adsClutter !== undefined ? { clutter: f.adsClutter } : {}), ...(f.adsMaxLift !== undefined ? { maxLift: f.adsMaxLift } : {}) },
    model: { kind: f.adsModel, schedule: f.adsSchedule, ...(f.adsEpochs !== undefined ? { epochs: f.adsEpochs } : {}) },
    ...(f.workDir !== undefined ? { workDir: f.workDir } : {}),
    log,
  });
  mkdirSync(f.out, { recursive: true });
  const file = join(f.out, `simulate-ads-${f.seed}.json`);
  writeFileSync(file, `${JSON.stringify(outcome, null, 2)}\n`);
  process.stdout.write(`${formatAdsReport(outcome)}\nreport: ${file}\n`);
}
