/**
 * Encode small dense float32 graphs as ONNX (opset 13) with onnx-proto, so models trained in
 * TypeScript can be served by onnxruntime-node.
 */
import { onnx } from 'onnx-proto';

export interface OnnxTensorSpec {
  readonly name: string;
  /** Shape; use -1 (or a string) for a dynamic dimension such as the batch. */
  readonly dims: ReadonlyArray<number | string>;
}

export interface OnnxInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

export interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Integer/float attributes (e.g. Gemm's transB); a number array is an INTS attribute (e.g. ReduceMean's axes). */
  readonly attributes?: Readonly<Record<string, number | readonly number[]>>;
}

export interface OnnxGraphSpec {
  readonly name: string;
  readonly inputs: readonly OnnxTensorSpec[];
  readonly outputs: readonly OnnxTensorSpec[];
  readonly initializers: readonly OnnxInitializer[];
  readonly nodes: readonly OnnxNode[];
  /** Free-text provenance stored in the model (version, training command). */
  readonly docString?: string;
}

function valueInfo(spec: OnnxTensorSpec): onnx.IValueInfoProto {
  return {
    name: spec.name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: {
          dim: spec.dims.map((d) => (typeof d === 'string' || d < 0 ? { dimParam: typeof d === 'string' ? d : 'N' } : { dimValue: d })),
        },
      },
    },
  };
}

function attribute(name: string, value: number | readonly number[]): onnx.IAttributeProto {
  if (typeof value !== 'number') return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: [...value] };
  return Number.isInteger(value) ? { name, type: onnx.AttributeProto.AttributeType.INT, i: value } : { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: value };
}

/** Serialise a graph to ONNX bytes. */
export function encodeOnnxModel(spec: OnnxGraphSpec): Uint8Array {
  const model: onnx.IModelProto = {
    irVersion: 8,
    producerName: 'recgate',
    docString: spec.docString ?? '',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: spec.name,
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
      initializer: spec.initializers.map((t) => ({
        name: t.name,
        dims: [...t.dims],
        dataType: onnx.TensorProto.DataType.FLOAT,
        rawData: new Uint8Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength)),
      })),
      node: spec.nodes.map((n, i) => ({
        name: `${n.op}_${i}`,
        opType: n.op,
        input: [...n.inputs],
        output: [...n.outputs],
        attribute: Object.entries(n.attributes ?? {}).map(([k, v]) => attribute(k, v)),
      })),
    },
  };
  return onnx.ModelProto.encode(model).finish();
}

/**
 * A linear model y = sigmoid?(concat(inputs) · w + b) over named float inputs of the given
 * widths, batch-dynamic. Used by plugins that serve logistic heads.
 */
export function linearModelSpec(opts: { inputs: ReadonlyArray<{ name: string; width: number }>; weights: Float32Array; bias: number; sigmoid?: boolean; output?: string }): OnnxGraphSpec {
  const width = opts.inputs.reduce((s, i) => s + i.width, 0);
  if (opts.weights.length !== width) throw new Error(`weights has ${opts.weights.length} values, inputs total ${width}`);
  const out = opts.output ?? 'score';
  const concat = opts.inputs.length > 1 ? 'x_concat' : (opts.inputs[0]?.name ?? 'x');
  const nodes: OnnxNode[] = [];
  if (opts.inputs.length > 1) nodes.push({ op: 'Concat', inputs: opts.inputs.map((i) => i.name), outputs: [concat], attributes: { axis: 1 } });
  nodes.push({ op: 'Gemm', inputs: [concat, 'W', 'B'], outputs: [opts.sigmoid ? 'logit' : out] });
  if (opts.sigmoid) nodes.push({ op: 'Sigmoid', inputs: ['logit'], outputs: [out] });
  return {
    name: 'linear',
    inputs: opts.inputs.map((i) => ({ name: i.name, dims: ['N', i.width] })),
    outputs: [{ name: out, dims: ['N', 1] }],
    initializers: [
      { name: 'W', dims: [width, 1], data: opts.weights },
      { name: 'B', dims: [1], data: new Float32Array([opts.bias]) },
    ],
    nodes,
  };
}
