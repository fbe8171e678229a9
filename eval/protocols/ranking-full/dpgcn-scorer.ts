/**
 * `dpgcn/graph` as ranking/full evaluates it: score(u, c) = ⟨E_u, E_c⟩ over the final, row-normalised
 * embeddings of a dpgcn artifact (ml/gcn/artifact.ts), i.e. the cosine the model was trained on.
 * An unknown user or candidate scores 0. Serving it in the gateway (plugins/dpgcn/) is a later step
 * of issue 12; this scorer is the evaluation's, built through the same registry as the others.
 */
import { readMfArtifact } from '../../../ml/mf/artifact';
import { defineScorer } from '../../../plugins/sdk/contract';

export interface DpgcnEmbeddingScorerOptions {
  /** Artifact directory (`models/dpgcn/<version>` or a staged one). Required. */
  readonly artifactDir: string;
}

export function createDpgcnEmbeddingScorer(opts: DpgcnEmbeddingScorerOptions) {
  return defineScorer({
    id: 'dpgcn/graph',
    version: '0.1.0',
    features: [] as const,
    async setup() {
      const { manifest, model } = await readMfArtifact(opts.artifactDir);
      if (manifest.model !== 'dpgcn/graph') throw new Error(`${opts.artifactDir} holds a ${manifest.model} artifact, not dpgcn/graph`);
      const { dims: d, users: U, items: V } = model;
      const userRow = new Map(manifest.userIds.map((id, r) => [id, r]));
      const itemRow = new Map(manifest.itemIds.map((id, r) => [id, r]));
      let lastIds: readonly string[] = [];
      let lastRows = new Int32Array(0);
      return {
        async score({ userId, itemIds }) {
          const out = new Float32Array(itemIds.length);
          const u = userRow.get(userId);
          if (u === undefined) return out;
          // ranking/full passes the same catalogue array for every user: map ids to rows once.
          if (itemIds !== lastIds) {
            lastRows = Int32Array.from(itemIds, (id) => itemRow.get(id) ?? -1);
            lastIds = itemIds;
          }
          const uv = U.subarray(u * d, (u + 1) * d);
          for (let i = 0; i < lastRows.length; i++) {
            const r = lastRows[i]!;
            if (r < 0) continue;
            const io = r * d;
            let a0 = 0;
            let a1 = 0;
            let k = 0;
            for (; k + 1 < d; k += 2) {
              a0 += uv[k]! * V[io + k]!;
              a1 += uv[k + 1]! * V[io + k + 1]!;
            }
            if (k < d) a0 += uv[k]! * V[io + k]!;
            out[i] = a0 + a1;
          }
          return out;
        },
      };
    },
  });
}
