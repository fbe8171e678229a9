/**
 * Taobao UserBehavior into a real SQLite store: a slice of the real file (the first 3000 rows plus
 * every row of the head file outside the official 2017-11-25..12-03 window), written to a temp dir.
 */
import { join } from 'node:path';
import { eventTypeIndex } from '../../domain/events';
import type { GraphStore } from '../../graph/port';
import { importCsv, loadMappingFile } from '../../ingest/import/csv';
import { importTaobao } from '../../ingest/import/presets';
import type { ImportSummary } from '../../ingest/import/types';
import { TAOBAO_FILE, captureLog, openStore, readLines, tempDir, writeLines } from './helpers';

const WINDOW_START = Date.UTC(2017, 10, 25) / 1000;
const WINDOW_END = Date.UTC(2017, 11, 4) / 1000;
const EXAMPLE = join(__dirname, '../../ingest/import/examples/taobao.mapping.json');

let dir: string;
let cleanup: () => Promise<void>;
let slice: string[];
let file: string;
const opened: GraphStore[] = [];

async function store(name: string): Promise<GraphStore> {
  const s = await openStore(dir, name);
  opened.push(s);
  return s;
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  const all = await readLines(TAOBAO_FILE);
  const head = all.slice(0, 3000);
  const outside = all.slice(3000).filter((l) => {
    const ts = Number(l.split(',')[4]);
    return ts < WINDOW_START || ts >= WINDOW_END;
  });
  expect(outside.length).toBeGreaterThan(0);
  slice = [...head, ...outside];
  file = await writeLines(dir, 'taobao-slice.csv', slice);
});

afterAll(async () => {
  for (const s of opened) await s.close();
  await cleanup();
});

const fields = (l: string): string[] => l.split(',');

describe('importTaobao on a real slice', () => {
  let first: ImportSummary;
  let s: GraphStore;

  beforeAll(async () => {
    s = await store('taobao.db');
    first = await importTaobao(s, file, { progress: false, batchSize: 700, log: captureLog().log });
  });

  it('imports every row as one event, with the right users and items', async () => {
    const users = new Set(slice.map((l) => fields(l)[0]));
    const items = new Set(slice.map((l) => fields(l)[1]));
    expect(first).toMatchObject({ source: 'taobao', lines: slice.length, events: slice.length, inserted: slice.length, duplicates: 0, rowErrorCount: 0, ignored: 0 });
    expect(first.itemsUpserted).toBe(items.size);
    expect(await s.counts()).toMatchObject({ events: slice.length, users: users.size, items: items.size });
  });

  it('stores categories on items and maps behaviours to event types', async () => {
    const buy = slice.find((l) => fields(l)[3] === 'buy');
    expect(buy).toBeDefined();
    const [, item, cat] = fields(buy as string);
    const rec = (await s.getItems([`taobao:${item}`])).get(`taobao:${item}`);
    expect(rec?.categories).toContain(`taobao:${cat}`);
    const stats = (await s.itemStats([`taobao:${item}`])).get(`taobao:${item}`);
    const buys = slice.filter((l) => fields(l)[1] === item && fields(l)[3] === 'buy').length;
    expect(stats?.totals[eventTypeIndex('purchase')]).toBe(buys);
  });

  it('keeps rows outside the official window', async () => {
    const oldest = Math.min(...slice.map((l) => Number(fields(l)[4])));
    expect(oldest).toBeLessThan(WINDOW_START);
    const newest = Math.max(...slice.map((l) => Number(fields(l)[4])));
    expect(await s.latestEventTs()).toBe(newest * 1000);
  });

  it('re-running inserts nothing and reports every event as a duplicate', async () => {
    const again = await importTaobao(s, file, { progress: false, log: captureLog().log });
    expect(again).toMatchObject({ events: first.inserted, inserted: 0, duplicates: first.inserted, itemsUpserted: 0 });
    expect((await s.counts()).events).toBe(slice.length);
  });
});

describe('the example mapping file', () => {
  it('imports exactly what the preset imports', async () => {
    const viaPreset = await store('preset.db');
    const viaFile = await store('file.db');
    const mapping = await loadMappingFile(EXAMPLE);
    const a = await importTaobao(viaPreset, file, { progress: false, log: captureLog().log });
    const b = await importCsv(viaFile, file, mapping, { progress: false, log: captureLog().log });
    const strip = ({ ms: _m, eventsPerSec: _e, ...rest }: ImportSummary) => rest;
    expect(strip(b)).toEqual(strip(a));
    expect(await viaFile.counts()).toEqual(await viaPreset.counts());
    const ids = [...new Set(slice.map((l) => `taobao:${fields(l)[1]}`))].slice(0, 200);
    expect(await viaFile.getItems(ids)).toEqual(await viaPreset.getItems(ids));
    // Same eventIds: the file-driven import into the preset's store finds only duplicates.
    const cross = await importCsv(viaPreset, file, mapping, { progress: false, log: captureLog().log });
    expect(cross).toMatchObject({ inserted: 0, duplicates: slice.length });
  });
});
