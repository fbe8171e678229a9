/** Gowalla LightGCN split into a real SQLite store: the first 50 lines of train.txt, in a temp dir. */
import { GOWALLA_TS, importGowalla } from '../../ingest/import/gowalla';
import type { GraphStore } from '../../graph/port';
import { GOWALLA_TRAIN, captureLog, openStore, readLines, tempDir, writeLines } from './helpers';

let dir: string;
let cleanup: () => Promise<void>;
let store: GraphStore;
let slice: string[];
let file: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  store = await openStore(dir);
  slice = (await readLines(GOWALLA_TRAIN)).slice(0, 50);
  file = await writeLines(dir, 'train.txt', slice);
});
afterAll(async () => {
  await store.close();
  await cleanup();
});

describe('importGowalla on a real slice', () => {
  it('stores one click per (user, item) pair at the fixed timestamp', async () => {
    const pairs = slice.reduce((n, l) => n + l.trim().split(/\s+/).length - 1, 0);
    const items = new Set(slice.flatMap((l) => l.trim().split(/\s+/).slice(1)));
    const s = await importGowalla(store, file, { progress: false, batchSize: 1000, log: captureLog().log });
    expect(s).toMatchObject({ source: 'gowalla-train', lines: 50, events: pairs, inserted: pairs, duplicates: 0, rowErrorCount: 0 });
    expect(await store.counts()).toMatchObject({ events: pairs, users: 50, items: items.size });
    expect(await store.latestEventTs()).toBe(GOWALLA_TS);
    const [user, item] = (slice[0] ?? '').split(' ');
    const profile = await store.userProfile(`gowalla:${user}`, 5);
    expect(profile.known).toBe(true);
    expect(profile.history.every((h) => h.type === 'click' && h.ts === GOWALLA_TS)).toBe(true);
    expect((await store.itemStats([`gowalla:${item}`])).has(`gowalla:${item}`)).toBe(true);
  });

  it('re-running finds only duplicates; the test split gets its own event ids', async () => {
    const pairs = slice.reduce((n, l) => n + l.trim().split(/\s+/).length - 1, 0);
    const again = await importGowalla(store, file, { progress: false, log: captureLog().log });
    expect(again).toMatchObject({ inserted: 0, duplicates: pairs });
    const asTest = await importGowalla(store, file, { progress: false, split: 'test', log: captureLog().log });
    expect(asTest).toMatchObject({ source: 'gowalla-test', inserted: pairs, duplicates: 0 });
    expect((await store.counts()).events).toBe(2 * pairs);
  });

  it('reports a bad line by number and imports the others', async () => {
    const bad = await writeLines(dir, 'bad.txt', ['900001 1 2', '900002 x 3', '', '900003 4']);
    const s = await importGowalla(store, bad, { progress: false, idPrefix: 'gw-bad:', log: captureLog().log });
    expect(s.rowErrors).toEqual([expect.objectContaining({ line: 2, field: 'itemId' })]);
    expect(s).toMatchObject({ lines: 3, events: 3, inserted: 3 });
  });
});
