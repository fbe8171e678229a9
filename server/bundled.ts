/** The scorer plugins that ship with the gateway. */
import { createCommercialScorer, createItemKnnScorer } from '../plugins/baseline';
import type { ScorerPlugin } from '../plugins/sdk/contract';

export function bundledScorers(): ScorerPlugin[] {
  return [createCommercialScorer(), createItemKnnScorer()] as ScorerPlugin[];
}
