/**
 * Train/test split files for `ranking/full` in either of two formats, detected per file:
 *
 * - `lists`: LightGCN `user item item ...` lines, non-negative integer ids used as indices
 *   (eval/datasets/gowalla.ts; gateway ids `gowalla:<n>`).
 * - `pairs`: one interaction per line, `user item`, the two fields separated by whitespace or by
 *   one comma (`u1,i9`, `u1 i9`, `u1, i9`). Ids are arbitrary strings (no whitespace, no comma),
 *   mapped to dense indices in order of first appearance, train file first, then test; the gateway
 *   ids are the strings themselves. An optional header is a first line whose first field contains
 *   `user` and second `item` (any case: `user_id,item_id`, `userId itemId`). Repeated pairs count
 *   once. `maxUsers` keeps the first maxUsers distinct users (by that order).
 *
 * Detection, per file: a comma, a header, a non-integer id or a user on two lines means `pairs`; a
 * line with other than two fields means `lists`; a file of `<int> <int>` lines with distinct users
 * fits both and takes the other file's format (`lists` when both fit both). Two files detected
 * as different formats are refused; `format` forces one. A malformed line fails with
 * EVAL_DATA_INVALID naming the file and the 1-based line.
 */
import { readFile } from 'node:fs/promises';
import { ErrorCode } from '../../errors/codes';
import { CodedError } from '../../errors/errors';
import { badLine, parseSplit, toCsr, type InteractionSplit } from './gowalla';

export type SplitFormat = 'pairs' | 'lists';
type Detected = SplitFormat | 'either';

export interface SplitFileOptions {
  /** `pairs`, `lists` or `auto` (detected per file). Default `auto`. */
  readonly format?: SplitFormat | 'auto';
  /** Keep only users with index < maxUsers. Default: all. */
  readonly maxUsers?: number;
  /** Name of the train file in error messages. Default `train`. */
  readonly trainName?: string;
  /** Name of the test file in error messages. Default `test`. */
  readonly testName?: string;
}

export interface LoadedSplit {
  readonly split: InteractionSplit;
  readonly format: SplitFormat;
}

const INT = /^\d+$/;

const isHeader = (f: readonly string[]): boolean => f.length === 2 && /user/i.test(f[0]!) && /item/i.test(f[1]!);

/** The fields of a pair line: split on the comma if there is one, else on whitespace. */
function fields(line: string): string[] {
  return line.includes(',') ? line.split(',').map((f) => f.trim()) : line.split(/\s+/);
}

/** Which format a file's text is in (see the module doc). */
export function detectFormat(text: string): Detected {
  const users = new Set<string>();
  let first = true;
  let pairs = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.includes(',') || (first && isHeader(fields(line)))) return 'pairs';
    first = false;
    const tokens = line.split(/\s+/);
    if (tokens.length !== 2) return 'lists';
    if (!INT.test(tokens[0]!) || !INT.test(tokens[1]!) || users.has(tokens[0]!)) pairs = true;
    users.add(tokens[0]!);
  }
  return pairs ? 'pairs' : 'either';
}

interface PairState {
  readonly userIndex: Map<string, number>;
  readonly itemIndex: Map<string, number>;
  readonly userIds: string[];
  readonly itemIds: string[];
  readonly maxUsers: number;
}

function parsePairLines(text: string, file: string, st: PairState): Map<number, number[]> {
  const rows = new Map<number, number[]>();
  const lines = text.split('\n');
  let first = true;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line === '') continue;
    const f = fields(line);
    if (first && isHeader(f)) {
      first = false;
      continue;
    }
    first = false;
    if (f.length !== 2 || f[0] === '' || f[1] === '') {
      const shown = line.length > 60 ? `${line.slice(0, 60)}...` : line;
      throw badLine(file, n + 1, `expected "user item" (2 fields separated by whitespace or a comma), got ${f.filter((x) => x !== '').length} field(s) in "${shown}"`);
    }
    let u = st.userIndex.get(f[0]!);
    if (u === undefined) {
      if (st.userIds.length >= st.maxUsers) continue;
      u = st.userIds.push(f[0]!) - 1;
      st.userIndex.set(f[0]!, u);
    }
    let i = st.itemIndex.get(f[1]!);
    if (i === undefined) {
      i = st.itemIds.push(f[1]!) - 1;
      st.itemIndex.set(f[1]!, i);
    }
    const row = rows.get(u);
    if (row) row.push(i);
    else rows.set(u, [i]);
  }
  return rows;
}

/** Parse two pair files' contents into one split with a shared dense id space. */
export function parsePairSplit(trainText: string, testText: string, opts: Omit<SplitFileOptions, 'format'> = {}): InteractionSplit {
  const maxUsers = opts.maxUsers ?? Number.POSITIVE_INFINITY;
  if (!(maxUsers > 0)) throw new RangeError(`maxUsers must be positive (got ${maxUsers})`);
  const st: PairState = { userIndex: new Map(), itemIndex: new Map(), userIds: [], itemIds: [], maxUsers };
  const train = parsePairLines(trainText, opts.trainName ?? 'train', st);
  const test = parsePairLines(testText, opts.testName ?? 'test', st);
  const numUsers = st.userIds.length;
  return { numUsers, numItems: st.itemIds.length, train: toCsr(train, numUsers), test: toCsr(test, numUsers), userIds: st.userIds, itemIds: st.itemIds };
}

/** The format both files are read in, or EVAL_DATA_INVALID when they disagree. */
export function resolveFormat(trainText: string, testText: string, names: { train: string; test: string }): SplitFormat {
  const a = detectFormat(trainText);
  const b = detectFormat(testText);
  if (a !== 'either' && b !== 'either' && a !== b) {
    throw new CodedError(ErrorCode.EVAL_DATA_INVALID, `${names.train} looks like ${a} and ${names.test} like ${b}: give both files in one format, or force one with --format pairs|lists`, {
      file: names.test,
    });
  }
  return a !== 'either' ? a : b !== 'either' ? b : 'lists';
}

/** Parse both files' contents in the given or detected format. */
export function parseSplitFiles(trainText: string, testText: string, opts: SplitFileOptions = {}): LoadedSplit {
  const names = { train: opts.trainName ?? 'train', test: opts.testName ?? 'test' };
  const format = opts.format === undefined || opts.format === 'auto' ? resolveFormat(trainText, testText, names) : opts.format;
  const rest = { trainName: names.train, testName: names.test, ...(opts.maxUsers !== undefined ? { maxUsers: opts.maxUsers } : {}) };
  return { format, split: format === 'pairs' ? parsePairSplit(trainText, testText, rest) : parseSplit(trainText, testText, rest) };
}

/** Read and parse the split files (format given or detected). */
export async function loadSplitFiles(trainFile: string, testFile: string, opts: Omit<SplitFileOptions, 'trainName' | 'testName'> = {}): Promise<LoadedSplit> {
  const [train, test] = await Promise.all([readFile(trainFile, 'utf8'), readFile(testFile, 'utf8')]);
  return parseSplitFiles(train, test, { ...opts, trainName: trainFile, testName: testFile });
}
