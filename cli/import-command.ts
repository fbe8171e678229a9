/**
 * `import` CLI subcommands (commander), mounted by cli/main.ts:
 *
 *   import taobao <file>                                   Taobao UserBehavior (built-in preset)
 *   import gowalla <file> [--split train|test] [--type t]  Gowalla LightGCN split
 *   import csv <file> (--mapping <mapping.json> | --preset taobao)
 *   common: --batch-size <n> (5000)  --id-prefix <prefix>  --no-progress  --max-error-rate <r> (0.05)
 *
 * Progress, row errors and a one-line summary go to stderr; the summary is printed on stdout as
 * JSON (with the count of row errors; the first 20 were printed in full). The input file is checked
 * before the store is opened (IMPORT_FILE_NOT_FOUND). The store is migrated (idempotent) before the
 * import and closed afterwards, also on failure. When every row failed, or the failed share passed
 * --max-error-rate, the command fails with IMPORT_TOO_MANY_ERRORS after printing the summary.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { EVENT_TYPES, type EventType } from '../domain/events';
import type { GraphStore } from '../graph/port';
import { importCsv, loadMappingFile } from '../ingest/import/csv';
import { GOWALLA_SPLITS, importGowalla, type GowallaSplit } from '../ingest/import/gowalla';
import { inputFileSize } from '../ingest/import/files';
import type { CsvMapping } from '../ingest/import/mapping';
import { PRESETS, importTaobao } from '../ingest/import/presets';
import { DEFAULT_MAX_ERROR_RATE, checkErrorRate, formatSummary } from '../ingest/import/summary';
import type { ImportOptions, ImportSummary } from '../ingest/import/types';

/** Where the command writes; tests pass their own sinks. */
export interface ImportCommandIo {
  /** Receives the JSON summary. Default process.stdout. */
  readonly stdout?: { write(text: string): unknown };
  /** Progress lines and row errors (one line per call). Default: stderr. */
  readonly log?: (line: string) => void;
}

interface CommonFlags {
  batchSize: number;
  idPrefix?: string;
  progress: boolean;
  maxErrorRate: number;
}

function positiveInt(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function rate(raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('must be a number from 0 to 1');
  return n;
}

function withCommon(cmd: Command): Command {
  return cmd
    .option('--batch-size <n>', 'events per store call', positiveInt, 5000)
    .option('--max-error-rate <r>', 'fail (exit 1) when more than this share of rows fails; every row failing always fails', rate, DEFAULT_MAX_ERROR_RATE)
    .option('--id-prefix <prefix>', "prefix for user, item, category and event ids (default: the dataset's)")
    .option('--no-progress', 'no progress bar (a plain line every 5 s instead)');
}

/** The printed summary: row errors as a count (they were printed on stderr already). */
export function printableSummary(s: ImportSummary): Record<string, unknown> {
  const { rowErrors: _kept, rowErrorCount, ...rest } = s;
  return { ...rest, rowErrors: rowErrorCount };
}

export function importCommand(openStore: () => Promise<GraphStore>, io: ImportCommandIo = {}): Command {
  const stdout = io.stdout ?? process.stdout;
  const common = (f: CommonFlags): ImportOptions => ({
    batchSize: f.batchSize,
    progress: f.progress,
    ...(f.idPrefix !== undefined ? { idPrefix: f.idPrefix } : {}),
    ...(io.log !== undefined ? { log: io.log } : {}),
  });
  const log = io.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const withStore = async (file: string, flags: CommonFlags, fn: (store: GraphStore) => Promise<ImportSummary>): Promise<void> => {
    // A missing file is one coded line, and no store file is created for it.
    await inputFileSize(file);
    const store = await openStore();
    let summary: ImportSummary;
    try {
      await store.migrate();
      summary = await fn(store);
    } finally {
      await store.close();
    }
    log(formatSummary(summary));
    stdout.write(`${JSON.stringify(printableSummary(summary), null, 2)}\n`);
    checkErrorRate(summary, flags.maxErrorRate);
  };

  const root = new Command('import').description('import a dataset into the graph store (re-runnable: known events are skipped)');

  withCommon(
    root.command('taobao').description('Taobao UserBehavior CSV (user_id,item_id,category_id,behavior,unix_ts; no header)').argument('<file>', 'UserBehavior.csv or a head/slice of it'),
  ).action(async (file: string, flags: CommonFlags) => {
    await withStore(file, flags, (store) => importTaobao(store, file, common(flags)));
  });

  withCommon(
    root
      .command('gowalla')
      .description('Gowalla LightGCN split (lines "user item item ..."; fixed ts 2010-10-01T00:00:00Z)')
      .argument('<file>', 'train.txt or test.txt')
      .addOption(new Option('--split <split>', 'which split (default: from the file name)').choices(GOWALLA_SPLITS))
      .addOption(new Option('--type <type>', 'event type of every interaction').choices(EVENT_TYPES).default('click')),
  ).action(async (file: string, flags: CommonFlags & { split?: GowallaSplit; type: EventType }) => {
    await withStore(file, flags, (store) => importGowalla(store, file, { ...common(flags), type: flags.type, ...(flags.split !== undefined ? { split: flags.split } : {}) }));
  });

  withCommon(
    root
      .command('csv')
      .description('any CSV, driven by a JSON column mapping (see ingest/import/README.md)')
      .argument('<file>', 'the CSV file')
      .option('--mapping <mapping.json>', 'column-mapping file')
      .addOption(new Option('--preset <name>', 'a built-in mapping instead of --mapping').choices(Object.keys(PRESETS))),
  ).action(async (file: string, flags: CommonFlags & { mapping?: string; preset?: string }, cmd: Command) => {
    if ((flags.mapping === undefined) === (flags.preset === undefined)) {
      cmd.error('error: give exactly one of --mapping <mapping.json> or --preset <name>');
    }
    // Validate the mapping before the store is opened: a bad file fails fast and touches nothing.
    const mapping: CsvMapping | undefined = flags.mapping !== undefined ? await loadMappingFile(flags.mapping) : PRESETS[flags.preset ?? ''];
    if (mapping === undefined) return cmd.error(`error: unknown preset ${String(flags.preset)}`);
    await withStore(file, flags, (store) => importCsv(store, file, mapping, common(flags)));
  });

  return root;
}
