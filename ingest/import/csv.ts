/**
 * The generic CSV importer: streams a file through csv-parse, converts each record with the
 * mapping (see mapping.ts for the format), and writes batches to any GraphStore.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parse, type CsvError } from 'csv-parse';
import type { GraphStore } from '../../graph/port';
import { mappingError, parseMapping, resolveColumns, type CsvMapping } from './mapping';
import { createRowConverter, type RowConverter } from './row';
import { startRun } from './run';
import { rowError, type ImportOptions, type ImportSummary } from './types';

/** Read and validate a mapping file. Throws IMPORT_MAPPING_INVALID (unreadable JSON included). */
export async function loadMappingFile(path: string): Promise<CsvMapping> {
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
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

/**
 * Import a CSV file. `mapping` is a CsvMapping or the raw JSON of a mapping file (validated here).
 * Malformed rows are reported in the summary (and on the log) and skipped; the import goes on.
 */
export async function importCsv(
  store: GraphStore,
  file: string,
  mapping: unknown,
  opts: ImportOptions = {},
): Promise<ImportSummary> {
  const m = parseMapping(mapping);
  const run = await startRun(store, m.name, file, opts);
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
  input.on('error', (err) => parser.destroy(err));
  parser.on('skip', (err: CsvError) => {
    run.row(typeof err.bytes === 'number' ? err.bytes : 0);
    run.rowError(rowError(typeof err.lines === 'number' ? err.lines : 0, 'row', err.message));
  });
  input.pipe(parser);

  let converter: RowConverter | null = m.header ? null : createRowConverter(m, resolveColumns(m, null), run.opts.now, opts.idPrefix);
  try {
    for await (const chunk of parser as AsyncIterable<Parsed>) {
      const { record, info } = chunk;
      if (converter === null) {
        converter = createRowConverter(m, resolveColumns(m, record), run.opts.now, opts.idPrefix);
        continue;
      }
      run.row(info.bytes);
      const out = converter.convert(record, startLine(record, info.lines));
      if (out.kind === 'event') await run.event(out.event, out.item);
      else if (out.kind === 'ignored') run.ignore();
      else run.rowError(out.error);
    }
    if (converter === null) run.log(`[import ${m.name}] ${file} is empty: no header`);
    return await run.finish();
  } catch (err) {
    run.fail();
    throw err;
  } finally {
    input.destroy();
    parser.destroy();
  }
}
