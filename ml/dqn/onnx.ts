/**
 * A Q-network (ml/ddpg/mlp.ts layout: tanh hidden layers, linear output) as an ONNX graph
 * (opset 13): input `features` float32 [N, dim], output `q` float32 [N, 1]. Gemm per layer with
 * W stored [fan-in, fan-out] (the MLP keeps W row-major [fan-out, fan-in], so it is transposed
 * here), Tanh between layers.
 */
import type { Mlp } from '../ddpg/mlp';
import { encodeOnnxModel, type OnnxGraphSpec, type OnnxInitializer, type OnnxNode } from '../onnx/export';

export const QNET_INPUT = 'features';
export const QNET_OUTPUT = 'q';

export function qnetOnnxSpec(net: Mlp, docString = 'q = mlp(features): tanh hidden layers, linear output'): OnnxGraphSpec {
  const { sizes, params } = net;
  if (sizes[sizes.length - 1] !== 1) throw new RangeError(`qnet onnx: the output layer must have 1 unit, got ${sizes[sizes.length - 1]}`);
  const initializers: OnnxInitializer[] = [];
  const nodes: OnnxNode[] = [];
  let o = 0;
  let x: string = QNET_INPUT;
  for (let l = 1; l < sizes.length; l++) {
    const n = sizes[l - 1]!;
    const m = sizes[l]!;
    const w = new Float32Array(n * m);
    for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) w[i * m + j] = params[o + j * n + i]!;
    initializers.push({ name: `W${l}`, dims: [n, m], data: w }, { name: `B${l}`, dims: [m], data: params.slice(o + m * n, o + m * n + m) });
    const last = l === sizes.length - 1;
    const z = last ? QNET_OUTPUT : `z${l}`;
    nodes.push({ op: 'Gemm', inputs: [x, `W${l}`, `B${l}`], outputs: [z] });
    if (!last) {
      nodes.push({ op: 'Tanh', inputs: [z], outputs: [`h${l}`] });
      x = `h${l}`;
    }
    o += m * n + m;
  }
  return {
    name: 'ira-qnet',
    docString,
    inputs: [{ name: QNET_INPUT, dims: ['N', sizes[0]!] }],
    outputs: [{ name: QNET_OUTPUT, dims: ['N', 1] }],
    initializers,
    nodes,
  };
}

export function qnetOnnx(net: Mlp, docString?: string): Uint8Array {
  return encodeOnnxModel(qnetOnnxSpec(net, docString));
}
