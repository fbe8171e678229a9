/**
 * `ranking/full` on a slice of the real Gowalla split (users 0..199, test/fixtures/gowalla, copied
 * into temp files):
 * reproducibility, popularity checked against an independent computation, versioned artifacts,
 * and the worker-thread path (compiled on the fly with TypeScript's transpiler) giving exactly
 * the in-thread numbers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { parseSplit, row } from '../../eval/datasets/gowalla';
import { runRankingFull, type RankingFullOptions } from '../../eval/protocols/ranking-full';
import { reproducibleView, type EvalReport, type MetricRow } from '../../eval/report/types';
import { listVersions, readMfArtifact, stageMfArtifact } from '../../ml/mf/artifact';

const ROOT = resolve(__dirname, '../..');
const DATA = resolve(ROOT, 'test/fixtures/gowalla');
const USERS = 200;

let dir: string;
let trainFile: string;
let testFile: string;

async function slice(name: string): Promise<string> {
  const lines = (await readFile(join(DATA, name), 'utf8')).split('\n').filter((l) => l.trim() !== '' && Number(l.split(' ')[0]) < USERS);
  const path = join(dir, name);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

const base = (): RankingFullOptions => ({ trainFile, testFile, seed: 11, epochs: 3, workers: 0, progress: false, log: () => {} });
const value = (r: EvalReport, model: string, metric: string, k: number): number => r.metrics.find((m) => m.model === model && m.metric === metric && m.k === k && m.segment === undefined)!.value;

/**
 * Transpile (no type check) the modules reachable from `entries` into `out`, mirroring the repo
 * layout, so worker threads can load them as JS; `node_modules` is linked next to them.
 */
async function transpileClosure(entries: readonly string[], out: string): Promise<void> {
  const seen = new Set<string>();
  const queue = entries.map((e) => resolve(ROOT, e));
  const toFile = (from: string, spec: string): string | undefined => {
    const p = resolve(dirname(from), spec);
    return [`${p}.ts`, join(p, 'index.ts')].find((f) => existsSync(f));
  };
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/(?:from\s+|require(?:\.resolve)?\(\s*|import\s+)'(\.{1,2}\/[^']+)'/g)) {
      const dep = toFile(file, m[1]!);
      if (dep) queue.push(dep);
    }
    const js = ts.transpileModule(src, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, experimentalDecorators: true, emitDecoratorMetadata: true },
      fileName: file,
    }).outputText;
    const target = join(out, relative(ROOT, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, js);
  }
  await symlink(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'dir');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recgate-ranking-full-'));
  trainFile = await slice('train.txt');
  testFile = await slice('test.txt');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ranking/full on a Gowalla slice', () => {
  let first: EvalReport;
  const modelsA = (): string => join(dir, 'models-a');

  it('is reproducible: the same seed gives the same report', async () => {
    first = await runRankingFull({ ...base(), modelsDir: modelsA() });
    const again = await runRankingFull({ ...base(), modelsDir: join(dir, 'models-b') });
    expect(reproducibleView(again)).toEqual(reproducibleView(first));
  });

  it('reports every metric at every K, coverage and history segments, for both models', () => {
    expect(first.protocol).toBe('ranking/full');
    expect(first.models.map((m) => [m.id, m.role])).toEqual([
      ['mf/bpr', 'candidate'],
      ['baseline/popularity', 'baseline'],
    ]);
    const split = parseSplit(readFileSync(trainFile, 'utf8'), readFileSync(testFile, 'utf8'));
    expect(first.dataset.stats).toMatchObject({ users: split.numUsers, items: split.numItems, evaluatedUsers: USERS });
    for (const model of ['mf/bpr', 'baseline/popularity']) {
      for (const metric of ['recall', 'ndcg', 'precision', 'hitrate']) {
        const v = [5, 10, 20].map((k) => value(first, model, metric, k));
        v.forEach((x) => expect(x).toBeGreaterThanOrEqual(0));
        if (metric === 'recall' || metric === 'hitrate') expect(v[0]!).toBeLessThanOrEqual(v[2]!);
      }
      const seg = first.metrics.filter((r: MetricRow) => r.model === model && r.segment?.startsWith('history:'));
      expect(new Set(seg.map((r) => r.segment))).toEqual(new Set(['history:1-10', 'history:11-30', 'history:31+']));
      // Cold start: users with 1-3 train items are counted in the notes (rows only when there are some);
      // cold-item rows average over the users holding a test positive whose item has 1-3 train users.
      const coldUsers = Number(/cold-users:1-3 = evaluated users with 1-3 train items: (\d+) users/.exec(first.notes.join(' '))![1]);
      const coldItemUsers = Number(/held by (\d+) users/.exec(first.notes.join(' '))![1]);
      expect(coldItemUsers).toBeGreaterThan(0);
      for (const [segment, size] of [
        ['cold-users:1-3', coldUsers],
        ['cold-items:1-3', coldItemUsers],
      ] as const) {
        const cold = first.metrics.filter((r) => r.model === model && r.segment === segment);
        expect(cold.map((r) => r.n)).toEqual(size > 0 ? [size, size, size, size, size, size] : []);
        expect(cold.every((r) => r.ci !== undefined && r.ci.lower <= r.value && r.value <= r.ci.upper)).toBe(true);
      }
      expect(seg.filter((r) => r.metric === 'recall').reduce((s, r) => s + r.n, 0)).toBe(USERS);
    }
    expect(first.notes.join(' ')).toContain('Not the complete Gowalla split');
  });

  it('scores popularity exactly as an independent computation from the files', () => {
    const s = parseSplit(readFileSync(trainFile, 'utf8'), readFileSync(testFile, 'utf8'));
    const pop = new Float64Array(s.numItems);
    for (const i of s.train.items) pop[i]!++;
    const order = Array.from(pop.keys()).sort((a, b) => pop[b]! - pop[a]! || a - b);
    let recall = 0;
    let ndcg = 0;
    const covered = new Set<number>();
    for (let u = 0; u < s.numUsers; u++) {
      const seen = new Set(row(s.train, u));
      const rel = new Set(row(s.test, u));
      const top = order.filter((i) => !seen.has(i)).slice(0, 20);
      top.forEach((i) => covered.add(i));
      let dcg = 0;
      let hits = 0;
      top.forEach((i, r) => {
        if (rel.has(i)) (hits++, (dcg += 1 / Math.log2(r + 2)));
      });
      let idcg = 0;
      for (let r = 0; r < Math.min(20, rel.size); r++) idcg += 1 / Math.log2(r + 2);
      recall += hits / rel.size;
      ndcg += dcg / idcg;
    }
    expect(value(first, 'baseline/popularity', 'recall', 20)).toBeCloseTo(recall / s.numUsers, 5);
    expect(value(first, 'baseline/popularity', 'ndcg', 20)).toBeCloseTo(ndcg / s.numUsers, 5);
    expect(value(first, 'baseline/popularity', 'coverage', 20)).toBeCloseTo(covered.size / s.numItems, 5);
  });

  it('publishes a versioned artifact whose manifest and embeddings match the run; versions go up', async () => {
    expect(first.models[0]!.artifact).toBe(join('mf-bpr', '1'));
    expect(first.models[0]!.version).toBe('1.0.0+model.1');
    const a = await readMfArtifact(join(modelsA(), 'mf-bpr', '1'));
    expect(a.manifest).toMatchObject({ version: 1, dims: 64, seed: 11, model: 'mf/bpr' });
    expect(a.manifest.metrics['recall@20']).toBe(value(first, 'mf/bpr', 'recall', 20));
    expect((a.manifest.training as { epochs: number }).epochs).toBe(3);
    expect(a.manifest.userIds[7]).toBe('gowalla:7');
    expect((await stat(join(modelsA(), 'mf-bpr', '1', 'embeddings.bin'))).size).toBe((a.model.numUsers + a.model.numItems) * 64 * 4);
    // The run from the same seed in models-b wrote the same embeddings.
    const b = await readMfArtifact(join(dir, 'models-b', 'mf-bpr', '1'));
    expect(Buffer.from(b.model.items.buffer).equals(Buffer.from(a.model.items.buffer))).toBe(true);
    // A second artifact under the same root gets the next version; a staged one is invisible until then.
    const tiny = { dims: 1, numUsers: 1, numItems: 1, users: Float32Array.of(1), items: Float32Array.of(2) };
    const staged = await stageMfArtifact(modelsA(), 'mf-bpr', tiny, { model: 'mf/bpr', userIds: ['u'], itemIds: ['i'], seed: 0, hyperParameters: {}, training: {}, metrics: {}, createdBy: 'test' });
    expect(await listVersions(modelsA(), 'mf-bpr')).toEqual([1]);
    expect(await staged.publish({ 'recall@20': 0.5 })).toEqual({ dir: join(modelsA(), 'mf-bpr', '2'), version: 2 });
    expect(await listVersions(modelsA(), 'mf-bpr')).toEqual([1, 2]);
    const back = await readMfArtifact(join(modelsA(), 'mf-bpr', '2'));
    expect([back.manifest.version, back.manifest.metrics['recall@20'], back.model.items[0]]).toEqual([2, 0.5, 2]);
  });

  it('gives identical metrics with 2 worker threads (compiled) and in-thread', async () => {
    const out = join(dir, 'build');
    await transpileClosure(['eval/protocols/ranking-full.ts', 'eval/protocols/ranking-full/worker.ts'], out);
    // The compiled protocol: the same JS the CLI runs from dist/.
    const compiled = (await import(join(out, 'eval/protocols/ranking-full.js'))) as typeof import('../../eval/protocols/ranking-full');
    const models = [{ id: 'mf/bpr', artifactDir: join(modelsA(), 'mf-bpr', '1') }, 'baseline/popularity'];
    const threaded = await compiled.runRankingFull({ ...base(), models, workers: 2, batchSize: 16 });
    // `first` scored the same artifact (then staged) in this thread, from the TS sources.
    expect(threaded.metrics).toEqual(first.metrics);
    expect(threaded.models[0]!.version).toBe('1.0.0+model.1');
    // A worker that cannot build its scorer fails the run with the worker's reason.
    const broken = { id: 'baseline/popularity', scorer: { module: join(out, 'plugins/baseline/popularity.js'), factory: 'createNothing' } };
    await expect(compiled.runRankingFull({ ...base(), models: [broken], workers: 2 })).rejects.toThrow('no factory export "createNothing"');
    expect(threaded.notes.join(' ')).toContain('2 worker thread(s)');
  });

  it('refuses workers without a compiled build, unknown models and bad options', async () => {
    await expect(runRankingFull({ ...base(), models: ['baseline/popularity'], workers: 1 })).rejects.toThrow('compiled build');
    await expect(runRankingFull({ ...base(), models: ['no/such'] })).rejects.toThrow('unknown model');
    await expect(runRankingFull({ ...base(), ks: [0] })).rejects.toThrow(RangeError);
  });
});
