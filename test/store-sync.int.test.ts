/**
 * Imports while serving: an importer writes to the running gateway's SQLite file through its own
 * connection (as `node dist/cli/main.js import` does from another process). Within STORE_SYNC_MS
 * plus the time to apply the rows, `item`, `feed`, `userValue` (DUVE) and `/healthz` show the
 * imported data, without a restart; the gateway's own events are not counted twice.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedGraphStore } from '../graph/embedded';
import type { GraphStore, StoreCounts } from '../graph/port';
import { importCsv } from '../ingest/import/csv';
import { FeedDocument, ItemDocument, RecordEventsDocument, UserValueDocument, type EventInput } from './generated/graphql';
import { publishTestDuveModel } from './support/duve-model';
import { startTestGateway, type TestGateway } from './support/gateway';

const SYNC_MS = 200;
/**
 * Visibility bound asserted: one period plus the time to apply the rows (3,000 events, 300 users,
 * 60 items, DUVE folding them), with room for two cores shared with parallel test files (measured
 * 0.4-1.3 s; without the sync the data never shows, see the STORE_SYNC_MS=0 case).
 */
const BOUND_MS = SYNC_MS + 4000;
const HOUR = 3_600_000;
const T = Date.now() - 48 * HOUR;

const mapping = {
  name: 'shop',
  delimiter: ';',
  fields: { userId: 'user', itemId: 'sku', type: 'event', ts: 'time', value: 'amount', category: 'cat', title: 'title', price: 'price' },
  tsUnit: 'iso',
  eventTypes: { look: 'view', basket: 'add_to_cart', buy: 'purchase' },
  idPrefix: 'shop:',
  eventId: { column: 'id' },
} as const;

/** `n` rows over 300 users and 60 items; every item row carries its title, price and category. */
function csvRows(n: number, title: (sku: number) => string, idPrefix = 'e'): string[] {
  const lines = ['id;user;sku;event;time;amount;cat;title;price'];
  const names = ['look', 'look', 'look', 'basket', 'buy'];
  for (let k = 0; k < n; k++) {
    const sku = (k * 7) % 60;
    const event = names[k % names.length] as string;
    const ts = new Date(T + k * 1000).toISOString();
    lines.push([`${idPrefix}${k}`, `u${k % 300}`, `s${sku}`, event, ts, event === 'buy' ? '9.5' : '', `cat${sku % 5}`, title(sku), String(10 + sku)].join(';'));
  }
  return lines;
}

async function importFile(path: string, name: string, lines: readonly string[]) {
  const file = join(path, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const importer: GraphStore = await createEmbeddedGraphStore({ path: join(path, 'store.db'), synchronous: 'NORMAL' });
  try {
    return await importCsv(importer, file, mapping, { progress: false, batchSize: 500, log: () => undefined });
  } finally {
    await importer.close();
  }
}

/** API keys are not what this file tests: off, with the key file in a temp dir. */
const NO_KEYS = (dir: string): Record<string, string> => ({ AUTH: 'off', NODE_ENV: 'development', ACCESS_DB_PATH: join(dir, 'access.db') });

interface Health {
  counts: StoreCounts;
  sync: { everyMs: number; polls: number; applied: StoreCounts; lastCatchUpMs: number | null } | null;
}
const health = async (t: TestGateway): Promise<Health> => (await (await t.get('/healthz')).json()) as Health;

/** Poll `check` every 20 ms until it is true; returns the ms it took, or fails after `limitMs`. */
async function waitFor(check: () => Promise<boolean>, limitMs: number): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (await check()) return performance.now() - start;
    if (performance.now() - start > limitMs) throw new Error(`not visible within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('imports while serving (STORE_SYNC_MS)', () => {
  let root: string;
  let t: TestGateway;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'store-sync-models-'));
    const { modelDir } = await publishTestDuveModel(root);
    t = await startTestGateway({ env: { ...NO_KEYS(root), DUVE_MODEL_DIR: modelDir, STORE_SYNC_MS: String(SYNC_MS) } });
  });
  afterAll(async () => {
    await t?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('shows an import in item, feed, userValue and /healthz within the bound, counting the gateway’s own events once', async () => {
    const own: EventInput[] = Array.from({ length: 40 }, (_, k) => ({
      eventId: `own-${k}`,
      userId: `g${k % 4}`,
      type: k % 5 === 0 ? 'purchase' : 'view',
      itemId: `own${k % 3}`,
      ts: new Date(T + k * 60_000).toISOString(),
      ...(k % 5 === 0 ? { value: 3 } : {}),
    }));
    expect((await t.gql(RecordEventsDocument, { events: own })).data?.recordEvents.accepted).toBe(40);
    const ownIds = ['own0', 'own1', 'own2'];
    // Counts, revenue, distinct users, last ts (decayed values move with the data time: not compared).
    const counted = async () => [...(await t.store.itemStats(ownIds)).values()].map((s) => ({ id: s.itemId, totals: [...s.totals], revenue: s.totalRevenue, users: s.users, lastTs: s.lastTs }));
    const ownStats = await counted();
    expect(ownStats.map((s) => s.totals.reduce((a, b) => a + b, 0))).toEqual([14, 13, 13]);
    const before = await health(t);
    expect(before.sync).toMatchObject({ everyMs: SYNC_MS, applied: { events: 0 } });
    expect((await t.gql(ItemDocument, { id: 'shop:s7' })).data?.item).toBeNull();
    expect((await t.gql(UserValueDocument, { userId: 'shop:u1' })).data?.userValue).toBeNull();

    const summary = await importFile(
      t.dir,
      'shop.csv',
      csvRows(3000, (sku) => `Item ${sku}`),
    );
    const importedAt = performance.now();
    expect(summary).toMatchObject({ events: 3000, inserted: 3000, rowErrorCount: 0 });

    const ms = await waitFor(async () => {
      const item = (await t.gql(ItemDocument, { id: 'shop:s7' })).data?.item;
      const h = await health(t);
      return item?.title === 'Item 7' && h.counts.events === before.counts.events + 3000;
    }, BOUND_MS);
    expect(ms).toBeLessThanOrEqual(BOUND_MS);
    process.stdout.write(`store sync: import of 3000 rows visible ${Math.round(performance.now() - importedAt)} ms after the import ended (STORE_SYNC_MS=${SYNC_MS})\n`);

    const h = await health(t);
    expect(h.counts).toEqual({ users: before.counts.users + 300, items: before.counts.items + 60, queries: before.counts.queries, events: before.counts.events + 3000 });
    expect(h.sync?.applied).toMatchObject({ users: 300, items: 60, events: 3000 });
    // The imported user has a history (not a cold start) and a DUVE value folded from the import.
    const feed = (await t.gql(FeedDocument, { userId: 'shop:u1', limit: 5 })).data?.feed;
    expect(feed?.coldStart).toBe(false);
    expect(feed?.items.length).toBeGreaterThan(0);
    expect(feed?.items.every((i) => i.itemId.startsWith('shop:') || i.itemId.startsWith('own'))).toBe(true);
    const value = (await t.gql(UserValueDocument, { userId: 'shop:u1' })).data?.userValue;
    expect(value?.lastEventAt).toBe(new Date(T + 2701 * 1000).toISOString());

    // The gateway's own events were applied once (at write time), not again by the sync.
    expect(await counted()).toEqual(ownStats);
    // And the read indexes equal a store freshly opened on the file.
    const oracle = await createEmbeddedGraphStore({ path: join(t.dir, 'store.db'), synchronous: 'NORMAL' });
    try {
      expect(await t.store.counts()).toEqual(await oracle.counts());
      const ids = Array.from({ length: 60 }, (_, k) => `shop:s${k}`);
      const [mine, fresh] = [await t.store.itemStats(ids), await oracle.itemStats(ids)];
      for (const id of ids) expect(mine.get(id)?.totals).toEqual(fresh.get(id)?.totals);
    } finally {
      await oracle.close();
    }
  });

  it('a catalogue re-import (new titles) replaces the served records', async () => {
    // Same event ids: every event is a duplicate; only the item records change.
    const summary = await importFile(
      t.dir,
      'shop-v2.csv',
      csvRows(300, (sku) => `Item ${sku} v2`),
    );
    expect(summary).toMatchObject({ inserted: 0, duplicates: 300 });
    const events = (await health(t)).counts.events;
    await waitFor(async () => (await t.gql(ItemDocument, { id: 'shop:s7' })).data?.item?.title === 'Item 7 v2', BOUND_MS);
    expect((await health(t)).counts.events).toBe(events);
  });
});

describe('STORE_SYNC_MS=0', () => {
  it('does not follow the file: /healthz reports no sync and the import stays invisible', async () => {
    const keys = mkdtempSync(join(tmpdir(), 'store-sync-off-'));
    const t = await startTestGateway({ env: { ...NO_KEYS(keys), STORE_SYNC_MS: '0' } });
    try {
      await importFile(
        t.dir,
        'shop.csv',
        csvRows(50, (sku) => `Item ${sku}`),
      );
      await new Promise((r) => setTimeout(r, 3 * SYNC_MS));
      const h = await health(t);
      expect(h.sync).toBeNull();
      expect(h.counts.events).toBe(0);
      expect(t.gateway.storeSync).toBeNull();
    } finally {
      await t.stop();
      rmSync(keys, { recursive: true, force: true });
    }
  });
});
