/**
 * The exposure log on a real SQLite file: batched, idempotent, retried while the store fails,
 * and durable: a process killed right after `flush()` resolved loses no acknowledged exposure.
 */
import { execFileSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createExposureLog } from '../../experiments/exposure-log';
import { createSqliteExperimentStore } from '../../experiments/sqlite';
import type { Exposure, ExperimentStore } from '../../experiments/store';

const exposure = (i: number, experimentId = 'exp-1', variantKey = i % 2 ? 'a' : 'b'): Exposure => ({
  exposureId: `x-${i}`,
  userId: `u${i % 7}`,
  surface: 'home',
  ts: 1_700_000_000_000 + i,
  assignments: [{ experimentId, variantKey }],
  strategyId: variantKey === 'a' ? 'default' : 'ltv',
  strategyDigest: 'default@abc',
  scorerVersions: ['baseline/commercial@1.0.0'],
  itemIds: [`i${i}`, `i${i + 1}`],
  latencyMs: 3 + (i % 5),
  diversity: 1,
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'exposures-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('exposure log', () => {
  it('writes batches off the caller, idempotently, readable per experiment in time order', async () => {
    const store = createSqliteExperimentStore(join(dir, 'x.db'));
    const log = createExposureLog(store, { flushMs: 10, batchSize: 4 });
    for (let i = 9; i >= 0; i--) log.record(exposure(i));
    log.record(exposure(3)); // a duplicate id is stored once
    await log.flush();
    expect(log.pending).toBe(0);
    const rows = await store.exposures('exp-1');
    expect(rows.map((r) => r.exposureId)).toEqual(Array.from({ length: 10 }, (_, i) => `x-${i}`));
    // Rows without a policy read back with the policy fields null.
    expect(rows[3]).toEqual({ ...exposure(3), propensities: null, policy: null, decisionId: null });
    expect(await store.exposures('other')).toEqual([]);
    await log.close();
    await store.close();
  });

  it('keeps rows buffered while the store fails and writes them once it recovers', async () => {
    const real = createSqliteExperimentStore(join(dir, 'x.db'));
    let failing = true;
    const flaky: ExperimentStore = { ...real, appendExposures: (rows) => (failing ? Promise.reject(new Error('disk full')) : real.appendExposures(rows)) };
    const errors: string[] = [];
    const log = createExposureLog(flaky, { flushMs: 5, onError: (e) => errors.push(e.message) });
    log.record(exposure(1));
    log.record(exposure(2));
    await expect(log.flush()).rejects.toThrow('disk full');
    expect(log.pending).toBe(2);
    failing = false;
    await log.flush();
    expect(log.pending).toBe(0);
    expect(log.written).toBe(2);
    expect((await real.exposures('exp-1')).map((r) => r.exposureId)).toEqual(['x-1', 'x-2']);
    await log.close();
    await real.close();
  });

  it('drops the oldest rows beyond maxBuffered and counts them', async () => {
    const real = createSqliteExperimentStore(join(dir, 'x.db'));
    const stuck: ExperimentStore = { ...real, appendExposures: () => Promise.reject(new Error('down')) };
    const log = createExposureLog(stuck, { flushMs: 100_000, batchSize: 1000, maxBuffered: 3 });
    for (let i = 0; i < 5; i++) log.record(exposure(i));
    expect(log.pending).toBe(3);
    expect(log.dropped).toBe(2);
    await real.close();
  });

  it("keeps a policy-served row's propensities, policy and decision id (also in their columns)", async () => {
    const store = createSqliteExperimentStore(join(dir, 'x.db'));
    const served: Exposure = { ...exposure(1), propensities: [0.5, 0.25], policy: 'ira/policy@3', decisionId: 'd-1' };
    await store.appendExposures([served, exposure(2)]);
    const rows = await store.exposures('exp-1');
    expect(rows[0]).toEqual(served);
    expect(rows[1]).toMatchObject({ propensities: null, policy: null, decisionId: null });
    await store.close();
    const raw = new Database(join(dir, 'x.db'));
    expect(raw.prepare('SELECT exposure_id, policy, decision_id FROM exposures ORDER BY exposure_id').all()).toEqual([
      { exposure_id: 'x-1', policy: 'ira/policy@3', decision_id: 'd-1' },
      { exposure_id: 'x-2', policy: null, decision_id: null },
    ]);
    raw.close();
  });

  it('migrates a table written before the policy columns: old rows read with null policy fields', async () => {
    const path = join(dir, 'old.db');
    const old = new Database(path);
    old.exec('CREATE TABLE exposures (exposure_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, ts REAL NOT NULL, body TEXT NOT NULL)');
    old.exec('CREATE TABLE exposure_assignments (experiment_id TEXT NOT NULL, exposure_id TEXT NOT NULL, variant_key TEXT NOT NULL, ts REAL NOT NULL, PRIMARY KEY (experiment_id, exposure_id))');
    const row = exposure(4);
    old.prepare('INSERT INTO exposures VALUES (?, ?, ?, ?)').run(row.exposureId, row.userId, row.ts, JSON.stringify(row));
    old.prepare('INSERT INTO exposure_assignments VALUES (?, ?, ?, ?)').run('exp-1', row.exposureId, 'a', row.ts);
    old.close();
    const store = createSqliteExperimentStore(path);
    await store.appendExposures([{ ...exposure(5), propensities: [1, 1], policy: 'p@1', decisionId: 'd-5' }]);
    const rows = await store.exposures('exp-1');
    expect(rows.map((r) => [r.exposureId, r.policy, r.decisionId, r.propensities])).toEqual([
      ['x-4', null, null, null],
      ['x-5', 'p@1', 'd-5', [1, 1]],
    ]);
    await store.close();
    // Opening again does not migrate twice.
    await createSqliteExperimentStore(path).close();
  });

  it('loses no acknowledged exposure when the process is killed right after flush()', () => {
    const db = join(dir, 'crash.db');
    const script = join(dir, 'crash.js');
    const root = resolve(__dirname, '..', '..');
    // The child runs the compiled modules: `npm test` builds dist/ (check:generated) before jest.
    const child = `
      const { createSqliteExperimentStore } = require(${JSON.stringify(join(root, 'dist/experiments/sqlite.js'))});
      const { createExposureLog } = require(${JSON.stringify(join(root, 'dist/experiments/exposure-log.js'))});
      (async () => {
        const store = createSqliteExperimentStore(${JSON.stringify(db)});
        const log = createExposureLog(store, { flushMs: 1000 });
        for (let i = 0; i < 200; i++) log.record({ exposureId: 'k-' + i, userId: 'u', surface: 'home', ts: i, assignments: [{ experimentId: 'e', variantKey: 'a' }], strategyId: 's', strategyDigest: 'd', scorerVersions: [], itemIds: [], latencyMs: 1, diversity: 1 });
        await log.flush();
        for (let i = 200; i < 300; i++) log.record({ exposureId: 'k-' + i, userId: 'u', surface: 'home', ts: i, assignments: [{ experimentId: 'e', variantKey: 'a' }], strategyId: 's', strategyDigest: 'd', scorerVersions: [], itemIds: [], latencyMs: 1, diversity: 1 });
        process.kill(process.pid, 'SIGKILL');
      })();`;
    writeFileSync(script, child);
    let status: number | null = 0;
    try {
      execFileSync(process.execPath, [script], { stdio: 'pipe' });
    } catch (err) {
      const e = err as { status: number | null; signal?: string; stderr?: Buffer };
      status = e.status;
      expect({ signal: e.signal, stderr: e.stderr?.toString() }).toEqual({ signal: 'SIGKILL', stderr: '' });
    }
    expect(status).toBeNull();
    const store = createSqliteExperimentStore(db);
    return store.exposures('e').then(async (rows) => {
      // Every acknowledged row (the first 200) survived; the 100 buffered at the kill may not have.
      expect(rows.length).toBeGreaterThanOrEqual(200);
      expect(rows.slice(0, 200).map((r) => r.exposureId)).toEqual(Array.from({ length: 200 }, (_, i) => `k-${i}`).sort((a, b) => Number(a.slice(2)) - Number(b.slice(2))));
      await store.close();
    });
  });
});
