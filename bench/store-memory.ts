/**
 * Memory of the embedded graph store (a script, not a test), measured on a temp SQLite file with
 * forced GC (--expose-gc). Phases, each a delta after GC:
 * - users: `--users` bare users (upsertUsers);
 * - items: `--items` items (upsertItems, short title, one category);
 * - events: `--events` interactions over those known users and items (ingestEvents);
 * - anonymous: `--anonymous` events that each name a new user and a new item (the unbounded case).
 * Per entity it reports heap (heapUsed), external (incl. ArrayBuffers) and RSS deltas in bytes,
 * and MiB per million events. Then a child process reopens the file: boot time and memory after load.
 *
 *   npm run bench:store-memory -- [--users 200000] [--items 100000] [--events 1000000] [--anonymous 200000]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventType, InteractionEvent } from '../domain/events';
import type { ItemRecord, UserRecord } from '../domain/catalog';
import { createEmbeddedGraphStore } from '../graph/embedded';
import type { GraphStore } from '../graph/port';
import { writeBenchResult } from './stats';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('run with node --expose-gc');
  process.exit(2);
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!(Number.isInteger(v) && v > 0)) throw new Error(`--${name} must be a positive integer`);
  return v;
}

interface Mem {
  heap: number;
  external: number;
  rss: number;
}
const mem = (): Mem => {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, external: m.external, rss: m.rss };
};
const MiB = 2 ** 20;
const TYPES: readonly EventType[] = ['view', 'view', 'view', 'click', 'add_to_cart', 'purchase'];
const T0 = 1_700_000_000_000;
const BATCH = 1000;

function event(k: number, userId: string, itemId: string): InteractionEvent {
  const type = TYPES[k % TYPES.length] as EventType;
  return { eventId: `e${k}`, userId, type, itemId, ts: T0 + k * 1000, value: type === 'purchase' ? 10 : 0, dwellMs: null, session: null, referrer: null, query: null };
}

async function inBatches<T>(n: number, make: (k: number) => T, write: (batch: T[]) => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  for (let from = 0; from < n; from += BATCH) {
    const batch: T[] = [];
    for (let k = from; k < Math.min(n, from + BATCH); k++) batch.push(make(k));
    await write(batch);
  }
  return (performance.now() - t0) / 1000;
}

function perEntity(name: string, n: number, before: Mem, after: Mem, seconds: number): Record<string, number | string> {
  const heap = (after.heap - before.heap) / n;
  const external = (after.external - before.external) / n;
  const rss = (after.rss - before.rss) / n;
  return {
    phase: name,
    n,
    seconds: Number(seconds.toFixed(1)),
    heapBytes: Math.round(heap),
    externalBytes: Math.round(external),
    heapPlusExternalBytes: Math.round(heap + external),
    rssBytes: Math.round(rss),
    heapPlusExternalMiBPerMillion: Math.round(((heap + external) * 1e6) / MiB),
    rssMiBPerMillion: Math.round((rss * 1e6) / MiB),
  };
}

/** Child mode: open the file, report boot time and memory (the restart of a full store). */
async function reopen(path: string): Promise<void> {
  const before = mem();
  const t0 = performance.now();
  const store = await createEmbeddedGraphStore({ path, synchronous: 'NORMAL' });
  const seconds = (performance.now() - t0) / 1000;
  const after = mem();
  const counts = await store.counts();
  await store.close();
  console.log(
    JSON.stringify({
      bootSeconds: Number(seconds.toFixed(2)),
      users: counts.users,
      items: counts.items,
      events: counts.events,
      heapMiB: Math.round(after.heap / MiB),
      externalMiB: Math.round(after.external / MiB),
      rssMiB: Math.round(after.rss / MiB),
      rssGrowthMiB: Math.round((after.rss - before.rss) / MiB),
    }),
  );
}

async function main(): Promise<void> {
  const reopenIdx = process.argv.indexOf('--reopen');
  if (reopenIdx >= 0) return reopen(process.argv[reopenIdx + 1] as string);
  const users = arg('users', 200_000);
  const items = arg('items', 100_000);
  const events = arg('events', 1_000_000);
  const anonymous = arg('anonymous', 200_000);
  const dir = mkdtempSync(join(tmpdir(), 'recgate-store-memory-'));
  const path = join(dir, 'store.db');
  const results: Record<string, number | string>[] = [];
  let store: GraphStore | null = null;
  try {
    store = await createEmbeddedGraphStore({ path, synchronous: 'NORMAL' });
    const s = store;
    // Warm-up (compiled code and statement caches are not per-entity memory), in its own id space.
    await inBatches(
      2000,
      (k) => event(50_000_000 + k, `w${k % 50}`, `wi${k % 50}`),
      (b) => s.ingestEvents(b),
    );
    let m = mem();
    const start = m;
    let secs = await inBatches<UserRecord>(
      users,
      (k) => ({ id: `u${k}`, demographics: {}, preferences: [] }),
      (b) => s.upsertUsers(b),
    );
    let next = mem();
    results.push(perEntity('user', users, m, next, secs));
    m = next;
    secs = await inBatches<ItemRecord>(
      items,
      (k) => ({ id: `i${k}`, title: `item ${k}`, categories: [`c${k % 100}`], brand: null, price: 10, available: true, createdAt: T0 }),
      (b) => s.upsertItems(b),
    );
    next = mem();
    results.push(perEntity('item', items, m, next, secs));
    m = next;
    secs = await inBatches(
      events,
      (k) => event(k, `u${(k * 7919) % users}`, `i${(k * 104729) % items}`),
      (b) => s.ingestEvents(b),
    );
    next = mem();
    results.push(perEntity('event (known user and item)', events, m, next, secs));
    m = next;
    secs = await inBatches(
      anonymous,
      (k) => event(events + k, `anon-u${k}`, `anon-i${k}`),
      (b) => s.ingestEvents(b),
    );
    next = mem();
    results.push(perEntity('anonymous event (new user and new item)', anonymous, m, next, secs));
    results.push({ phase: 'store total', heapPlusExternalMiB: Math.round((next.heap + next.external - start.heap - start.external) / MiB), rssMiB: Math.round(next.rss / MiB) });
    await s.close();
    store = null;
    const child = execFileSync(process.execPath, ['--expose-gc', __filename, '--reopen', path], { encoding: 'utf8' });
    results.push({ phase: 'reopen (new process)', ...(JSON.parse(child) as Record<string, number>) });
  } finally {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.table(results);
  const file = writeBenchResult('store-memory', { node: process.version, results });
  console.log(`written ${file}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
