/**
 * `simulate`: run an A/B/n test end to end through the real gateway against simulated users
 * fitted to a real event log (sim/), print the results tables and write
 * `<out>/simulate-<seed>.json`. See the README's "Simulator" section for what is modelled.
 */
import { Command, InvalidArgumentError } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { EXPERIMENT_METRICS } from '../experiments/model';
import type { SimVariant } from '../sim/client';
import { buildReport, formatReport, writeReport } from '../sim/report';
import { DEFAULT_METRICS, DEFAULT_VARIANTS, runSimulation } from '../sim/run';
import { DPGCN_FROZEN, DPGCN_LIVE } from '../sim/dpgcn';
import { runHeadline, type HeadlineSplit } from '../sim/headline';
import { buildHeadlineReport, formatHeadline, writeHeadlineReport } from '../sim/headline-report';
import { addAdsOptions, simulateAds, type AdsFlags } from './simulate-ads';
import { simIraPolicy } from '../sim/ira';

/** The variants of `--dpgcn` when --variants is not given: the policy frozen at its pre-trained version (control) against the learning policy. */
export const DPGCN_VARIANTS: readonly SimVariant[] = [
  { key: 'control', strategyId: DPGCN_FROZEN, weight: 0.5 },
  { key: 'policy', strategyId: DPGCN_LIVE, weight: 0.5 },
];

export const DEFAULT_SIM_FILE = '../shared/data/taobao-userbehavior-head/UserBehavior_head.csv';

function int(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}
function positiveInt(raw: string): number {
  const n = int(raw);
  if (n === 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}
function split(raw: string): HeadlineSplit {
  if (raw !== '5/5/90' && raw !== '34/33/33') throw new InvalidArgumentError('must be 5/5/90 or 34/33/33');
  return raw;
}
function nonNegative(raw: string): number {
  const n = Number(raw);
  if (!(Number.isFinite(n) && n >= 0) || raw.trim() === '') throw new InvalidArgumentError('must be a number ≥ 0');
  return n;
}

/** `key=strategyId:weight,...`, e.g. `control=default:0.9,ltv=ltv:0.05,commercial-only=commercial-only:0.05`. */
export function parseVariants(raw: string): SimVariant[] {
  const out = raw.split(',').map((part) => {
    const m = /^\s*([A-Za-z0-9][\w-]*)=([^:]+):([0-9.eE+-]+)\s*$/.exec(part);
    if (!m) throw new InvalidArgumentError(`"${part}" is not key=strategyId:weight`);
    const weight = Number(m[3]);
    if (!(weight > 0 && weight <= 1)) throw new InvalidArgumentError(`weight of "${m[1]}" must be in (0, 1]`);
    return { key: m[1]!, strategyId: m[2]!.trim(), weight };
  });
  if (out.length < 2) throw new InvalidArgumentError('an A/B/n test needs at least 2 variants');
  return out;
}

/** Comma-separated metric names, any case (`ctr`, `GMV_PER_IMPRESSION`). */
export function parseMetrics(raw: string): string[] {
  return raw.split(',').map((m) => {
    const name = m.trim().toLowerCase();
    if (!(EXPERIMENT_METRICS as readonly string[]).includes(name)) throw new InvalidArgumentError(`unknown metric "${m}" (known: ${EXPERIMENT_METRICS.join(', ')})`);
    return name.toUpperCase();
  });
}

interface Flags extends AdsFlags {
  file: string;
  maxLines?: number;
  seed: number;
  days: number;
  users: number;
  variants: SimVariant[];
  metrics: string[];
  attributionHours: number;
  duve: boolean;
  duveIterations: number;
  dpgcn: boolean;
  dpgcnEpochs?: number;
  dpgcnPretrainUpdates?: number;
  strategiesDir: string;
  baseCtr: number;
  maxCtr: number;
  priceElasticity: number;
  priceMedian: number;
  out: string;
  workDir?: string;
  progress: boolean;
  logLevel: string;
  headline: boolean;
  split: HeadlineSplit;
  ablations: boolean;
  burnInDays: number;
  captureDays: number;
  returning: boolean;
  fatigue: boolean;
  spend: boolean;
  ira: boolean;
  churnHazard: number;
  returnSatisfaction: number;
  fatigueItem: number;
  fatigueCategory: number;
  iraPretrainUpdates?: number;
  followUpDays?: number;
  duve2Iterations?: number;
  learnEveryMinutes?: number;
}

const formatVariants = (vs: readonly SimVariant[]): string => vs.map((v) => `${v.key}=${v.strategyId}:${v.weight}`).join(',');

export function simulateCommand(): Command {
  return addAdsOptions(new Command('simulate'))
    .description('closed-loop user simulator: an A/B/n test through the real gateway, users fitted to a real event log')
    .option('--file <path>', 'Taobao UserBehavior log to fit and warm up on', DEFAULT_SIM_FILE)
    .option('--max-lines <n>', 'read only the first n lines (a slice)', positiveInt)
    .option('--seed <n>', 'seed of every random draw', int, 42)
    .option('--days <n>', 'simulated days', positiveInt, 28)
    .option('--users <n>', "simulated users, sampled from the log's", positiveInt, 300)
    .option('--variants <list>', 'key=strategyId:weight,... (weights sum to 1; the key "control" is the control)', parseVariants, [...DEFAULT_VARIANTS])
    .option('--metrics <list>', 'primary metrics', parseMetrics, [...DEFAULT_METRICS])
    .option('--attribution-hours <h>', 'attribution window of the experiment', nonNegative, 24)
    .option('--no-duve', 'do not train DUVE on the warm-up data (strategies needing duve/purchase are then not servable)')
    .option('--duve-iterations <n>', 'Adam steps of the DUVE training', positiveInt, 200)
    .option(
      '--dpgcn',
      `train dpgcn/graph and pre-train its DDPG policy on the warm-up data; serve strategies ${DPGCN_LIVE} (policy learning) and ${DPGCN_FROZEN} (policy frozen at its pre-trained version); default variants then control=${DPGCN_FROZEN}:0.5,policy=${DPGCN_LIVE}:0.5`,
      false,
    )
    .option('--dpgcn-epochs <n>', "most GCN epochs of the dpgcn training (default: the trainer's)", positiveInt)
    .option('--dpgcn-pretrain-updates <n>', 'DDPG updates of the offline pre-training (default 3000)', positiveInt)
    .option('--strategies-dir <dir>', 'strategy files the gateway may serve (commercial-only is derived from ltv)', 'strategies')
    .option('--base-ctr <p>', 'click probability at position 1 of an item of no interest (assumption)', nonNegative, 0.01)
    .option('--max-ctr <p>', 'click probability at position 1 of an item of saturated interest (assumption)', nonNegative, 0.35)
    .option('--price-elasticity <eta>', 'purchase probability ∝ (price / category median)^-eta (assumption)', nonNegative, 0.5)
    .option('--price-median <x>', 'median of the synthetic category median prices', nonNegative, 50)
    .option('--out <dir>', 'report directory', 'reports')
    .option('--work-dir <dir>', 'keep the store, DUVE model and experiment DB here (default: a removed temp folder)')
    .option('--no-progress', 'no progress bar')
    .option('--log-level <level>', 'gateway log level (stderr)', 'silent')
    .option(
      '--headline',
      "issue 13's headline experiment: baseline (RFM + CTR-optimised) vs duve-only (ltv) vs full (DUVE v2 + IRA) with returning users, fatigue and spend trajectories; defaults then --days 35 --users 800 (sim/headline.ts)",
      false,
    )
    .option('--split <s>', '--headline weights: 5/5/90 or 34/33/33', split, '5/5/90')
    .option('--ablations', '--headline: add the short-term-only, no-decay and hourly-refresh arms', false)
    .option('--burn-in-days <n>', '--headline: days before the experiment (IRA explores, satisfaction is calibrated)', positiveInt, 2)
    .option('--capture-days <n>', '--headline: high-value capture counts purchases in the last n experiment days (default min(14, days))', positiveInt, 14)
    .option('--no-returning', '--headline: visits as the plain simulator (Poisson, no churn, no satisfaction)')
    .option('--no-fatigue', '--headline: no repetition fatigue')
    .option('--no-spend', '--headline: no spend trajectory or budget')
    .option('--no-ira', '--headline: baseline and duve-only only (no DUVE v2 / IRA)')
    .option('--churn-hazard <p>', '--headline: daily churn hazard at neutral satisfaction (assumption)', nonNegative, 0.02)
    .option('--return-satisfaction <b>', '--headline: return log-odds per sd of satisfaction (assumption)', nonNegative, 0.3)
    .option('--fatigue-item <phi>', '--headline: click log-factor per earlier showing of the item (assumption)', nonNegative, 0.4)
    .option('--fatigue-category <phi>', '--headline: click log-factor per earlier shown item of the category (assumption)', nonNegative, 0.04)
    .option('--ira-pretrain-updates <n>', '--headline: Q-network updates per line of the offline pre-training (default 500)', positiveInt)
    .option('--follow-up-days <n>', '--headline: days of the on-policy follow-up of the full line at its final version (OPE against the truth; 0: none; default 3)', int)
    .option('--duve2-iterations <n>', '--headline: Adam steps of each DUVE v2 training (default 200)', positiveInt)
    .option('--learn-every-minutes <n>', '--headline: the IRA service gets events and learns every n simulated minutes (default 360)', positiveInt)
    .action(async (f: Flags, cmd: Command) => {
      if (f.headline) return headline(f, cmd);
      if (f.ads) return simulateAds(f, cmd);
      const tty = f.progress && process.stderr.isTTY === true;
      const bar = tty
        ? new SingleBar({ format: 'simulate [{bar}] day {value}/{total} | {feeds} feeds | {events} events | {elapsed}s', hideCursor: true, stream: process.stderr }, Presets.shades_classic)
        : null;
      const started = Date.now();
      if (f.dpgcn && formatVariants(f.variants) === formatVariants(DEFAULT_VARIANTS)) f.variants = [...DPGCN_VARIANTS];
      const log = (line: string): void => void process.stderr.write(`[simulate] ${line}\n`);
      log(`variants ${formatVariants(f.variants)}; ${f.days} days, ${f.users} users, seed ${f.seed}`);
      let barStarted = false;
      const outcome = await runSimulation({
        file: f.file,
        ...(f.maxLines !== undefined ? { maxLines: f.maxLines } : {}),
        seed: f.seed,
        days: f.days,
        users: f.users,
        variants: f.variants,
        metrics: f.metrics,
        attributionWindowHours: f.attributionHours,
        duve: f.duve,
        duveIterations: f.duveIterations,
        ...(f.dpgcn
          ? { dpgcn: { ...(f.dpgcnEpochs !== undefined ? { epochs: f.dpgcnEpochs } : {}), ...(f.dpgcnPretrainUpdates !== undefined ? { pretrainUpdates: f.dpgcnPretrainUpdates } : {}) } }
          : {}),
        strategiesDir: f.strategiesDir,
        behaviour: { baseCtr: f.baseCtr, maxCtr: f.maxCtr, priceElasticity: f.priceElasticity },
        prices: { median: f.priceMedian },
        ...(f.workDir !== undefined ? { workDir: f.workDir } : {}),
        logLevel: f.logLevel,
        log,
        onDay: (p) => {
          if (bar !== null) {
            if (!barStarted) bar.start(p.days, 0, { feeds: 0, events: 0, elapsed: 0 });
            barStarted = true;
            bar.update(p.day, { feeds: p.feeds, events: p.events, elapsed: Math.round((Date.now() - started) / 1000) });
          } else if (f.progress) log(`day ${p.day}/${p.days}: ${p.feeds} feeds, ${p.events} events, ${Math.round((Date.now() - started) / 1000)} s`);
        },
      });
      bar?.stop();
      const report = buildReport(outcome);
      const file = writeReport(report, f.out);
      process.stdout.write(`${formatReport(report)}\nreport: ${file}\n`);
    });
}

/** `simulate --headline`: runHeadline with the flags, then the study-shaped table and the JSON report. */
async function headline(f: Flags, cmd: Command): Promise<void> {
  const log = (line: string): void => void process.stderr.write(`[simulate --headline] ${line}\n`);
  const given = (k: string): boolean => cmd.getOptionValueSource(k) !== 'default';
  const started = Date.now();
  const outcome = await runHeadline({
    file: f.file,
    ...(f.maxLines !== undefined ? { maxLines: f.maxLines } : {}),
    seed: f.seed,
    days: given('days') ? f.days : 35,
    users: given('users') ? f.users : 800,
    burnInDays: f.burnInDays,
    ...(given('captureDays') ? { captureDays: f.captureDays } : {}),
    split: f.split,
    ablations: f.ablations,
    attributionWindowHours: f.attributionHours,
    duveIterations: f.duveIterations,
    strategiesDir: f.strategiesDir,
    behaviour: { baseCtr: f.baseCtr, maxCtr: f.maxCtr, priceElasticity: f.priceElasticity },
    prices: { median: f.priceMedian },
    returning: f.returning ? { churnHazard: f.churnHazard, returnSatisfaction: f.returnSatisfaction } : false,
    fatigue: f.fatigue ? { itemPenalty: f.fatigueItem, categoryPenalty: f.fatigueCategory } : false,
    spend: f.spend ? {} : false,
    policy: f.ira
      ? simIraPolicy({
          ...(f.iraPretrainUpdates !== undefined ? { pretrainUpdates: f.iraPretrainUpdates } : {}),
          ...(f.followUpDays !== undefined ? { followUpDays: f.followUpDays } : {}),
          ...(f.duve2Iterations !== undefined ? { duveIterations: f.duve2Iterations } : {}),
          ...(f.learnEveryMinutes !== undefined ? { learnEveryMinutes: f.learnEveryMinutes } : {}),
        })
      : null,
    ...(f.workDir !== undefined ? { workDir: f.workDir } : {}),
    logLevel: f.logLevel,
    log,
    onDay: (p) => {
      if (f.progress) log(`${p.phase} day ${p.day}/${p.days}: ${p.feeds} feeds, ${p.events} events, ${Math.round((Date.now() - started) / 1000)} s`);
    },
  });
  const report = buildHeadlineReport(outcome);
  const file = writeHeadlineReport(report, f.out);
  process.stdout.write(`${formatHeadline(report)}\nreport: ${file}\n`);
}
