import { describeScorerConformance } from '../sdk/conformance';
import { createAffinityScorer } from './affinity';
import { createCommercialScorer } from './commercial';
import { createItemKnnScorer } from './item-knn';
import { createPopularityScorer } from './popularity';
import { createRfmScorer } from './rfm';

describeScorerConformance(createCommercialScorer());
describeScorerConformance(createItemKnnScorer());
describeScorerConformance(createRfmScorer());
describeScorerConformance(createPopularityScorer());
describeScorerConformance(createAffinityScorer());
