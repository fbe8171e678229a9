/**
 * The `eval mtl/taobao` protocol (issue 14, acceptance 2): does multi-task learning help the sparse
 * main task (cart or buy) most for users with few main-task positives, given a rich auxiliary task
 * (any interaction)? Rows from eval/mtl/taobao-data.ts, a seeded 70/15/15 split of the rows into
 * train / validation / test. Models: the main task alone, and the two tasks with a shared bottom
 * trained jointly, alternating 1:k, or pre-trained on the auxiliary task then fine-tuned. Every
 * model's epoch is chosen by validation main-task AUC. Test main-task AUC overall and by user
 * bucket (median splits of the user's main and auxiliary positives among the training rows), with
 * 95% user-cluster bootstrap intervals and paired differences to the single-task model.
 */
import { createMtlModel, type MtlModelSpec } from '../../ml/mtl/model';
import type { MtlSchedule } from '../../ml/mtl/schedule';
import { predictMtl, trainMtl } from '../../ml/mtl/train';
import { splitRows } from '../gbdt/census-data';
import { loadTaobao } from '../datasets/taobao';
import { auc } from '../metrics/classification';
import type { EvalModelInfo, EvalReport, MetricRow } from '../report/types';
import { bootstrapAucs } from './bootstrap';
import { fitTaobaoMtl, taobaoPairs } from './taobao-data';

export interface TaobaoMtlOptions {
  /** UserBehavior CSV (user,item,category,behavior,ts). */
  readonly file: string;
  /** Seed of the negatives, the split, the initialisation, the batch order and the bootstrap. */
  readonly seed: number;
  /** Sampled non-interacted items per interacted pair. Default 1. */
  readonly negatives?: number;
  /** k of the alternating 1:k schedule. Default 2. */
  readonly k?: number;
  /** Pre-training epochs of the pretrain-finetune schedule. Default 2. */
  readonly pretrainEpochs?: number;
  /** Most epochs (after pre-training), early stopping on validation main AUC. Default 10. */
  readonly epochs?: number;
  /** Default 2. */
  readonly patience?: number;
  /** Adam step size. Default 3e-3. */
  readonly learningRate?: number;
  /** Bootstrap resamples. Default 200. */
  readonly resamples?: number;
  /** Read only the first n lines. Default all. */
  readonly maxLines?: number;
  readonly log?: (line: string) => void;
}

/** Embedding width of the user, item and category fields. */
export const TAOBAO_EMBEDDING_DIM = 8;
/** Items seen in fewer training rows than this share the "rare" embedding. */
export const TAOBAO_MIN_ITEM_COUNT = 2;

export async function runTaobaoMtl(o: TaobaoMtlOptions): Promise<EvalReport> {
  const started = new Date();
  const t0 = performance.now();
  const log = o.log ?? ((): void => undefined);
  const events = await loadTaobao(o.file, { ...(o.maxLines !== undefined ? { maxLines: o.maxLines } : {}) });
  const pairs = taobaoPairs(events, { negatives: o.negatives ?? 1, seed: o.seed });
  const [trainAll, testRows] = splitRows(pairs.n, 0.85, o.seed);
  const [fitPart, validPart] = splitRows(trainAll.length, 70 / 85, o.seed + 1);
  const fitRows = fitPart.map((i) => trainAll[i]!);
  const validRows = validPart.map((i) => trainAll[i]!);
  const enc = fitTaobaoMtl(pairs, fitRows, TAOBAO_MIN_ITEM_COUNT);
  const fit = enc.encode(pairs, fitRows);
  const valid = enc.encode(pairs, validRows);
  const test = enc.encode(pairs, testRows);
  const k = o.k ?? 2;
  const pre = o.pretrainEpochs ?? 2;
  const variants: Array<{ id: string; tasks: number; schedule: MtlSchedule }> = [
    { id: 'single-task', tasks: 1, schedule: { kind: 'joint' } },
    { id: 'mtl/joint', tasks: 2, schedule: { kind: 'joint' } },
    { id: `mtl/alternating-1:${k}`, tasks: 2, schedule: { kind: 'alternating', main: 0, k } },
    { id: `mtl/pretrain-${pre}-finetune`, tasks: 2, schedule: { kind: 'pretrain-finetune', main: 0, pretrainEpochs: pre } },
  ];
  const models: EvalModelInfo[] = [];
  const mainScores: Float32Array[] = [];
  const auxScores: Array<Float32Array | null> = [];
  for (const v of variants) {
    const spec: MtlModelSpec = {
      input: { cardinalities: enc.cardinalities, dim: TAOBAO_EMBEDDING_DIM, denseDim: 0 },
      tasks: v.tasks,
      architecture: { kind: 'shared-bottom', bottom: [32] },
      tower: [16],
    };
    const view = (d: typeof fit): typeof fit => (v.tasks === 1 ? { ...d, labels: [d.labels[0]!] } : d);
    const model = createMtlModel(spec, o.seed);
    const w = performance.now();
    const r = trainMtl(model, view(fit), {
      epochs: o.epochs ?? 10,
      patience: o.patience ?? 2,
      learningRate: o.learningRate ?? 3e-3,
      batchSize: 256,
      seed: o.seed,
      schedule: v.schedule,
      validate: (m) => auc(predictMtl(m, view(valid))[0]!, valid.labels[0]!),
      onEpoch: (e) => log(`${v.id}: epoch ${e.epoch + 1} (${e.phase}) loss ${e.loss.map((l) => l.toFixed(4)).join('/')} validation main AUC ${e.validation?.toFixed(4) ?? '-'}`),
    });
    const trainMs = performance.now() - w;
    const p = predictMtl(model, view(test));
    mainScores.push(p[0]!);
    auxScores.push(p[1] ?? null);
    models.push({
      id: v.id,
      version: '1',
      role: v.tasks === 1 ? 'baseline' : 'candidate',
      params: { ...spec, schedule: v.schedule, learningRate: o.learningRate ?? 3e-3, batchSize: 256, chosenEpoch: r.bestEpoch + 1, validationMainAuc: round(r.bestValidation ?? Number.NaN) },
      trainMs: Math.round(trainMs),
    });
    await new Promise((res) => setImmediate(res));
  }
  // User buckets by positives among the training rows.
  const mainCount = new Map<number, number>();
  const auxCount = new Map<number, number>();
  for (const r of fitRows) {
    const u = pairs.user[r]!;
    mainCount.set(u, (mainCount.get(u) ?? 0) + pairs.main[r]!);
    auxCount.set(u, (auxCount.get(u) ?? 0) + pairs.aux[r]!);
  }
  const testUsers = Int32Array.from(testRows, (r) => pairs.user[r]!);
  const median = (m: Map<number, number>): number => {
    const v = [...new Set(testUsers)].map((u) => m.get(u) ?? 0).sort((a, b) => a - b);
    return v[Math.floor((v.length - 1) / 2)] ?? 0;
  };
  const mainT = median(mainCount);
  const auxT = median(auxCount);
  const segments: Array<{ label: string | undefined; keep: (u: number) => boolean }> = [
    { label: undefined, keep: () => true },
    { label: `main-positives:0-${mainT}`, keep: (u) => (mainCount.get(u) ?? 0) <= mainT },
    { label: `main-positives:${mainT + 1}+`, keep: (u) => (mainCount.get(u) ?? 0) > mainT },
    { label: `aux-positives:0-${auxT}`, keep: (u) => (auxCount.get(u) ?? 0) <= auxT },
    { label: `aux-positives:${auxT + 1}+`, keep: (u) => (auxCount.get(u) ?? 0) > auxT },
  ];
  const resamples = o.resamples ?? 200;
  const metrics: MetricRow[] = [];
  segments.forEach((s, si) => {
    const rows = [...testUsers.keys()].filter((i) => s.keep(testUsers[i]!));
    const labels = Float64Array.from(rows, (i) => test.labels[0]![i]!);
    const b = bootstrapAucs(
      mainScores.map((sc) => Float64Array.from(rows, (i) => sc[i]!)),
      labels,
      { seed: o.seed + si, resamples, reference: 0, groups: Int32Array.from(rows, (i) => testUsers[i]!) },
    );
    const seg = s.label !== undefined ? { segment: s.label } : {};
    variants.forEach((v, m) => {
      metrics.push({ model: v.id, metric: 'auc', target: 'cart-or-buy', ...seg, value: round(b.auc[m]!), n: rows.length, ci: roundCi(b.ci[m]!) });
      if (m > 0)
        metrics.push({
          model: v.id,
          metric: 'auc_minus_single_task',
          target: 'cart-or-buy',
          segment: `${s.label ?? 'all'}:paired`,
          value: round(b.auc[m]! - b.auc[0]!),
          n: rows.length,
          ci: roundCi(b.diffCi[m]!),
        });
    });
  });
  const auxModels = variants.map((v, m) => ({ v, s: auxScores[m] })).filter((x) => x.s !== null);
  const ba = bootstrapAucs(
    auxModels.map((x) => x.s!),
    test.labels[1]!,
    { seed: o.seed + 99, resamples, reference: 0, groups: testUsers },
  );
  auxModels.forEach((x, m) => metrics.push({ model: x.v.id, metric: 'auc', target: 'interaction', value: round(ba.auc[m]!), n: test.n, ci: roundCi(ba.ci[m]!) }));
  const positives = (y: Float32Array): number => y.reduce((s, v) => s + v, 0);
  return {
    schemaVersion: 1,
    protocol: 'mtl/taobao',
    dataset: {
      name: 'taobao-userbehavior-head',
      path: o.file,
      split: `(user, item) rows: ${pairs.aux.reduce((s, v) => s + v, 0)} interacted pairs + ${o.negatives ?? 1} sampled untouched item(s) each; seeded 70/15/15 row split into train/validation/test (seed ${o.seed})`,
      stats: {
        events: events.rows.length,
        users: pairs.users,
        items: pairs.items,
        rows: pairs.n,
        train: fit.n,
        validation: valid.n,
        test: test.n,
        trainMainPositives: positives(fit.labels[0]!),
        trainAuxPositives: positives(fit.labels[1]!),
        mainBucketThreshold: mainT,
        auxBucketThreshold: auxT,
      },
    },
    seed: o.seed,
    startedAt: started.toISOString(),
    wallMs: Math.round(performance.now() - t0),
    peakRssMiB: round(process.resourceUsage().maxRSS / 1024, 1),
    models,
    metrics,
    notes: [
      'Main task (sparse): the user carted or bought the item. Auxiliary task (rich): the user interacted with it (pv/cart/fav/buy). Negatives: uniformly sampled items the user never touched.',
      'Buckets: a test row belongs to its user; users split at the median (over test users) of their main-task and auxiliary positives among the training rows.',
      `Intervals: 95% percentile bootstrap over test users (${resamples} resamples, all rows of a drawn user); auc_minus_single_task rows are paired.`,
      'A random row split lets a user and an item appear in train and test (no time cut): it measures fitting the same users\u2019 other pairs, not the future.',
    ],
  };
}

function round(v: number, digits = 4): number {
  return Math.round(v * 10 ** digits) / 10 ** digits;
}

function roundCi(c: { level: number; lower: number; upper: number }): { level: number; lower: number; upper: number } {
  return { level: c.level, lower: round(c.lower), upper: round(c.upper) };
}
