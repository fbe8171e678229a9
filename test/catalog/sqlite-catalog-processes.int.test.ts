/**
 * The SQLite catalog shared by several processes (gateways and the CLI on one host): child Node
 * processes open the same file and race compare-and-set writes in a read-write-retry loop, as
 * publishing does. Every accepted write must get its own revision, and the log must hold each
 * exactly once, in order. The children load the TypeScript source through @swc/core (what jest
 * uses), so the test needs no build.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openSqliteCatalog } from '../../publishing/catalog/sqlite';

const ROOT = resolve(__dirname, '..', '..');

/** A child: `<file> <writer> <wins>`; prints `{ wins, lost }` (lost = writes refused as stale). */
const CHILD = `
const fs = require('node:fs');
const { transformSync } = require('@swc/core');
require.extensions['.ts'] = (m, filename) => {
  const out = transformSync(fs.readFileSync(filename, 'utf8'), { filename, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } });
  m._compile(out.code, filename);
};
const { openSqliteCatalog } = require('./publishing/catalog/sqlite.ts');
const [file, writer, wanted] = process.argv.slice(1);
const s = openSqliteCatalog(file);
process.stdout.write('ready\\n');
process.stdin.once('data', () => run().catch((err) => { process.stderr.write(String(err && err.stack || err)); process.exit(1); }));
async function run() {
  let wins = 0, lost = 0;
  while (wins < Number(wanted)) {
    const { revision } = await s.read();
    // A pause between read and write, as publishing has (admission runs there): others get in.
    await new Promise((r) => setTimeout(r, Math.random() * 3));
    const doc = { scorers: {}, strategies: { [writer]: { versions: [], live: revision + 1, liveHistory: [] } } };
    const change = { kind: 'strategy', id: writer, action: 'publish', version: String(wins), at: Date.now(), by: { keyId: writer, keyName: writer } };
    if (await s.write(revision, doc, change)) wins++; else lost++;
  }
  await s.close();
  process.stdout.write(JSON.stringify({ wins, lost }) + '\\n');
  process.exit(0);
}
`;

interface Writer {
  /** Resolves once the child opened the catalog and waits for `go`. */
  readonly ready: Promise<void>;
  readonly result: Promise<{ wins: number; lost: number }>;
  go(): void;
}

/** Start a child that opens the catalog, then (on `go`, so all children start together) makes `wins` accepted writes. */
function startWriter(file: string, writer: string, wins: number): Writer {
  const child = spawn(process.execPath, ['-e', CHILD, file, writer, String(wins)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (onReady = r));
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString('utf8');
    if (out.startsWith('ready\n')) onReady();
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const result = new Promise<{ wins: number; lost: number }>((done, fail) => {
    child.once('error', fail);
    child.once('exit', (code) => (code === 0 ? done(JSON.parse(out.slice('ready\n'.length)) as { wins: number; lost: number }) : fail(new Error(`writer ${writer} exited ${code}: ${err}`))));
  });
  return { ready: Promise.race([ready, result.then(() => undefined)]), result, go: () => child.stdin.end('go\n') };
}

describe('SQLite catalog across processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'recgate-catalog-procs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives every accepted write of three racing processes its own revision, logged once and in order', async () => {
    const file = join(dir, 'published.db');
    const writers = ['w0', 'w1', 'w2'];
    const each = 50;
    const children = writers.map((w) => startWriter(file, w, each));
    await Promise.all(children.map((c) => c.ready));
    for (const c of children) c.go();
    const results = await Promise.all(children.map((c) => c.result));
    // The writers did race (a read went stale before its write): seen 38 to 77 per writer.
    expect(results.reduce((n, r) => n + r.lost, 0)).toBeGreaterThan(0);
    expect(results.map((r) => r.wins)).toEqual([each, each, each]);

    const s = openSqliteCatalog(file);
    try {
      const total = writers.length * each;
      const log = await s.changesSince(0, total + 10);
      expect(log.map((c) => c.revision)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      // Each writer's own changes appear in the order it made them, none twice or missing.
      for (const w of writers) {
        expect(log.filter((c) => c.id === w).map((c) => c.version)).toEqual(Array.from({ length: each }, (_, i) => String(i)));
      }
      const last = log.at(-1)!;
      const snap = await s.read();
      expect(snap.revision).toBe(total);
      expect(snap.doc.strategies[last.id]?.live).toBe(total);
    } finally {
      await s.close();
    }
  });
});
