/**
 * Cost of the embedded store tail (graph/embedded/tail.ts), on a temp SQLite file with two
 * connections (the "gateway" store applies what the "importer" store writes):
 * - idle: one `syncExternal` call when nobody else wrote (what every STORE_SYNC_MS period costs),
 *   also right after a local write (the cursors skip ahead without reading);
 * - catch-up: an import of `--events` events drained in slices of `--slice` rows: time per slice
 *   (the longest the event loop is held), rows per second, total.
 * Prints JSON (and writes it to `--out` when given).
 *
 *   npm run build --silent && node dist/bench/store-sync.js [--events 100000] [--slice 500] [--out f.json]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventType, InteractionEvent } from '../domain/events';
import { createEmbeddedGraphStore } from '../graph/embedded';
import { summarise } from './stats';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!(Number.isInteger(v) && v > 0)) throw new Error(`--${name} must be a positive integer`);
  return v;
}

const TYPES: readonly EventType[] = ['view', 'view', 'view', 'click', 'add_to_cart', 'purchase'];

function batch(from: number, n: number, users: number, items: number): InteractionEvent[] {
  const out: InteractionEvent[] = [];
  for (let k = from; k < from + n; k++) {
    const type = TYPES[k % TYPES.length] as EventType;
    out.push({
      eventId: `b${k}`,
      userId: `u${(k * 7919) % users}`,
      type,
      itemId: `i${(k * 104729) % items}`,
      ts: 1_700_000_000_000 + k * 1000,
      value: type === 'purchase' ? 10 : 0,
      dwellMs: null,
      session: null,
      referrer: null,
      query: null,
    });
  }
  return out;
}

async function main(): Promise<void> {
  const events = arg('events', 100_000);
  const slice = arg('slice', 500);
  const outIdx = process.argv.indexOf('--out');
  const dir = mkdtempSync(join(tmpdir(), 'bench-store-sync-'));
  const path = join(dir, 'store.db');
  const gateway = await createEmbeddedGraphStore({ path, synchronous: 'NORMAL' });
  const importer = await createEmbeddedGraphStore({ path, synchronous: 'NORMAL' });
  try {
    // A store that already holds data, so MAX() / range reads run on real indexes.
    await gateway.ingestEvents(batch(10_000_000, 20_000, 5000, 2000));

    const idle: number[] = [];
    for (let k = 0; k < 20_000; k++) {
      const t0 = performance.now();
      await gateway.syncExternal!(slice);
      idle.push((performance.now() - t0) * 1000);
    }
    const afterLocal: number[] = [];
    for (let k = 0; k < 200; k++) {
      await gateway.ingestEvents(batch(20_000_000 + k * 10, 10, 5000, 2000));
      const t0 = performance.now();
      const r = await gateway.syncExternal!(slice);
      afterLocal.push((performance.now() - t0) * 1000);
      if (r.applied.events !== 0) throw new Error('own events were applied again');
    }

    const users = Math.max(1, Math.round(events / 10));
    const items = Math.max(1, Math.round(events / 40));
    const w0 = performance.now();
    for (let k = 0; k < events; k += 5000) await importer.ingestEvents(batch(k, Math.min(5000, events - k), users, items));
    const writeMs = performance.now() - w0;

    const slices: number[] = [];
    let applied = 0;
    const cpu0 = process.cpuUsage();
    const c0 = performance.now();
    for (;;) {
      const t0 = performance.now();
      const r = await gateway.syncExternal!(slice);
      slices.push(performance.now() - t0);
      applied += r.applied.events + r.applied.users + r.applied.items + r.applied.queries;
      if (!r.more) break;
    }
    const catchUpMs = performance.now() - c0;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    // The importer never pulls: compare with a store freshly opened on the file instead.
    const oracle = await createEmbeddedGraphStore({ path, synchronous: 'NORMAL' });
    const counts = [await gateway.counts(), await oracle.counts()];
    await oracle.close();
    if (JSON.stringify(counts[0]) !== JSON.stringify(counts[1])) throw new Error(`counts differ after catch-up: ${JSON.stringify(counts)}`);

    const report = {
      bench: 'store-sync',
      idlePollUs: summarise(idle),
      pollAfterLocalWriteUs: summarise(afterLocal),
      import: { events, users, items, writeMs: Math.round(writeMs) },
      catchUp: {
        rowsApplied: applied,
        slice,
        slices: slices.length,
        totalMs: Math.round(catchUpMs),
        rowsPerSec: Math.round(applied / (catchUpMs / 1000)),
        cpuMs: Math.round(cpuMs),
        cpuUsPerRow: Math.round((cpuMs * 1000 * 100) / applied) / 100,
        sliceMs: summarise(slices),
      },
      counts: counts[0],
    };
    const json = JSON.stringify(report, null, 2);
    process.stdout.write(`${json}\n`);
    if (outIdx >= 0 && process.argv[outIdx + 1]) writeFileSync(process.argv[outIdx + 1] as string, json);
  } finally {
    await gateway.close();
    await importer.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
