/**
 * The learned ranker inside the events/temporal harness: once the harness has loaded the events
 * before the test cut into its training store, `trainRankerFromStore` (the `train ranker`
 * command's code) trains on that store only (its own validation cut is the last `horizonDays`
 * before the test cut; the test window is never read), publishes the artifact into the run's
 * scratch folder, and the run registers `ltr/lambdamart` (served by onnxruntime-node, as the
 * gateway serves it) and adds the learned strategy as the model `strategy:learned`.
 */
import { join } from 'node:path';
import { loadOnnxModel } from '../../ml/onnx/session';
import { trainRankerFromStore, type TrainRankerOptions } from '../../ml/ltr/from-store';
import { createLtrScorer, LTR_SCORER_ID } from '../../plugins/ltr/scorer';
import { bundledScorers } from '../../server/bundled';
import type { TemporalExtension, TemporalTrainingContext } from './events-temporal';

export type LtrExtensionOptions = Partial<Omit<TrainRankerOptions, 'modelDir' | 'plugins' | 'trainEnd' | 'log'>> & {
  /** Model id in the report. Default `strategy:learned`. */
  readonly modelId?: string;
  readonly log?: (line: string) => void;
};

export function ltrExtension(o: LtrExtensionOptions = {}): (ctx: TemporalTrainingContext) => Promise<TemporalExtension> {
  return async (ctx) => {
    const { modelId, log, ...train } = o;
    const r = await trainRankerFromStore(ctx.store, {
      ...train,
      modelDir: join(ctx.scratchDir, 'ltr'),
      plugins: bundledScorers(),
      trainEnd: ctx.cut,
      seed: train.seed ?? ctx.seed,
      createdBy: 'eval events/temporal --ranker',
      ...(log ? { log } : {}),
    });
    const top = r.manifest.importance.slice(0, 8).map((f) => `${f.feature} ${(f.gain / Math.max(1e-12, r.manifest.importance[0]!.gain)).toFixed(2)}`);
    return {
      plugins: [createLtrScorer({ dir: r.dir, manifest: r.manifest })],
      loadModel: loadOnnxModel,
      models: [{ id: modelId ?? 'strategy:learned', role: 'candidate', strategy: r.strategy }],
      trained: [
        {
          scorerId: LTR_SCORER_ID,
          trainMs: Math.round(r.fit.trainMs),
          params: {
            cuts: r.cuts,
            gbdt: r.fit.params,
            validationNdcg: r.fit.validation.trials.map((t) => Number(t.ndcg.toFixed(4))),
            trainLists: r.fit.trainLists,
            candidateRecall: { train: Number(r.retrieval.trainRecall.toFixed(4)), validation: Number(r.retrieval.validRecall.toFixed(4)) },
            replenishableCategories: r.replenishable.length,
          },
        },
      ],
      notes: [
        `Learned ranker (ltr/lambdamart): LambdaMART trained on the training store only. Cuts: training ${r.cuts.train.join(', ')}; validation ${r.cuts.validation} (horizon ${r.cuts.horizonDays} d). Settings chosen on validation NDCG@${r.fit.validation.k}: ${r.fit.validation.trials.map((t) => `${JSON.stringify(t.params)} → ${t.ndcg.toFixed(4)} (${t.bestIteration} trees)`).join('; ')}; refit on training + validation lists with ${r.fit.bestIteration} trees. First-stage columns alone on validation: ${Object.entries(
          r.fit.validation.columns,
        )
          .map(([k, v]) => `${k} ${v.toFixed(4)}`)
          .join(', ')}.`,
        `Learned ranker feature importance (gain, relative to the top feature): ${top.join(', ')}.`,
        ...(r.fit.prune
          ? [
              r.fit.prune.prune
                ? `Learned ranker pruning, chosen on validation: the trees score the top ${r.fit.prune.prune.top} candidates by ${r.fit.prune.prune.scorerId} (validation NDCG@${r.fit.validation.k} ${r.fit.prune.tried.find((t) => t.scorerId === r.fit.prune!.prune!.scorerId && t.top === r.fit.prune!.prune!.top)!.ndcg.toFixed(4)} against ${r.fit.prune.full.toFixed(4)} scoring every candidate; tolerance ${r.fit.prune.tolerance * 100}%); the rest rank below them in that score's order.`
                : `Learned ranker pruning: none (every pruning tried lost more than ${r.fit.prune.tolerance * 100}% of validation NDCG@${r.fit.validation.k}); the trees score every candidate.`,
            ]
          : []),
      ],
      close: async () => {},
    };
  };
}
