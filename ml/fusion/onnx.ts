/**
 * The fusion network as an ONNX graph (opset 13), the contract of `fusion.onnx` in a dpgcn
 * artifact: inputs `graph` float32 [N, 1] (the cosine), `features` float32 [N, C] (the raw
 * columns, in the manifest's order), `alpha` float32 [1]; output `score` float32 [N, 1] =
 * α·graph + (1 − α)·h(features). The standardisation of the columns is folded into the first
 * layer: W1' = W1/σ (per input row), b1' = b1 − Σ_j W1[j]·μ_j/σ_j.
 */
import { encodeOnnxModel, type OnnxGraphSpec } from '../onnx/export';
import { fusionOffsets, type FusionShape } from './mlp';

export const FUSION_INPUTS = { graph: 'graph', features: 'features', alpha: 'alpha' } as const;
export const FUSION_OUTPUT = 'score';

export interface FusionNet extends FusionShape {
  /** θ (ml/fusion/mlp.ts layout). */
  readonly theta: Float32Array;
  /** Per column: mean and standard deviation (σ > 0) of the raw training values. */
  readonly mean: Float32Array;
  readonly std: Float32Array;
}

export function fusionOnnxSpec(net: FusionNet): OnnxGraphSpec {
  const { columns: C, hidden: H, theta } = net;
  const o = fusionOffsets(net);
  const w1 = new Float32Array(C * H);
  const b1 = new Float32Array(H);
  for (let k = 0; k < H; k++) {
    let b = theta[o.b1 + k]!;
    for (let j = 0; j < C; j++) {
      const w = theta[o.w1 + j * H + k]! / net.std[j]!;
      w1[j * H + k] = w;
      b -= w * net.mean[j]!;
    }
    b1[k] = b;
  }
  return {
    name: 'dpgcn-fusion',
    docString: 'score = alpha*graph + (1-alpha)*tanh(w2.relu(W1 x + b1) + b2)',
    inputs: [
      { name: FUSION_INPUTS.graph, dims: ['N', 1] },
      { name: FUSION_INPUTS.features, dims: ['N', C] },
      { name: FUSION_INPUTS.alpha, dims: [1] },
    ],
    outputs: [{ name: FUSION_OUTPUT, dims: ['N', 1] }],
    initializers: [
      { name: 'W1', dims: [C, H], data: w1 },
      { name: 'B1', dims: [H], data: b1 },
      { name: 'W2', dims: [H, 1], data: theta.slice(o.w2, o.w2 + H) },
      { name: 'B2', dims: [1], data: theta.slice(o.b2, o.b2 + 1) },
      { name: 'ONE', dims: [1], data: new Float32Array([1]) },
    ],
    nodes: [
      { op: 'Gemm', inputs: [FUSION_INPUTS.features, 'W1', 'B1'], outputs: ['z'] },
      { op: 'Relu', inputs: ['z'], outputs: ['r'] },
      { op: 'Gemm', inputs: ['r', 'W2', 'B2'], outputs: ['o'] },
      { op: 'Tanh', inputs: ['o'], outputs: ['h'] },
      { op: 'Mul', inputs: [FUSION_INPUTS.alpha, FUSION_INPUTS.graph], outputs: ['ag'] },
      { op: 'Sub', inputs: ['ONE', FUSION_INPUTS.alpha], outputs: ['oma'] },
      { op: 'Mul', inputs: ['oma', 'h'], outputs: ['bh'] },
      { op: 'Add', inputs: ['ag', 'bh'], outputs: [FUSION_OUTPUT] },
    ],
  };
}

export function fusionOnnx(net: FusionNet): Uint8Array {
  return encodeOnnxModel(fusionOnnxSpec(net));
}
