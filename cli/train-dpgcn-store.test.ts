import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodedError } from '../errors/errors';
import { createEmbeddedGraphStore } from '../graph/embedded';
import { runDpgcnFromStore, storeOptionsFromFlags, type StoreFlags } from './train-dpgcn-store';

const base: StoreFlags = { seed: 1, holdout: 0.2, fusion: false, modelsDir: 'm' };
const defaults = { modelsDir: 'models', log: () => undefined };
const T0 = Date.UTC(2024, 0, 1);

function codeAndFlag(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CodedError);
    return { code: (err as CodedError).code, flag: (err as CodedError).details?.['flag'] };
  }
  return 'no error';
}

describe('train dpgcn --from-store flags', () => {
  it('turns the flags into training options', () => {
    const o = storeOptionsFromFlags(
      { ...base, trainEnd: '2024-01-02', halfLifeDays: 2, typeWeights: 'purchase=5, view=0.5', relations: 'searched,in_category', relationScales: 'in_category=0.5', minTermNodes: 3 },
      { tau: 0.2 },
      defaults,
    );
    expect(o).toMatchObject({
      tau: 0.2,
      seed: 1,
      holdout: 0.2,
      fusion: false,
      trainEnd: Date.UTC(2024, 0, 2),
      halfLifeMs: 2 * 24 * 3600 * 1000,
      typeWeights: { purchase: 5, view: 0.5 },
      relations: ['searched', 'in_category'],
      relationScales: { in_category: 0.5 },
      minTermNodes: 3,
      createdBy: 'cli train dpgcn --from-store',
    });
    expect(o.modelsDir.endsWith('/m')).toBe(true);
    expect(storeOptionsFromFlags({ ...base, relations: 'none' }, {}, defaults).relations).toEqual([]);
  });

  it.each([
    [{ trainEnd: 'yesterday' }, '--train-end'],
    [{ halfLifeDays: 0 }, '--half-life-days'],
    [{ typeWeights: 'purchase=4,glance=1' }, '--type-weights'],
    [{ typeWeights: 'purchase=-1' }, '--type-weights'],
    [{ relations: 'searched,friends' }, '--relations'],
    [{ relations: 'interacted' }, '--relations'],
    [{ relationScales: 'in_category' }, '--relation-scales'],
    [{ minTermNodes: 1.5 }, '--min-term-nodes'],
    [{ everyHours: 0 }, '--every-hours'],
  ])('refuses %o with EVAL_ARGUMENT_INVALID naming %s', (bad, flag) => {
    expect(codeAndFlag(() => storeOptionsFromFlags({ ...base, ...bad }, {}, defaults))).toEqual({ code: 'EVAL_ARGUMENT_INVALID', flag });
  });
});

describe('train dpgcn --from-store on a store file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recgate-train-dpgcn-store-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const small = { dims: 8, epochs: 2, usersPerStep: 8, negatives: 16 };

  it('refuses a missing store file, an empty store and a --train-end before every event with coded errors', async () => {
    await expect(runDpgcnFromStore({ ...base, db: join(dir, 'nope.db') }, small)).rejects.toMatchObject({ code: 'EVAL_ARGUMENT_INVALID', details: { flag: '--db' } });
    const path = join(dir, 'empty.db');
    await (await createEmbeddedGraphStore({ path })).close();
    await expect(runDpgcnFromStore({ ...base, db: path }, small)).rejects.toMatchObject({ code: 'EVAL_DATA_INVALID', message: expect.stringContaining('holds no events') });
    const store = await createEmbeddedGraphStore({ path });
    await store.ingestEvents([{ eventId: 'e1', userId: 'u1', type: 'view', itemId: 'i1', ts: T0, value: 0, dwellMs: null, session: null, referrer: null, query: null }]);
    await store.close();
    await expect(runDpgcnFromStore({ ...base, db: path, trainEnd: String(T0) }, small)).rejects.toMatchObject({
      code: 'EVAL_DATA_INVALID',
      message: expect.stringContaining('no interactions before'),
    });
  });

  it('trains, publishes and reports one line on stdout, progress on stderr', async () => {
    const path = join(dir, 'store.db');
    const store = await createEmbeddedGraphStore({ path });
    const events = [];
    for (let u = 0; u < 10; u++)
      for (let k = 0; k < 3; k++)
        events.push({ eventId: `e${u}-${k}`, userId: `u${u}`, type: 'view' as const, itemId: `i${(u + k) % 7}`, ts: T0 + k, value: 0, dwellMs: null, session: null, referrer: null, query: null });
    await store.ingestEvents(events);
    await store.close();
    const out: string[] = [];
    const err: string[] = [];
    const so = jest.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    const se = jest.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
    try {
      await runDpgcnFromStore({ ...base, db: path, modelsDir: join(dir, 'models') }, small);
    } finally {
      so.mockRestore();
      se.mockRestore();
    }
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^dpgcn\/graph v1 -> .*dpgcn\/1: 10 user, 7 item, 0 query, 0 category, 0 term; held-out Recall@20 [\d.]+ at epoch \d; no fusion network/);
    expect(err.filter((l) => /^select epoch \d: loss/.test(l)).length).toBeGreaterThanOrEqual(1);
    expect(await readdir(join(dir, 'models', 'dpgcn'))).toEqual(['1']);
  }, 20_000);
});
