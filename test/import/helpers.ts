/** Shared helpers of the import integration tests: temp dirs, real-data slices, a fresh store. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createEmbeddedGraphStore } from '../../graph/embedded';
import type { GraphStore } from '../../graph/port';

/** Committed slices of the real datasets (test/fixtures/README.md: source, licence, how cut); tests read nothing outside the repository. */
export const FIXTURES = resolve(__dirname, '../fixtures');
/** Taobao UserBehavior: the complete histories of the first 91 users of the head file (9,603 rows). */
export const TAOBAO_FILE = join(FIXTURES, 'taobao/UserBehavior_head_91users.csv');
/** Gowalla (LightGCN split): the train lines of users 0..199. */
export const GOWALLA_TRAIN = join(FIXTURES, 'gowalla/train.txt');
/** Gowalla (LightGCN split): the test lines of users 0..199. */
export const GOWALLA_TEST = join(FIXTURES, 'gowalla/test.txt');
/** CDNOW_master.txt: the header and every transaction of customers 1..3000. */
export const CDNOW_MASTER = join(FIXTURES, 'cdnow/CDNOW_master_3000.txt');

/** A fresh temp dir per test file; `cleanup` removes it. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'recgate-import-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Non-empty lines of a text file. */
export async function readLines(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '');
}

/** Write lines to `dir/name` (newline-terminated) and return the path. */
export async function writeLines(dir: string, name: string, lines: readonly string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

/** A migrated embedded store on a new SQLite file in `dir`. synchronous NORMAL keeps tests fast. */
export async function openStore(dir: string, name = 'store.db'): Promise<GraphStore> {
  const store = await createEmbeddedGraphStore({ path: join(dir, name), synchronous: 'NORMAL' });
  await store.migrate();
  return store;
}

/** Collects log lines instead of writing them to stderr. */
export function captureLog(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line) };
}
