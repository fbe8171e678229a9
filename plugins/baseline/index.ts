export { createCommercialScorer, type CommercialOptions } from './commercial';
export { createItemKnnScorer, type ItemKnnOptions } from './item-knn';
