/**
 * `scorer dataset` on a generated shop log (test/eval/synthetic-log.ts; no real data): the CLI
 * writes rows and a manifest skeleton; labels come from the window after the cut; every column
 * value equals what the feed pipeline hands a scorer for the same user and item at the same time
 * (a real FeedService over a store holding the events before the cut); same seed, same bytes;
 * the refusals carry their codes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkScorerDir } from '../../cli/scorer-command';
import { scorerDatasetCommand } from '../../cli/scorer-dataset';
import { ErrorCode } from '../../errors/codes';
import { CodedError } from '../../errors/errors';
import { openTempStore } from '../../eval/protocols/support';
import { loadSource } from '../../eval/protocols/temporal-source';
import { createEventSink } from '../../ingest/import/sink';
import { datasetSettings } from '../../ml/dataset/options';
import { runColumnsDataset } from '../../ml/dataset/run';
import { createFeedService } from '../../pipeline/feed';
import { parseStrategy } from '../../pipeline/strategy';
import { columnLayout } from '../../plugins/sdk/columns';
import type { ScorerPlugin } from '../../plugins/sdk/contract';
import { createScorerRegistry } from '../../plugins/sdk/registry';
import { parseManifestText } from '../../publishing/manifest';
import { scaffoldLinearScorer } from '../../publishing/scaffold';
import { DAY_MS, LOG_START, syntheticLog, writeSyntheticLog } from '../eval/synthetic-log';

const COLUMNS = [
  'log1p(item.stats.purchase.decayed)',
  'item.stats.view',
  'item.stats.ageDays',
  'pair.co.sum',
  'pair.co.max',
  'item.degree',
  'pair.category.overlap',
  'user.history.length',
  'pair.retrieval.neighbourhood.hit',
  'pair.retrieval.trending.hit',
];
/** A small retrieval (25 candidates, a short neighbourhood walk): serving truncates what a wider replay would keep. */
const RETRIEVAL = {
  id: 'small',
  historyLimit: 30,
  candidates: {
    max: 25,
    recent: { limit: 5, share: 0.1 },
    neighbourhood: { seeds: 5, usersPerItem: 10, itemsPerUser: 10, share: 0.5 },
    category: { categories: 2, perCategory: 5, levels: 1, share: 0.2 },
    trending: { limit: 25 },
    fresh: { limit: 5, share: 0.1 },
  },
  scorers: [{ id: 'test/capture', weight: 1 }],
};
const rows = syntheticLog({ users: 30, days: 8 });
const cut = LOG_START + 6 * DAY_MS;
const cutIso = new Date(cut).toISOString();

let dir: string;
let file: string;
let mapping: string;
let csv: string;
let stdout = '';

const parseCsv = (text: string): string[][] =>
  text
    .trim()
    .split('\n')
    .map((l) => l.split(','));

async function refusal(p: Promise<unknown> | (() => unknown)): Promise<CodedError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    if (err instanceof CodedError) return err;
    throw err;
  }
  throw new Error('expected a CodedError');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recgate-dataset-'));
  ({ file, mapping } = await writeSyntheticLog(dir, rows));
  writeFileSync(join(dir, 'small.json'), JSON.stringify(RETRIEVAL));
  const out = join(dir, 'train.csv');
  await scorerDatasetCommand((t) => {
    stdout += t;
  }).parseAsync(
    [out, '--columns', COLUMNS.join(','), '--file', file, '--mapping', mapping, '--cut', cutIso, '--window', '1d', '--retrieval', join(dir, 'small.json'), '--seed', '5', '--no-progress'],
    { from: 'user' },
  );
  csv = readFileSync(out, 'utf8');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('scorer dataset', () => {
  it('writes the header, one row per retrieved candidate of each returning user, and labels from the window', () => {
    const [header, ...body] = parseCsv(csv);
    expect(header).toEqual(['user_id', 'item_id', 'cut', 'label', ...COLUMNS]);
    expect(body.length).toBeGreaterThan(100);
    expect(stdout).toContain(`${body.length} rows`);
    const before = new Set(rows.filter((r) => r.ts < cut).map((r) => r.user));
    const bought = new Set(rows.filter((r) => r.ts >= cut && r.ts < cut + DAY_MS && r.action === 'order').map((r) => `${r.user}|${r.item}`));
    const active = new Set(rows.filter((r) => r.ts >= cut && r.ts < cut + DAY_MS).map((r) => r.user));
    const seen = new Set<string>();
    for (const r of body) {
      expect(r).toHaveLength(4 + COLUMNS.length);
      const [user, item, at, label] = r as [string, string, string, string];
      expect(at).toBe(cutIso);
      expect(before.has(user) && active.has(user)).toBe(true);
      expect(label).toBe(bought.has(`${user}|${item}`) ? '1' : '0');
      expect(seen.has(`${user}|${item}`)).toBe(false);
      seen.add(`${user}|${item}`);
      for (const v of r.slice(4)) expect(Number.isFinite(Number(v)) && Number(v) >= 0).toBe(true);
    }
    expect(body.filter((r) => r[3] === '1').length).toBeGreaterThan(0);
    // Lists without a positive are kept by default (a pointwise model needs them).
    const positiveUsers = new Set(body.filter((r) => r[3] === '1').map((r) => r[0]));
    expect(new Set(body.map((r) => r[0])).size).toBeGreaterThan(positiveUsers.size);
  });

  it('holds exactly the values the feed pipeline hands a scorer for the same user and item', async () => {
    const body = parseCsv(csv).slice(1);
    const layout = columnLayout(COLUMNS);
    const served = new Map<string, Float32Array>();
    const capture: ScorerPlugin = {
      id: 'test/capture',
      version: '1.0.0',
      features: layout.features,
      setup: async () => ({
        async score({ userId, itemIds, features, now }) {
          const x = layout.tensor(features, itemIds.length, now).data;
          itemIds.forEach((id, i) => served.set(`${userId}|${id}`, x.slice(i * COLUMNS.length, (i + 1) * COLUMNS.length)));
          return new Float32Array(itemIds.length);
        },
      }),
    };
    const { store, dispose } = await openTempStore({}, 'dataset-serving');
    const registry = await createScorerRegistry([capture], {
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      defaultTimeoutMs: 60_000,
      loadModel: () => Promise.reject(new Error('no models')),
    });
    try {
      // The serving store: the events before the cut, written by the importer's sink.
      const log = (await loadSource({ kind: 'csv', file, mapping })).log;
      const sink = createEventSink(store, 500);
      for (const r of log.rows) if (r.event.ts < cut) await sink.add(r.event, r.item, r.categories);
      await sink.flush();
      const feed = createFeedService({ store, registry, strategy: parseStrategy(RETRIEVAL) });
      for (const user of new Set(body.map((r) => r[0]!))) await feed.feed({ userId: user });
      let compared = 0;
      for (const r of body) {
        const want = served.get(`${r[0]}|${r[1]}`);
        expect(want).toBeDefined();
        r.slice(4).forEach((v, j) => expect(Math.fround(Number(v))).toBe(want![j]));
        compared += 1;
      }
      expect(compared).toBe(body.length);
      // The columns are not trivially constant: the comparison above has something to miss.
      for (const j of [0, 3, 6]) expect(new Set(body.map((r) => r[4 + j])).size).toBeGreaterThan(1);
    } finally {
      await registry.close();
      await dispose();
    }
  }, 60_000);

  it('writes a manifest skeleton that a model trained on the columns passes scorer check with', async () => {
    const manifest = parseManifestText(readFileSync(join(dir, 'train.manifest.json'), 'utf8'));
    expect(manifest.id).toBe('acme/my-scorer');
    expect(manifest.version).toBe('1.0.0');
    expect(manifest.inputs).toEqual([{ name: 'features', columns: COLUMNS }]);
    expect([...manifest.features].sort()).toEqual([...columnLayout(COLUMNS).features].sort());
    expect(manifest.output).toEqual({ name: 'score', meaning: 'probability' });
    const scorerDir = join(dir, 'scorer');
    const { modelBytes } = scaffoldLinearScorer({ id: manifest.id, columns: COLUMNS, sigmoid: true });
    await rm(scorerDir, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(scorerDir));
    writeFileSync(join(scorerDir, 'manifest.json'), JSON.stringify(manifest));
    writeFileSync(join(scorerDir, 'model.onnx'), modelBytes);
    const { admission } = await checkScorerDir(scorerDir);
    expect(admission.inputs.map((i) => i.name)).toEqual(['features']);
  });

  it('is deterministic for a seed; another seed samples other rows; --max-users samples users', async () => {
    const settings = (extra: Record<string, string> = {}) =>
      datasetSettings({ columns: COLUMNS.join(','), file, mapping, cut: cutIso, retrieval: join(dir, 'small.json'), negativesPerList: '5', ...extra });
    const quiet = { progress: false };
    const a = await runColumnsDataset(join(dir, 'a.csv'), settings({ seed: '9' }), quiet);
    const b = await runColumnsDataset(join(dir, 'b.csv'), settings({ seed: '9' }), quiet);
    const c = await runColumnsDataset(join(dir, 'c.csv'), settings({ seed: '10' }), quiet);
    expect(a.rows).toBeGreaterThan(0);
    // Another seed keeps as many rows (every positive, 5 negatives a user) but other negatives or another order.
    expect([b.rows, c.rows]).toEqual([a.rows, a.rows]);
    expect(readFileSync(join(dir, 'a.csv'), 'utf8')).toBe(readFileSync(join(dir, 'b.csv'), 'utf8'));
    expect(readFileSync(join(dir, 'c.csv'), 'utf8')).not.toBe(readFileSync(join(dir, 'a.csv'), 'utf8'));
    // At most 5 negatives per user, every positive kept.
    const body = parseCsv(readFileSync(join(dir, 'a.csv'), 'utf8')).slice(1);
    const negatives = new Map<string, number>();
    for (const r of body) if (r[3] === '0') negatives.set(r[0]!, (negatives.get(r[0]!) ?? 0) + 1);
    expect(Math.max(...negatives.values())).toBe(5);
    expect(body.filter((r) => r[3] === '1').length).toBe(parseCsv(csv).filter((r) => r[3] === '1').length);

    const s = await runColumnsDataset(join(dir, 's.jsonl'), settings({ maxUsers: '4', format: 'jsonl' }), quiet);
    const lines = readFileSync(join(dir, 's.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(s.rows);
    expect(new Set(lines.map((l) => l['user_id'])).size).toBe(4);
    expect(Object.keys(lines[0]!)).toEqual(['user_id', 'item_id', 'cut', 'label', ...COLUMNS]);
    // The same user and item carry the same values in both formats.
    const fromCsv = new Map(
      parseCsv(csv)
        .slice(1)
        .map((r) => [`${r[0]}|${r[1]}`, r.slice(4).map(Number)]),
    );
    for (const l of lines) expect(COLUMNS.map((c) => l[c])).toEqual(fromCsv.get(`${String(l['user_id'])}|${String(l['item_id'])}`));
  }, 60_000);

  it('refuses bad flags with coded errors naming the flag or the column', async () => {
    const base = { columns: COLUMNS.join(','), file, mapping };
    const cases: Array<[Record<string, string>, ErrorCode, string, string]> = [
      [{ columns: 'item.stats.view,item.stats.nope' }, ErrorCode.INVALID_MANIFEST, 'field', 'inputs[0].columns[1]'],
      [{ columns: 'item.stats.view,item.stats.view' }, ErrorCode.INVALID_MANIFEST, 'field', 'inputs[0].columns[1]'],
      [{ id: 'NotAnId' }, ErrorCode.INVALID_MANIFEST, 'field', 'id'],
      [{ columns: ' , ' }, ErrorCode.EVAL_ARGUMENT_INVALID, 'flag', '--columns'],
      [{ columns: 'item.stats.view,user.value.expectedSpend' }, ErrorCode.EVAL_ARGUMENT_INVALID, 'flag', '--columns'],
      [{ window: '1w' }, ErrorCode.EVAL_ARGUMENT_INVALID, 'flag', '--window'],
      [{ label: 'buy' }, ErrorCode.EVAL_ARGUMENT_INVALID, 'flag', '--label'],
      [{ format: 'parquet' }, ErrorCode.EVAL_ARGUMENT_INVALID, 'flag', '--format'],
      [{ maxUsers: '0' }, ErrorCode.EVAL_ARGUMENT_INVALID, 'flag', '--max-users'],
      [{ seed: '-1' }, ErrorCode.EVAL_ARGUMENT_INVALID, 'flag', '--seed'],
      [{ negativesPerList: '2.5' }, ErrorCode.EVAL_ARGUMENT_INVALID, 'flag', '--negatives-per-list'],
      [{ cut: 'yesterday' }, ErrorCode.EVAL_ARGUMENT_INVALID, 'flag', '--cut'],
      [{ db: join(dir, 'x.db') }, ErrorCode.EVAL_ARGUMENT_INVALID, 'flag', '--db'],
    ];
    for (const [flags, code, key, value] of cases) {
      const err = await refusal(() => datasetSettings({ ...base, ...flags }));
      expect([code, err.details[key]]).toEqual([code, value]);
      expect(err.code).toBe(code);
    }
    const run = async (flags: Record<string, string>) => refusal(runColumnsDataset(join(dir, 'r.csv'), datasetSettings({ ...base, ...flags }), { progress: false }));
    expect((await run({ cut: new Date(LOG_START + 8 * DAY_MS).toISOString() })).details['flag']).toBe('--cut');
    expect((await run({ cut: new Date(LOG_START - DAY_MS).toISOString() })).details['flag']).toBe('--cut');
    expect((await run({ window: '30d' })).details['flag']).toBe('--window');
    expect((await run({ retrieval: join(dir, 'missing.json') })).details['flag']).toBe('--retrieval');
  }, 60_000);
});
