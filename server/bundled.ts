/** The scorer plugins that ship with the gateway. */
import { createAffinityScorer, createCommercialScorer, createItemKnnScorer } from '../plugins/baseline';
import type { ScorerPlugin } from '../plugins/sdk/contract';

export function bundledScorers(): ScorerPlugin[] {
  return [createCommercialScorer(), createItemKnnScorer(), createAffinityScorer()] as ScorerPlugin[];
}
