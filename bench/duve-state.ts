/**
 * Memory of DUVE's online state (a script, not a test): bytes per user and MiB per 100k users,
 * for the 4 Taobao event types and for all 19 types. Run with --expose-gc:
 *
 *   npm run build && node --expose-gc dist/bench/duve-state.js [--users 100000]
 */
import { EVENT_TYPES, type EventType } from '../domain/events';
import { createDuveLayout, createDuveStateStore, duveStateBytes } from '../ml/duve/state';
import { writeBenchResult } from './stats';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('run with node --expose-gc');
  process.exit(2);
}
const usersFlag = process.argv.indexOf('--users');
const users = usersFlag >= 0 ? Number(process.argv[usersFlag + 1]) : 100_000;
const T0 = Date.UTC(2021, 5, 1);
const items = Array.from({ length: 5000 }, (_, i) => `taobao:${i}`);
const mem = (): number => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

function fill(types: readonly EventType[], n: number): ReturnType<typeof createDuveStateStore> {
  const store = createDuveStateStore(createDuveLayout({ types: [...types] }));
  const e = { type: 'view' as EventType, itemId: '', ts: T0, value: 0 };
  for (let u = 0; u < n; u++) {
    for (let i = 0; i < 3; i++) {
      e.type = types[(u + i) % types.length]!;
      e.itemId = items[(u * 7 + i) % items.length]!;
      e.ts = T0 + ((u * 13 + i * 1000) % 100000) * 1000;
      store.observe(`taobao:${u}`, e);
    }
  }
  return store;
}

const kept: unknown[] = [];
const results: Array<Record<string, number>> = [];
for (const types of [['view', 'add_to_cart', 'wishlist', 'purchase'] as EventType[], [...EVENT_TYPES]]) {
  kept.push(fill(types, 1000)); // warm-up: compiled code is not per-user memory
  const before = mem();
  const store = fill(types, users);
  kept.push(store);
  const perUser = (mem() - before) / store.size;
  const payload = duveStateBytes(createDuveLayout({ types: [...types] }));
  results.push({ types: types.length, users: store.size, payloadBytes: payload, bytesPerUser: Math.round(perUser), mibPer100k: Math.round((perUser * 1e5) / 2 ** 20) });
  console.log(`${types.length} types x 128 dims: ${Math.round(perUser)} bytes/user measured (${payload} payload), ${((perUser * 1e5) / 2 ** 20).toFixed(1)} MiB per 100k users`);
}
const file = writeBenchResult('duve-state', { node: process.version, results, kept: kept.length });
console.log(`written ${file}`);
