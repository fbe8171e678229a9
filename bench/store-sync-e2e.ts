/**
 * Imports while serving, end to end with real processes: `node dist/cli/main.js serve` on a temp
 * SQLite file (STORE_SYNC_MS, API keys off), then `node dist/cli/main.js import csv` of a generated
 * file into the same file from a second process. Measures
 * - the delay from the import process's exit to /healthz showing every imported event,
 * - /healthz latency while the gateway applies the import (how long the event loop is held),
 * - the gateway's CPU time over an idle window with the sync on, and with STORE_SYNC_MS=0.
 * Prints JSON (and writes it to `--out` when given).
 *
 *   npm run build --silent && node dist/bench/store-sync-e2e.js [--events 50000] [--sync-ms 1000] [--idle-s 20] [--out f.json]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { summarise } from './stats';

const CLI = resolve(__dirname, '../cli/main.js');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!(Number.isFinite(v) && v >= 0)) throw new Error(`--${name} must be a number ≥ 0`);
  return v;
}

/** utime + stime of a process in ms, from /proc (Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks at USER_HZ=100
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Served {
  proc: ChildProcess;
  base: string;
}

async function serve(dir: string, syncMs: number): Promise<Served> {
  const env = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    DB_PATH: join(dir, 'store.db'),
    EXPERIMENTS_DB_PATH: join(dir, 'exp.db'),
    PUBLISHED_DB_PATH: join(dir, 'published.db'),
    ACCESS_DB_PATH: join(dir, 'access.db'),
    DUVE_MODEL_DIR: join(dir, 'models'),
    AUTH: 'off',
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    STORE_SYNC_MS: String(syncMs),
  };
  const proc = spawn(process.execPath, [CLI, 'serve'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((ok, fail) => {
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /"url":"(http:[^"]+)"/.exec(buf);
      if (m) ok(m[1] as string);
    });
    proc.once('exit', (code) => fail(new Error(`serve exited with ${code}: ${buf.slice(-500)}`)));
  });
  proc.stdout!.resume();
  return { proc, base: url.replace('/graphql', '') };
}

async function stop(s: Served): Promise<void> {
  s.proc.kill('SIGTERM');
  await new Promise((r) => s.proc.once('exit', r));
}

async function healthEvents(base: string): Promise<{ events: number; ms: number }> {
  const t0 = performance.now();
  const body = (await (await fetch(`${base}/healthz`)).json()) as { counts: { events: number } };
  return { events: body.counts.events, ms: performance.now() - t0 };
}

async function idleCpu(dir: string, syncMs: number, seconds: number): Promise<number> {
  const s = await serve(dir, syncMs);
  try {
    await sleep(2000);
    const c0 = cpuMs(s.proc.pid!);
    await sleep(seconds * 1000);
    return cpuMs(s.proc.pid!) - c0;
  } finally {
    await stop(s);
  }
}

async function main(): Promise<void> {
  const events = arg('events', 50_000);
  const syncMs = arg('sync-ms', 1000);
  const idleS = arg('idle-s', 20);
  const outIdx = process.argv.indexOf('--out');
  const dir = mkdtempSync(join(tmpdir(), 'bench-store-sync-e2e-'));
  try {
    const lines = ['id;user;sku;event;time;amount;title;price'];
    const t = Date.now() - 30 * 86_400_000;
    for (let k = 0; k < events; k++) {
      const buy = k % 9 === 0;
      lines.push(
        `e${k};u${(k * 7919) % Math.max(1, Math.round(events / 10))};s${(k * 104729) % 5000};${buy ? 'buy' : 'look'};${new Date(t + k * 1000).toISOString()};${buy ? '9.5' : ''};Item ${k % 5000};${10 + (k % 50)}`,
      );
    }
    writeFileSync(join(dir, 'events.csv'), `${lines.join('\n')}\n`);
    const mapping = {
      name: 'bench',
      delimiter: ';',
      fields: { userId: 'user', itemId: 'sku', type: 'event', ts: 'time', value: 'amount', title: 'title', price: 'price' },
      tsUnit: 'iso',
      eventTypes: { look: 'view', buy: 'purchase' },
      idPrefix: 'b:',
      eventId: { column: 'id' },
    };
    writeFileSync(join(dir, 'mapping.json'), JSON.stringify(mapping));

    const s = await serve(dir, syncMs);
    let delayMs: number;
    let importMs: number;
    let sync: unknown;
    const during: number[] = [];
    const baseline: number[] = [];
    try {
      // /healthz latency with nothing to apply, over 5 s (the machine's own noise).
      for (const end = performance.now() + 5000; performance.now() < end; await sleep(10)) baseline.push((await healthEvents(s.base)).ms);
      const i0 = performance.now();
      const imp = spawn(process.execPath, [CLI, 'import', 'csv', join(dir, 'events.csv'), '--mapping', join(dir, 'mapping.json'), '--no-progress'], {
        env: { ...process.env, DB_PATH: join(dir, 'store.db') },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      let done = false;
      let endedAt = 0;
      imp.once('exit', (code) => {
        if (code !== 0) throw new Error(`import exited with ${code}`);
        endedAt = performance.now();
        done = true;
      });
      // Sample /healthz every 10 ms from the import's start until every event is visible.
      for (;;) {
        const h = await healthEvents(s.base);
        during.push(h.ms);
        if (done && h.events === events) break;
        await sleep(10);
      }
      delayMs = performance.now() - endedAt;
      importMs = endedAt - i0;
      sync = ((await (await fetch(`${s.base}/healthz`)).json()) as { sync: unknown }).sync;
    } finally {
      await stop(s);
    }
    const idleOn = await idleCpu(dir, syncMs, idleS);
    const idleOff = await idleCpu(dir, 0, idleS);
    const report = {
      bench: 'store-sync-e2e',
      events,
      storeSyncMs: syncMs,
      importProcessMs: Math.round(importMs),
      visibleAfterImportExitMs: Math.round(delayMs),
      healthzMsIdle: summarise(baseline),
      healthzMsDuringImport: summarise(during),
      sync,
      idleCpuMs: { seconds: idleS, syncOn: idleOn, syncOff: idleOff },
    };
    const json = JSON.stringify(report, null, 2);
    process.stdout.write(`${json}\n`);
    if (outIdx >= 0 && process.argv[outIdx + 1]) writeFileSync(process.argv[outIdx + 1] as string, json);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
