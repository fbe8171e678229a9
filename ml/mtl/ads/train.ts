/**
 * Training the MTL-ads models (BM, MTDL, AMTDL) with Adam (ml/gcn/adam.ts) on mini-batches planned
 * by ml/mtl/schedule.ts. Rows: one main-task row per shown keyword (label: that selling point was
 * clicked) and one auxiliary row per exposure (label: the ad was clicked). A batch trains one task:
 * the mean logloss over its rows.
 * - alternating: one main batch, then k auxiliary batches, until the main rows are used once (an epoch);
 * - pretrain-finetune: `pretrainEpochs` epochs of auxiliary batches, then main batches only.
 * BM has no auxiliary task, so both schedules train it on main batches only (recorded as such).
 * Model selection: main-task AUC on the validation examples after every training epoch; the best
 * epoch's parameters are restored; `patience` epochs without improvement stop training.
 */
import { auc } from '../../../eval/metrics/classification';
import { createAdam } from '../../gcn/adam';
import { logitLoss, sigmoid } from '../math';
import { planEpoch, type MtlSchedule } from '../schedule';
import { encodeAds, fitAdsVocab, indexAdsVocab, type AdsVocab, type AdsVocabIndex, type EncodedAds } from './encode';
import { ADS_EXTRA_FEATURES } from './features';
import { createAdsNet, type AdsNet, type AdsNetSpec } from './model';
import type { AdsExample, AdsFeatureContext, AdsModelKind, AdsPrediction, AdsSchedule, AdsScoringRow } from './types';

export interface TrainMtlAdsOptions {
  readonly kind: AdsModelKind;
  readonly schedule: AdsSchedule;
  /** Auxiliary batches per main batch (alternating). Default 4. */
  readonly k?: number;
  /** Auxiliary-only epochs before fine-tuning (pretrain-finetune). Default 2. */
  readonly pretrainEpochs?: number;
  /** Seed of the initialisation and the batch order. */
  readonly seed: number;
  /** Most training epochs after any pre-training. Default 10. */
  readonly epochs?: number;
  /** Epochs without a better validation main AUC before stopping. Default 2. */
  readonly patience?: number;
  /** Adam step size. Default 3e-3. */
  readonly learningRate?: number;
  /** Rows per mini-batch. Default 256. */
  readonly batchSize?: number;
  /** Embedding width. Default 8. */
  readonly dim?: number;
  /** Shared bottom hidden widths. Default [32]. */
  readonly bottom?: readonly number[];
  /** Tower hidden widths. Default [16]. */
  readonly tower?: readonly number[];
  /** Attention tanh width. Default 8. */
  readonly attentionHidden?: number;
  /** Items seen in fewer training examples share the unknown row. Default 2. */
  readonly minItemCount?: number;
  /** Keywords shown in fewer training examples share the unknown row. Default 1. */
  readonly minKeywordCount?: number;
  /** Selection examples. Default: the latest `validationFraction` of `examples` by time. */
  readonly validation?: readonly AdsExample[];
  /** Default 0.1 (ignored when `validation` is given). */
  readonly validationFraction?: number;
  /** User/query history for the extra features (required when they are used). */
  readonly context?: AdsFeatureContext;
  /**
   * Feed ADS_EXTRA_FEATURES to the network. Default: only for `amtdl`. `true` with `bm` gives the
   * ablation "BM with AMTDL's features" (a single-task model with the same inputs as AMTDL).
   */
  readonly extraFeatures?: boolean;
  readonly log?: (line: string) => void;
}

export interface AdsEpochInfo {
  readonly epoch: number;
  readonly phase: 'pretrain' | 'train';
  readonly mainLoss: number;
  readonly auxLoss: number;
  readonly validationMainAuc?: number;
}

export interface TrainedMtlAds {
  readonly kind: AdsModelKind;
  readonly schedule: AdsSchedule;
  /** What the batches actually trained: BM is always main-only. */
  readonly effectiveSchedule: 'alternating' | 'pretrain-finetune' | 'main-only';
  /** The network reads ADS_EXTRA_FEATURES (AMTDL, or the BM ablation). */
  readonly extraFeatures: boolean;
  readonly k: number;
  readonly pretrainEpochs: number;
  readonly net: AdsNet;
  readonly index: AdsVocabIndex;
  readonly vocab: AdsVocab;
  /** Ad CTR of the training examples (BM's constant ctr output). */
  readonly baseCtr: number;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly history: readonly AdsEpochInfo[];
  /** 0-based, counting pre-training epochs. */
  readonly bestEpoch: number;
  readonly metrics: {
    readonly validationMainAuc: number;
    readonly validationAuxAuc: number | null;
    readonly trainExamples: number;
    readonly validationExamples: number;
    readonly trainKeywordRows: number;
    readonly trainKeywordPositives: number;
    readonly trainAdPositives: number;
  };
  readonly trainMs: number;
}

/** Main-task probabilities per keyword row and auxiliary (ad click) probabilities per example (null for BM). */
export function scoreEncodedAds(net: AdsNet, enc: EncodedAds): { main: Float32Array; aux: Float32Array | null } {
  const main = new Float32Array(enc.kw.length);
  const aux = net.auxTower ? new Float32Array(enc.n) : null;
  for (let e = 0; e < enc.n; e++) {
    const ex = enc.extra.subarray(e * enc.extraDim, (e + 1) * enc.extraDim);
    for (let p = enc.kwStart[e]!; p < enc.kwStart[e + 1]!; p++) main[p] = sigmoid(net.mainForward(enc.user[e]!, enc.query[e]!, enc.item[e]!, enc.kw[p]!, ex));
    if (aux) aux[e] = sigmoid(net.auxForward(enc.user[e]!, enc.query[e]!, enc.item[e]!, enc.kw.subarray(enc.kwStart[e]!, enc.kwStart[e + 1]!), ex));
  }
  return { main, aux };
}

/** The TS forward pass over scoring rows (the reference the ONNX graph is tested against). */
export function predictMtlAdsTs(t: TrainedMtlAds, rows: readonly AdsScoringRow[], ctx: AdsFeatureContext | null): AdsPrediction[] {
  const enc = encodeAds(rows, t.index, { extra: t.extraFeatures, ctx });
  const s = scoreEncodedAds(t.net, enc);
  return rows.map((_, e) => ({ ctr: s.aux ? s.aux[e]! : t.baseCtr, keywordScores: s.main.slice(enc.kwStart[e]!, enc.kwStart[e + 1]!) }));
}

function splitByTime(examples: readonly AdsExample[], fraction: number): [AdsExample[], AdsExample[]] {
  const order = examples.map((e, i) => ({ e, i })).sort((a, b) => a.e.ts - b.e.ts || a.i - b.i);
  const cut = Math.round(order.length * (1 - fraction));
  return [order.slice(0, cut).map((x) => x.e), order.slice(cut).map((x) => x.e)];
}

export function trainMtlAds(examples: readonly AdsExample[], o: TrainMtlAdsOptions): TrainedMtlAds {
  const t0 = performance.now();
  const log = o.log ?? ((): void => undefined);
  if (!['bm', 'mtdl', 'amtdl'].includes(o.kind)) throw new RangeError(`mtl-ads: kind ${String(o.kind)}`);
  if (!['alternating', 'pretrain-finetune'].includes(o.schedule)) throw new RangeError(`mtl-ads: schedule ${String(o.schedule)}`);
  const k = o.k ?? 4;
  const pre = o.pretrainEpochs ?? 2;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`mtl-ads: k ${k} (a positive integer)`);
  if (!Number.isInteger(pre) || pre < 0) throw new RangeError(`mtl-ads: pretrainEpochs ${pre}`);
  const extra = o.extraFeatures ?? o.kind === 'amtdl';
  if (extra && !o.context) throw new RangeError(`mtl-ads: ${o.kind === 'amtdl' ? 'amtdl' : 'extraFeatures'} needs a feature context`);
  const [train, valid] = o.validation ? [examples, o.validation] : splitByTime(examples, o.validationFraction ?? 0.1);
  if (train.length === 0) throw new RangeError('mtl-ads: no training examples');
  const vocab = fitAdsVocab(train, { minItemCount: o.minItemCount ?? 2, minKeywordCount: o.minKeywordCount ?? 1 });
  const index = indexAdsVocab(vocab);
  const ctx = o.context ?? null;
  const tr = encodeAds(train, index, { extra, ctx });
  const va = encodeAds(valid, index, { extra, ctx });
  const spec: AdsNetSpec = {
    kind: o.kind,
    users: vocab.users.length + 1,
    queries: vocab.queries.length + 1,
    items: vocab.items.length + 1,
    keywords: vocab.keywords.length + 1,
    dim: o.dim ?? 8,
    extra: extra ? ADS_EXTRA_FEATURES.length : 0,
    bottom: o.bottom ?? [32],
    tower: o.tower ?? [16],
    attentionHidden: o.attentionHidden ?? 8,
  };
  const net = createAdsNet(spec, o.seed);
  const multi = o.kind !== 'bm';
  const M = tr.kw.length;
  const labelled = [Uint32Array.from({ length: M }, (_, i) => i), Uint32Array.from({ length: multi ? tr.n : 0 }, (_, i) => M + i)];
  const all = Uint32Array.from({ length: M + (multi ? tr.n : 0) }, (_, i) => i);
  const schedule: MtlSchedule = !multi
    ? { kind: 'alternating', main: 0, k: 0 }
    : o.schedule === 'alternating'
      ? { kind: 'alternating', main: 0, k }
      : { kind: 'pretrain-finetune', main: 0, pretrainEpochs: pre };
  const preEpochs = multi && o.schedule === 'pretrain-finetune' ? pre : 0;
  const lr = o.learningRate ?? 3e-3;
  const batchSize = o.batchSize ?? 256;
  const epochs = o.epochs ?? 10;
  const patience = o.patience ?? 2;
  const { values, grads } = net.params;
  const adam = createAdam(values.length, { learningRate: lr });
  const validate = (): { main: number; aux: number | null; loss: number } => {
    const s = scoreEncodedAds(net, va);
    let loss = 0;
    for (let p = 0; p < s.main.length; p++) loss -= va.kwLabel[p] ? Math.log(Math.max(s.main[p]!, 1e-7)) : Math.log(Math.max(1 - s.main[p]!, 1e-7));
    return { main: auc(s.main, va.kwLabel), aux: s.aux ? auc(s.aux, va.adLabel) : null, loss: s.main.length > 0 ? loss / s.main.length : Number.NaN };
  };
  const history: AdsEpochInfo[] = [];
  let best = { epoch: -1, score: -Infinity, values: null as Float32Array | null, aux: null as number | null, auc: Number.NaN };
  let stale = 0;
  for (let epoch = 0; epoch < preEpochs + epochs; epoch++) {
    const plan = planEpoch(schedule, { tasks: multi ? 2 : 1, labelled: multi ? labelled : [labelled[0]!], all, batchSize, epoch, seed: o.seed });
    let mainLoss = 0;
    let mainN = 0;
    let auxLoss = 0;
    let auxN = 0;
    for (const step of plan.steps) {
      grads.fill(0);
      const n = step.rows.length;
      for (const r of step.rows) {
        if (r < M) {
          const e = tr.kwExample[r]!;
          const y = tr.kwLabel[r]!;
          const l = net.mainForward(tr.user[e]!, tr.query[e]!, tr.item[e]!, tr.kw[r]!, tr.extra.subarray(e * tr.extraDim, (e + 1) * tr.extraDim));
          mainLoss += logitLoss(l, y);
          mainN++;
          net.mainBackward((sigmoid(l) - y) / n);
        } else {
          const e = r - M;
          const y = tr.adLabel[e]!;
          const l = net.auxForward(tr.user[e]!, tr.query[e]!, tr.item[e]!, tr.kw.subarray(tr.kwStart[e]!, tr.kwStart[e + 1]!), tr.extra.subarray(e * tr.extraDim, (e + 1) * tr.extraDim));
          auxLoss += logitLoss(l, y);
          auxN++;
          net.auxBackward((sigmoid(l) - y) / n);
        }
      }
      adam.step(values, grads);
    }
    const info = { epoch, phase: plan.phase, mainLoss: mainN > 0 ? mainLoss / mainN : Number.NaN, auxLoss: auxN > 0 ? auxLoss / auxN : Number.NaN };
    if (plan.phase === 'pretrain') {
      history.push(info);
      log(`mtl-ads ${o.kind}/${o.schedule}: epoch ${epoch + 1} (pretrain) aux loss ${info.auxLoss.toFixed(4)}`);
      continue;
    }
    const v = validate();
    // A validation cut without both labels has no AUC: select on its main logloss instead.
    // Without validation rows at all, the latest epoch wins.
    const score = !Number.isNaN(v.main) ? v.main : !Number.isNaN(v.loss) ? -v.loss : epoch;
    history.push({ ...info, validationMainAuc: v.main });
    log(
      `mtl-ads ${o.kind}/${o.schedule}: epoch ${epoch + 1} loss ${info.mainLoss.toFixed(4)}/${info.auxLoss.toFixed(4)} validation main AUC ${v.main.toFixed(4)}${v.aux !== null ? ` aux AUC ${v.aux.toFixed(4)}` : ''}`,
    );
    if (score > best.score) {
      best = { epoch, score, values: Float32Array.from(values), aux: v.aux, auc: v.main };
      stale = 0;
    } else if (++stale >= patience) break;
  }
  if (best.values) values.set(best.values);
  let adPositives = 0;
  for (const y of tr.adLabel) adPositives += y;
  let kwPositives = 0;
  for (const y of tr.kwLabel) kwPositives += y;
  return {
    kind: o.kind,
    schedule: o.schedule,
    effectiveSchedule: multi ? o.schedule : 'main-only',
    extraFeatures: extra,
    k,
    pretrainEpochs: preEpochs,
    net,
    index,
    vocab,
    baseCtr: adPositives / tr.n,
    settings: { k, pretrainEpochs: preEpochs, learningRate: lr, batchSize, epochs, patience, seed: o.seed, ...spec, minItemCount: o.minItemCount ?? 2, minKeywordCount: o.minKeywordCount ?? 1 },
    history,
    bestEpoch: best.epoch,
    metrics: {
      validationMainAuc: best.auc,
      validationAuxAuc: best.aux,
      trainExamples: tr.n,
      validationExamples: va.n,
      trainKeywordRows: M,
      trainKeywordPositives: kwPositives,
      trainAdPositives: adPositives,
    },
    trainMs: performance.now() - t0,
  };
}
