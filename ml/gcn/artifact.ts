/**
 * `dpgcn/graph` artifacts: `<root>/dpgcn/<version>/` in the mf-embeddings format (ml/mf/artifact.ts):
 * embeddings.bin holds the FINAL propagated embeddings, row-normalised (so ⟨user, item⟩ is the
 * cosine the model was trained on), manifest.json the settings, seed, data digest, training record
 * and metrics. Versions only go up. A graph with more node types adds `queries.bin`, `categories.bin`
 * and `terms.bin` (same encoding, one row per id in `manifest.queryIds` / `categoryIds` / `termIds`),
 * and a trained fusion network adds `fusion.onnx` and `manifest.fusion`.
 */
import { createHash } from 'node:crypto';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { stageFiles } from '../artifacts';
import { buildMfManifest, MF_EMBEDDINGS, MF_MANIFEST, type StagedArtifact, type StagedManifest } from '../mf/artifact';
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

/** Final row-normalised embeddings of one more node type: `ids.length` rows of the model's dims. */
export interface GcnNodeTable {
  readonly ids: readonly string[];
  readonly values: Float32Array;
}

/** The fusion network (ml/fusion) and what the manifest says about it (artifact contract, `manifest.fusion`). */
export interface GcnFusionPart {
  readonly onnx: Uint8Array;
  readonly columns: readonly string[];
  readonly alpha: number;
  readonly alphaRange: readonly [number, number];
  readonly metrics: Readonly<Record<string, number>>;
}

/** File and manifest key of each optional node table. */
export const GCN_NODE_FILES = {
  queries: { file: 'queries.bin', ids: 'queryIds' },
  categories: { file: 'categories.bin', ids: 'categoryIds' },
  terms: { file: 'terms.bin', ids: 'termIds' },
} as const;
export const GCN_FUSION_FILE = 'fusion.onnx';

export interface GcnArtifactMeta {
  readonly userIds: readonly string[];
  readonly itemIds: readonly string[];
  /** Where the data came from (file, format, store, trainEnd, relation counts, ...). */
  readonly source: Readonly<Record<string, unknown>>;
  readonly digest: string;
  readonly metrics: Readonly<Record<string, number>>;
  readonly createdBy: string;
  /** Settings beyond the GCN's own (graph weights, relation scales, ...), merged into hyperParameters. */
  readonly graphSettings?: Readonly<Record<string, unknown>>;
  /** Embeddings of the other node types (written only when non-empty). */
  readonly nodes?: Partial<Record<keyof typeof GCN_NODE_FILES, GcnNodeTable>>;
  readonly fusion?: GcnFusionPart;
}

function littleEndian(values: Float32Array): Buffer {
  if (endianness() === 'LE') return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  const buf = Buffer.alloc(values.byteLength);
  for (let i = 0; i < values.length; i++) buf.writeFloatLE(values[i]!, i * 4);
  return buf;
}

/** Stage the final model of a selection run; publish() moves it to the next version. */
export async function stageGcnArtifact(root: string, r: SelectResult, meta: GcnArtifactMeta): Promise<StagedArtifact> {
  const f = r.final;
  const round = (x: number): number => Number(x.toPrecision(6));
  const base: StagedManifest = {
    model: GCN_MODEL_ID,
    userIds: meta.userIds,
    itemIds: meta.itemIds,
    seed: f.seed,
    hyperParameters: { ...f.hyper, objective: 'sampled softmax over cosine, shared uniform negatives', optimiser: 'adam', scoring: 'cosine of final embeddings', ...meta.graphSettings },
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
  };
  const model = f.model;
  const files: Record<string, Uint8Array | string> = { [MF_EMBEDDINGS]: Buffer.concat([littleEndian(model.users), littleEndian(model.items)]) };
  const extra: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(GCN_NODE_FILES) as [keyof typeof GCN_NODE_FILES, (typeof GCN_NODE_FILES)[keyof typeof GCN_NODE_FILES]][]) {
    const t = meta.nodes?.[key];
    if (!t || t.ids.length === 0) continue;
    if (t.values.length !== t.ids.length * model.dims) throw new RangeError(`${key}: ${t.values.length} values for ${t.ids.length} ids x ${model.dims} dims`);
    files[spec.file] = littleEndian(t.values);
    extra[spec.ids] = t.ids;
  }
  if (meta.fusion) {
    const { onnx, ...rest } = meta.fusion;
    files[GCN_FUSION_FILE] = onnx;
    extra['fusion'] = { file: GCN_FUSION_FILE, ...rest };
  }
  const manifest = (version: number, metrics: Readonly<Record<string, number>>): unknown => ({ ...buildMfManifest(model, { ...base, metrics }, version), ...extra });
  const staged = await stageFiles(join(root, GCN_ARTIFACT_NAME), { ...files, [MF_MANIFEST]: JSON.stringify(manifest(0, meta.metrics)) }, MF_MANIFEST);
  return {
    dir: staged.dir,
    publish: (metrics = meta.metrics) => staged.publish((version) => manifest(version, metrics)),
    discard: () => staged.discard(),
  };
}
