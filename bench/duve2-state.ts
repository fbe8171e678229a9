/**
 * Cost of DUVE v2's online state (a script, not a test): ns per observed event (in-order appends,
 * and out-of-order inserts), ns per read (window of W events + v1 features + the TS forward pass,
 * live and as of a 15-minute refresh boundary), and bytes per user (measured heap + array buffers,
 * and the payload of duve2UserStateBytes), on generated events (Taobao's 4 types, 5000 items).
 * Run with --expose-gc:
 *
 *   npm run build && node --expose-gc dist/bench/duve2-state.js [--users 20000] [--events 40] [--window 64] [--slack 32]
 *
 * Defaults are the measurement settings; pass small ones to smoke it (`--users 200 --events 10`).
 */
import type { EventType } from '../domain/events';
import { referenceTimes } from '../ml/duve/examples';
import { syntheticDuveHistories } from '../ml/duve/synthetic';
import { duveLayout } from '../ml/duve/model';
import { trainDuve2 } from '../ml/duve2/train';
import { duve2UserStateBytes } from '../ml/duve2/window-state';
import { createDuve2Engine } from '../plugins/duve/v2/engine';
import { writeBenchResult } from './stats';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('run with node --expose-gc');
  process.exit(2);
}
const flag = (name: string, def: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const users = flag('--users', 20_000);
const perUser = flag('--events', 40);
const window = flag('--window', 64);
const slack = flag('--slack', 32);
const mem = (): number => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

const DAY = 24 * 3600 * 1000;
const MIN = 60_000;
const start = Date.UTC(2021, 5, 1);
// A small trained model with the production dims (the cost does not depend on the weights).
const hist = syntheticDuveHistories({ users: 30, days: 6, seed: 2, start, items: 200 });
const { model } = trainDuve2(hist, { refTimes: referenceTimes(start, start + 6 * DAY, DAY, DAY), trainEnd: start + 6 * DAY, horizonMs: DAY, iterations: 5, v1Iterations: 5, dims: { window } });
const types: EventType[] = [...model.types];
const items = Array.from({ length: 5000 }, (_x, i) => `taobao:item:${i}`);
const userIds = Array.from({ length: users }, (_x, u) => `taobao:${u}`);
const T0 = start + 7 * DAY;

function fill(n: number, outOfOrder: boolean): { engine: ReturnType<typeof createDuve2Engine>; ns: number; events: number } {
  const engine = createDuve2Engine({ model, version: 1, slack });
  const e = { userId: '', type: 'view' as EventType, itemId: '', ts: 0, value: 0 };
  const t = process.hrtime.bigint();
  let count = 0;
  for (let k = 0; k < perUser; k++) {
    for (let u = 0; u < n; u++) {
      e.userId = userIds[u]!;
      e.type = types[(u + k) % types.length]!;
      e.itemId = items[(u * 7 + k * 13) % items.length]!;
      // In order: ts grows with k. Out of order: every 4th event lands 30 min in the past.
      e.ts = T0 + k * MIN + u + (outOfOrder && k % 4 === 3 ? -30 * MIN : 0);
      e.value = e.type === 'purchase' ? 10 : 0;
      engine.source.observe(e);
      count++;
    }
  }
  return { engine, ns: Number(process.hrtime.bigint() - t) / count, events: count };
}

fill(Math.min(200, users), false); // warm-up (JIT)
const before = mem();
const inOrder = fill(users, false);
const bytes = (mem() - before) / inOrder.engine.userCount;
const outOfOrder = fill(Math.min(users, 5000), true);
const readAt = T0 + perUser * MIN + 7 * MIN;
const reads = Math.min(users, 5000);
const timeReads = (refreshMinutes?: number): number => {
  const t = process.hrtime.bigint();
  let sink = 0;
  for (let u = 0; u < reads; u++) sink += inOrder.engine.source.read(userIds[u]!, readAt, refreshMinutes ? { refreshMinutes } : undefined)?.purchaseProb ?? 0;
  if (!(sink >= 0)) throw new Error('unreachable');
  return Number(process.hrtime.bigint() - t) / reads;
};
timeReads();
const readNs = timeReads();
const boundaryNs = timeReads(15);
const payload = duve2UserStateBytes(duveLayout(model.v1), window + slack);
const result = {
  node: process.version,
  users,
  eventsPerUser: perUser,
  window,
  slack,
  nsPerEventInOrder: Math.round(inOrder.ns),
  nsPerEventOutOfOrder: Math.round(outOfOrder.ns),
  nsPerRead: Math.round(readNs),
  nsPerBoundaryRead: Math.round(boundaryNs),
  bytesPerUserMeasured: Math.round(bytes),
  bytesPerUserPayload: payload,
  mibPer100kUsers: Math.round((bytes * 1e5) / 2 ** 20),
};
console.log(JSON.stringify(result, null, 2));
console.log(`written ${writeBenchResult('duve2-state', result)}`);
