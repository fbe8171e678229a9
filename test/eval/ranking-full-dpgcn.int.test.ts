/**
 * `dpgcn/graph` under ranking/full on a slice of the committed Gowalla fixture (all its 200 users; deterministic for the seed, so the margin over popularity is fixed):
 * trained in the run beside popularity, published as a versioned artifact carrying the test
 * metrics, and the artifact evaluated again gives the same figures.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runRankingFull, type RankingFullOptions } from '../../eval/protocols/ranking-full';
import type { EvalReport } from '../../eval/report/types';
import { listVersions, readMfArtifact, stageMfArtifact } from '../../ml/mf/artifact';

const DATA = resolve(__dirname, '../../test/fixtures/gowalla');
const USERS = 200;
const GCN = { dims: 32, layers: 2, epochs: 12, negatives: 128, usersPerGroup: 8, usersPerStep: 64, learningRate: 0.02, tau: 0.1 } as const;

let dir: string;
let base: RankingFullOptions;

async function slice(name: string): Promise<string> {
  const lines = (await readFile(join(DATA, name), 'utf8')).split('\n').filter((l) => l.trim() !== '' && Number(l.split(' ')[0]) < USERS);
  const path = join(dir, name);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

const value = (r: EvalReport, model: string, metric: string): number => r.metrics.find((m) => m.model === model && m.metric === metric && m.k === 20 && m.segment === undefined)!.value;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recgate-dpgcn-'));
  base = { trainFile: await slice('train.txt'), testFile: await slice('test.txt'), seed: 3, workers: 0, bootstrap: 0, progress: false, log: () => {}, modelsDir: join(dir, 'models') };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ranking/full with dpgcn/graph', () => {
  it('trains in the run, beats popularity, publishes the artifact, and the artifact re-evaluates to the same figures', async () => {
    const r = await runRankingFull({ ...base, models: [{ id: 'dpgcn/graph', gcn: GCN }, 'baseline/popularity'] });
    const gcn = value(r, 'dpgcn/graph', 'recall');
    expect(gcn).toBeGreaterThan(value(r, 'baseline/popularity', 'recall'));
    expect(r.notes.some((n) => n.startsWith('dpgcn/graph trained in this run') && n.includes("holdout of 10% of each user's TRAIN items"))).toBe(true);
    expect(await listVersions(join(dir, 'models'), 'dpgcn')).toEqual([1]);
    const art = await readMfArtifact(join(dir, 'models', 'dpgcn', '1'));
    expect(art.manifest.model).toBe('dpgcn/graph');
    expect(art.manifest.metrics['recall@20']).toBe(gcn);
    const again = await runRankingFull({ ...base, models: [{ id: 'dpgcn/graph', artifactDir: join(dir, 'models', 'dpgcn', '1') }] });
    expect(value(again, 'dpgcn/graph', 'recall')).toBe(gcn);
    expect(value(again, 'dpgcn/graph', 'ndcg')).toBe(value(r, 'dpgcn/graph', 'ndcg'));
  }, 120_000);

  it('refuses an artifact of another model with EVAL_ARGUMENT_INVALID', async () => {
    const model = { dims: 2, numUsers: 1, numItems: 1, users: new Float32Array(2), items: new Float32Array(2) };
    const staged = await stageMfArtifact(join(dir, 'other'), 'mf-bpr', model, {
      model: 'mf/bpr',
      userIds: ['u'],
      itemIds: ['i'],
      seed: 1,
      hyperParameters: {},
      training: {},
      metrics: {},
      createdBy: 'test',
    });
    const { dir: mfDir } = await staged.publish();
    await expect(runRankingFull({ ...base, models: [{ id: 'dpgcn/graph', artifactDir: mfDir }] })).rejects.toMatchObject({ code: 'EVAL_ARGUMENT_INVALID', details: { model: 'dpgcn/graph' } });
  });
});
