import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventType, InteractionEvent } from '../../../domain/events';
import { createEmbeddedGraphStore } from '../../../graph/embedded';
import type { GraphStore } from '../../../graph/port';
import { trainDpgcnFromStore } from '../../../ml/gcn/from-store';
import { mulberry32 } from '../../../ml/random';
import { decodeActor } from '../../../ml/ddpg/snapshot';
import { pretrainPolicyOffline } from './pretrain';
import { openSqlitePolicySnapshots } from './snapshots';
import { POLICY_STATE_VERSION } from './state';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);
const CATS = ['lamp', 'kettle', 'sofa', 'tent'];

const ev = (eventId: string, userId: string, type: EventType, itemId: string, ts: number): InteractionEvent => ({
  eventId,
  userId,
  type,
  itemId,
  ts,
  value: 0,
  dwellMs: null,
  session: null,
  referrer: null,
  query: null,
});

/** 4 categories of 20 priced items; 48 users, each with 8 events of one category over 4 days (the last ones after the cut), plus events after trainEnd. */
async function shopStore(path: string): Promise<GraphStore> {
  const store = await createEmbeddedGraphStore({ path, synchronous: 'NORMAL' });
  const r = mulberry32(5);
  await store.upsertCategories([{ id: 'shop', parent: null, name: 'shop' }, ...CATS.map((c) => ({ id: `shop.${c}`, parent: 'shop', name: c }))]);
  await store.upsertItems(
    CATS.flatMap((c, k) => Array.from({ length: 20 }, (_, j) => ({ id: `i${k * 20 + j}`, title: `${c} ${j}`, categories: [`shop.${c}`], brand: null, price: 5 + j, available: true, createdAt: T0 }))),
  );
  const events: InteractionEvent[] = [];
  for (let u = 0; u < 48; u++) {
    const c = u % CATS.length;
    for (let j = 0; j < 10; j++) {
      const type: EventType = j % 4 === 3 ? 'add_to_cart' : 'view';
      events.push(ev(`e${u}-${j}`, `u${u}`, type, `i${c * 20 + Math.floor(r() * 20)}`, T0 + (j * 0.5 + r() * 0.2) * DAY));
    }
  }
  await store.ingestEvents(events);
  return store;
}

describe('pretrainPolicyOffline', () => {
  let dir: string;
  let store: GraphStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recgate-policy-pretrain-'));
    store = await shopStore(join(dir, 'store.db'));
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('replays one-step episodes from the store against the artifact and publishes the actor as the first version', async () => {
    const trainEnd = T0 + 4 * DAY;
    const trained = await trainDpgcnFromStore(store, {
      modelsDir: join(dir, 'models'),
      trainEnd,
      dims: 8,
      usersPerStep: 16,
      usersPerGroup: 8,
      negatives: 32,
      epochs: 2,
      every: 2,
      threads: 1,
      seed: 3,
      createdBy: 'test',
    });
    expect(trained.manifest).toHaveProperty('fusion');
    const snapshots = openSqlitePolicySnapshots(':memory:');
    const lines: string[] = [];
    const r = await pretrainPolicyOffline(store, trained.dir, { snapshots, trainEnd, seed: 4, updates: 150, negatives: 10, clock: () => 42, log: (l) => lines.push(l) });
    const fusion = (trained.manifest as unknown as { fusion: { alpha: number; alphaRange: [number, number] } }).fusion;
    expect(r.version).toBe(1);
    expect(r.range).toEqual(fusion.alphaRange);
    expect(r.cut).toBe(trainEnd - DAY);
    expect(r.lists.train + r.lists.valid).toBeGreaterThan(20);
    for (const v of Object.values(r.metrics)) expect(Number.isFinite(v)).toBe(true);
    expect(r.metrics.meanPolicyAlpha).toBeGreaterThanOrEqual(fusion.alphaRange[0]);
    expect(r.metrics.meanPolicyAlpha).toBeLessThanOrEqual(fusion.alphaRange[1]);
    const live = (await snapshots.live())!;
    expect(live).toMatchObject({ version: 1, source: 'pretrain', stateVersion: POLICY_STATE_VERSION, createdAt: 42, updates: 150 - 63 });
    expect(decodeActor(live.actor).range).toEqual(fusion.alphaRange);
    expect(lines.at(-1)).toMatch(/^policy pre-training: \d+ train \/ \d+ valid lists/);
    snapshots.close();
  }, 60_000);
});
