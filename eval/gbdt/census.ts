/**
 * Offline check of ml/gbdt on real data: the Census-Income (KDD) income task (binary logloss)
 * against a single tree and a logistic regression in one run, with ONNX parity on the test rows.
 * `--speed` adds the training-speed figure on a synthetic lambdarank set (100k rows × 40 features,
 * 300 trees). Run after `npm run build`:
 *
 *   node dist/eval/gbdt/census.js [--file ../shared/data/census-income-kdd/census-income.test] [--seed 42] [--speed]
 *
 * Split: the public *test* file only (the train file is not here): a seeded 70/30 split into
 * train/test rows, and 15% of the train rows held out for early stopping.
 */
import * as ort from 'onnxruntime-node';
import { gbdtToOnnx, trainGbdt, type GbdtDataset, type GbdtParams } from '../../ml/gbdt';
import { syntheticRanking } from '../../ml/gbdt/synthetic';
import { logloss } from '../../ml/gbdt/objectives';
import { auc } from '../metrics/classification';
import { fitCensusEncoder, readCensus, splitRows } from './census-data';
import { trainLogistic } from './logistic';

const DEFAULT_FILE = '../shared/data/census-income-kdd/census-income.test';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

function timed<T>(f: () => T): { value: T; wallS: number; cpuS: number } {
  const w = performance.now();
  const c = process.cpuUsage();
  const value = f();
  const cu = process.cpuUsage(c);
  return { value, wallS: round((performance.now() - w) / 1000, 2), cpuS: round((cu.user + cu.system) / 1e6, 2) };
}

function round(v: number, digits = 4): number {
  return Math.round(v * 10 ** digits) / 10 ** digits;
}

function peakRssMiB(): number {
  return round(process.resourceUsage().maxRSS / 1024, 1);
}

async function onnxMaxDiff(model: ReturnType<typeof trainGbdt>['model'], ds: GbdtDataset): Promise<number> {
  const session = await ort.InferenceSession.create(gbdtToOnnx(model), { intraOpNumThreads: 1 });
  const out = await session.run({ features: new ort.Tensor('float32', ds.x, [ds.n, ds.d]) });
  await session.release();
  const got = out.score!.data as Float32Array;
  const want = model.predict(ds.x, ds.n);
  let m = 0;
  for (let i = 0; i < ds.n; i++) m = Math.max(m, Math.abs(got[i]! - want[i]!));
  return m;
}

async function census(file: string, seed: number): Promise<Record<string, unknown>> {
  const rows = readCensus(file);
  const [trainAll, testRows] = splitRows(rows.label.length, 0.7, seed);
  const [fitPart, validPart] = splitRows(trainAll.length, 0.85, seed + 1);
  const fitRows = fitPart.map((i) => trainAll[i]!);
  const validRows = validPart.map((i) => trainAll[i]!);
  const enc = fitCensusEncoder(rows, fitRows);
  const train = enc.encode(rows, fitRows);
  const valid = enc.encode(rows, validRows);
  const test = enc.encode(rows, testRows);
  const params: Partial<GbdtParams> = { objective: 'binary', trees: 1000, learningRate: 0.05, numLeaves: 31, earlyStoppingRounds: 50, seed };
  const gbdt = timed(() => trainGbdt(train, params, valid));
  const gbdtScores = gbdt.value.model.predict(test.x, test.n);
  const tree = timed(() => trainGbdt(train, { objective: 'binary', trees: 1, learningRate: 1, numLeaves: 31, earlyStoppingRounds: 0, seed }));
  const treeScores = tree.value.model.predict(test.x, test.n);
  const lr = timed(() => trainLogistic(train, { categorical: enc.categorical, cardinality: enc.cardinality }));
  const lrScores = lr.value.predict(test);
  const base = gbdt.value.model.baseScore;
  return {
    split: `seeded 70/30 of the ${rows.label.length} rows of census-income.test (seed ${seed}); 15% of the 70% held out for early stopping`,
    rows: { train: train.n, valid: valid.n, test: test.n, testPositiveRate: round(test.y.reduce((s, v) => s + v, 0) / test.n) },
    models: [
      {
        model: 'gbdt (binary, ml/gbdt)',
        testAuc: round(auc(gbdtScores, test.y)),
        testLogloss: round(logloss(gbdtScores, test.y)),
        trees: gbdt.value.bestIteration,
        rounds: gbdt.value.history.length,
        wallS: gbdt.wallS,
        cpuS: gbdt.cpuS,
        params,
      },
      { model: 'single tree (31 leaves)', testAuc: round(auc(treeScores, test.y)), testLogloss: round(logloss(treeScores, test.y)), wallS: tree.wallS, cpuS: tree.cpuS },
      { model: 'logistic regression (one-hot, Adam 300 steps)', testAuc: round(auc(lrScores, test.y)), testLogloss: round(logloss(lrScores, test.y)), wallS: lr.wallS, cpuS: lr.cpuS },
      { model: 'constant (base rate)', testAuc: 0.5, testLogloss: round(logloss(new Float64Array(test.n).fill(base), test.y)) },
    ],
    topFeatures: gbdt.value.model
      .featureImportance()
      .slice(0, 8)
      .map((f) => ({ ...f, gain: round(f.gain, 1) })),
    onnxMaxAbsDiffOnTest: await onnxMaxDiff(gbdt.value.model, test),
  };
}

function speed(seed: number): Record<string, unknown> {
  const data = syntheticRanking({ groups: 1000, groupSize: 100, d: 40, missing: 0.02, seed });
  const run = timed(() => trainGbdt(data, { trees: 300, earlyStoppingRounds: 0, seed }));
  return {
    task: 'synthetic lambdarank, 1000 groups × 100 docs = 100k rows × 40 features, 300 trees, 31 leaves, 63 bins',
    trees: run.value.model.trees.length,
    trainNdcg10: round(run.value.history.at(-1)!.train),
    wallS: run.wallS,
    cpuS: run.cpuS,
  };
}

async function main(): Promise<void> {
  const seed = Number(arg('--seed', '42'));
  const report: Record<string, unknown> = { census: await census(arg('--file', DEFAULT_FILE), seed) };
  if (process.argv.includes('--speed')) report.speed = speed(seed);
  report.peakRssMiB = peakRssMiB();
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
