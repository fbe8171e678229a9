/**
 * `scorer dataset <out.csv> --columns <c1,...>`: training rows in the gateway's standard columns
 * plus a manifest skeleton, so a model trained anywhere is fed at serve time exactly what it was
 * trained on. A shell over ml/dataset (flags checked in ml/dataset/options.ts).
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../config/config';
import { DEFAULT_DATASET_ID, DEFAULT_LABEL_WINDOW, datasetSettings, type DatasetFlags } from '../ml/dataset/options';
import { runColumnsDataset } from '../ml/dataset/run';

type Out = (text: string) => void;

/** The `dataset` subcommand (added to the `scorer` group). */
export function scorerDatasetCommand(out: Out = (t) => process.stdout.write(t)): Command {
  return new Command('dataset')
    .description('training rows in standard columns: one row per retrieved candidate of each user at a time cut, labelled from the window after it, plus <out>.manifest.json')
    .argument('<out>', 'output file (.csv, or .jsonl with --format jsonl); the manifest skeleton goes next to it')
    .requiredOption('--columns <list>', 'comma-separated standard columns, in order (scorer columns lists them)')
    .option('--cut <instant>', 'the time cut, ISO-8601 or epoch ms (default: the end of the data minus --window)')
    .option('--window <duration>', `label window after the cut: 1d, 12h, 30m or ms (default ${DEFAULT_LABEL_WINDOW})`)
    .option('--label <event type>', 'event type that makes a row label 1 when the user had it with the item in the window (default purchase)')
    .option('--max-users <n>', 'at most n users: a seeded sample of those with history before the cut (default all)')
    .option('--negatives-per-list <n>', 'retrieved negatives kept per user (seeded sample; every positive is kept) (default 100)')
    .option('--positive-lists-only', 'only users with a positive among their candidates (as the ranker trains)')
    .option('--retrieval <strategy.json>', "strategy file whose retrievers propose the candidates (default: the gateway's default strategy)")
    .option('--seed <n>', 'seed of the user sample, the negative sample and the row order (default 42)')
    .option('--id <ns/name>', `scorer id in the manifest skeleton (default ${DEFAULT_DATASET_ID})`)
    .option('--format <csv|jsonl>', 'output format (default csv)')
    .option('--file <csv>', 'event log CSV (default: the Taobao UserBehavior head in ../shared/data)')
    .option('--mapping <json>', 'column-mapping file for --file (the import csv format)')
    .option('--preset <name>', 'built-in mapping for --file (default taobao)')
    .option('--db <sqlite>', 'an existing embedded store: its stored interactions and item records')
    .option('--max-lines <n>', 'read only the first n records')
    .option('--no-progress', 'no progress bar')
    .action(async (file: string, flags: DatasetFlags & { progress: boolean }) => {
      const settings = datasetSettings(flags);
      const config = loadConfig();
      const r = await runColumnsDataset(resolve(file), settings, { statsHalfLifeMs: config.statsHalfLifeDays * 86_400_000, progress: flags.progress });
      out(
        `wrote ${r.file}: ${r.rows} rows (${r.positives} with label 1) of ${r.lists} users x ${settings.columns.length} columns, cut ${new Date(r.cut).toISOString()}, ` +
          `label ${settings.label} within ${settings.windowMs / 3_600_000} h; ${r.missedPositives} label events were on items not retrieved; ${(r.wallMs / 1000).toFixed(1)} s\n` +
          `wrote ${r.manifestFile} (${settings.manifest.id}@${settings.manifest.version}, input features [N, ${settings.columns.length}], output score)\n` +
          `next: train on it, export model.onnx (input "features" float32 [N, ${settings.columns.length}], output "score"), put it beside the manifest as <dir>/model.onnx + <dir>/manifest.json, then scorer check <dir>\n`,
      );
    });
}
