/**
 * events/temporal on any log: a generated shop CSV with its own event names and ISO timestamps,
 * read through a mapping file by the CLI (`--file --mapping --name --cut`), and the same events
 * imported into an embedded store and read back with `--db`. No real data.
 */
import { readFile, readdir } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evalCommand } from '../../cli/eval-command';
import { runEventsTemporal } from '../../eval/protocols/events-temporal';
import { loadSource } from '../../eval/protocols/temporal-source';
import { loadStoreLog } from '../../eval/datasets/event-log';
import type { InteractionEvent } from '../../domain/events';
import { ErrorCode } from '../../errors/codes';
import type { EvalReport, MetricRow } from '../../eval/report/types';
import { createGraphStore } from '../../graph/factory';
import { importCsv } from '../../ingest/import/csv';
import { DAY_MS, LOG_START, SYNTHETIC_MAPPING, syntheticLog, writeSyntheticLog } from './synthetic-log';

let dir: string;
let csvReport: EvalReport;
let stdout = '';
const rows = syntheticLog({ users: 30, days: 8 });
const cut = LOG_START + 6 * DAY_MS;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recgate-eval-mapped-'));
  const { file, mapping } = await writeSyntheticLog(dir, rows);
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    await evalCommand().parseAsync(
      [
        'events/temporal',
        '--file',
        file,
        '--mapping',
        mapping,
        '--cut',
        new Date(cut).toISOString(),
        '--name',
        'shop run',
        '--negatives',
        '10',
        '--bootstrap',
        '200',
        '--seed',
        '5',
        '--out',
        join(dir, 'reports'),
        '--no-progress',
      ],
      { from: 'user' },
    );
  } finally {
    spy.mockRestore();
  }
  csvReport = JSON.parse(await readFile(join(dir, 'reports', 'events-temporal-shop-run-5.json'), 'utf8')) as EvalReport;
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const row = (r: EvalReport, f: Partial<MetricRow>): MetricRow | undefined =>
  r.metrics.find((m) => m.segment === undefined && Object.entries(f).every(([k, v]) => (m as unknown as Record<string, unknown>)[k] === v));

describe('eval events/temporal --file --mapping --name', () => {
  it('names the report files and the title after --name', async () => {
    expect((await readdir(join(dir, 'reports'))).sort()).toEqual(['events-temporal-shop-run-5.html', 'events-temporal-shop-run-5.json']);
    const html = await readFile(join(dir, 'reports', 'events-temporal-shop-run-5.html'), 'utf8');
    expect(html).toContain('<title>events/temporal · shop run · seed 5</title>');
    // intervals: drawn under the value from data-ci, exact bounds in data-ci-lower/upper
    expect(html).toMatch(/<td[^>]* data-metric="ndcg" data-k="10" data-target="purchase"[^>]* data-ci-lower="[\d.e-]+" data-ci-upper="[\d.e-]+" data-ci="\[[^\]]+\]">/);
    expect(csvReport.name).toBe('shop run');
    expect(csvReport.dataset.name).toBe('shop');
    expect(stdout).toContain('events/temporal "shop run" on shop (seed 5)');
  });

  it('splits the mapped events at --cut, with the data span as the window', () => {
    const s = csvReport.dataset.stats;
    expect(s.cutTs).toBe(cut);
    expect(s.windowStart).toBe(rows[0]!.ts);
    expect(s.windowEnd).toBe(rows[rows.length - 1]!.ts + 1);
    expect(s.rowErrors).toBe(0);
    expect(s.trainEvents).toBe(rows.filter((r) => r.ts < cut).length);
    expect(s.evalEvents).toBe(rows.filter((r) => r.ts >= cut).length);
    expect(s.testUsers).toBe(new Set(rows.filter((r) => r.ts >= cut).map((r) => r.user)).size);
  });

  it('counts a click as a click or a view event, a purchase as a purchase', () => {
    const judged = (actions: readonly string[]): number => new Set(rows.filter((r) => r.ts >= cut && actions.includes(r.action)).map((r) => r.user)).size;
    expect(row(csvReport, { model: 'strategy:default', metric: 'ndcg', k: 10, target: 'click' })!.n).toBe(judged(['page_view', 'tap']));
    expect(row(csvReport, { model: 'strategy:default', metric: 'ndcg', k: 10, target: 'purchase' })!.n).toBe(judged(['order']));
    expect(csvReport.notes.join(' ')).toContain('"click" = events of type click or view');
  });

  it('gives the overall P@K, NDCG@K and GAUC rows a 95% interval around the value, and no other row', () => {
    for (const m of csvReport.metrics) {
      const expected = m.segment === undefined && (m.metric === 'precision' || m.metric === 'ndcg' || m.metric === 'gauc');
      expect(m.ci !== undefined).toBe(expected);
      if (m.ci) {
        expect(m.ci.level).toBe(0.95);
        expect(m.ci.lower).toBeLessThanOrEqual(m.value + 1e-6);
        expect(m.ci.upper).toBeGreaterThanOrEqual(m.value - 1e-6);
      }
    }
    const nd = row(csvReport, { model: 'strategy:affinity-only', metric: 'ndcg', k: 10, target: 'click' })!;
    expect(nd.ci!.upper).toBeGreaterThan(nd.ci!.lower);
    expect(stdout).toMatch(/ndcg@10 \(click\)=\d\.\d{4} \[\d\.\d{4}, \d\.\d{4}\]/);
  });

  it('names --file (or --db) when the log is missing', async () => {
    await expect(loadSource({ kind: 'preset', preset: 'taobao', file: '/nonexistent/head.csv' })).rejects.toMatchObject({ code: ErrorCode.EVAL_ARGUMENT_INVALID, details: { flag: '--file' } });
    await expect(loadSource({ kind: 'csv', file: '/nonexistent/shop.csv', mapping: {} as never })).rejects.toMatchObject({ details: { flag: '--file' } });
    await expect(loadSource({ kind: 'db', path: '/nonexistent/store.db' })).rejects.toMatchObject({ details: { flag: '--db' } });
  });
  it('reads a store in time order with the category chains of its items (--db)', async () => {
    const dbPath = join(dir, 'tree.db');
    const store = await createGraphStore({ kind: 'embedded', path: dbPath });
    try {
      await store.upsertCategories([
        { id: 'home', parent: null, name: 'Home' },
        { id: 'home.kitchen', parent: 'home', name: 'Kitchen' },
      ]);
      await store.upsertItems([{ id: 'pan', title: 'Pan', categories: ['home.kitchen'], brand: null, price: 20, available: true, createdAt: LOG_START }]);
      const e = (id: string, ts: number): InteractionEvent => ({ eventId: id, userId: 'u', type: 'view', itemId: 'pan', ts, value: 0, dwellMs: null, session: null, referrer: null, query: null });
      await store.ingestEvents([e('late', LOG_START + 2000), e('early', LOG_START + 1000), e('again', LOG_START + 1000)]);
    } finally {
      await store.close();
    }
    const log = await loadStoreLog(dbPath);
    expect(log.rows.map((r) => [r.event.eventId, r.event.ts])).toEqual([
      ['store:u:pan:view:' + (LOG_START + 1000), LOG_START + 1000],
      ['store:u:pan:view:' + (LOG_START + 1000) + '#1', LOG_START + 1000],
      ['store:u:pan:view:' + (LOG_START + 2000), LOG_START + 2000],
    ]);
    expect(log.rows[0]!.item).toEqual({ id: 'pan', categories: ['home.kitchen'], title: 'Pan', price: 20, brand: null });
    expect(log.rows[0]!.categories).toEqual([
      { id: 'home', parent: null, name: 'home' },
      { id: 'home.kitchen', parent: 'home', name: 'home.kitchen' },
    ]);
    expect(log.rows[1]!.item).toBeNull();
  });

  it('reads the same events back from an embedded store (--db) and reports the same split and metrics', async () => {
    const dbPath = join(dir, 'shop.db');
    const store = await createGraphStore({ kind: 'embedded', path: dbPath });
    try {
      await importCsv(store, join(dir, 'shop.csv'), SYNTHETIC_MAPPING, { progress: false });
    } finally {
      await store.close();
    }
    const fromDb = await runEventsTemporal({ source: { kind: 'db', path: dbPath }, cutTs: cut, negatives: 10, bootstrapResamples: 200, seed: 5, progress: false, workDir: dir });
    expect(fromDb.dataset.name).toBe('shop');
    const { lines: _l, ...dbStats } = fromDb.dataset.stats;
    const { lines: _c, ...csvStats } = csvReport.dataset.stats;
    expect(dbStats).toEqual(csvStats);
    const value = (r: EvalReport, model: string): number | undefined => row(r, { model, metric: 'ndcg', k: 10, target: 'click' })?.value;
    for (const model of ['strategy:default', 'strategy:affinity-only', 'reference/recent-items']) expect(value(fromDb, model)).toBe(value(csvReport, model));
  }, 120_000);
});
