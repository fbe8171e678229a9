/**
 * Train `dpgcn/graph` for ranking/full: settings are checked on a seeded holdout of 10% of each
 * user's TRAIN items (the split has no validation part; the test split is never looked at), the
 * best epoch count is kept, and the model is retrained on all train items (ml/gcn/select.ts). The
 * artifact is staged now and published after evaluation, with the test metrics in its manifest.
 */
import type { StagedArtifact } from '../../../ml/mf/artifact';
import { dataDigest, stageGcnArtifact } from '../../../ml/gcn/artifact';
import { trainWithSelection, type SelectResult } from '../../../ml/gcn/select';
import type { GcnHyperParameters } from '../../../ml/gcn/train';
import type { InteractionSplit } from '../../datasets/gowalla';

export interface DpgcnStepOptions {
  readonly seed: number;
  readonly hyper: Partial<GcnHyperParameters>;
  readonly modelsDir: string;
  readonly log: (line: string) => void;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface DpgcnStep {
  readonly result: SelectResult;
  readonly staged: StagedArtifact;
}

export async function trainDpgcnStep(split: InteractionSplit, o: DpgcnStepOptions): Promise<DpgcnStep> {
  const data = { numUsers: split.numUsers, numItems: split.numItems, indptr: split.train.indptr, items: split.train.items };
  const result = await trainWithSelection(data, {
    ...o.hyper,
    seed: o.seed,
    onEpoch: (phase, e) =>
      o.log(
        `dpgcn/graph ${phase} epoch ${e.epoch}: loss ${e.loss.toFixed(4)} in ${(e.ms / 1000).toFixed(1)} s${e.validRecall !== undefined ? `, held-out Recall@20 ${e.validRecall.toFixed(4)}` : ''}`,
      ),
  });
  const { best } = result.selection;
  o.log(
    `dpgcn/graph: best held-out Recall@20 ${best.recall.toFixed(4)} at epoch ${best.epoch} (selection ${(result.selection.trainMs / 1000).toFixed(1)} s); final model ${best.epoch} epochs on all train items in ${(result.final.trainMs / 1000).toFixed(1)} s`,
  );
  const staged = await stageGcnArtifact(o.modelsDir, result, {
    userIds: split.userIds,
    itemIds: split.itemIds,
    source: o.data,
    digest: dataDigest(data),
    metrics: {},
    createdBy: 'eval/protocols/ranking-full',
  });
  return { result, staged };
}

/** The report note on how dpgcn/graph was trained in the run. */
export function dpgcnNote(r: SelectResult, modelsDir: string): string {
  const h = r.final.hyper;
  const s = r.selection;
  const epochMs = r.final.history.reduce((a, e) => a + e.ms, 0) / Math.max(1, r.final.history.length);
  return (
    `dpgcn/graph trained in this run: LightGCN propagation (${h.layers} layers, α = 1/${h.layers + 1}, d = ${h.dims}) over the user–item graph, ` +
    `sampled softmax over cosines (τ = ${h.tau}, ${h.negatives} uniform negatives shared by ${h.usersPerGroup} users), Adam lr ${h.learningRate}, L2 ${h.l2}, ` +
    `${h.usersPerStep} users with all their train pairs per step (one forward and one backward propagation per step). ` +
    `Settings were chosen on a seeded holdout of ${s.holdout * 100}% of each user's TRAIN items (the split has no validation part; test is not used): ` +
    `best held-out Recall@20 ${s.best.recall.toFixed(4)} at epoch ${s.best.epoch} (${s.validUsers} users checked; selection run ${(s.trainMs / 1000).toFixed(1)} s), ` +
    `then retrained on all train items for ${r.final.history.length} epochs in ${(r.final.trainMs / 1000).toFixed(1)} s (${(epochMs / 1000).toFixed(1)} s/epoch); artifact under ${modelsDir}/dpgcn.`
  );
}
