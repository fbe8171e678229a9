/**
 * Where an events/temporal run (or a tune) reads its event log, and how its time arguments are
 * read: `--preset taobao` (default, the public Taobao head), `--file <csv> --mapping <json>`, or
 * `--db <sqlite file>`; `--window <start>..<end>` and `--cut <instant>` as ISO-8601 or epoch ms.
 * Every bad argument is a CodedError EVAL_ARGUMENT_INVALID whose `details.flag` names the flag.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { ErrorCode } from '../../errors/codes';
import { CodedError } from '../../errors/errors';
import { loadMappingFile } from '../../ingest/import/csv';
import type { CsvMapping } from '../../ingest/import/mapping';
import { PRESETS } from '../../ingest/import/presets';
import { logSpan, loadMappedCsv, loadStoreLog, type EventLog, type LogLoadOptions } from '../datasets/event-log';
import { TAOBAO_WINDOW, loadTaobao } from '../datasets/taobao';

/** The public Taobao head file, relative to the working directory (the project root). */
export const DEFAULT_TAOBAO_FILE = '../shared/data/taobao-userbehavior-head/UserBehavior_head.csv';

/** An event log to evaluate on. */
export type TemporalSource =
  /** A built-in mapping (`taobao`) over a CSV file (default: the Taobao head). */
  | { readonly kind: 'preset'; readonly preset: string; readonly file?: string }
  /** A CSV file with a mapping (a parsed CsvMapping or the path of a mapping JSON file). */
  | { readonly kind: 'csv'; readonly file: string; readonly mapping: CsvMapping | string }
  /** An existing embedded store (SQLite file). */
  | { readonly kind: 'db'; readonly path: string };

export interface LoadedSource {
  readonly log: EventLog;
  /** Path shown in the report. */
  readonly path: string;
  /** Dataset name when the run gives none: `taobao-userbehavior-head` for the taobao preset (any file, as before), else the file's stem. */
  readonly name: string;
  /** Observation window when the run gives none: Taobao's official one for the preset, else the data's span. */
  readonly window: { readonly start: number; readonly end: number };
  /** True when the window is Taobao's (times are then shown in UTC+8). */
  readonly taobaoTime: boolean;
}

export function argError(flag: string, message: string): CodedError {
  return new CodedError(ErrorCode.EVAL_ARGUMENT_INVALID, `${flag}: ${message}`, { flag });
}

const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** An instant as ISO-8601 (no offset = UTC) or integer epoch milliseconds. */
export function parseInstant(text: string, flag: string): number {
  const t = text.trim();
  if (/^-?\d+$/.test(t)) return Number(t);
  if (!ISO.test(t)) throw argError(flag, `"${text}" is neither an ISO-8601 time nor epoch milliseconds`);
  const hasOffset = /(?:Z|[+-]\d{2}:?\d{2})$/.test(t) && t.length > 10;
  const ms = Date.parse(hasOffset || t.length === 10 ? t : `${t.replace(' ', 'T')}Z`);
  if (!Number.isFinite(ms)) throw argError(flag, `"${text}" is not a valid time`);
  return ms;
}

/** `<start>..<end>` with start < end (each an instant as parseInstant reads it). */
export function parseWindow(text: string, flag = '--window'): { start: number; end: number } {
  const parts = text.split('..');
  if (parts.length !== 2 || parts[0]!.trim() === '' || parts[1]!.trim() === '') throw argError(flag, `"${text}" must be <start>..<end>`);
  const start = parseInstant(parts[0]!, flag);
  const end = parseInstant(parts[1]!, flag);
  if (!(start < end)) throw argError(flag, `start ${new Date(start).toISOString()} is not before end ${new Date(end).toISOString()}`);
  return { start, end };
}

/** The source a CLI's flags name: `--db`, else `--file` with `--mapping` or `--preset`, else the Taobao head. */
export function sourceFromFlags(o: { file?: string; mapping?: string; preset?: string; db?: string }): TemporalSource {
  if (o.db !== undefined) {
    if (o.file !== undefined || o.mapping !== undefined || o.preset !== undefined) throw argError('--db', 'takes no --file, --mapping or --preset');
    return { kind: 'db', path: o.db };
  }
  if (o.mapping !== undefined) {
    if (o.preset !== undefined) throw argError('--mapping', 'give --mapping or --preset, not both');
    if (o.file === undefined) throw argError('--mapping', 'needs --file <csv>');
    return { kind: 'csv', file: o.file, mapping: o.mapping };
  }
  const preset = o.preset ?? 'taobao';
  if (PRESETS[preset] === undefined) throw argError('--preset', `unknown preset "${preset}"; known: ${Object.keys(PRESETS).join(', ')}`);
  return { kind: 'preset', preset, ...(o.file !== undefined ? { file: o.file } : {}) };
}

const stem = (p: string): string => basename(p).replace(/\.[^.]+$/, '');

/** Load the log of a source. */
export async function loadSource(src: TemporalSource, opts: LogLoadOptions = {}): Promise<LoadedSource> {
  let log: EventLog;
  let path: string;
  let name: string;
  if (src.kind === 'preset' && src.preset === 'taobao') {
    path = src.file ?? DEFAULT_TAOBAO_FILE;
    if (!existsSync(path)) throw argError('--file', `${path} does not exist${src.file === undefined ? ' (the default Taobao head: run from the project root, next to ../shared/data)' : ''}`);
    log = await loadTaobao(path, opts);
    return { log, path, name: 'taobao-userbehavior-head', window: TAOBAO_WINDOW, taobaoTime: true };
  }
  if (src.kind === 'preset') {
    const m = PRESETS[src.preset];
    if (m === undefined || src.file === undefined) throw argError('--preset', `preset "${src.preset}" needs --file`);
    path = src.file;
    log = await loadMappedCsv(path, m, opts);
    name = stem(path);
  } else if (src.kind === 'csv') {
    const m = typeof src.mapping === 'string' ? await loadMappingFile(src.mapping) : src.mapping;
    path = src.file;
    log = await loadMappedCsv(path, m, opts);
    name = stem(path);
  } else {
    path = src.path;
    log = await loadStoreLog(path, opts);
    name = stem(path);
  }
  const span = logSpan(log.rows);
  if (span === null) throw argError(src.kind === 'db' ? '--db' : '--file', `${path} holds no valid event`);
  return { log, path, name, window: span, taobaoTime: false };
}
