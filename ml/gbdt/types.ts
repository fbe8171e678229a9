/**
 * Public types of the gradient-boosted decision tree library (ml/gbdt): parameters, datasets,
 * trees, models and their JSON form.
 *
 * Missing values: a NaN feature value is "missing". Every split stores a default direction
 * (`defaultLeft`), learned in training by trying missing-left and missing-right and keeping the
 * larger gain; when the node saw no missing value in training, missing goes right. `predict()`
 * and the ONNX export (`nodes_missing_value_tracks_true`) route NaN the same way.
 * Split rule: a row goes left when `x <= threshold` (thresholds are float32 values), so a
 * float32 input meets the same comparison in `predict()` and in onnxruntime. Thresholds are finite
 * (at most the largest float32), so +Infinity goes right at every split, in both.
 */

export type GbdtObjective = 'regression' | 'binary' | 'lambdarank';

export interface GbdtParams {
  /** Loss: squared error, logloss (raw scores are log-odds), or LambdaMART NDCG. Default 'lambdarank'. */
  objective: GbdtObjective;
  /** Maximum boosting rounds. Default 300. */
  trees: number;
  /** Shrinkage applied to every leaf value. Default 0.05. */
  learningRate: number;
  /** Maximum leaves per tree; trees grow leaf-wise, best gain first. Default 31. */
  numLeaves: number;
  /** Maximum depth of a leaf (the root is depth 0). Default 8. */
  maxDepth: number;
  /** Minimum (bagged) rows in a leaf. Default 20. */
  minDataInLeaf: number;
  /** Minimum sum of hessians in a leaf. Default 1e-3. */
  minSumHessianInLeaf: number;
  /** L2 penalty on leaf values: value = −G/(H+λ). Default 1. */
  lambdaL2: number;
  /** A split must gain more than this. Default 0. */
  minGainToSplit: number;
  /** Fraction of features each tree may split on, drawn per tree from the seed. Default 1. */
  featureFraction: number;
  /** Fraction of rows each tree is grown on, drawn per tree (lambdarank: whole groups). Default 1. */
  baggingFraction: number;
  /** Quantile histogram bins per feature (at most 255; missing has its own extra bin). Default 63. */
  maxBins: number;
  /** Stop when the validation metric has not improved for this many rounds; 0 = off. Default 30. */
  earlyStoppingRounds: number;
  /** Lambdarank truncation k and the lambdarank metric NDCG@k. Default 10. */
  ndcgAt: number;
  /** Lambdarank: LightGBM's lambdarank_norm (divide pair weights by 0.01+|Δscore|, scale each group's lambdas by log2(1+Σ)/Σ). Default true. */
  lambdarankNorm: boolean;
  /** Rows sampled per feature to find quantile bin edges. Default 200000. */
  binSampleSize: number;
  /** Seed of feature and row sampling. Default 42. */
  seed: number;
}

export const GBDT_DEFAULTS: Readonly<GbdtParams> = Object.freeze({
  objective: 'lambdarank',
  trees: 300,
  learningRate: 0.05,
  numLeaves: 31,
  maxDepth: 8,
  minDataInLeaf: 20,
  minSumHessianInLeaf: 1e-3,
  lambdaL2: 1,
  minGainToSplit: 0,
  featureFraction: 1,
  baggingFraction: 1,
  maxBins: 63,
  earlyStoppingRounds: 30,
  ndcgAt: 10,
  lambdarankNorm: true,
  binSampleSize: 200000,
  seed: 42,
});

export interface GbdtDataset {
  /** Row-major n × d features; NaN = missing. */
  readonly x: Float32Array;
  readonly n: number;
  readonly d: number;
  /** Regression target, 0/1 for binary, graded relevance (0, 1, 2, …) for lambdarank. */
  readonly y: Float32Array;
  /** Lambdarank: sizes of consecutive query groups, summing to n. */
  readonly groups?: Uint32Array;
  readonly featureNames: readonly string[];
}

/**
 * One tree in flat arrays. Internal node i splits on `splitFeature[i]` at `threshold[i]`;
 * a child reference c ≥ 0 is an internal node, c < 0 is leaf ~c. A tree with no split has one
 * leaf and empty node arrays.
 */
export interface GbdtTree {
  readonly splitFeature: Int32Array;
  readonly threshold: Float32Array;
  /** 1 when missing (NaN) goes left. */
  readonly defaultLeft: Uint8Array;
  readonly leftChild: Int32Array;
  readonly rightChild: Int32Array;
  /** Training gain of each split (for feature importance). */
  readonly splitGain: Float64Array;
  /** Leaf values, learning rate applied, float32 so that ONNX holds the same numbers. */
  readonly leafValue: Float32Array;
  /** Training rows that reached each leaf. */
  readonly leafCount: Uint32Array;
}

export interface GbdtTreeJson {
  splitFeature: number[];
  threshold: number[];
  defaultLeft: number[];
  leftChild: number[];
  rightChild: number[];
  splitGain: number[];
  leafValue: number[];
  leafCount: number[];
}

export interface GbdtModelJson {
  format: 'recgate-gbdt';
  version: 1;
  objective: GbdtObjective;
  featureNames: string[];
  baseScore: number;
  trees: GbdtTreeJson[];
}

export interface GbdtModel {
  readonly objective: GbdtObjective;
  readonly featureNames: readonly string[];
  readonly baseScore: number;
  /** Truncated to the best iteration. */
  readonly trees: readonly GbdtTree[];
  /** Raw scores (no sigmoid) of n row-major rows of featureNames.length features. */
  predict(x: Float32Array, n: number): Float32Array;
  /** Total split gain and split count per feature, sorted by gain descending. */
  featureImportance(): Array<{ feature: string; gain: number; splits: number }>;
  toJSON(): GbdtModelJson;
}

export interface GbdtTrainResult {
  readonly model: GbdtModel;
  /** Trees kept: the round (1-based) with the best validation metric under early stopping, else every round. */
  readonly bestIteration: number;
  /** Per round: training metric and validation metric (RMSE, logloss, or NDCG@k). */
  readonly history: ReadonlyArray<{ iteration: number; train: number; valid?: number }>;
}
