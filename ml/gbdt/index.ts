/** Gradient-boosted decision trees (regression, logloss, LambdaMART) with JSON and ONNX export. */
export { GBDT_DEFAULTS } from './types';
export type { GbdtDataset, GbdtModel, GbdtModelJson, GbdtObjective, GbdtParams, GbdtTrainResult, GbdtTree, GbdtTreeJson } from './types';
export { trainGbdt } from './train';
export { gbdtFromJSON } from './model';
export { gbdtToOnnx, type GbdtOnnxOptions } from './onnx';
export { syntheticRanking, type SyntheticRankingOptions } from './synthetic';
export { ndcgAt } from './lambdarank';
