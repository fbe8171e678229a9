/**
 * The `eval mtl/ads` protocol (issue 14): the three MTL-ads models (ml/mtl/ads) × both schedules,
 * side by side on the Taobao proxy of eval/mtl/ads-data.ts (main task: cart/buy as the sparse
 * selling-point click; auxiliary: any interaction as the rich ad click).
 * - Split by time: exposures before the 70% time quantile train, the next 15% validate, the last 15%
 *   test (a pair and its sampled negatives share a time, so they stay together).
 * - Settings on validation only: the learning rate (default grid 1e-3, 3e-3) for every model, k of
 *   the alternating schedule (1, 4) and the pre-training epochs (1, 2) are chosen by validation main
 *   AUC; every model's epoch is chosen the same way (early stopping, best epoch restored).
 * - Ablation `bm+features`: BM fed AMTDL's extra features, to separate AMTDL's features from its
 *   auxiliary task.
 * - Test: main-task AUC over keyword rows, overall and by user bucket (median splits, over test
 *   users, of the user's main-task and auxiliary positives among training exposures), with 95%
 *   bootstrap intervals over test users, paired against BM; auxiliary (ad CTR) AUC per multi-task model.
 */
import { encodeAds } from '../../ml/mtl/ads/encode';
import { createAdsFeatureContext } from '../../ml/mtl/ads/features';
import { scoreEncodedAds, trainMtlAds, type TrainedMtlAds } from '../../ml/mtl/ads/train';
import type { AdsExample, AdsModelKind, AdsSchedule } from '../../ml/mtl/ads/types';
import { loadTaobao } from '../datasets/taobao';
import type { EvalModelInfo, EvalReport, MetricRow } from '../report/types';
import { adsProxyFromLog } from './ads-data';
import { bootstrapAucs } from './bootstrap';

export interface AdsMtlOptions {
  /** UserBehavior CSV (user,item,category,behavior,ts). */
  readonly file: string;
  /** Seed of the negatives, the initialisation, the batch order and the bootstrap. */
  readonly seed: number;
  /** Sampled untouched items per interacted pair. Default 1. */
  readonly negatives?: number;
  /** Grid of k (alternating 1:k), chosen on validation. Default [1, 4]. */
  readonly kGrid?: readonly number[];
  /** Grid of pre-training epochs (pretrain-finetune), chosen on validation. Default [1, 2]. */
  readonly pretrainGrid?: readonly number[];
  /** Most epochs after pre-training. Default 6. */
  readonly epochs?: number;
  /** Default 1. */
  readonly patience?: number;
  /** Grid of Adam step sizes, chosen on validation for every model (BM too). Default [1e-3, 3e-3]. */
  readonly learningRates?: readonly number[];
  /** Default 512. */
  readonly batchSize?: number;
  /** Bootstrap resamples. Default 200. */
  readonly resamples?: number;
  /** Read only the first n lines. */
  readonly maxLines?: number;
  readonly log?: (line: string) => void;
}

interface Variant {
  readonly id: string;
  readonly kind: AdsModelKind;
  readonly schedule: AdsSchedule;
  readonly grid: ReadonlyArray<{ k?: number; pretrainEpochs?: number; learningRate: number }>;
  readonly extraFeatures?: boolean;
}

function timeSplit(examples: readonly AdsExample[]): { train: AdsExample[]; valid: AdsExample[]; test: AdsExample[]; cuts: [number, number] } {
  const ts = examples.map((e) => e.ts).sort((a, b) => a - b);
  const c1 = ts[Math.floor(ts.length * 0.7)]!;
  const c2 = ts[Math.floor(ts.length * 0.85)]!;
  return { train: examples.filter((e) => e.ts < c1), valid: examples.filter((e) => e.ts >= c1 && e.ts < c2), test: examples.filter((e) => e.ts >= c2), cuts: [c1, c2] };
}

export async function runAdsMtl(o: AdsMtlOptions): Promise<EvalReport> {
  const started = new Date();
  const t0 = performance.now();
  const log = o.log ?? ((): void => undefined);
  const events = await loadTaobao(o.file, { ...(o.maxLines !== undefined ? { maxLines: o.maxLines } : {}) });
  const data = adsProxyFromLog(events, { negatives: o.negatives ?? 1, seed: o.seed });
  const { train, valid, test, cuts } = timeSplit(data.examples);
  if (train.length === 0 || valid.length === 0 || test.length === 0) throw new RangeError('mtl/ads: the log is too short for a 70/15/15 time split');
  const context = createAdsFeatureContext(data.history, data.itemCategories);
  const kGrid = o.kGrid ?? [1, 4];
  const preGrid = o.pretrainGrid ?? [1, 2];
  const lrs = o.learningRates ?? [1e-3, 3e-3];
  const variants: Variant[] = [
    { id: 'bm', kind: 'bm', schedule: 'alternating', grid: lrs.map((learningRate) => ({ learningRate })) },
    // Ablation: BM with AMTDL's user/query features, so AMTDL's gain can be split into features vs multi-task.
    { id: 'bm+features', kind: 'bm', schedule: 'alternating', grid: lrs.map((learningRate) => ({ learningRate })), extraFeatures: true },
    ...(['mtdl', 'amtdl'] as const).flatMap((kind) => [
      { id: `${kind}/alternating`, kind, schedule: 'alternating' as const, grid: lrs.flatMap((learningRate) => kGrid.map((k) => ({ k, learningRate }))) },
      {
        id: `${kind}/pretrain-finetune`,
        kind,
        schedule: 'pretrain-finetune' as const,
        grid: lrs.flatMap((learningRate) => preGrid.map((pretrainEpochs) => ({ pretrainEpochs, learningRate }))),
      },
    ]),
  ];
  const models: EvalModelInfo[] = [];
  const chosen: TrainedMtlAds[] = [];
  for (const v of variants) {
    let best: TrainedMtlAds | null = null;
    const tried: Array<Record<string, unknown>> = [];
    let trainMs = 0;
    for (const g of v.grid) {
      const t = trainMtlAds(train, {
        kind: v.kind,
        schedule: v.schedule,
        ...g,
        ...(v.extraFeatures ? { extraFeatures: true } : {}),
        seed: o.seed,
        epochs: o.epochs ?? 6,
        patience: o.patience ?? 1,
        batchSize: o.batchSize ?? 512,
        validation: valid,
        context,
        log: (line) => log(`${line} [lr=${g.learningRate}${g.k !== undefined ? ` k=${g.k}` : ''}${g.pretrainEpochs !== undefined ? ` pretrain=${g.pretrainEpochs}` : ''}]`),
      });
      trainMs += t.trainMs;
      tried.push({ ...g, validationMainAuc: round(t.metrics.validationMainAuc), bestEpoch: t.bestEpoch + 1 });
      if (!best || t.metrics.validationMainAuc > best.metrics.validationMainAuc) best = t;
      await new Promise((res) => setImmediate(res));
    }
    chosen.push(best!);
    models.push({
      id: v.id,
      version: '1',
      role: v.kind === 'bm' ? 'baseline' : 'candidate',
      params: {
        ...best!.settings,
        schedule: best!.effectiveSchedule,
        grid: tried,
        chosenEpoch: best!.bestEpoch + 1,
        validationMainAuc: round(best!.metrics.validationMainAuc),
        validationAuxAuc: best!.metrics.validationAuxAuc === null ? null : round(best!.metrics.validationAuxAuc),
      },
      trainMs: Math.round(trainMs),
    });
  }
  // Scores on the test exposures (each model with its own vocabulary).
  const scored = chosen.map((t) => {
    const enc = encodeAds(test, t.index, { extra: t.extraFeatures, ctx: context });
    return { enc, ...scoreEncodedAds(t.net, enc) };
  });
  const ref = scored[0]!.enc;
  // User buckets by positives among the training exposures.
  const mainCount = new Map<string, number>();
  const auxCount = new Map<string, number>();
  for (const e of train) {
    mainCount.set(e.userId, (mainCount.get(e.userId) ?? 0) + (e.clickedKeywords.length > 0 ? 1 : 0));
    auxCount.set(e.userId, (auxCount.get(e.userId) ?? 0) + (e.clickedAd ? 1 : 0));
  }
  const testUsers = [...new Set(test.map((e) => e.userId))];
  const median = (m: Map<string, number>): number => {
    const v = testUsers.map((u) => m.get(u) ?? 0).sort((a, b) => a - b);
    return v[Math.floor((v.length - 1) / 2)] ?? 0;
  };
  const mainT = median(mainCount);
  const auxT = median(auxCount);
  const userIx = new Map(testUsers.map((u, i) => [u, i]));
  const segments: Array<{ label: string | undefined; keep: (u: string) => boolean }> = [
    { label: undefined, keep: () => true },
    { label: `main-positives:0-${mainT}`, keep: (u) => (mainCount.get(u) ?? 0) <= mainT },
    { label: `main-positives:${mainT + 1}+`, keep: (u) => (mainCount.get(u) ?? 0) > mainT },
    { label: `aux-positives:0-${auxT}`, keep: (u) => (auxCount.get(u) ?? 0) <= auxT },
    { label: `aux-positives:${auxT + 1}+`, keep: (u) => (auxCount.get(u) ?? 0) > auxT },
  ];
  const resamples = o.resamples ?? 200;
  const metrics: MetricRow[] = [];
  const multi = variants.map((v, m) => ({ v, m })).filter((x) => x.v.kind !== 'bm');
  segments.forEach((s, si) => {
    const seg = s.label !== undefined ? { segment: s.label } : {};
    // main task: keyword rows of the segment's test exposures
    const rows: number[] = [];
    for (let p = 0; p < ref.kw.length; p++) if (s.keep(test[ref.kwExample[p]!]!.userId)) rows.push(p);
    const b = bootstrapAucs(
      scored.map((sc) => Float64Array.from(rows, (p) => sc.main[p]!)),
      Float64Array.from(rows, (p) => ref.kwLabel[p]!),
      { seed: o.seed + si, resamples, reference: 0, groups: Int32Array.from(rows, (p) => userIx.get(test[ref.kwExample[p]!]!.userId)!) },
    );
    variants.forEach((v, m) => {
      metrics.push({ model: v.id, metric: 'auc', target: 'selling-point-click (cart-or-buy)', ...seg, value: round(b.auc[m]!), n: rows.length, ci: roundCi(b.ci[m]!) });
      if (m > 0)
        metrics.push({
          model: v.id,
          metric: 'auc_minus_bm',
          target: 'selling-point-click (cart-or-buy)',
          segment: `${s.label ?? 'all'}:paired`,
          value: round(b.auc[m]! - b.auc[0]!),
          n: rows.length,
          ci: roundCi(b.diffCi[m]!),
        });
    });
    // AMTDL against the same inputs without the auxiliary task (bm+features): the multi-task part of its gain.
    const withFeatures = variants.findIndex((v) => v.id === 'bm+features');
    const bf = bootstrapAucs(
      scored.map((sc) => Float64Array.from(rows, (p) => sc.main[p]!)),
      Float64Array.from(rows, (p) => ref.kwLabel[p]!),
      { seed: o.seed + si, resamples, reference: withFeatures, groups: Int32Array.from(rows, (p) => userIx.get(test[ref.kwExample[p]!]!.userId)!) },
    );
    variants.forEach((v, m) => {
      if (v.kind !== 'amtdl') return;
      metrics.push({
        model: v.id,
        metric: 'auc_minus_bm_features',
        target: 'selling-point-click (cart-or-buy)',
        segment: `${s.label ?? 'all'}:paired`,
        value: round(bf.auc[m]! - bf.auc[withFeatures]!),
        n: rows.length,
        ci: roundCi(bf.diffCi[m]!),
      });
    });
    // auxiliary task: exposures of the segment
    const ex: number[] = [];
    for (let e = 0; e < test.length; e++) if (s.keep(test[e]!.userId)) ex.push(e);
    const ba = bootstrapAucs(
      multi.map((x) => Float64Array.from(ex, (e) => scored[x.m]!.aux![e]!)),
      Float64Array.from(ex, (e) => ref.adLabel[e]!),
      { seed: o.seed + 50 + si, resamples, reference: 0, groups: Int32Array.from(ex, (e) => userIx.get(test[e]!.userId)!) },
    );
    multi.forEach((x, j) => metrics.push({ model: x.v.id, metric: 'auc', target: 'ad-click (interaction)', ...seg, value: round(ba.auc[j]!), n: ex.length, ci: roundCi(ba.ci[j]!) }));
  });
  const count = (list: readonly AdsExample[], f: (e: AdsExample) => boolean): number => list.reduce((s, e) => s + (f(e) ? 1 : 0), 0);
  return {
    schemaVersion: 1,
    protocol: 'mtl/ads',
    dataset: {
      name: 'taobao-userbehavior-head',
      path: o.file,
      split: `ads proxy (eval/mtl/ads-data.ts): ${data.pairs} interacted (user, item) pairs + ${o.negatives ?? 1} sampled untouched item(s) each, 3 keywords per exposure; time split: train before ${new Date(cuts[0]).toISOString()}, validation before ${new Date(cuts[1]).toISOString()}, test after`,
      stats: {
        events: events.rows.length,
        users: data.users,
        items: data.items,
        exposures: data.examples.length,
        train: train.length,
        validation: valid.length,
        test: test.length,
        trainMainPositiveExposures: count(train, (e) => e.clickedKeywords.length > 0),
        trainAuxPositives: count(train, (e) => e.clickedAd),
        testMainPositiveExposures: count(test, (e) => e.clickedKeywords.length > 0),
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
      'Proxy: exposure = (user, item) pair at the first event, plus sampled untouched items; query = category of the user\u2019s previous event; keywords = cat:<category>, pop:<users before>, conv:<conversions before>. Ad click = any interaction; selling-point click = cart or buy (every keyword of a converting exposure is a positive: no keyword-level truth).',
      'Main-task AUC is over keyword rows (3 per exposure, same label), i.e. an exposure AUC of the keyword scores weighted by keyword count.',
      'Settings (learning rate, k, pre-training epochs, epoch) chosen by validation main AUC; the test window is read once.',
      `Intervals: 95% percentile bootstrap over test users (${resamples} resamples); auc_minus_bm rows are paired. Buckets: users split at the median (over test users) of their training exposures with a main / auxiliary positive.`,
      'BM has no CTR head, so it has no auxiliary AUC. bm+features is BM fed AMTDL\u2019s user/query features (single task): AMTDL minus bm+features is the multi-task part of AMTDL\u2019s gain.',
    ],
  };
}

function round(v: number, digits = 4): number {
  return Math.round(v * 10 ** digits) / 10 ** digits;
}

function roundCi(c: { level: number; lower: number; upper: number }): { level: number; lower: number; upper: number } {
  return { level: c.level, lower: round(c.lower), upper: round(c.upper) };
}
