/**
 * One import run: options, sink, progress and counters shared by every importer, and the summary
 * they all return. Importers only read their file and feed `event` / `rowError` / `ignore`.
 */
import type { CategoryRecord } from '../../domain/catalog';
import type { InteractionEvent } from '../../domain/events';
import type { GraphStore } from '../../graph/port';
import { inputFileSize } from './files';
import { createProgress } from './progress';
import type { ItemPatch } from './row';
import { createEventSink } from './sink';
import { resolveOptions, type ImportOptions, type ImportSummary, type ResolvedOptions, type RowError } from './types';

export interface ImportRun {
  readonly opts: ResolvedOptions;
  /** A data row was read (`bytes`: bytes of the file consumed so far). */
  row(bytes: number): void;
  event(event: InteractionEvent, item: ItemPatch | null, categories?: readonly CategoryRecord[]): Promise<void>;
  rowError(e: RowError): void;
  ignore(): void;
  log(line: string): void;
  /** True once `stopAfterFailedRows` rows were read and every one failed: the importer should stop reading. */
  hopeless(): boolean;
  /** Flush the last batch, stop the progress display, and summarise (`stoppedEarly` when the reader gave up). */
  finish(stoppedEarly?: boolean): Promise<ImportSummary>;
  /** Stop the progress display after a failure (nothing is flushed). */
  fail(): void;
}

/** Start a run on `file`. Throws IMPORT_FILE_NOT_FOUND when the file is missing or unreadable. */
export async function startRun(store: GraphStore, label: string, file: string, options: ImportOptions | undefined): Promise<ImportRun> {
  const opts = resolveOptions(options);
  const size = await inputFileSize(file);
  const started = performance.now();
  const progress = createProgress(label, size, opts);
  const sink = createEventSink(store, opts.batchSize);
  const rowErrors: RowError[] = [];
  let rowErrorCount = 0;
  let lines = 0;
  let ignored = 0;
  let produced = 0;

  return {
    opts,
    row(b) {
      lines += 1;
      progress.tick(b, produced);
    },
    async event(event, item, categories) {
      // Queued events of an aborted run are dropped; batches already ingested stay stored.
      opts.signal?.throwIfAborted();
      produced += 1;
      await sink.add(event, item, categories);
    },
    rowError(e) {
      rowErrorCount += 1;
      if (rowErrors.length < opts.maxRowErrors) rowErrors.push(e);
      progress.rowError(e);
    },
    ignore() {
      ignored += 1;
    },
    log: (line) => progress.log(line),
    hopeless: () => opts.stopAfterFailedRows > 0 && lines >= opts.stopAfterFailedRows && rowErrorCount === lines,
    async finish(stoppedEarly = false) {
      try {
        opts.signal?.throwIfAborted();
        await sink.flush();
        progress.tick(size, produced);
      } finally {
        progress.stop();
      }
      const t = sink.totals();
      const ms = Math.round(performance.now() - started);
      return {
        source: label,
        file,
        lines,
        events: t.events,
        inserted: t.inserted,
        duplicates: t.duplicates,
        ignored,
        itemsUpserted: t.itemsUpserted,
        categoriesUpserted: t.categoriesUpserted,
        rowErrors,
        rowErrorCount,
        stoppedEarly,
        bytes: size,
        ms,
        eventsPerSec: ms > 0 ? Math.round((t.events * 1000) / ms) : t.events,
      };
    },
    fail() {
      progress.stop();
    },
  };
}
