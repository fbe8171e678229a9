/**
 * Taobao UserBehavior event log for offline evaluation (the fast path of the `taobao` preset; any
 * other mapped CSV or store goes through ./event-log.ts), converted row by row with the importer's
 * own converter (the Taobao preset mapping + `validateEvent`), so an evaluation trains on exactly
 * the events `import taobao` would store: same ids (`taobao:` prefix), same event types
 * (pv -> view, cart -> add_to_cart, fav -> wishlist, buy -> purchase), same validation.
 *
 * Timestamps are Unix seconds; the day boundaries of the public file fall on midnight China
 * Standard Time (UTC+8), so the official window 2017-11-25..12-03 is read in UTC+8.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { resolveColumns } from '../../ingest/import/mapping';
import { TAOBAO_MAPPING } from '../../ingest/import/presets';
import { createRowConverter } from '../../ingest/import/row';
import type { RowError } from '../../ingest/import/types';
import type { EventLog, LogLoadOptions, LogRow } from './event-log';

/** Offset of the dataset's local time (China Standard Time) from UTC, in ms. */
export const TAOBAO_UTC_OFFSET_MS = 8 * 3600 * 1000;

/** The official observation window [start, end) in ms: 2017-11-25T00:00+08:00 .. 2017-12-04T00:00+08:00. */
export const TAOBAO_WINDOW: { readonly start: number; readonly end: number } = Object.freeze({
  start: Date.UTC(2017, 10, 25) - TAOBAO_UTC_OFFSET_MS,
  end: Date.UTC(2017, 11, 4) - TAOBAO_UTC_OFFSET_MS,
});

/** One converted row: the event as the importer stores it, and what it says about its item. */
export type TaobaoRow = LogRow;

/** Valid rows in file order, non-empty lines read, rejected rows. */
export type TaobaoLog = EventLog;

/** Clock and line limit (see LogLoadOptions). */
export type TaobaoLoadOptions = LogLoadOptions;

/** Incremental converter: feed lines in order, read the log at the end. */
export function createTaobaoParser(opts: TaobaoLoadOptions = {}): { push(line: string): void; result(): TaobaoLog } {
  const converter = createRowConverter(TAOBAO_MAPPING, resolveColumns(TAOBAO_MAPPING, null), opts.now ?? Date.now());
  const rows: TaobaoRow[] = [];
  const rowErrors: RowError[] = [];
  let lineNo = 0;
  let lines = 0;
  return {
    push(raw) {
      lineNo += 1;
      const text = raw.replace(/\r$/, '');
      if (text.trim() === '') return;
      lines += 1;
      // The preset is header-less, comma-delimited and unquoted: a plain split is the CSV parse.
      const out = converter.convert(text.split(TAOBAO_MAPPING.delimiter), lineNo);
      if (out.kind === 'event') rows.push({ event: out.event, item: out.item, line: lineNo });
      else if (out.kind === 'error') rowErrors.push(out.error);
    },
    result: () => ({ rows, lines, rowErrors }),
  };
}

/** Convert Taobao lines (no I/O); used by tests on inline samples. */
export function parseTaobaoLines(lines: Iterable<string>, opts: TaobaoLoadOptions = {}): TaobaoLog {
  const p = createTaobaoParser(opts);
  let n = 0;
  for (const l of lines) {
    if (opts.maxLines !== undefined && n >= opts.maxLines) break;
    p.push(l);
    if (l.trim() !== '') n += 1;
  }
  return p.result();
}

/** Stream a Taobao UserBehavior file (the public head, a slice, or the full file) into memory. */
export async function loadTaobao(file: string, opts: TaobaoLoadOptions = {}): Promise<TaobaoLog> {
  const p = createTaobaoParser(opts);
  const input = createReadStream(file);
  const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  try {
    for await (const l of rl) {
      if (opts.maxLines !== undefined && n >= opts.maxLines) break;
      p.push(l);
      if (l.trim() !== '') n += 1;
    }
  } finally {
    rl.close();
    input.destroy();
  }
  return p.result();
}

/** ISO-8601 text of a ms timestamp in the dataset's local time (UTC+8). */
export function taobaoLocalTime(ms: number): string {
  return `${new Date(ms + TAOBAO_UTC_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}
