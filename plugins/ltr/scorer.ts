/**
 * `ltr/lambdamart`: the learned ranker. A second-stage scorer: it reads the strategy's other
 * scorers' raw outputs plus item, user-item, category, co-interaction and retrieval features
 * (plugins/ltr/features.ts), and scores every candidate with a LambdaMART tree ensemble served by
 * onnxruntime-node (TreeEnsembleRegressor). Trained by `train ranker` (ml/ltr).
 *
 * In a strategy, give it the weight and list the first-stage scorers with weight 0: they run as
 * its features and show in the explanation with weight 0.
 * ```json
 * { "scorers": [{ "id": "ltr/lambdamart", "weight": 1 }, { "id": "baseline/commercial", "weight": 0 }, ...] }
 * ```
 */
import { join } from 'node:path';
import { defineScorer, type ScorerPlugin } from '../sdk/contract';
import type { ModelSession } from '../sdk/model';
import { LTR_INPUT, LTR_OUTPUT, latestLtrDir, readLtrManifest, type LtrManifest } from './artifact';
import { LTR_FEATURE_KEYS, ltrFeatureNames, ltrFeatures } from './features';

export const LTR_SCORER_ID = 'ltr/lambdamart';

export interface LtrScorerOptions {
  /** The artifact version directory (e.g. `models/ltr/3`). Required. */
  readonly dir: string;
  /** Its manifest (read with readLtrManifest). Required. */
  readonly manifest: LtrManifest;
  /** Per-request deadline (ms). Default: the gateway's. */
  readonly timeoutMs?: number;
}

/** The plugin for one artifact version. Its version is `1.<artifact version>.0`. */
export function createLtrScorer(opts: LtrScorerOptions): ScorerPlugin<typeof LTR_FEATURE_KEYS> {
  const { manifest } = opts;
  const expected = ltrFeatureNames(manifest.scorerIds);
  if (expected.length !== manifest.featureNames.length || expected.some((n, i) => n !== manifest.featureNames[i])) {
    throw new RangeError(`ranker artifact ${opts.dir} was built with another feature layout; retrain it with this gateway's train ranker`);
  }
  const d = expected.length;
  return defineScorer({
    id: LTR_SCORER_ID,
    version: `1.${manifest.version}.0`,
    features: LTR_FEATURE_KEYS,
    model: { uri: join(opts.dir, manifest.onnx.file), inputs: [LTR_INPUT] },
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    async setup(ctx) {
      const session: ModelSession = await ctx.loadModel(join(opts.dir, manifest.onnx.file));
      return {
        async score({ itemIds, features, now, signal }) {
          const x = ltrFeatures(features, itemIds, now, { scorerIds: manifest.scorerIds, halfLifeMs: manifest.halfLifeMs });
          if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
          const out = await session.run({ [LTR_INPUT]: { data: x, dims: [itemIds.length, d] } });
          const y = out[LTR_OUTPUT] ?? Object.values(out)[0];
          if (!y) throw new Error('the model returned no output');
          return Float32Array.from(y.data);
        },
        async close() {
          await session.close();
        },
      };
    },
  });
}

/** The plugin for the highest version under `parent` (e.g. `models/ltr`), or null when none is published. */
export async function latestLtrScorer(parent: string, opts: { timeoutMs?: number } = {}): Promise<ScorerPlugin<typeof LTR_FEATURE_KEYS> | null> {
  const dir = await latestLtrDir(parent);
  if (dir === null) return null;
  return createLtrScorer({ dir, manifest: await readLtrManifest(dir), ...opts });
}
