import { describeScorerConformance } from '../sdk/conformance';
import { createCommercialScorer } from './commercial';
import { createItemKnnScorer } from './item-knn';

describeScorerConformance(createCommercialScorer());
describeScorerConformance(createItemKnnScorer());
