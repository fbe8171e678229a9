/**
 * The generic CSV importer on a hand-written file with malformed rows in the middle: each is
 * reported with its line number and field, printed, and every other row is stored.
 */
import type { GraphStore } from '../../graph/port';
import { ErrorCode } from '../../errors/codes';
import { importCsv } from '../../ingest/import/csv';
import { captureLog, openStore, tempDir, writeLines } from './helpers';

const mapping = {
  name: 'shop',
  delimiter: ';',
  fields: { userId: 'user', itemId: 'sku', type: 'event', ts: 'time', value: 'amount', category: 'cat', title: 'title', price: 'price', query: 'q' },
  tsUnit: 'iso',
  eventTypes: { look: 'view', basket: 'add_to_cart', buy: 'purchase', find: 'search' },
  ignore: ['ping'],
  idPrefix: 'shop:',
  eventId: { column: 'id' },
};

const lines = [
  'id;user;sku;event;time;amount;cat;title;price;q', // line 1: header
  'e1;u1;s1;look;2024-01-02T10:00:00Z;;shoes;Red shoe;10;', // 2
  'e2;u1;s1;basket;2024-01-02T10:01:00Z;;shoes;;;', // 3
  'e3;u1;s1;buy;2024-01-02T10:02:00Z;abc;shoes;;;', // 4: value not a number
  'e4;u2;s2;look;2024-01-02T11:00:00Z;;hats;Green hat', // 5: 8 columns instead of 10
  'e5;u2;s2;look;not-a-date;;hats;;;', // 6: bad timestamp
  'e6;u2;s2;jump;2024-01-02T11:02:00Z;;hats;;;', // 7: unmapped event name
  'e7;u2;s2;ping;2024-01-02T11:03:00Z;;hats;;;', // 8: ignored
  '', // 9: empty line, skipped
  'e8;u2;;find;2024-01-02T11:04:00Z;;;;;"green ; hats"', // 10: search, quoted delimiter
  'e9;u3;s2;buy;2024-01-02T11:05:00Z;12.5;hats;Green hat;12.5;', // 11
  'e10;;s3;look;2024-01-02T11:06:00Z;;;;;', // 12: no user
  'e11;u3;s3;look;2099-01-01T00:00:00Z;;;;;', // 13: future
  'e12;u3;s3;buy;2024-01-02T11:07:00Z;5;misc;"Multi', // 14: quoted title spanning lines 14-15
  'line title";5;', // 15
  'e13;u3;s3;look;2024-01-02T11:08:00Z;;misc;;;', // 16
  'e14;u3;s4;buy;2024-01-02T11:09:00Z;oops;misc;"Two', // 17: value not a number, record spans 17-18
  'lines";1;', // 18
];

let dir: string;
let cleanup: () => Promise<void>;
let store: GraphStore;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  store = await openStore(dir);
});
afterAll(async () => {
  await store.close();
  await cleanup();
});

describe('importCsv with malformed rows', () => {
  it('reports each bad row with its line and field, and imports the rest', async () => {
    const file = await writeLines(dir, 'shop.csv', lines);
    const cap = captureLog();
    const s = await importCsv(store, file, mapping, { progress: false, batchSize: 2, log: cap.log });
    expect(s.rowErrors.map((e) => [e.line, e.field])).toEqual([
      [4, 'value'],
      [5, 'row'],
      [6, 'ts'],
      [7, 'type'],
      [12, 'userId'],
      [13, 'ts'],
      [17, 'value'],
    ]);
    expect(s.rowErrors.every((e) => e.code === ErrorCode.IMPORT_ROW_INVALID)).toBe(true);
    expect(s.rowErrors[1]?.message).toMatch(/expected 10 columns, got 8/);
    expect(s).toMatchObject({ lines: 14, events: 6, inserted: 6, duplicates: 0, ignored: 1, rowErrorCount: 7 });
    expect(cap.lines.filter((l) => l.startsWith(ErrorCode.IMPORT_ROW_INVALID))).toHaveLength(7);
    expect(cap.lines).toContain('IMPORT_ROW_INVALID line 7, type: unmapped event name "jump" (not in eventTypes or ignore)');

    expect(await store.counts()).toMatchObject({ events: 6, users: 3, items: 3, queries: 1 });
    const items = await store.getItems(['shop:s1', 'shop:s2', 'shop:s3']);
    expect(items.get('shop:s1')).toMatchObject({ title: 'Red shoe', price: 10, categories: ['shop:shoes'] });
    expect(items.get('shop:s2')).toMatchObject({ title: 'Green hat', price: 12.5, categories: ['shop:hats'] });
    expect(items.get('shop:s3')).toMatchObject({ title: 'Multi\nline title', price: 5, categories: ['shop:misc'] });
    expect((await store.getQueries(['green ; hats'])).size).toBe(1);
    const stats = (await store.itemStats(['shop:s2'])).get('shop:s2');
    expect(stats?.totalRevenue).toBe(12.5);
  });

  it('prints only the first N row errors, then a count', async () => {
    const bad = ['id;user;sku;event;time;amount;cat;title;price;q'];
    for (let i = 0; i < 30; i += 1) bad.push(`x${i};u;s;look;bad-${i};;;;;`);
    const file = await writeLines(dir, 'bad.csv', bad);
    const cap = captureLog();
    const s = await importCsv(store, file, mapping, { progress: false, log: cap.log, printRowErrors: 20, maxRowErrors: 25 });
    expect(s.rowErrorCount).toBe(30);
    expect(s.rowErrors).toHaveLength(25);
    expect(s.rowErrors[24]?.line).toBe(26);
    expect(cap.lines.filter((l) => l.startsWith(ErrorCode.IMPORT_ROW_INVALID))).toHaveLength(20);
    expect(cap.lines).toContain('[import shop] 10 more row errors not shown (30 in all)');
  });

  it('rejects a mapping whose columns are not in the header, naming the key', async () => {
    const file = await writeLines(dir, 'other.csv', ['uid;sku;event;time;id', 'u;s;look;2024-01-01T00:00:00Z;z']);
    await expect(importCsv(store, file, mapping, { progress: false, log: captureLog().log })).rejects.toMatchObject({
      code: ErrorCode.IMPORT_MAPPING_INVALID,
      details: { key: 'fields.userId' },
    });
  });

  it('an abort stops the import; batches already ingested stay stored', async () => {
    const rows = ['id;user;sku;event;time;amount;cat;title;price;q'];
    for (let i = 0; i < 300; i += 1) rows.push(`a${i};ua;sa;look;2024-01-04T00:00:00Z;;;;;`);
    const file = await writeLines(dir, 'abort.csv', rows);
    const ctl = new AbortController();
    const before = (await store.counts()).events;
    const stopping: GraphStore = {
      ...store,
      ingestEvents: async (events) => {
        const res = await store.ingestEvents(events);
        ctl.abort();
        return res;
      },
    };
    await expect(importCsv(stopping, file, mapping, { progress: false, batchSize: 100, signal: ctl.signal, log: captureLog().log })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect((await store.counts()).events - before).toBe(100);
  });

  it('prints plain progress lines when no bar is shown', async () => {
    const many = ['id;user;sku;event;time;amount;cat;title;price;q'];
    for (let i = 0; i < 500; i += 1) many.push(`p${i};u${i % 7};s${i % 11};look;2024-01-03T00:00:00Z;;;;;`);
    const file = await writeLines(dir, 'many.csv', many);
    const cap = captureLog();
    const s = await importCsv(store, file, mapping, { progress: false, log: cap.log, progressIntervalMs: 0 });
    expect(s.inserted).toBe(500);
    expect(cap.lines.some((l) => /^\[import shop\] \d+\.\d% .* events, \d+ events\/s, ETA/.test(l))).toBe(true);
  });
});
