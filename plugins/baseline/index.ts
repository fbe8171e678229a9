export { createCommercialScorer, type CommercialOptions } from './commercial';
export { createItemKnnScorer, type ItemKnnOptions } from './item-knn';
export { createAffinityScorer, type AffinityOptions } from './affinity';
export { createPopularityScorer } from './popularity';
export { createRfmScorer, type RfmOptions } from './rfm';
