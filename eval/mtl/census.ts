/**
 * The `eval mtl/census` protocol: single-task networks (one per task), a shared-bottom network and
 * MMoE on UCI Census-Income (KDD), the MMoE paper's benchmark, side by side in one run, for each
 * task group of eval/mtl/census-data.ts. The learning rate (a small grid) and the epoch (early
 * stopping) of every model are chosen on the validation rows; the test rows are scored once.
 * Test AUCs carry 95% bootstrap intervals over test rows, and paired intervals of the difference
 * to the single-task model of the same task.
 */
import { createMtlModel, type MtlArchitecture, type MtlModel } from '../../ml/mtl/model';
import type { MtlData } from '../../ml/mtl/data';
import { predictMtl, trainMtl } from '../../ml/mtl/train';
import { auc } from '../metrics/classification';
import type { EvalModelInfo, EvalReport, MetricRow } from '../report/types';
import { readCensus, splitRows } from '../gbdt/census-data';
import { bootstrapAucs } from './bootstrap';
import { CENSUS_TASK_GROUPS, censusTaskNames, fitCensusMtl, type CensusTaskGroup } from './census-data';

export type CensusModelKind = 'single-task' | 'shared-bottom' | 'mmoe';

export interface CensusMtlOptions {
  /** census-income.test (42 fields). */
  readonly file: string;
  /** Seed of the split, the initialisation, the batch order and the bootstrap. */
  readonly seed: number;
  /** Task groups to run. Default both. */
  readonly groups?: readonly CensusTaskGroup[];
  /** Models to compare. Default single-task, shared-bottom, mmoe. */
  readonly models?: readonly CensusModelKind[];
  /** Learning rates tried per model, chosen on validation. Default [1e-3, 3e-3]. */
  readonly learningRates?: readonly number[];
  /** Most epochs per training run (early stopping on validation). Default 20. */
  readonly epochs?: number;
  /** Epochs without a better validation AUC before stopping. Default 3. */
  readonly patience?: number;
  /** Rows per mini-batch. Default 256. */
  readonly batchSize?: number;
  /** Bootstrap resamples of the test AUC intervals. Default 200. */
  readonly resamples?: number;
  /** Use only the first n rows of the file (quick runs). Default all. */
  readonly maxRows?: number;
  /** Progress lines (stderr by the CLI). Default none. */
  readonly log?: (line: string) => void;
}

/** Embedding width of every categorical field. */
export const CENSUS_EMBEDDING_DIM = 4;
const BOTTOM: MtlArchitecture = { kind: 'shared-bottom', bottom: [64] };
const MMOE: MtlArchitecture = { kind: 'mmoe', experts: 8, expertUnits: [16] };
const TOWER = [16];

interface Trained {
  readonly lr: number;
  readonly epoch: number;
  readonly validation: number;
  readonly trainMs: number;
  readonly testScores: Float32Array[];
}

export async function runCensusMtl(o: CensusMtlOptions): Promise<EvalReport> {
  const started = new Date();
  const t0 = performance.now();
  const log = o.log ?? ((): void => undefined);
  const all = readCensus(o.file);
  const n = Math.min(all.label.length, o.maxRows ?? Infinity);
  const rows = n < all.label.length ? { fields: all.fields.slice(0, n), label: all.label.slice(0, n) } : all;
  const [trainAll, testRows] = splitRows(n, 0.7, o.seed);
  const [fitPart, validPart] = splitRows(trainAll.length, 0.85, o.seed + 1);
  const fitRows = fitPart.map((i) => trainAll[i]!);
  const validRows = validPart.map((i) => trainAll[i]!);
  const kinds = o.models ?? ['single-task', 'shared-bottom', 'mmoe'];
  const lrs = o.learningRates ?? [1e-3, 3e-3];
  const resamples = o.resamples ?? 200;
  const models: EvalModelInfo[] = [];
  const metrics: MetricRow[] = [];
  const stats: Record<string, number> = { rows: n, train: fitRows.length, validation: validRows.length, test: testRows.length };
  for (const group of o.groups ?? CENSUS_TASK_GROUPS) {
    const enc = fitCensusMtl(rows, fitRows, group);
    const fit = enc.encode(rows, fitRows);
    const valid = enc.encode(rows, validRows);
    const test = enc.encode(rows, testRows);
    const names = censusTaskNames(group);
    names.forEach((name, t) => (stats[`${group}:${name}:testPositiveRate`] = round(mean(test.labels[t]!))));
    // Per model kind, the test scores of task 0 and task 1 (single-task: two networks).
    const results: Array<{ kind: CensusModelKind; runs: Trained[] }> = [];
    for (const kind of kinds) {
      const runs: Trained[] = [];
      for (const task of kind === 'single-task' ? [0, 1] : [null]) {
        const view = (d: MtlData): MtlData => (task === null ? d : { ...d, labels: [d.labels[task]!] });
        const arch = kind === 'mmoe' ? MMOE : BOTTOM;
        let best: Trained | null = null;
        for (const lr of lrs) {
          const w = performance.now();
          const model = createMtlModel(
            { input: { cardinalities: enc.cardinalities, dim: CENSUS_EMBEDDING_DIM, denseDim: fit.denseDim }, tasks: task === null ? 2 : 1, architecture: arch, tower: TOWER },
            o.seed,
          );
          const label = `${group} ${kind}${task === null ? '' : ` (${names[task]})`} lr ${lr}`;
          const r = trainMtl(model, view(fit), {
            epochs: o.epochs ?? 20,
            patience: o.patience ?? 3,
            batchSize: o.batchSize ?? 256,
            learningRate: lr,
            seed: o.seed,
            validate: (m) => meanAuc(m, view(valid)),
            onEpoch: (e) => log(`${label}: epoch ${e.epoch + 1} loss ${e.loss.map((l) => l.toFixed(4)).join('/')} validation AUC ${e.validation?.toFixed(4)}`),
          });
          const trainMs = performance.now() - w;
          if (best === null || r.bestValidation! > best.validation) best = { lr, epoch: r.bestEpoch + 1, validation: r.bestValidation!, trainMs, testScores: predictMtl(model, view(test)) };
          log(`${label}: best epoch ${r.bestEpoch + 1}, validation AUC ${r.bestValidation!.toFixed(4)}, ${(trainMs / 1000).toFixed(1)} s`);
          await new Promise((res) => setImmediate(res));
        }
        runs.push(best!);
      }
      results.push({ kind, runs });
      models.push({
        id: `${group}/${kind}`,
        version: '1',
        role: kind === 'single-task' ? 'baseline' : 'candidate',
        params: {
          architecture: kind === 'mmoe' ? MMOE : BOTTOM,
          tower: TOWER,
          embeddingDim: CENSUS_EMBEDDING_DIM,
          batchSize: o.batchSize ?? 256,
          learningRateGrid: lrs,
          chosen: runs.map((r) => ({ learningRate: r.lr, epochs: r.epoch, validationAuc: round(r.validation), trainS: round(r.trainMs / 1000, 1) })),
          ...(kind === 'single-task' ? { networks: 'one per task' } : {}),
        },
        trainMs: Math.round(runs.reduce((s, r) => s + r.trainMs, 0)),
      });
    }
    const scoresOf = (k: (typeof results)[number], t: number): Float32Array => (k.kind === 'single-task' ? k.runs[t]!.testScores[0]! : k.runs[0]!.testScores[t]!);
    const reference = Math.max(
      0,
      results.findIndex((k) => k.kind === 'single-task'),
    );
    names.forEach((name, t) => {
      const b = bootstrapAucs(
        results.map((k) => scoresOf(k, t)),
        test.labels[t]!,
        { seed: o.seed + t, resamples, reference },
      );
      results.forEach((k, m) => {
        metrics.push({ model: `${group}/${k.kind}`, metric: 'auc', target: name, value: round(b.auc[m]!), n: test.n, ci: roundCi(b.ci[m]!) });
        if (m !== reference)
          metrics.push({
            model: `${group}/${k.kind}`,
            metric: 'auc_minus_single_task',
            target: name,
            segment: 'paired',
            value: round(b.auc[m]! - b.auc[reference]!),
            n: test.n,
            ci: roundCi(b.diffCi[m]!),
          });
      });
    });
  }
  return {
    schemaVersion: 1,
    protocol: 'mtl/census',
    dataset: {
      name: 'census-income-kdd',
      path: o.file,
      split: `seeded 70/30 of the first ${n} rows of census-income.test (seed ${o.seed}; the 199,523-row train file is not here), 15% of the 70% held out as validation (seed ${o.seed + 1}) — the same rows as eval/gbdt/census.ts`,
      stats,
    },
    seed: o.seed,
    startedAt: started.toISOString(),
    wallMs: Math.round(performance.now() - t0),
    peakRssMiB: round(process.resourceUsage().maxRSS / 1024, 1),
    models,
    metrics,
    notes: [
      "Task groups as in the MMoE paper (Ma et al., KDD 2018, §6.2): income > 50K with marital status never married; education at least college with never married. A task's source field is not an input.",
      `Chosen on the validation rows: the learning rate (grid ${lrs.join(', ')}) and the epoch (early stopping, patience ${o.patience ?? 3}, at most ${o.epochs ?? 20}) per network, by validation AUC (mean over the network's tasks). Test rows scored once.`,
      `Intervals: 95% percentile bootstrap over test rows (${resamples} resamples); auc_minus_single_task rows are paired (same resamples).`,
      'The MMoE paper trains on the 199,523-row train file and splits this test file into validation and test halves; its AUCs are not on these rows, so only the ordering of models is comparable, not the values.',
    ],
  };
}

function meanAuc(m: MtlModel, d: MtlData): number {
  const p = predictMtl(m, d);
  return p.reduce((s, sc, t) => s + auc(sc, d.labels[t]!), 0) / p.length;
}

function mean(v: Float32Array): number {
  return v.reduce((s, x) => s + x, 0) / v.length;
}

function round(v: number, digits = 4): number {
  return Math.round(v * 10 ** digits) / 10 ** digits;
}

function roundCi(c: { level: number; lower: number; upper: number }): { level: number; lower: number; upper: number } {
  return { level: c.level, lower: round(c.lower), upper: round(c.upper) };
}
