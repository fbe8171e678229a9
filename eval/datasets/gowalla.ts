/**
 * The Gowalla LightGCN/NGCF split (`train.txt` / `test.txt`, lines `user item item ...`, 0-based
 * integer ids) as compressed sparse rows, for the `ranking/full` protocol and for training.
 *
 * Conventions (those of the LightGCN code that published the split):
 * - users are 0..numUsers-1 and items 0..numItems-1, numX = largest id seen in either file + 1;
 * - a user's items are sorted ascending and de-duplicated (the published files have no duplicates);
 * - ids in the gateway are `gowalla:<n>` for users and items alike, as ingest/import/gowalla.ts writes them.
 */
import { readFile } from 'node:fs/promises';
import { ErrorCode } from '../../errors/codes';
import { CodedError } from '../../errors/errors';

/** Id prefix the gateway's Gowalla importer gives users and items. */
export const GOWALLA_ID_PREFIX = 'gowalla:';

/** One user -> items relation in CSR form: row u is `items[indptr[u] .. indptr[u + 1])`, sorted. */
export interface Csr {
  readonly indptr: Int32Array;
  readonly items: Int32Array;
}

/** A train/test split of user-item interactions, with dense integer ids. */
export interface InteractionSplit {
  readonly numUsers: number;
  readonly numItems: number;
  readonly train: Csr;
  readonly test: Csr;
  /** Gateway id of each user index (`gowalla:<n>` for LightGCN files, the file's own id for pair files). */
  readonly userIds: readonly string[];
  /** Gateway id of each item index, likewise. */
  readonly itemIds: readonly string[];
}

export interface ParseSplitOptions {
  /** Keep only users with id < maxUsers (the first maxUsers lines of each file). Default: all. */
  readonly maxUsers?: number;
  /** Name of the train file in error messages. Default `train`. */
  readonly trainName?: string;
  /** Name of the test file in error messages. Default `test`. */
  readonly testName?: string;
}

const INT = /^\d+$/;

/** A malformed line of a split file: EVAL_DATA_INVALID naming the file and the 1-based line. */
export function badLine(file: string, line: number, message: string): CodedError {
  return new CodedError(ErrorCode.EVAL_DATA_INVALID, `${file}:${line}: ${message}`, { file, line });
}

function parseLines(text: string, file: string, maxUsers: number): Map<number, number[]> {
  const rows = new Map<number, number[]>();
  const lines = text.split('\n');
  const format = 'LightGCN "user item item ..." line';
  for (let n = 0; n < lines.length; n++) {
    const tokens = lines[n]!.trim()
      .split(/\s+/)
      .filter((t) => t !== '');
    if (tokens.length === 0) continue;
    for (const t of tokens) {
      if (!INT.test(t)) throw badLine(file, n + 1, `"${t}" is not a non-negative integer id (${format}; pass --format pairs for "user item" pairs with string ids)`);
    }
    const user = Number(tokens[0]);
    if (user >= maxUsers) continue;
    if (rows.has(user)) throw badLine(file, n + 1, `user ${user} appears on two lines (${format}; pass --format pairs for one interaction per line)`);
    rows.set(user, tokens.slice(1).map(Number));
  }
  return rows;
}

/** CSR rows for users 0..numUsers-1 (missing users get empty rows), sorted and de-duplicated. */
export function toCsr(rows: ReadonlyMap<number, readonly number[]>, numUsers: number): Csr {
  const sorted: Int32Array[] = [];
  const indptr = new Int32Array(numUsers + 1);
  for (let u = 0; u < numUsers; u++) {
    const raw = Int32Array.from(rows.get(u) ?? []).sort();
    let w = 0;
    for (let r = 0; r < raw.length; r++) if (r === 0 || raw[r] !== raw[r - 1]) raw[w++] = raw[r]!;
    sorted.push(raw.subarray(0, w));
    indptr[u + 1] = indptr[u]! + w;
  }
  const items = new Int32Array(indptr[numUsers]!);
  for (let u = 0; u < numUsers; u++) items.set(sorted[u]!, indptr[u]!);
  return { indptr, items };
}

/** Parse the two files' contents (LightGCN lines). Throws EVAL_DATA_INVALID naming the file and line on a bad line. */
export function parseSplit(trainText: string, testText: string, opts: ParseSplitOptions = {}): InteractionSplit {
  const maxUsers = opts.maxUsers ?? Number.POSITIVE_INFINITY;
  if (!(maxUsers > 0)) throw new RangeError(`maxUsers must be positive (got ${maxUsers})`);
  const train = parseLines(trainText, opts.trainName ?? 'train', maxUsers);
  const test = parseLines(testText, opts.testName ?? 'test', maxUsers);
  let maxUser = -1;
  let maxItem = -1;
  for (const rows of [train, test]) {
    for (const [u, items] of rows) {
      if (u > maxUser) maxUser = u;
      for (const i of items) if (i > maxItem) maxItem = i;
    }
  }
  const numUsers = maxUser + 1;
  const numItems = maxItem + 1;
  return { numUsers, numItems, train: toCsr(train, numUsers), test: toCsr(test, numUsers), userIds: gowallaIds(numUsers), itemIds: gowallaIds(numItems) };
}

/** Read and parse the split files (LightGCN lines). */
export async function loadGowallaSplit(trainFile: string, testFile: string, opts: ParseSplitOptions = {}): Promise<InteractionSplit> {
  const [train, test] = await Promise.all([readFile(trainFile, 'utf8'), readFile(testFile, 'utf8')]);
  return parseSplit(train, test, { trainName: trainFile, testName: testFile, ...opts });
}

/** The items of row `u`. */
export function row(csr: Csr, u: number): Int32Array {
  return csr.items.subarray(csr.indptr[u]!, csr.indptr[u + 1]!);
}

/** Whether sorted row `u` contains `item` (binary search). */
export function rowHas(csr: Csr, u: number, item: number): boolean {
  let lo = csr.indptr[u]!;
  let hi = csr.indptr[u + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = csr.items[mid]!;
    if (v === item) return true;
    if (v < item) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Gateway ids (`gowalla:<n>`) for 0..n-1. */
export function gowallaIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${GOWALLA_ID_PREFIX}${i}`);
}

/** Interactions per item in a CSR relation (an item's degree). */
export function itemDegrees(csr: Csr, numItems: number): Float64Array {
  const deg = new Float64Array(numItems);
  for (const i of csr.items) deg[i] = deg[i]! + 1;
  return deg;
}

/** Counts a report's `dataset.stats` records. */
export function splitStats(s: InteractionSplit): Record<string, number> {
  let testUsers = 0;
  let trainUsers = 0;
  for (let u = 0; u < s.numUsers; u++) {
    if (s.test.indptr[u + 1]! > s.test.indptr[u]!) testUsers++;
    if (s.train.indptr[u + 1]! > s.train.indptr[u]!) trainUsers++;
  }
  const trainN = s.train.items.length;
  return {
    users: s.numUsers,
    items: s.numItems,
    trainInteractions: trainN,
    testInteractions: s.test.items.length,
    trainUsers,
    testUsers,
    density: s.numUsers > 0 && s.numItems > 0 ? trainN / (s.numUsers * s.numItems) : 0,
  };
}
