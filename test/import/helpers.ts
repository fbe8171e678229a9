/** Shared helpers of the import integration tests: temp dirs, real-data slices, a fresh store. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createEmbeddedGraphStore } from '../../graph/embedded';
import type { GraphStore } from '../../graph/port';

export const DATA = resolve(__dirname, '../../../shared/data');
export const TAOBAO_FILE = join(DATA, 'taobao-userbehavior-head/UserBehavior_head.csv');
export const GOWALLA_TRAIN = join(DATA, 'gowalla/train.txt');

/** A fresh temp dir per test file; `cleanup` removes it. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'recgate-import-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Non-empty lines of a text file. */
export async function readLines(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8')).split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
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
