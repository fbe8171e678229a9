/** `train ira`: flag checks (coded errors naming the flag), and one run on an IRA database and an embedded store in a temp dir. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { CodedError } from '../errors/errors';
import { createEmbeddedGraphStore } from '../graph/embedded';
import { createInProcessQueue } from '../jobs/in-process';
import { mulberry32 } from '../ml/random';
import { createIraRuntime, IRA_DIM } from '../plugins/ira';
import { runTrainIra, trainIraOptionsFromFlags } from './train-ira';

const flagOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof CodedError ? (err.details as { flag?: string }).flag : 'not coded';
  }
  return undefined;
};

describe('train ira flags', () => {
  it('names the bad flag and fills the options', () => {
    expect(flagOf(() => trainIraOptionsFromFlags({ seed: 1 }, { iraDbPath: '' }))).toBe('--ira-db');
    expect(flagOf(() => trainIraOptionsFromFlags({ seed: 1, from: 'soon' }, { iraDbPath: 'x.db' }))).toBe('--from');
    expect(flagOf(() => trainIraOptionsFromFlags({ seed: 1, from: '2026-01-02', to: '2026-01-01' }, { iraDbPath: 'x.db' }))).toBe('--to');
    expect(flagOf(() => trainIraOptionsFromFlags({ seed: 1, windowHours: 24, horizonHours: 2 }, { iraDbPath: 'x.db' }))).toBe('--horizon-hours');
    const o = trainIraOptionsFromFlags({ seed: 1, line: 'L', updates: 10, from: '2026-01-01', windowHours: 2 }, { iraDbPath: 'x.db' });
    expect(o).toMatchObject({ windowMs: 2 * 3_600_000, horizonMs: 2 * 3_600_000, pretrain: { line: 'L', updates: 10, from: Date.UTC(2026, 0, 1) } });
    expect(o.dbPath.endsWith('/x.db')).toBe(true);
  });
});

describe('train ira', () => {
  const dir = mkdtempSync(join(tmpdir(), 'train-ira-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('pre-trains every logged line and publishes its next version', async () => {
    const iraDb = join(dir, 'ira.db');
    const jobs = createInProcessQueue();
    const rt = createIraRuntime({ dbPath: iraDb, jobs, clock: Date.now, logger: pino({ level: 'silent' }), instanceId: 'log', valueSources: {}, store: null, pollMs: 0 });
    const r = mulberry32(2);
    for (let i = 0; i < 12; i++) {
      const pool = ['a', 'b', 'c'];
      rt.decisionLog.append({
        decisionId: `d${i}`,
        userId: `u${i % 3}`,
        ts: 1000 + i * 60_000,
        surface: 'home',
        line: i % 2 ? 'A' : 'B',
        version: 0,
        gamma1: 0.6,
        gamma2: 0.4,
        explore: { method: 'boltzmann', temperature: 0.1, epsilon: 0 },
        pool,
        features: Float32Array.from({ length: pool.length * IRA_DIM }, () => r()),
        q: Float32Array.from([0.3, 0.2, 0.1]),
        shown: [0, 1],
        propensities: [0.5, 0.5],
        valueBefore: null,
      });
      rt.decisionLog.setOutcome(`d${i}`, Float64Array.from([i % 4 === 0 ? 0.6 : 0, 0]), null);
    }
    rt.close();
    await jobs.close();
    const store = await createEmbeddedGraphStore({ path: join(dir, 'store.db') });
    await store.close();
    const out: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    try {
      await runTrainIra({ seed: 3, updates: 20, iraDb, db: join(dir, 'store.db') });
    } finally {
      spy.mockRestore();
    }
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/^ira\/A@1 \(pretrain\): 6 decisions, 12 slot transitions/);
    expect(out[1]).toMatch(/^ira\/B@1 \(pretrain\): 6 decisions, 12 slot transitions/);
    await expect(runTrainIra({ seed: 3, iraDb, db: join(dir, 'store.db'), line: 'none' })).rejects.toMatchObject({ code: 'EVAL_DATA_INVALID' });
    await expect(runTrainIra({ seed: 3, iraDb: join(dir, 'missing.db') })).rejects.toMatchObject({ details: { flag: '--ira-db' } });
  });
});
