/**
 * `train dpgcn`: train the graph model's core (ml/gcn) on a train split and publish it as the next
 * version under `<models-dir>/dpgcn/`. Settings are checked on a seeded holdout of each user's train
 * items (early stop on held-out Recall@20), then the model is retrained on all train items. The
 * test file is read only so the catalogue covers every item id; its interactions are not used.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';
import { loadSplitFiles } from '../eval/datasets/interactions';
import { dataDigest, stageGcnArtifact } from '../ml/gcn/artifact';
import { trainWithSelection } from '../ml/gcn/select';
import { GCN_DEFAULTS, resolveGcnHyper, type GcnHyperParameters } from '../ml/gcn/train';
import { createHash } from 'node:crypto';
import { RELATIONS } from '../ml/gcn/store-graph';
import { runDpgcnFromStore, type StoreFlags } from './train-dpgcn-store';

const FLAGS: Readonly<Record<keyof GcnHyperParameters, string>> = {
  dims: '--dims',
  layers: '--layers',
  epochs: '--epochs',
  learningRate: '--lr',
  l2: '--l2',
  tau: '--tau',
  negatives: '--negatives',
  usersPerGroup: '--users-per-group',
  usersPerStep: '--users-per-step',
  initStd: '--init-std',
};

function num(raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('must be a number');
  return n;
}

type Opts = { [K in keyof GcnHyperParameters]?: number } & { train: string; test: string; format: 'pairs' | 'lists' | 'auto'; seed: number; modelsDir?: string; holdout: number } & Partial<
    Omit<StoreFlags, 'seed' | 'holdout' | 'modelsDir'>
  > & { fromStore?: boolean };

/** The settings the flags give, checked before any data is read (EVAL_ARGUMENT_INVALID naming the flag). */
export function gcnSettingsFromFlags(o: Opts): Partial<GcnHyperParameters> {
  const out: Partial<Record<keyof GcnHyperParameters, number>> = {};
  for (const key of Object.keys(FLAGS) as (keyof GcnHyperParameters)[]) if (o[key] !== undefined) out[key] = o[key];
  try {
    resolveGcnHyper({ ...out, seed: o.seed });
  } catch (err) {
    const key = (Object.keys(FLAGS) as (keyof GcnHyperParameters)[]).find((k) => (err as Error).message.startsWith(`${k} `));
    throw new CodedError(ErrorCode.EVAL_ARGUMENT_INVALID, `train dpgcn: ${(err as Error).message}`, { flag: key ? FLAGS[key] : '--seed' });
  }
  if (!(o.holdout > 0 && o.holdout < 1)) throw new CodedError(ErrorCode.EVAL_ARGUMENT_INVALID, `train dpgcn: --holdout must be in (0, 1) (got ${o.holdout})`, { flag: '--holdout' });
  return out;
}

export function addTrainDpgcn(train: Command): Command {
  train
    .command('dpgcn')
    .description(
      "graph model core (LightGCN-style, sampled softmax over cosines) on a train split, or with --from-store on the store's user/item/query/category/term graph -> <models-dir>/dpgcn/<n>/ (embeddings.bin + manifest.json, + queries/categories/terms.bin)",
    )
    .option('--train <file>', 'train split', '../shared/data/gowalla/train.txt')
    .option('--test <file>', 'test split: read only for the catalogue (item ids), its interactions are not used', '../shared/data/gowalla/test.txt')
    .option('--format <f>', 'pairs, lists (LightGCN) or auto', 'auto')
    .option('--seed <n>', 'seed of every random draw', num, 42)
    .option('--models-dir <dir>', 'artifact root (default: models; with --from-store MODELS_DIR)')
    .option('--from-store', 'train on the configured GraphStore (or --db) instead of split files; --train/--test/--format are ignored')
    .option('--db <sqlite>', 'with --from-store: an existing embedded store file instead of the configured store')
    .option('--train-end <instant>', 'with --from-store: use only events before this time (ISO-8601 or epoch ms; default: every event)')
    .option('--no-fusion', 'with --from-store: do not train the fusion network')
    .option('--half-life-days <d>', "with --from-store: half-life of an interaction's edge weight, from the newest event (default 14)", num)
    .option('--type-weights <list>', 'with --from-store: edge weight per event type, e.g. purchase=4,add_to_cart=3,view=1 (default: ml/gcn/store-graph.ts DEFAULT_TYPE_WEIGHTS)')
    .option('--relations <list>', `with --from-store: relations besides interacted (default all: ${RELATIONS.slice(1).join(',')}; none: user-item only)`)
    .option('--relation-scales <list>', "with --from-store: share of each relation's messages, e.g. in_category=0.5 (default 1 each)")
    .option('--min-term-nodes <n>', 'with --from-store: keep a term when at least this many items and queries have it (default 2)', num)
    .option('--every-hours <h>', 'with --from-store: stay up and retrain on this schedule (BullMQ when REDIS_URL is set, else in-process); never run it in a gateway', num)
    .option('--holdout <f>', "fraction of each user's train items held out to choose the epoch count", num, 0.1)
    .option('--epochs <n>', `most epochs of the selection run (default ${GCN_DEFAULTS.epochs})`, num)
    .option('--layers <n>', `propagation layers (default ${GCN_DEFAULTS.layers})`, num)
    .option('--dims <n>', `embedding dimensions (default ${GCN_DEFAULTS.dims})`, num)
    .option('--lr <x>', `Adam step size (default ${GCN_DEFAULTS.learningRate})`, num)
    .option('--l2 <x>', `L2 weight on the base embeddings (default ${GCN_DEFAULTS.l2})`, num)
    .option('--tau <x>', `softmax temperature over cosines (default ${GCN_DEFAULTS.tau})`, num)
    .option('--negatives <n>', `uniform negatives per group of users (default ${GCN_DEFAULTS.negatives})`, num)
    .option('--users-per-group <n>', `users sharing one draw of negatives (default ${GCN_DEFAULTS.usersPerGroup})`, num)
    .option('--users-per-step <n>', `users per Adam step (default ${GCN_DEFAULTS.usersPerStep}; with --from-store users/8 within [64, ${GCN_DEFAULTS.usersPerStep}])`, num)
    .option('--init-std <x>', `standard deviation of the initialisation (default ${GCN_DEFAULTS.initStd})`, num)
    .action(async (o: Opts) => {
      if (o.fromStore) {
        const { fromStore: _f, train: _t, test: _s, format: _fmt, ...flags } = o;
        await runDpgcnFromStore({ ...flags, fusion: o.fusion ?? true }, gcnSettingsFromFlags(o));
        return;
      }
      for (const flag of ['db', 'trainEnd', 'halfLifeDays', 'typeWeights', 'relations', 'relationScales', 'minTermNodes', 'everyHours'] as const) {
        if (o[flag] !== undefined)
          throw new CodedError(ErrorCode.EVAL_ARGUMENT_INVALID, `train dpgcn: --${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs --from-store`, {
            flag: `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
          });
      }
      if (!['pairs', 'lists', 'auto'].includes(o.format)) throw new CodedError(ErrorCode.EVAL_ARGUMENT_INVALID, `--format must be pairs, lists or auto (got ${o.format})`, { flag: '--format' });
      const settings = gcnSettingsFromFlags(o);
      const { split, format } = await loadSplitFiles(o.train, o.test, { format: o.format });
      const data = { numUsers: split.numUsers, numItems: split.numItems, indptr: split.train.indptr, items: split.train.items };
      const fileDigest = `sha256:${createHash('sha256')
        .update(await readFile(o.train))
        .digest('hex')}`;
      const log = (line: string): void => void process.stderr.write(`${line}\n`);
      const r = await trainWithSelection(data, {
        ...settings,
        seed: o.seed,
        holdout: o.holdout,
        onEpoch: (phase, e) =>
          log(`${phase} epoch ${e.epoch}: loss ${e.loss.toFixed(4)} in ${(e.ms / 1000).toFixed(1)} s${e.validRecall !== undefined ? `, held-out Recall@20 ${e.validRecall.toFixed(4)}` : ''}`),
      });
      const staged = await stageGcnArtifact(resolve(o.modelsDir ?? 'models'), r, {
        userIds: split.userIds,
        itemIds: split.itemIds,
        source: { trainFile: o.train, trainFileDigest: fileDigest, format },
        digest: dataDigest(data),
        metrics: { 'heldOutRecall@20': Number(r.selection.best.recall.toFixed(6)) },
        createdBy: 'cli train dpgcn',
      });
      const pub = await staged.publish();
      process.stdout.write(
        `dpgcn/graph v${pub.version} -> ${pub.dir}: held-out Recall@20 ${r.selection.best.recall.toFixed(4)} at epoch ${r.selection.best.epoch} (selection ${(r.selection.trainMs / 1000).toFixed(1)} s), final ${r.final.history.length} epochs in ${(r.final.trainMs / 1000).toFixed(1)} s\n`,
      );
    });
  return train;
}
