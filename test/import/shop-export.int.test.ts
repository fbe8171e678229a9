/**
 * `import csv` on the committed shop export (REES46 shape, synthetic) with the committed mapping,
 * through the CLI command against a real SQLite store: counts, the category hierarchy in the store,
 * NA user ids falling back to the session, value on purchases only, re-runs, messy variants of the
 * file, and the failures the command exits non-zero on.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importCommand } from '../../cli/import-command';
import { importCsv } from '../../ingest/import/csv';
import { checkErrorRate } from '../../ingest/import/summary';
import { ErrorCode } from '../../errors/codes';
import type { GraphStore } from '../../graph/port';
import { captureLog, openStore, tempDir } from './helpers';

const FIXTURE_DIR = join(__dirname, '../fixtures/shop-export');
const EVENTS = join(FIXTURE_DIR, 'events.csv');
const MAPPING = join(__dirname, '../../ingest/import/examples/shop-export.mapping.json');

interface Row {
  time: string;
  type: string;
  product: string;
  catId: string;
  code: string;
  brand: string;
  price: number;
  user: string;
  session: string;
}

/** The fixture read independently of the importer (it has no quoted fields). */
async function fixtureRows(): Promise<Row[]> {
  const lines = (await readFile(EVENTS, 'utf8')).trimEnd().split('\n').slice(1);
  return lines.map((l) => {
    const [time, type, product, catId, code, brand, price, user, session] = l.split(',') as [string, string, string, string, string, string, string, string, string];
    return { time, type, product, catId, code, brand, price: Number(price), user, session };
  });
}

let dir: string;
let cleanup: () => Promise<void>;
let rows: Row[];
let MAPPING_JSON: unknown;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  rows = await fixtureRows();
  MAPPING_JSON = JSON.parse(await readFile(MAPPING, 'utf8'));
});
afterAll(() => cleanup());

/** Run `import <args>` on the store file `db`; returns the printed summary, the log, and what failed. */
async function run(db: string, args: string[]) {
  let out = '';
  let opens = 0;
  const cap = captureLog();
  const cmd = importCommand(
    async () => {
      opens += 1;
      return openStore(dir, db);
    },
    { stdout: { write: (t: string) => (out += t) }, log: cap.log },
  );
  for (const sub of cmd.commands) sub.exitOverride().configureOutput({ writeErr: () => undefined });
  const error = await cmd.parseAsync(['csv', ...args, '--no-progress'], { from: 'user' }).then(
    () => null,
    (err: unknown) => err as { code?: string; message: string },
  );
  return { summary: out === '' ? null : (JSON.parse(out) as Record<string, unknown>), log: cap.lines, error, opens };
}

async function withStore<T>(db: string, fn: (store: GraphStore) => Promise<T>): Promise<T> {
  const store = await openStore(dir, db);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

describe('the committed shop export', () => {
  it('is what its seeded generator writes, and has the promised shape', async () => {
    const generated = execFileSync(process.execPath, [join(FIXTURE_DIR, 'generate.mjs')], { encoding: 'utf8' });
    expect(generated).toBe(await readFile(EVENTS, 'utf8'));
    expect(new Set(rows.map((r) => r.type))).toEqual(new Set(['view', 'cart', 'purchase']));
    expect(rows.every((r) => r.time.endsWith(' UTC'))).toBe(true);
    expect(new Set(rows.map((r) => r.product)).size).toBe(50);
    expect(new Set(rows.filter((r) => r.user !== 'NA').map((r) => r.user)).size).toBe(12);
    expect(rows.some((r) => r.user === 'NA')).toBe(true);
    expect(rows.some((r) => r.code === '')).toBe(true);
    expect(rows.some((r) => r.brand === '')).toBe(true);
    expect(new Set(rows.map((r) => r.time.slice(0, 10))).size).toBeGreaterThanOrEqual(5);
  });
});

describe('import csv --mapping shop-export.mapping.json', () => {
  it('stores every row, the hierarchy, NA users as their sessions, and value on purchases only', async () => {
    const { summary, error, log } = await run('shop.db', [EVENTS, '--mapping', MAPPING]);
    expect(error).toBeNull();
    const codes = new Set(rows.map((r) => r.code).filter((c) => c !== ''));
    const prefixes = new Set([...codes].flatMap((c) => c.split('.').map((_, k, all) => all.slice(0, k + 1).join('.'))));
    const catIds = new Set(rows.map((r) => r.catId));
    expect(summary).toMatchObject({
      source: 'shop-export',
      lines: rows.length,
      events: rows.length,
      inserted: rows.length,
      duplicates: 0,
      ignored: 0,
      rowErrors: 0,
      itemsUpserted: 50,
      categoriesUpserted: prefixes.size + catIds.size,
    });
    expect(log.at(-1)).toMatch(new RegExp(`^\\[import shop-export\\] done: ${rows.length} rows -> ${rows.length} events .* 0 row errors \\(0\\.0%\\)`));

    await withStore('shop.db', async (store) => {
      const naSessions = new Set(rows.filter((r) => r.user === 'NA').map((r) => r.session));
      const users = new Set(rows.filter((r) => r.user !== 'NA').map((r) => r.user));
      expect(await store.counts()).toEqual({ users: users.size + naSessions.size, items: 50, queries: 0, events: rows.length });
      expect((await store.userProfile('shop:NA', 10)).known).toBe(false);
      const [session] = [...naSessions] as [string];
      const anonymous = await store.userProfile(`shop:${session}`, 1000);
      expect(anonymous.history).toHaveLength(rows.filter((r) => r.session === session).length);

      // Items: the code's leaf first, then the category_id; a row without a code gives the id only.
      const withCode = rows.find((r) => r.code.split('.').length === 3) as Row;
      const noCode = rows.find((r) => r.code === '') as Row;
      const items = await store.getItems([`shop:${withCode.product}`, `shop:${noCode.product}`]);
      expect(items.get(`shop:${withCode.product}`)?.categories).toEqual([`shop:${withCode.code}`, `shop:${withCode.catId}`]);
      expect(items.get(`shop:${noCode.product}`)?.categories).toEqual([`shop:${noCode.catId}`]);
      const [a, b] = withCode.code.split('.') as [string, string];
      const chains = await store.categoryAncestors([`shop:${withCode.code}`, `shop:${withCode.catId}`]);
      expect(chains.get(`shop:${withCode.code}`)).toEqual([`shop:${a}`, `shop:${a}.${b}`, `shop:${withCode.code}`]);
      expect(chains.get(`shop:${withCode.catId}`)).toEqual([`shop:${withCode.catId}`]);

      // Value: the price on purchases, nothing on views and carts.
      let purchases = 0;
      for await (const page of store.scanInteractions(100)) {
        for (const x of page) {
          if (x.type === 'purchase') {
            purchases += 1;
            expect(x.value).toBeGreaterThan(0);
          } else expect(x.value).toBe(0);
        }
      }
      expect(purchases).toBe(rows.filter((r) => r.type === 'purchase').length);
      const revenue = new Map<string, number>();
      for (const r of rows) if (r.type === 'purchase') revenue.set(r.product, (revenue.get(r.product) ?? 0) + r.price);
      const stats = await store.itemStats([...revenue.keys()].map((p) => `shop:${p}`));
      for (const [p, sum] of revenue) expect(stats.get(`shop:${p}`)?.totalRevenue).toBeCloseTo(sum, 6);
    });

    const again = await run('shop.db', [EVENTS, '--mapping', MAPPING]);
    expect(again.summary).toMatchObject({ inserted: 0, duplicates: rows.length, itemsUpserted: 0, rowErrors: 0 });
  });

  it('a BOM, CRLF line ends, quoted fields and a trailing delimiter change nothing', async () => {
    const text = await readFile(EVENTS, 'utf8');
    const messy = `\uFEFF${text
      .trimEnd()
      .split('\n')
      .map((l, k) =>
        k % 3 === 0
          ? `${l},`
          : l
              .split(',')
              .map((c) => `"${c}"`)
              .join(','),
      )
      .join('\r\n')}\r\n`;
    const file = join(dir, 'messy.csv');
    await writeFile(file, messy);
    const { summary, error } = await run('shop.db', [file, '--mapping', MAPPING]);
    expect(error).toBeNull();
    expect(summary).toMatchObject({ lines: rows.length, inserted: 0, duplicates: rows.length, rowErrors: 0 });
  });

  it('exits non-zero when every row fails, after printing the summary', async () => {
    const mapping = { ...JSON.parse(await readFile(MAPPING, 'utf8')), tsUnit: 's' };
    const file = join(dir, 'seconds.mapping.json');
    await writeFile(file, JSON.stringify(mapping));
    const { summary, error, log } = await run('fail.db', [EVENTS, '--mapping', file, '--max-error-rate', '1']);
    expect(error).toMatchObject({ code: ErrorCode.IMPORT_TOO_MANY_ERRORS, message: expect.stringMatching(/every one of the \d+ rows/) });
    expect(summary).toMatchObject({ lines: rows.length, events: 0, rowErrors: rows.length });
    expect(log[0]).toMatch(/IMPORT_ROW_INVALID line 2, ts: "2019-10-\d\d \d\d:\d\d:\d\d UTC" is not a timestamp/);
  });

  it('stops reading once the first stopAfterFailedRows rows all failed; a valid file never stops', async () => {
    const mapping = { ...JSON.parse(await readFile(MAPPING, 'utf8')), tsUnit: 'ms' };
    const cap = captureLog();
    const s = await withStore('stop.db', (store) => importCsv(store, EVENTS, mapping, { progress: false, log: cap.log, stopAfterFailedRows: 50 }));
    expect(s).toMatchObject({ lines: 50, rowErrorCount: 50, events: 0, stoppedEarly: true });
    expect(cap.lines).toContain(`[import shop-export] stopped: the first 50 rows all failed; the mapping does not fit ${EVENTS}`);
    expect(() => checkErrorRate(s)).toThrow(/every one of the 50 rows/);
    const ok = await withStore('stop.db', (store) => importCsv(store, EVENTS, MAPPING_JSON, { progress: false, log: captureLog().log, stopAfterFailedRows: 1 }));
    expect(ok).toMatchObject({ lines: rows.length, stoppedEarly: false, rowErrorCount: 0 });
  });

  it('exits non-zero when the failed share passes --max-error-rate (default 0.05), keeping the valid rows', async () => {
    const lines = (await readFile(EVENTS, 'utf8')).trimEnd().split('\n');
    const broken = lines.map((l, k) => (k > 0 && k % 10 === 0 ? l.replace(',view,', ',zoom,').replace(',cart,', ',zoom,').replace(',purchase,', ',zoom,') : l));
    const bad = broken.filter((l) => l.includes(',zoom,')).length;
    const file = join(dir, 'ten-percent.csv');
    await writeFile(file, `${broken.join('\n')}\n`);
    const strict = await run('rate.db', [file, '--mapping', MAPPING]);
    expect(strict.error).toMatchObject({ code: ErrorCode.IMPORT_TOO_MANY_ERRORS, message: expect.stringMatching(/> --max-error-rate 0\.05/) });
    expect(strict.summary).toMatchObject({ rowErrors: bad, inserted: rows.length - bad });
    const lenient = await run('rate.db', [file, '--mapping', MAPPING, '--max-error-rate', '0.2']);
    expect(lenient.error).toBeNull();
    expect(lenient.summary).toMatchObject({ rowErrors: bad, duplicates: rows.length - bad });
    const wrong = await run('rate.db', [file, '--mapping', MAPPING, '--max-error-rate', '5']);
    expect(wrong.error?.message).toMatch(/must be a number from 0 to 1/);
  });

  it('a missing data or mapping file is IMPORT_FILE_NOT_FOUND, and no store is opened', async () => {
    const noData = await run('none.db', [join(dir, 'nope.csv'), '--mapping', MAPPING]);
    expect(noData.error).toMatchObject({ code: ErrorCode.IMPORT_FILE_NOT_FOUND, message: expect.stringMatching(/nope\.csv does not exist/) });
    const noMapping = await run('none.db', [EVENTS, '--mapping', join(dir, 'nope.json')]);
    expect(noMapping.error).toMatchObject({ code: ErrorCode.IMPORT_FILE_NOT_FOUND, message: expect.stringMatching(/mapping file .*nope\.json does not exist/) });
    const isDir = await run('none.db', [dir, '--mapping', MAPPING]);
    expect(isDir.error).toMatchObject({ code: ErrorCode.IMPORT_FILE_NOT_FOUND, message: expect.stringMatching(/is not a file/) });
    expect([noData.opens, noMapping.opens, isDir.opens]).toEqual([0, 0, 0]);
  });
});
