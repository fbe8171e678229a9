/** serve's IRA wiring (server/ira.ts): off when IRA_DB_PATH is empty; with DUVE v2 served, the served engine's value source, read by the rewards. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createGraphStore } from '../graph/factory';
import type { GraphStore } from '../graph/port';
import { createInProcessQueue } from '../jobs/in-process';
import { syntheticDuveHistories } from '../ml/duve/synthetic';
import { loadOnnxModel } from '../ml/onnx/session';
import { loadDuve2ValueSource, trainDuve2FromStore } from '../plugins/duve/v2';
import { latestDuve2Artifact } from '../ml/duve2/export';
import { IRA_DIM } from '../plugins/ira';
import { normaliseValue } from '../plugins/ira/reward';
import { openServedIra } from './ira';

const DAY = 86_400_000;

describe('openServedIra', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ira-wiring-'));
  let store: GraphStore;
  const logs: Array<{ msg: string; valueSources?: string[] }> = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => void logs.push(JSON.parse(l) as { msg: string }) });
  const histories = syntheticDuveHistories({ users: 12, days: 10, seed: 3, items: 30 });
  const lastTs = Math.max(...histories.flatMap((h) => h.events.map((e) => e.ts)));
  let now = lastTs + 1;

  beforeAll(async () => {
    store = await createGraphStore({ kind: 'embedded', path: join(dir, 'store.db') });
    await store.upsertItems(
      [...new Set(histories.flatMap((h) => h.events.map((e) => e.itemId!)))].map((id) => ({
        id,
        title: id,
        categories: [`c${id.length % 3}`],
        brand: null,
        price: null,
        available: true,
        createdAt: 0,
      })),
    );
    await store.ingestEvents(
      histories.flatMap((h) =>
        h.events.map((e, i) => ({
          eventId: `${h.userId}:${i}`,
          userId: h.userId,
          itemId: e.itemId,
          type: e.type,
          ts: e.ts,
          value: e.value,
          dwellMs: null,
          session: null,
          referrer: null,
          query: null,
        })),
      ),
    );
    await trainDuve2FromStore(store, { modelDir: join(dir, 'duve2'), decay: 'per-type', horizonDays: 1, seed: 1, iterations: 10 });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // What serve hands IRA: the served DUVE v2 engine's source when v2 is served with an artifact (here loaded as serve's user-value service loads it, warm from the store).
  const open = async (o: { dbPath: string; version: 'v1' | 'v2'; v2Dir: string }) => {
    const served = o.version === 'v2' && (await latestDuve2Artifact(o.v2Dir)) !== null ? await loadDuve2ValueSource(o.v2Dir, { loadModel: loadOnnxModel, store }) : null;
    return openServedIra({
      dbPath: o.dbPath,
      guardrailMargin: 0.1,
      jobs: createInProcessQueue(),
      instanceId: 't',
      clock: () => now,
      logger,
      store,
      ...(served ? { servedValue: () => served } : {}),
    });
  };

  it('is off with an empty IRA_DB_PATH', async () => {
    expect(await open({ dbPath: '', version: 'v2', v2Dir: join(dir, 'duve2') })).toBeNull();
  });

  it('reads the served DUVE v2 source (warm from the store): a closed decision reads v_long from it', async () => {
    logs.length = 0;
    now = lastTs + 1;
    const rt = (await open({ dbPath: join(dir, 'a.db'), version: 'v2', v2Dir: join(dir, 'duve2') }))!;
    try {
      expect(logs.find((l) => l.msg === 'IRA policy on')?.valueSources).toEqual(['v2']);
      const user = histories[0]!.userId;
      rt.service.recordDecision({
        decisionId: 'd1',
        userId: user,
        ts: now,
        surface: 'home',
        line: 'L',
        version: 0,
        gamma1: 0,
        gamma2: 1,
        explore: { method: 'greedy', temperature: 0, epsilon: 0 },
        pool: ['x'],
        features: new Float32Array(IRA_DIM),
        q: new Float32Array(1),
        shown: [0],
        propensities: [1],
        valueBefore: null,
        valueSource: 'v2',
      });
      await rt.onEvents([{ userId: user, type: 'purchase', itemId: histories[0]!.events[0]!.itemId, ts: now + 1000, value: 50 }]);
      now += 2 * DAY;
      await rt.onEvents([]);
      const [d] = rt.decisionLog.read();
      expect(d!.valueAfter).not.toBeNull();
      expect(d!.rewards![0]).toBeCloseTo(normaliseValue(d!.valueAfter), 10);
    } finally {
      rt.close();
    }
  });

  it('runs without a value source for DUVE v1 or a missing v2 artifact', async () => {
    for (const o of [
      { dbPath: join(dir, 'b.db'), version: 'v1' as const, v2Dir: join(dir, 'duve2') },
      { dbPath: join(dir, 'c.db'), version: 'v2' as const, v2Dir: join(dir, 'none') },
    ]) {
      logs.length = 0;
      const rt = (await open(o))!;
      expect(logs.find((l) => l.msg === 'IRA policy on')?.valueSources).toEqual([]);
      rt.close();
    }
  });
});
