/**
 * `eval` CLI subcommands: run a named offline protocol on a real dataset, side by side with its
 * baselines, and write the report as JSON and a self-contained HTML page.
 *
 *   eval ranking/full     Gowalla LightGCN split or `user item` pair files (--format): full ranking of every item,
 *                         Recall/NDCG (95% bootstrap intervals)/Precision/HitRate@K; mf/bpr, baseline/item-knn, popularity, ...
 *   eval events/temporal  any event log (Taobao head by default, --file/--mapping, --db): global time cut,
 *                         AUC/GAUC, P/NDCG@K (95% bootstrap intervals) of the gateway's feed per strategy, cold-start
 *                         buckets; --ranker, --mf, --dpgcn train those models on the events before the cut
 *   eval value/holdout    CDNOW: 39-week calibration / 39-week holdout, MAE/RMSE/Spearman/top decile
 *   eval value/temporal   Taobao head: purchase-in-next-window AUC of DUVE (and ablations) vs RFM, BG/NBD
 *   eval value/rolling    Taobao head and CDNOW: rolling-origin evaluation of DUVE v2 vs v1, no decay, RFM, BG/NBD(+GG), paired bootstrap over users
 *   eval ope              an IRA version's value from the decision log before it serves: IPS/SNIPS/DR per impression, intervals, ESS
 *   eval queries/next-category  any event log (Taobao head by default): query suggestion by the next-category proxy
 *   eval feed/ltv         Taobao head, events/temporal harness: the LTV feed (strategies/ltv.json, DUVE trained
 *                         before the cut) vs the commercial-only baseline, the default strategy and references
 *   common: --seed <n> (42)  --out <dir> (reports)  --name <name> (report file name and title; default the dataset name)  --no-progress
 */
import { Command, InvalidArgumentError } from 'commander';
import type { EvalReport, MetricRow } from '../eval/report/types';
import { columnLabel, reportName } from '../eval/report/json';
import { writeReportJson } from '../eval/report/json';
import { writeReportHtml } from '../eval/report/html';
import { temporalRunOptions, temporalSourceOptions, type TemporalSourceFlags } from './temporal-flags';
import { argError } from '../eval/protocols/temporal-source';
import { addMtlEvalCommands } from './eval-mtl';
import { addQueriesEvalCommands } from './eval-queries';
import { addValueRollingEvalCommand } from './eval-value-rolling';
import { addOpeEvalCommand } from './eval-ope';

/** `ranking/full --format`: pairs, lists or auto. */
function splitFormat(raw: string): 'pairs' | 'lists' | 'auto' {
  if (raw !== 'pairs' && raw !== 'lists' && raw !== 'auto') throw new InvalidArgumentError('must be pairs, lists or auto');
  return raw;
}

function int(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

interface Common {
  seed: number;
  out: string;
  name?: string;
  progress: boolean;
}

function withCommon(cmd: Command): Command {
  return cmd
    .option('--seed <n>', 'seed of every random draw', int, 42)
    .option('--out <dir>', 'report directory', 'reports')
    .option('--name <name>', 'report name: in the file name and the title (default: the dataset name)')
    .option('--no-progress', 'no progress bars');
}

/** A compact summary: overall rows only, one line per model. */
export function summaryLines(r: EvalReport): string[] {
  const overall = r.metrics.filter((m) => m.segment === undefined);
  const lines = [
    `${r.protocol} ${reportName(r) !== r.dataset.name ? `"${reportName(r)}" ` : ''}on ${r.dataset.name} (seed ${r.seed}): ${(r.wallMs / 1000).toFixed(1)} s wall, peak RSS ${r.peakRssMiB} MiB`,
  ];
  for (const model of r.models) {
    const rows = overall.filter((m) => m.model === model.id);
    const ci = (m: MetricRow): string => (m.ci !== undefined ? ` [${m.ci.lower.toFixed(4)}, ${m.ci.upper.toFixed(4)}]` : '');
    const cells = rows.map((m) => `${columnLabel(m)}=${Number.isFinite(m.value) ? m.value.toFixed(4) : 'n/a'}${ci(m)}`);
    lines.push(`  ${model.role === 'candidate' ? '*' : ' '} ${model.id}@${model.version}: ${cells.join('  ')}`);
  }
  return lines;
}

async function finish(report: EvalReport, o: Pick<Common, 'out' | 'name'>): Promise<void> {
  const r: EvalReport = o.name !== undefined ? { ...report, name: o.name } : report;
  const out = o.out;
  const json = await writeReportJson(r, out);
  const html = await writeReportHtml(r, out);
  process.stdout.write(`${summaryLines(r).join('\n')}\nreport: ${json}\n        ${html}\n`);
}

export function evalCommand(): Command {
  const root = new Command('eval').description('offline evaluation on real data (../shared/data), baselines side by side in one run');

  withCommon(
    root
      .command('ranking/full')
      .description('train/test split (Gowalla LightGCN by default, or `user item` pair files): every test user ranks every item not in their train list')
      .option('--train <file>', 'train split', '../shared/data/gowalla/train.txt')
      .option('--test <file>', 'test split', '../shared/data/gowalla/test.txt')
      .option('--format <f>', 'split file format: pairs (`user item` per line), lists (LightGCN `user item item ...`) or auto (detected per file)', splitFormat, 'auto' as const)
      .option(
        '--models <ids>',
        'comma-separated models: mf/bpr, dpgcn/graph, dpgcn/filter, baseline/item-knn, baseline/popularity, baseline/commercial, baseline/affinity, baseline/rfm',
        'mf/bpr,baseline/popularity',
      )
      .option('--artifact <dir>', 'evaluate this mf/bpr artifact instead of training one')
      .option('--dpgcn-artifact <dir>', 'evaluate this dpgcn/graph artifact (models/dpgcn/<n>) instead of training one')
      .option('--dpgcn-epochs <n>', 'dpgcn/graph trained in the run: most epochs of the holdout selection run (default GCN_DEFAULTS.epochs)', int)
      .option('--epochs <n>', 'BPR epochs when training', int)
      .option('--knn-neighbours <n>', 'baseline/item-knn: neighbours kept per item (0: all)', int)
      .option('--bootstrap <n>', 'resamples of the 95% bootstrap intervals of Recall/NDCG over users (0: none)', int)
      .option('--workers <n>', 'worker threads for scoring (0: this thread)', int)
      .option('--max-users <n>', 'keep only users with index < n (a slice, for quick runs)', int)
      .option('--cold-max <n>', 'users with 1..n train items and test positives whose item has 1..n train users form the cold-start buckets (default 3)', int),
  ).action(
    async (
      o: Common & {
        train: string;
        test: string;
        format: 'pairs' | 'lists' | 'auto';
        models: string;
        artifact?: string;
        dpgcnArtifact?: string;
        dpgcnEpochs?: number;
        epochs?: number;
        knnNeighbours?: number;
        bootstrap?: number;
        workers?: number;
        maxUsers?: number;
        coldMax?: number;
      },
    ) => {
      if (o.coldMax === 0) throw argError('--cold-max', 'must be at least 1');
      const { runRankingFull } = await import('../eval/protocols/ranking-full');
      const models = o.models.split(',').map((id) => {
        if (id === 'mf/bpr' && o.artifact) return { id, artifactDir: o.artifact };
        if (id === 'dpgcn/graph' && o.dpgcnArtifact) return { id, artifactDir: o.dpgcnArtifact };
        if (id === 'dpgcn/graph' && o.dpgcnEpochs !== undefined) return { id, gcn: { epochs: o.dpgcnEpochs } };
        if (id === 'baseline/item-knn' && o.knnNeighbours !== undefined) return { id, neighbours: o.knnNeighbours };
        return id;
      });
      const r = await runRankingFull({
        trainFile: o.train,
        testFile: o.test,
        format: o.format,
        seed: o.seed,
        models,
        progress: o.progress,
        ...(o.bootstrap !== undefined ? { bootstrap: o.bootstrap } : {}),
        ...(o.epochs !== undefined ? { epochs: o.epochs } : {}),
        ...(o.workers !== undefined ? { workers: o.workers } : {}),
        ...(o.maxUsers !== undefined ? { maxUsers: o.maxUsers } : {}),
        ...(o.coldMax !== undefined ? { coldMax: o.coldMax } : {}),
      });
      await finish(r, o);
    },
  );

  withCommon(
    temporalSourceOptions(root.command('events/temporal').description('any event log: global time cut, every strategy through the real FeedService, evaluate the next window'))
      .option('--negatives <n>', 'sampled AUC negatives per user', int)
      .option('--models <ids>', 'comma-separated: "default" and/or registered scorer ids (each a <scorer>-only strategy); default: default, its scorers alone, popularity')
      .option('--strategy <files...>', 'strategy files, each evaluated as a candidate model')
      .option('--bootstrap <n>', 'resamples of the 95% intervals over users (0: none)', int)
      .option('--ranker', 'also train the learned ranker on the events before the cut (its own validation cut is the last --ranker-horizon-days before it) and evaluate strategy:learned')
      .option('--ranker-horizon-days <d>', "label window of the ranker's lists, days (default 1)", Number)
      .option('--ranker-cuts <n>', 'training cuts of the ranker (default 3)', int)
      .option('--mf', 'also train MF-BPR on the events before the cut (epochs and L2 chosen on the last --mf-valid-days before it) and evaluate strategy:bpr-only')
      .option('--mf-valid-days <d>', "validation window of MF-BPR's settings, days before the cut (default 1)", Number)
      .option('--dpgcn', 'also train DP-GCN on the events before the cut (graph, fusion network, offline policy) and evaluate strategy:dpgcn, strategy:dpgcn-no-fusion and strategy:dpgcn-no-policy')
      .option('--dpgcn-epochs <n>', "DP-GCN: most epochs of the held-out selection (default the trainer's)", int)
      .option('--cold-max <n>', 'users and items with 1..n training events form the cold-start buckets (default 3)', int),
  ).action(
    async (
      o: Common &
        TemporalSourceFlags & {
          negatives?: number;
          models?: string;
          strategy?: string[];
          bootstrap?: number;
          ranker?: boolean;
          rankerHorizonDays?: number;
          rankerCuts?: number;
          mf?: boolean;
          mfValidDays?: number;
          dpgcn?: boolean;
          dpgcnEpochs?: number;
          coldMax?: number;
        },
    ) => {
      const { runEventsTemporal } = await import('../eval/protocols/events-temporal');
      const { combineExtensions } = await import('../eval/protocols/temporal-extensions');
      const log = (line: string): void => void process.stderr.write(`${line}\n`);
      if (o.mfValidDays !== undefined && !(o.mfValidDays > 0)) throw argError('--mf-valid-days', `must be positive, got ${o.mfValidDays}`);
      if (o.coldMax === 0) throw argError('--cold-max', 'must be at least 1');
      if (o.dpgcnEpochs !== undefined && !o.dpgcn) throw argError('--dpgcn-epochs', 'needs --dpgcn');
      if (o.mfValidDays !== undefined && !o.mf) throw argError('--mf-valid-days', 'needs --mf');
      const extend = combineExtensions([
        ...(o.ranker
          ? [
              (await import('../eval/protocols/ltr-extension')).ltrExtension({
                ...(o.rankerHorizonDays !== undefined ? { horizonDays: o.rankerHorizonDays } : {}),
                ...(o.rankerCuts !== undefined ? { cuts: o.rankerCuts } : {}),
                log,
              }),
            ]
          : []),
        ...(o.mf ? [(await import('../eval/protocols/mf-extension')).mfExtension({ ...(o.mfValidDays !== undefined ? { validDays: o.mfValidDays } : {}), log })] : []),
        ...(o.dpgcn
          ? [
              (await import('../eval/protocols/dpgcn-extension')).dpgcnExtension({
                ...(o.dpgcnEpochs !== undefined ? { epochs: o.dpgcnEpochs } : {}),
                policy: (await import('../eval/protocols/dpgcn-policy')).ddpgPretrainer(),
                log,
              }),
            ]
          : []),
      ]);
      const { registeredScorerIds, selectTemporalModels } = await import('../eval/protocols/temporal-models');
      const models = selectTemporalModels({
        ...(o.models !== undefined ? { models: o.models.split(',').filter((x) => x.trim() !== '') } : {}),
        ...(o.strategy !== undefined ? { strategyFiles: o.strategy } : {}),
        scorerIds: registeredScorerIds(),
      });
      const r = await runEventsTemporal({
        ...temporalRunOptions(o),
        models,
        seed: o.seed,
        progress: o.progress,
        ...(o.negatives !== undefined ? { negatives: o.negatives } : {}),
        ...(o.bootstrap !== undefined ? { bootstrapResamples: o.bootstrap } : {}),
        ...(o.coldMax !== undefined ? { coldMax: o.coldMax } : {}),
        ...(extend !== undefined ? { extend } : {}),
      });
      await finish(r, o);
    },
  );

  withCommon(
    root
      .command('feed/ltv')
      .description('events/temporal harness: the LTV feed (commercial + DUVE purchase + diversity) vs commercial-only; DUVE trained on the events before the cut')
      .option('--file <file>', 'event log', '../shared/data/taobao-userbehavior-head/UserBehavior_head.csv')
      .option('--strategy <file>', 'LTV strategy file', 'strategies/ltv.json')
      .option('--eval-days <n>', 'days after the cut that form the evaluation window', int)
      .option('--negatives <n>', 'sampled AUC negatives per user', int)
      .option('--iterations <n>', 'DUVE Adam steps', int)
      .option('--artifact-root <dir>', 'keep the DUVE artifact as the next version under <dir>/duve (default: a temp artifact)')
      .option('--max-lines <n>', 'read only the first n lines', int),
  ).action(async (o: Common & { file: string; strategy: string; evalDays?: number; negatives?: number; iterations?: number; artifactRoot?: string; maxLines?: number }) => {
    const { runFeedLtv } = await import('../eval/protocols/feed-ltv');
    const r = await runFeedLtv({
      file: o.file,
      strategyFile: o.strategy,
      seed: o.seed,
      progress: o.progress,
      ...(o.evalDays !== undefined ? { evalDays: o.evalDays } : {}),
      ...(o.negatives !== undefined ? { negatives: o.negatives } : {}),
      ...(o.iterations !== undefined ? { iterations: o.iterations } : {}),
      ...(o.artifactRoot !== undefined ? { artifactRoot: o.artifactRoot } : {}),
      ...(o.maxLines !== undefined ? { maxLines: o.maxLines } : {}),
    });
    await finish(r, o);
  });

  withCommon(
    root
      .command('value/holdout')
      .description('CDNOW: 39-week calibration, 39-week holdout; per-customer future spend and transactions')
      .option('--file <file>', 'CDNOW master file', '../shared/data/cdnow/CDNOW_master.txt'),
  ).action(async (o: Common & { file: string }) => {
    const { runValueHoldout } = await import('../eval/protocols/value-holdout');
    const r = await runValueHoldout({ file: o.file, seed: o.seed, progress: o.progress });
    await finish(r, o);
  });

  withCommon(
    root
      .command('value/temporal')
      .description('event log (Taobao format): purchase in the next window, DUVE and its ablations vs RFM and BG/NBD')
      .option('--file <file>', 'event log', '../shared/data/taobao-userbehavior-head/UserBehavior_head.csv')
      .option('--max-lines <n>', 'read only the first n lines', int),
  ).action(async (o: Common & { file: string; maxLines?: number }) => {
    const { runValueTemporal } = await import('../eval/protocols/value-temporal');
    const r = await runValueTemporal({ file: o.file, seed: o.seed, progress: o.progress, ...(o.maxLines !== undefined ? { maxLines: o.maxLines } : {}) });
    await finish(r, o);
  });

  addMtlEvalCommands(root, withCommon, finish);
  addQueriesEvalCommands(root, withCommon, finish);
  addValueRollingEvalCommand(root, withCommon, finish);
  addOpeEvalCommand(root, withCommon);
  return root;
}
