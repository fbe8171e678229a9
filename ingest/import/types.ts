/**
 * Shared contract of the dataset importers: options every importer takes, the row error shape and
 * the summary every importer returns. Plain data, no I/O.
 */
import { ErrorCode } from '../../errors/codes';

/** Options common to every importer. */
export interface ImportOptions {
  /** Events per `ingestEvents` call. Default 5000. */
  readonly batchSize?: number;
  /** Prefix for user, item, category and event ids; overrides the mapping's/preset's `idPrefix`. Default: the mapping's. */
  readonly idPrefix?: string;
  /** Show a progress bar on stderr (only when stderr is a TTY). Default true. */
  readonly progress?: boolean;
  /** Interval of the plain progress lines printed when no bar is shown, in ms. Default 5000. */
  readonly progressIntervalMs?: number;
  /** Sink for progress lines, row errors and notes (one line per call, no newline). Default: write to stderr. */
  readonly log?: (line: string) => void;
  /** Stream the progress bar is drawn on. Default process.stderr. */
  readonly stream?: NodeJS.WriteStream;
  /** Server clock for `validateEvent` (future timestamps are rejected), in ms. Default Date.now() at start. */
  readonly now?: number;
  /** Row errors kept in the summary (all are counted). Default 1000. */
  readonly maxRowErrors?: number;
  /** Row errors printed in full; then only a count. Default 20. */
  readonly printRowErrors?: number;
  /**
   * Stop reading after this many data rows when every one of them failed (the mapping does not fit
   * the file; reading on would only add errors). The summary then has `stoppedEarly`. 0: never. Default 1000.
   */
  readonly stopAfterFailedRows?: number;
  /** Abort the import: queued events are dropped, batches already ingested stay stored. Default: none. */
  readonly signal?: AbortSignal;
}

/** A malformed row: reported, skipped, and the import goes on. */
export interface RowError {
  readonly code: ErrorCode.IMPORT_ROW_INVALID;
  /** 1-based line number in the file (for a multi-line quoted CSV record, the line it starts on). */
  readonly line: number;
  /** Our field name (`userId`, `ts`, ...), `row` for the record as a whole. */
  readonly field: string;
  readonly message: string;
}

export function rowError(line: number, field: string, message: string): RowError {
  return { code: ErrorCode.IMPORT_ROW_INVALID, line, field, message };
}

export function formatRowError(e: RowError): string {
  return `${e.code} line ${e.line}, ${e.field}: ${e.message}`;
}

/** What an import did. `inserted + duplicates === events`. */
export interface ImportSummary {
  /** Importer label (`taobao`, `gowalla`, the mapping's name). */
  readonly source: string;
  readonly file: string;
  /** Data rows read (CSV records after the header; non-empty lines for Gowalla). */
  readonly lines: number;
  /** Valid events handed to the store. */
  readonly events: number;
  /** Events the store had not seen before. */
  readonly inserted: number;
  /** Events whose eventId the store already held (re-runs, repeated rows). */
  readonly duplicates: number;
  /** Rows skipped on purpose (event names on the mapping's `ignore` list). */
  readonly ignored: number;
  /** Items written by `upsertItems` (new items, or new categories/title/price/brand on known ones). */
  readonly itemsUpserted: number;
  /** Category records written by `upsertCategories` (each distinct record once per run; a re-run writes them again). */
  readonly categoriesUpserted: number;
  /** The first `maxRowErrors` row errors. */
  readonly rowErrors: readonly RowError[];
  /** Every row error, kept or not. */
  readonly rowErrorCount: number;
  /** True when the import stopped after `stopAfterFailedRows` rows that all failed (the rest of the file was not read). */
  readonly stoppedEarly: boolean;
  /** Bytes of the file (its size, also when it stopped early). */
  readonly bytes: number;
  /** Wall time of the import, in ms. */
  readonly ms: number;
  /** events / seconds. */
  readonly eventsPerSec: number;
}

/** Resolved option values (defaults applied). */
export interface ResolvedOptions {
  readonly batchSize: number;
  readonly progress: boolean;
  readonly progressIntervalMs: number;
  readonly log: (line: string) => void;
  readonly stream: NodeJS.WriteStream;
  readonly now: number;
  readonly maxRowErrors: number;
  readonly printRowErrors: number;
  readonly stopAfterFailedRows: number;
  readonly signal: AbortSignal | undefined;
}

export const DEFAULT_BATCH_SIZE = 5000;

export function resolveOptions(opts: ImportOptions = {}): ResolvedOptions {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer (got ${String(batchSize)})`);
  }
  return {
    batchSize,
    progress: opts.progress ?? true,
    progressIntervalMs: opts.progressIntervalMs ?? 5000,
    log: opts.log ?? ((line: string) => process.stderr.write(`${line}\n`)),
    stream: opts.stream ?? process.stderr,
    now: opts.now ?? Date.now(),
    maxRowErrors: opts.maxRowErrors ?? 1000,
    printRowErrors: opts.printRowErrors ?? 20,
    stopAfterFailedRows: opts.stopAfterFailedRows ?? 1000,
    signal: opts.signal,
  };
}
