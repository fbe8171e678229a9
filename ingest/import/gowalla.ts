/**
 * Gowalla, LightGCN/NGCF split (`train.txt` / `test.txt`): each line is `user item item ...`
 * (0-based integer ids, space separated). The split carries no timestamps and no event types, so:
 * - every (user, item) pair becomes one event of type `click` (option `type`);
 * - every event has the fixed timestamp GOWALLA_TS = 2010-10-01T00:00:00Z (inside the period of
 *   the SNAP check-ins, Feb 2009 - Oct 2010), so the data replays as one moment;
 * - ids are `<idPrefix><user>` and `<idPrefix><item>`, eventId `<idPrefix><split>:<user>:<item>`
 *   (idPrefix defaults to `gowalla:`, giving `gowalla:train:12:345`).
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { EVENT_TYPES, isEventType, type EventType, type InteractionEvent } from '../../domain/events';
import { validateEvent } from '../../domain/validate';
import type { GraphStore } from '../../graph/port';
import { startRun } from './run';
import { rowError, type ImportOptions, type ImportSummary, type RowError } from './types';

/** The fixed timestamp of every Gowalla event: 2010-10-01T00:00:00Z. */
export const GOWALLA_TS = Date.UTC(2010, 9, 1);
export const GOWALLA_SPLITS = ['train', 'test'] as const;
export type GowallaSplit = (typeof GOWALLA_SPLITS)[number];

export interface GowallaOptions extends ImportOptions {
  /** Which split the file is; part of every eventId. Default: `test` when the file name starts with "test", else `train`. */
  readonly split?: GowallaSplit;
  /** Event type of every interaction. Default `click`. */
  readonly type?: EventType;
}

const INT = /^\d+$/;

/** Parse one line into events, or the first problem. Empty lines give no events. */
export function gowallaLineEvents(line: string, lineNo: number, o: { split: GowallaSplit; type: EventType; idPrefix: string; now: number }): { events: InteractionEvent[] } | { error: RowError } {
  const tokens = line
    .trim()
    .split(/\s+/)
    .filter((t) => t !== '');
  const [user, ...items] = tokens;
  if (user === undefined) return { events: [] };
  if (!INT.test(user)) return { error: rowError(lineNo, 'userId', `"${user}" is not an integer id`) };
  const events: InteractionEvent[] = [];
  for (const item of items) {
    if (!INT.test(item)) return { error: rowError(lineNo, 'itemId', `"${item}" is not an integer id`) };
    const checked = validateEvent(
      {
        eventId: `${o.idPrefix}${o.split}:${user}:${item}`,
        userId: o.idPrefix + user,
        itemId: o.idPrefix + item,
        type: o.type,
        ts: GOWALLA_TS,
      },
      o.now,
    );
    if (!checked.ok) return { error: rowError(lineNo, checked.problem.field, checked.problem.message) };
    events.push(checked.value);
  }
  return { events };
}

/** Lines of a file with the bytes consumed so far; streams with backpressure, any line length. */
async function* readLines(file: string): AsyncGenerator<{ line: string; bytes: number }> {
  let rest = '';
  let bytes = 0;
  for await (const chunk of createReadStream(file, { encoding: 'utf8' }) as AsyncIterable<string>) {
    bytes += Buffer.byteLength(chunk);
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) yield { line: p.endsWith('\r') ? p.slice(0, -1) : p, bytes };
  }
  if (rest !== '') yield { line: rest, bytes };
}

/** Import one Gowalla split file. A line with a non-integer id is a row error; the rest goes on. */
export async function importGowalla(store: GraphStore, file: string, opts: GowallaOptions = {}): Promise<ImportSummary> {
  const split = opts.split ?? (basename(file).startsWith('test') ? 'test' : 'train');
  if (!(GOWALLA_SPLITS as readonly string[]).includes(split)) throw new RangeError(`split must be train or test (got ${split})`);
  const type = opts.type ?? 'click';
  if (!isEventType(type)) throw new RangeError(`type must be one of ${EVENT_TYPES.join(', ')} (got ${String(type)})`);
  const run = await startRun(store, `gowalla-${split}`, file, opts);
  const o = { split, type, idPrefix: opts.idPrefix ?? 'gowalla:', now: run.opts.now };
  let lineNo = 0;
  try {
    for await (const { line, bytes } of readLines(file)) {
      lineNo += 1;
      if (line.trim() === '') continue;
      run.row(bytes);
      const out = gowallaLineEvents(line, lineNo, o);
      if ('error' in out) {
        run.rowError(out.error);
        continue;
      }
      for (const e of out.events) await run.event(e, null);
    }
    return await run.finish();
  } catch (err) {
    run.fail();
    throw err;
  }
}
