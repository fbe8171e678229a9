/**
 * Which DUVE a gateway serves (DUVE_VERSION): v1 from DUVE_MODEL_DIR or v2 from DUVE2_MODEL_DIR.
 * Both go through the same UserValueService (boot rebuild from the store, on-event updates, the
 * refresh job with hot swap to a newer version, the published snapshot and value changes) and the
 * same `duve/purchase` scorer; only the artifact line and the engine differ. No artifact: null (DUVE off).
 */
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import type { ValueChange } from '../domain/user-value';
import type { GraphStore } from '../graph/port';
import { latestDuveArtifact } from '../ml/duve/export';
import { DUVE2_INPUTS, latestDuve2Artifact } from '../ml/duve2/export';
import { createDuvePurchaseScorer } from '../plugins/duve/scorer';
import { DUVE_V2_ENGINES } from '../plugins/duve/v2';
import type { ModelSession } from '../plugins/sdk/model';
import { createUserValueService, type UserValueService } from '../services/user-values';

export interface ServedDuve {
  readonly version: 'v1' | 'v2';
  readonly modelDir: string;
  readonly userValues: UserValueService;
  /** `duve/purchase` bound to the served engine (declares the served ONNX file). */
  readonly purchaseScorer: ReturnType<typeof createDuvePurchaseScorer>;
}

export async function openServedDuve(
  config: Pick<Config, 'duveVersion' | 'duveModelDir' | 'duve2ModelDir' | 'valueChangeMinDelta'>,
  o: {
    readonly store: GraphStore;
    readonly loadModel: (uri: string) => Promise<ModelSession>;
    readonly publish: (changes: readonly ValueChange[]) => Promise<unknown>;
    readonly logger: Logger;
    readonly clock?: () => number;
  },
): Promise<ServedDuve | null> {
  const common = { store: o.store, loadModel: o.loadModel, minDelta: config.valueChangeMinDelta, publish: o.publish, logger: o.logger, ...(o.clock ? { clock: o.clock } : {}) };
  // Operator paths (DUVE_MODEL_DIR, DUVE2_MODEL_DIR) are relative to the working directory: made absolute so MODELS_DIR does not apply to them.
  if (config.duveVersion === 'v2') {
    const modelDir = config.duve2ModelDir;
    const artifact = await latestDuve2Artifact(modelDir);
    if (artifact === null) return null;
    const userValues = await createUserValueService({ ...common, artifact, modelDir, engines: DUVE_V2_ENGINES });
    const columns = artifact.model.v1.features.map((f) => f.name);
    return {
      version: 'v2',
      modelDir,
      userValues,
      purchaseScorer: createDuvePurchaseScorer(() => userValues.engine(), {
        modelUri: resolve(artifact.onnxPath),
        columns,
        otherInputs: DUVE2_INPUTS.filter((i) => i !== 'features'),
      }),
    };
  }
  const modelDir = config.duveModelDir;
  const artifact = await latestDuveArtifact(modelDir);
  if (artifact === null) return null;
  const userValues = await createUserValueService({ ...common, artifact, modelDir });
  const columns = artifact.model.features.map((f) => f.name);
  return { version: 'v1', modelDir, userValues, purchaseScorer: createDuvePurchaseScorer(() => userValues.engine(), { modelUri: resolve(artifact.onnxPath), columns }) };
}
