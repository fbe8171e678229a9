/**
 * The scorer a published manifest becomes: no code, only the manifest's standard-column layouts
 * and the ONNX model's bytes (already admitted, so no `model` declaration to check again). Each
 * request builds every input's tensor from the declared features and runs the model once.
 */
import { columnLayout, type ColumnFeatures } from '../plugins/sdk/columns';
import type { ScorerPlugin } from '../plugins/sdk/contract';
import type { FeatureKey } from '../plugins/sdk/features';
import type { DenseTensor, ModelSession } from '../plugins/sdk/model';
import type { ScorerManifest } from './manifest';

/** A scorer plugin serving `modelBytes` as the manifest describes; `loadModelBytes` opens it at setup (the gateway passes loadOnnxModelBytes). */
export function createPublishedScorer(
  manifest: ScorerManifest,
  modelBytes: Uint8Array,
  loadModelBytes: (bytes: Uint8Array) => Promise<ModelSession>,
): ScorerPlugin<readonly FeatureKey[], Float32Array> {
  const layouts = manifest.inputs.map((input) => ({ name: input.name, layout: columnLayout(input.columns) }));
  const output = manifest.output.name;
  return {
    id: manifest.id,
    version: manifest.version,
    features: manifest.features,
    timeoutMs: manifest.timeoutMs,
    async setup() {
      const session = await loadModelBytes(modelBytes);
      return {
        async score({ itemIds, features, now, signal }) {
          const n = itemIds.length;
          if (n === 0) return new Float32Array(0);
          const feeds: Record<string, DenseTensor> = {};
          for (const { name, layout } of layouts) feeds[name] = layout.tensor(features as ColumnFeatures, n, now);
          if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
          const out = (await session.run(feeds))[output];
          if (!out) throw new Error(`model output "${output}" missing`);
          return out.data instanceof Float32Array ? out.data : Float32Array.from(out.data);
        },
        close: () => session.close(),
      };
    },
  };
}
