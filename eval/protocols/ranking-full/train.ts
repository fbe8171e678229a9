/**
 * Train `mf/bpr` on the split's train part and stage its artifact (published after evaluation,
 * with the evaluation's metrics in the manifest).
 */
import { stageMfArtifact, type StagedArtifact } from '../../../ml/mf/artifact';
import { BPR_DEFAULTS, trainBpr, type BprHyperParameters, type BprTrainResult } from '../../../ml/mf/bpr';
import type { InteractionSplit } from '../../datasets/gowalla';
import { createProgress } from './progress';

export interface TrainStepOptions {
  readonly seed: number;
  readonly hyper: Partial<BprHyperParameters>;
  /** Root of the versioned artifacts (`<modelsDir>/mf-bpr/<version>`). */
  readonly modelsDir: string;
  readonly progress: boolean;
  readonly log: (line: string) => void;
  /** Where the data came from, recorded in the manifest. */
  readonly data: Readonly<Record<string, unknown>>;
}

export interface TrainStep {
  readonly result: BprTrainResult;
  readonly staged: StagedArtifact;
}

export const BPR_ARTIFACT_NAME = 'mf-bpr';

export async function trainBprStep(split: InteractionSplit, opts: TrainStepOptions): Promise<TrainStep> {
  const epochs = opts.hyper.epochs ?? BPR_DEFAULTS.epochs;
  const bar = createProgress('mf/bpr train', split.train.items.length * epochs, opts.progress, ' pairs');
  let note = '';
  const result = await trainBpr(
    { numUsers: split.numUsers, numItems: split.numItems, indptr: split.train.indptr, items: split.train.items },
    {
      ...opts.hyper,
      seed: opts.seed,
      onProgress: (done) => bar.update(done, note),
      onEpoch: (e) => {
        note = `| epoch ${e.epoch} loss ${e.loss.toFixed(4)}`;
        if (!opts.progress) opts.log(`mf/bpr epoch ${e.epoch}: loss ${e.loss.toFixed(5)} in ${(e.ms / 1000).toFixed(2)} s`);
      },
    },
  );
  bar.stop();
  const h = result.history;
  const meanEpochMs = h.length > 0 ? h.reduce((s, e) => s + e.ms, 0) / h.length : 0;
  opts.log(`mf/bpr trained: ${h.length} epochs in ${(result.trainMs / 1000).toFixed(1)} s (${(meanEpochMs / 1000).toFixed(2)} s/epoch), final loss ${h.at(-1)?.loss.toFixed(5) ?? 'n/a'}`);
  const staged = await stageMfArtifact(opts.modelsDir, BPR_ARTIFACT_NAME, result.model, {
    model: 'mf/bpr',
    userIds: [...split.userIds],
    itemIds: [...split.itemIds],
    seed: opts.seed,
    hyperParameters: { ...result.hyper },
    training: {
      epochs: h.length,
      trainMs: Math.round(result.trainMs),
      meanEpochMs: Math.round(meanEpochMs),
      loss: h.map((e) => Number(e.loss.toPrecision(6))),
      epochMs: h.map((e) => Math.round(e.ms)),
      data: opts.data,
    },
    metrics: {},
    createdBy: 'eval/protocols/ranking-full',
  });
  return { result, staged };
}
