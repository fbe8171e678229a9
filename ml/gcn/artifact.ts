/**
 * `dpgcn/graph` artifacts: `<root>/dpgcn/<version>/` in the mf-embeddings format (ml/mf/artifact.ts):
 * embeddings.bin holds the FINAL propagated embeddings, row-normalised (so ⟨user, item⟩ is the
 * cosine the model was trained on), manifest.json the settings, seed, data digest, training record
 * and metrics. Versions only go up.
 */
import { createHash } from 'node:crypto';
import { stageMfArtifact, type StagedArtifact } from '../mf/artifact';
import type { GcnGraphData } from './objective';
import type { SelectResult } from './select';

export const GCN_ARTIFACT_NAME = 'dpgcn';
export const GCN_MODEL_ID = 'dpgcn/graph';

/** sha256 over the interaction CSR (shape, row pointers, items): the same data gives the same digest. */
export function dataDigest(data: GcnGraphData): string {
  const h = createHash('sha256');
  h.update(`${data.numUsers}x${data.numItems};`);
  h.update(new Uint8Array(data.indptr.buffer, data.indptr.byteOffset, data.indptr.byteLength));
  h.update(new Uint8Array(data.items.buffer, data.items.byteOffset, data.items.byteLength));
  return `sha256:${h.digest('hex')}`;
}

export interface GcnArtifactMeta {
  readonly userIds: readonly string[];
  readonly itemIds: readonly string[];
  /** Where the data came from (file, format, ...). */
  readonly source: Readonly<Record<string, unknown>>;
  readonly digest: string;
  readonly metrics: Readonly<Record<string, number>>;
  readonly createdBy: string;
}

/** Stage the final model of a selection run; publish() moves it to the next version. */
export function stageGcnArtifact(root: string, r: SelectResult, meta: GcnArtifactMeta): Promise<StagedArtifact> {
  const f = r.final;
  const round = (x: number): number => Number(x.toPrecision(6));
  return stageMfArtifact(root, GCN_ARTIFACT_NAME, f.model, {
    model: GCN_MODEL_ID,
    userIds: meta.userIds,
    itemIds: meta.itemIds,
    seed: f.seed,
    hyperParameters: { ...f.hyper, objective: 'sampled softmax over cosine, shared uniform negatives', optimiser: 'adam', scoring: 'cosine of final embeddings' },
    training: {
      epochs: f.history.length,
      trainMs: Math.round(f.trainMs),
      loss: f.history.map((e) => round(e.loss)),
      epochMs: f.history.map((e) => Math.round(e.ms)),
      selection: {
        holdout: r.selection.holdout,
        validUsers: r.selection.validUsers,
        bestEpoch: r.selection.best.epoch,
        bestRecall20: round(r.selection.best.recall),
        validRecall: r.selection.history.filter((e) => e.validRecall !== undefined).map((e) => [e.epoch, round(e.validRecall!)]),
        trainMs: Math.round(r.selection.trainMs),
      },
      data: { ...meta.source, digest: meta.digest },
    },
    metrics: meta.metrics,
    createdBy: meta.createdBy,
  });
}
