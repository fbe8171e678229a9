/** The scorer plugins that ship with the gateway. */
import { loadOnnxModel } from '../ml/onnx/session';
import { createAffinityScorer, createCommercialScorer, createItemKnnScorer } from '../plugins/baseline';
import { latestDpgcnDir, readDpgcnArtifact } from '../plugins/dpgcn/artifact';
import type { FusionPolicy } from '../plugins/dpgcn/policy-contract';
import { createDpgcnScorer, DPGCN_SCORER_ID } from '../plugins/dpgcn/scorer';
import { latestLtrScorer } from '../plugins/ltr/scorer';
import type { PluginLogger, ScorerPlugin } from '../plugins/sdk/contract';

export function bundledScorers(): ScorerPlugin[] {
  return [createCommercialScorer(), createItemKnnScorer(), createAffinityScorer()];
}

/**
 * The learned ranker of the highest artifact version under `dir`, or null when there is none or
 * it cannot be served (unreadable manifest, other feature layout, a model file onnxruntime
 * refuses): an optional plugin never stops the gateway from booting; the reason is logged.
 * The plugin watches `dir` and swaps to a higher version (`train ranker`, or its retrain job)
 * at most every `watchEveryMs`.
 */
export async function loadLtrPlugin(dir: string, logger: PluginLogger, watchEveryMs = 30_000): Promise<ScorerPlugin | null> {
  try {
    const plugin = await latestLtrScorer(dir, { watchEveryMs });
    if (plugin === null) {
      logger.info({ modelDir: dir }, 'no learned ranker artifact: ltr/lambdamart is off (train one with `node dist/cli/main.js train ranker`)');
      return null;
    }
    const session = await loadOnnxModel(plugin.model!.uri);
    await session.close();
    return plugin;
  } catch (err) {
    logger.error({ modelDir: dir, err: (err as Error).message }, 'learned ranker artifact not served');
    return null;
  }
}

/**
 * `dpgcn/graph` over the versions under `root` (DPGCN_MODELS_DIR), or null when `root` is empty,
 * holds no version, or its newest version cannot be read (logged; the gateway boots without it).
 * `policy` picks the fusion weight per request (the DDPG service's policy); without one the
 * artifact's fitted α is used. The scorer swaps to a higher version at most every `watchEveryMs`.
 */
export async function loadDpgcnPlugin(root: string, logger: PluginLogger, opts: { policy?: FusionPolicy; watchEveryMs?: number } = {}): Promise<ScorerPlugin | null> {
  if (root === '') {
    logger.info({}, `DPGCN_MODELS_DIR is empty: ${DPGCN_SCORER_ID} is off`);
    return null;
  }
  try {
    const dir = await latestDpgcnDir(root);
    if (dir === null) {
      logger.info({ modelDir: root }, `no DP-GCN artifact: ${DPGCN_SCORER_ID} is off (train one with \`node dist/cli/main.js train dpgcn\`)`);
      return null;
    }
    // Read once here so a broken artifact is logged and skipped rather than failing registration.
    const art = await readDpgcnArtifact(dir);
    logger.info(
      {
        modelDir: root,
        version: art.manifest.version,
        users: art.userRow.size,
        items: art.itemRow.size,
        fusion: art.manifest.fusion ? art.manifest.fusion.alpha : null,
        policy: opts.policy !== undefined,
      },
      `${DPGCN_SCORER_ID} serves version ${art.manifest.version}`,
    );
    return createDpgcnScorer({
      artifactDir: root,
      loadModel: loadOnnxModel,
      ...(opts.policy ? { policy: opts.policy } : {}),
      ...(opts.watchEveryMs !== undefined ? { watchMs: opts.watchEveryMs } : {}),
    });
  } catch (err) {
    logger.error({ modelDir: root, err: (err as Error).message }, 'DP-GCN artifact not served');
    return null;
  }
}
