/**
 * A starting point for a published scorer: a manifest and a real linear (optionally logistic)
 * ONNX model over standard columns, for `scorer init`. Pure: the caller writes the files.
 */
import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';
import { encodeOnnxModel, linearModelSpec } from '../ml/onnx/export';
import { standardColumn } from '../plugins/sdk/columns';
import type { FeatureKey } from '../plugins/sdk/features';
import { parseManifest, type ScorerManifest } from './manifest';

export interface LinearScorerOptions {
  /** Namespaced id (`namespace/name`). Required. */
  readonly id: string;
  /** Standard column names, in order (at least one). Required. */
  readonly columns: readonly string[];
  /** One weight per column. Default 1/k each (k columns). */
  readonly weights?: readonly number[];
  /** Bias added to the weighted sum. Default 0. */
  readonly bias?: number;
  /** Apply a sigmoid, making a logistic model whose output means a probability. Default false. */
  readonly sigmoid?: boolean;
  /** Semantic version. Default `1.0.0`. */
  readonly version?: string;
}

/** The ONNX input and output names of a scaffolded model. */
export const SCAFFOLD_INPUT = 'features';
export const SCAFFOLD_OUTPUT = 'score';

/**
 * A manifest (checked by parseManifest: an unknown column is INVALID_MANIFEST naming
 * `inputs[0].columns[j]`) and the model's bytes: input `features` float32 [N, k], output
 * `score` [N, 1] = sigmoid?(features · w + b).
 */
export function scaffoldLinearScorer(opts: LinearScorerOptions): { manifest: ScorerManifest; modelBytes: Uint8Array } {
  const k = opts.columns.length;
  const features = [...new Set(opts.columns.flatMap((c): readonly FeatureKey[] => standardColumn(c)?.features ?? []))];
  const manifest = parseManifest({
    id: opts.id,
    version: opts.version ?? '1.0.0',
    description: `${opts.sigmoid ? 'logistic' : 'linear'} model over ${k} standard column${k === 1 ? '' : 's'} (scorer init)`,
    features,
    inputs: [{ name: SCAFFOLD_INPUT, columns: opts.columns }],
    output: { name: SCAFFOLD_OUTPUT, meaning: opts.sigmoid ? 'probability' : 'score' },
    timeoutMs: 50,
  });
  const weights = opts.weights ?? Array.from({ length: k }, () => 1 / k);
  if (weights.length !== k || weights.some((w) => !Number.isFinite(w))) {
    throw new CodedError(ErrorCode.BAD_USER_INPUT, `weights: ${weights.length} values for ${k} columns (one finite weight per column)`, { field: 'weights' });
  }
  const bias = opts.bias ?? 0;
  if (!Number.isFinite(bias)) throw new CodedError(ErrorCode.BAD_USER_INPUT, 'bias: must be a finite number', { field: 'bias' });
  const spec = linearModelSpec({ inputs: [{ name: SCAFFOLD_INPUT, width: k }], weights: Float32Array.from(weights), bias, sigmoid: opts.sigmoid ?? false, output: SCAFFOLD_OUTPUT });
  return { manifest, modelBytes: encodeOnnxModel({ ...spec, docString: `recgate scorer init: ${manifest.id}@${manifest.version}` }) };
}
