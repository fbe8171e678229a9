/**
 * Publishing a `dpgcn/graph` artifact from tables already in memory, with an optional fusion
 * network: the next version under `root` (ml/artifacts.ts: staged, then an atomic rename). Used
 * by tests and benchmarks (random tables of the right shape) and by any trainer that has the
 * final embeddings and a `trainFusion` result.
 */
import { endianness } from 'node:os';
import { publishArtifact } from '../../ml/artifacts';
import { buildMfManifest, MF_EMBEDDINGS, MF_MANIFEST } from '../../ml/mf/artifact';
import { mulberry32 } from '../../ml/random';
import type { DpgcnFusionManifest, DpgcnManifest } from './artifact';

export const DPGCN_FUSION_FILE = 'fusion.onnx';

export interface DpgcnTables {
  readonly userIds: readonly string[];
  readonly itemIds: readonly string[];
  readonly dims: number;
  readonly users: Float32Array;
  readonly items: Float32Array;
}

export interface PublishDpgcnOptions {
  /** The fusion network and its description (file name is fusion.onnx). Default none. */
  readonly fusion?: { readonly onnx: Uint8Array } & Omit<DpgcnFusionManifest, 'file'>;
  /** Manifest provenance. Default `publishDpgcnArtifact`. */
  readonly createdBy?: string;
  readonly hyperParameters?: Readonly<Record<string, unknown>>;
  readonly training?: Readonly<Record<string, unknown>>;
  readonly metrics?: Readonly<Record<string, number>>;
  readonly seed?: number;
}

/** Row-normalised random tables (a latency stand-in, not a model), seeded. */
export function randomDpgcnTables(userIds: readonly string[], itemIds: readonly string[], dims: number, seed: number): DpgcnTables {
  const rng = mulberry32(seed);
  const table = (n: number): Float32Array => {
    const t = new Float32Array(n * dims);
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let k = 0; k < dims; k++) {
        const v = rng() * 2 - 1;
        t[r * dims + k] = v;
        s += v * v;
      }
      const inv = 1 / Math.sqrt(s || 1);
      for (let k = 0; k < dims; k++) t[r * dims + k] = t[r * dims + k]! * inv;
    }
    return t;
  };
  return { userIds, itemIds, dims, users: table(userIds.length), items: table(itemIds.length) };
}

function le(a: Float32Array): Buffer {
  if (endianness() !== 'LE') throw new Error('publishDpgcnArtifact writes little-endian tables: use ml/mf/artifact.ts on a big-endian host');
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

export async function publishDpgcnArtifact(root: string, t: DpgcnTables, o: PublishDpgcnOptions = {}): Promise<{ dir: string; version: number }> {
  const model = { dims: t.dims, numUsers: t.userIds.length, numItems: t.itemIds.length, users: t.users, items: t.items };
  const files: Record<string, Uint8Array> = { [MF_EMBEDDINGS]: Buffer.concat([le(t.users), le(t.items)]) };
  let fusion: DpgcnFusionManifest | undefined;
  if (o.fusion) {
    const { onnx, ...rest } = o.fusion;
    files[DPGCN_FUSION_FILE] = onnx;
    fusion = { file: DPGCN_FUSION_FILE, ...rest };
  }
  return publishArtifact(
    root,
    files,
    (version): DpgcnManifest => ({
      ...buildMfManifest(
        model,
        {
          model: 'dpgcn/graph',
          userIds: t.userIds,
          itemIds: t.itemIds,
          seed: o.seed ?? 0,
          hyperParameters: o.hyperParameters ?? {},
          training: o.training ?? {},
          metrics: o.metrics ?? {},
          createdBy: o.createdBy ?? 'publishDpgcnArtifact',
        },
        version,
      ),
      ...(fusion ? { fusion } : {}),
    }),
    MF_MANIFEST,
  );
}
