/**
 * The generic CSV importer: streams a file through csv-parse, converts each record with the
 * mapping (see mapping.ts for the format), and writes batches to any GraphStore.
 * `readMappedCsv` is the same reading without a store, for evaluations that need the events.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parse, type CsvError } from 'csv-parse';
import type { GraphStore } from '../../graph/port';
import { inputFileSize } from './files';
import { mappingError, parseMapping, resolveColumns, type CsvMapping } from './mapping';
import { createRowConverter, type RowConverter, type RowOutcome } from './row';
import { startRun } from './run';
import { rowError, type ImportOptions, type ImportSummary } from './types';

/** Read and validate a mapping file. Throws IMPORT_FILE_NOT_FOUND or IMPORT_MAPPING_INVALID (unreadable JSON included). */
export async function loadMappingFile(path: string): Promise<CsvMapping> {
  await inputFileSize(path, 'mapping file');
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw mappingError('(file)', `${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseMapping(json);
}

interface Parsed {
  readonly record: string[];
  readonly info: { readonly lines: number; readonly bytes: number };
}

/** First line of a record: the parser reports the line it ends on; quoted newlines move it. */
function startLine(record: readonly string[], endLine: number): number {
  let extra = 0;
  for (const field of record) {
    for (let i = field.indexOf('\n'); i >= 0; i = field.indexOf('\n', i + 1)) extra += 1;
  }
  return endLine - extra;
}

/** One data record of a mapped CSV file, converted. */
export interface MappedRow {
  /** 1-based line the record starts on. */
  readonly line: number;
  /** Bytes of the file consumed so far. */
  readonly bytes: number;
  readonly outcome: RowOutcome;
}

export interface ReadMappedCsvOptions {
  /** Server clock for `validateEvent` (future timestamps are rejected), in ms. Default Date.now(). */
  readonly now?: number;
  /** Prefix for user, item, category and event ids. Default: the mapping's `idPrefix`. */
  readonly idPrefix?: string;
}

/**
 * Stream the data records of a CSV file as converted rows, in file order (BOM, CRLF, quoted fields
 * and quoted newlines handled by csv-parse). A record the parser cannot read is an error outcome;
 * a file without even a header yields nothing. `mapping` is a CsvMapping or its raw JSON.
 * Throws IMPORT_FILE_NOT_FOUND, or IMPORT_MAPPING_INVALID when a column is not in the header.
 */
export async function* readMappedCsv(file: string, mapping: unknown, opts: ReadMappedCsvOptions = {}): AsyncGenerator<MappedRow> {
  const m = parseMapping(mapping);
  await inputFileSize(file);
  const now = opts.now ?? Date.now();
  const input = createReadStream(file);
  const parser = parse({
    delimiter: m.delimiter,
    quote: m.quote ?? false,
    bom: true,
    trim: m.trim,
    info: true,
    relax_column_count: true, // column counts are checked per row, as row errors
    relax_quotes: true, // a stray quote inside a field is data, not the end of the file
    skip_empty_lines: true,
    skip_records_with_error: true,
  });
  const skipped: MappedRow[] = [];
  input.on('error', (err) => parser.destroy(err));
  parser.on('skip', (err: CsvError) => {
    const line = typeof err.lines === 'number' ? err.lines : 0;
    skipped.push({ line, bytes: typeof err.bytes === 'number' ? err.bytes : 0, outcome: { kind: 'error', error: rowError(line, 'row', err.message) } });
  });
  input.pipe(parser);

  let converter: RowConverter | null = m.header ? null : createRowConverter(m, resolveColumns(m, null), now, opts.idPrefix);
  try {
    for await (const { record, info } of parser as AsyncIterable<Parsed>) {
      while (skipped.length > 0) yield skipped.shift() as MappedRow;
      if (converter === null) {
        converter = createRowConverter(m, resolveColumns(m, record), now, opts.idPrefix);
        continue;
      }
      const line = startLine(record, info.lines);
      yield { line, bytes: info.bytes, outcome: converter.convert(record, line) };
    }
    while (skipped.length > 0) yield skipped.shift() as MappedRow;
  } finally {
    input.destroy();
    parser.destroy();
  }
}

/**
 * Import a CSV file. `mapping` is a CsvMapping or the raw JSON of a mapping file (validated here).
 * Malformed rows are reported in the summary (and on the log) and skipped; the import goes on.
 * Throws IMPORT_FILE_NOT_FOUND before anything is written when the file is missing.
 */
export async function importCsv(store: GraphStore, file: string, mapping: unknown, opts: ImportOptions = {}): Promise<ImportSummary> {
  const m = parseMapping(mapping);
  const run = await startRun(store, m.name, file, opts);
  let records = 0;
  let stopped = false;
  try {
    const rows = readMappedCsv(file, m, { now: run.opts.now, ...(opts.idPrefix !== undefined ? { idPrefix: opts.idPrefix } : {}) });
    for await (const { bytes, outcome } of rows) {
      records += 1;
      run.row(bytes);
      if (outcome.kind === 'event') await run.event(outcome.event, outcome.item, outcome.categories);
      else if (outcome.kind === 'ignored') run.ignore();
      else run.rowError(outcome.error);
      if (run.hopeless()) {
        stopped = true;
        run.log(`[import ${m.name}] stopped: the first ${records} rows all failed; the mapping does not fit ${file}`);
        break;
      }
    }
    if (records === 0) run.log(`[import ${m.name}] ${file} has no data rows`);
    return await run.finish(stopped);
  } catch (err) {
    run.fail();
    throw err;
  }
}
