/** The scorer plugins that ship with the gateway. */
import { loadOnnxModel } from '../ml/onnx/session';
import { createAffinityScorer, createCommercialScorer, createItemKnnScorer } from '../plugins/baseline';
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
