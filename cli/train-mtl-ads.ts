/**
 * `train mtl-ads --kind bm|mtdl|amtdl --schedule alternating|pretrain-finetune [--k 4] --from-store`:
 * train an MTL-ads model (ml/mtl/ads) on the `ads` exposures of the exposure log joined with the
 * store's `ad_click` / `selling_point_click` events, and publish it as the next version under
 * `<MTL_ADS_MODELS_DIR>/<kind>/` (what `ads` serves, hot-swapped). AMTDL reads its user/query
 * features from the graph store.
 *
 * The stores are the configured ones (graph store by GRAPH_STORE/DB_PATH, exposure log at
 * EXPERIMENTS_DB_PATH), or existing files given with `--db` and `--experiments-db`.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../config/config';
import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';
import { argError, parseInstant } from '../eval/protocols/temporal-source';
import { createSqliteExperimentStore } from '../experiments/sqlite';
import { openConfiguredStore } from '../graph/configured';
import { createEmbeddedGraphStore } from '../graph/embedded';
import { ADS_MODEL_KINDS, ADS_SCHEDULES, type AdsModelKind, type AdsSchedule } from '../ml/mtl/ads/types';
import { trainMtlAdsFromStore, type TrainMtlAdsFromStoreOptions } from '../ml/mtl/ads/from-store';

export interface MtlAdsFlags {
  kind?: string;
  schedule?: string;
  fromStore?: boolean;
  k?: number;
  pretrainEpochs?: number;
  epochs?: number;
  lr?: number;
  batchSize?: number;
  seed: number;
  from?: string;
  to?: string;
  attributionMinutes?: number;
  modelsDir?: string;
  db?: string;
  experimentsDb?: string;
}

function positiveInt(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function nonNegativeInt(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

function positive(raw: string): number {
  const n = Number(raw);
  if (!(Number.isFinite(n) && n > 0)) throw new InvalidArgumentError('must be a positive number');
  return n;
}

/** Training options from the flags (checked before any store is opened); coded errors name the flag. */
export function mtlAdsOptionsFromFlags(f: MtlAdsFlags, defaults: { adsDir: string }): TrainMtlAdsFromStoreOptions {
  if (!f.fromStore) throw argError('--from-store', 'train mtl-ads reads the exposure log and the ad events of the stores: pass --from-store');
  if (!(ADS_MODEL_KINDS as readonly string[]).includes(f.kind ?? '')) throw argError('--kind', `must be one of ${ADS_MODEL_KINDS.join(', ')} (got ${f.kind ?? 'nothing'})`);
  if (!(ADS_SCHEDULES as readonly string[]).includes(f.schedule ?? '')) throw argError('--schedule', `must be one of ${ADS_SCHEDULES.join(', ')} (got ${f.schedule ?? 'nothing'})`);
  const from = f.from === undefined ? undefined : parseInstant(f.from, '--from');
  const to = f.to === undefined ? undefined : parseInstant(f.to, '--to');
  if (from !== undefined && to !== undefined && !(from < to)) throw argError('--to', 'must be after --from');
  if (f.modelsDir === undefined && defaults.adsDir === '') throw argError('--models-dir', 'MTL_ADS_MODELS_DIR is empty (MTL-ads off): pass --models-dir');
  return {
    kind: f.kind as AdsModelKind,
    schedule: f.schedule as AdsSchedule,
    seed: f.seed,
    modelsDir: '',
    adsDir: resolve(f.modelsDir ?? defaults.adsDir),
    ...(f.k !== undefined ? { k: f.k } : {}),
    ...(f.pretrainEpochs !== undefined ? { pretrainEpochs: f.pretrainEpochs } : {}),
    ...(f.epochs !== undefined ? { epochs: f.epochs } : {}),
    ...(f.lr !== undefined ? { learningRate: f.lr } : {}),
    ...(f.batchSize !== undefined ? { batchSize: f.batchSize } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(f.attributionMinutes !== undefined ? { attributionMs: f.attributionMinutes * 60_000 } : {}),
    log: (line) => void process.stderr.write(`${line}\n`),
    createdBy: `cli train mtl-ads --kind ${f.kind} --schedule ${f.schedule}${f.k !== undefined ? ` --k ${f.k}` : ''}`,
  };
}

/** The action: open the stores, train, publish, print where the version went. */
export async function runTrainMtlAds(f: MtlAdsFlags): Promise<void> {
  const config = loadConfig();
  const o = mtlAdsOptionsFromFlags(f, { adsDir: config.mtlAdsModelsDir });
  if (f.db !== undefined && !existsSync(f.db)) throw argError('--db', `no embedded store at ${f.db}`);
  const expPath = f.experimentsDb ?? config.experimentsDbPath;
  if (!existsSync(expPath)) throw argError('--experiments-db', `no exposure log at ${expPath} (EXPERIMENTS_DB_PATH)`);
  const graph = f.db !== undefined ? await createEmbeddedGraphStore({ path: f.db }) : await openConfiguredStore(config);
  const exposures = createSqliteExperimentStore(expPath);
  try {
    const r = await trainMtlAdsFromStore({ exposures, events: graph, graph }, o).catch((err: unknown) => {
      if (err instanceof RangeError) throw new CodedError(ErrorCode.EVAL_DATA_INVALID, err.message, { store: graph.kind, experimentsDb: expPath });
      throw err;
    });
    const m = r.trained.metrics;
    process.stdout.write(
      `mtl-ads/${r.trained.kind}@${r.version} -> ${r.dir}: ${r.examples} exposures (${m.trainExamples} train, ${m.validationExamples} validation), ` +
        `${m.trainKeywordPositives} selling-point clicks / ${m.trainKeywordRows} keyword rows, ${m.trainAdPositives} ad clicks; ` +
        `validation AUC main ${m.validationMainAuc.toFixed(4)}${m.validationAuxAuc !== null ? `, ad CTR ${m.validationAuxAuc.toFixed(4)}` : ''} at epoch ${r.trained.bestEpoch + 1}; ${(r.trained.trainMs / 1000).toFixed(1)} s\n`,
    );
  } finally {
    await exposures.close();
    await graph.close();
  }
}

/** Register `train mtl-ads` on the `train` command. */
export function addTrainMtlAds(train: Command): Command {
  train
    .command('mtl-ads')
    .description('MTL-ads (BM / MTDL / AMTDL) on the ads exposure log + ad events -> MTL_ADS_MODELS_DIR/<kind>/<n>/ (model.onnx + manifest.json)')
    .option('--kind <kind>', 'bm | mtdl | amtdl')
    .option('--schedule <schedule>', 'alternating | pretrain-finetune')
    .option('--from-store', 'train on the stores (the exposure log and the graph store)', false)
    .option('--k <n>', 'auxiliary batches per main batch, alternating 1:k (default 4)', positiveInt)
    .option('--pretrain-epochs <n>', 'auxiliary-only epochs before fine-tuning (default 2)', nonNegativeInt)
    .option('--epochs <n>', 'most epochs, early stopping on the latest 10% of exposures (default 10)', positiveInt)
    .option('--lr <x>', 'Adam step size (default 0.003)', positive)
    .option('--batch-size <n>', 'rows per mini-batch (default 256)', positiveInt)
    .option('--seed <n>', 'seed of the initialisation and the batch order', positiveInt, 42)
    .option('--from <time>', 'exposures at or after (ISO-8601 or epoch ms)')
    .option('--to <time>', 'exposures before (ISO-8601 or epoch ms)')
    .option('--attribution-minutes <m>', 'longest exposure -> click delay attributed (default 30)', positive)
    .option('--models-dir <dir>', 'MTL-ads artifact folder (default MTL_ADS_MODELS_DIR)')
    .option('--db <file>', 'an existing embedded store file instead of the configured store')
    .option('--experiments-db <file>', 'the exposure log (default EXPERIMENTS_DB_PATH)')
    .action((f: MtlAdsFlags) => runTrainMtlAds(f));
  return train;
}
