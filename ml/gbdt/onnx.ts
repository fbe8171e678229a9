/**
 * Export a GbdtModel as an ONNX `TreeEnsembleRegressor` (domain ai.onnx.ml, opset 3), written
 * with onnx-proto. Node ids per tree: internal nodes 0..m−1 as in the model, leaves m..m+L−1.
 * Every branch is BRANCH_LEQ (true = left, "x ≤ threshold"); NaN follows
 * `nodes_missing_value_tracks_true` = defaultLeft, so onnxruntime routes rows like predict().
 * base_values = baseScore; output [N, 1] raw scores.
 */
import { onnx } from 'onnx-proto';
import type { GbdtModel } from './types';

const { AttributeType } = onnx.AttributeProto;
const utf8 = new TextEncoder();

const ints = (name: string, v: number[]): onnx.IAttributeProto => ({ name, type: AttributeType.INTS, ints: v });
const floats = (name: string, v: number[]): onnx.IAttributeProto => ({ name, type: AttributeType.FLOATS, floats: v });
const strings = (name: string, v: string[]): onnx.IAttributeProto => ({ name, type: AttributeType.STRINGS, strings: v.map((s) => utf8.encode(s)) });

function tensorInfo(name: string, dims: Array<number | string>): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((x) => (typeof x === 'string' ? { dimParam: x } : { dimValue: x })) },
      },
    },
  };
}

export interface GbdtOnnxOptions {
  /** Input tensor name (float [N, d]). Default 'features'. */
  inputName?: string;
  /** Output tensor name (float [N, 1]). Default 'score'. */
  outputName?: string;
}

/** Serialise the model to ONNX bytes (load them with onnxruntime-node). */
export function gbdtToOnnx(model: GbdtModel, opts: GbdtOnnxOptions = {}): Uint8Array {
  const input = opts.inputName ?? 'features';
  const output = opts.outputName ?? 'score';
  const nodesTree: number[] = [];
  const nodesId: number[] = [];
  const nodesFeature: number[] = [];
  const nodesValue: number[] = [];
  const nodesMode: string[] = [];
  const nodesTrue: number[] = [];
  const nodesFalse: number[] = [];
  const nodesMissingTrue: number[] = [];
  const targetTree: number[] = [];
  const targetNode: number[] = [];
  const targetWeight: number[] = [];
  // onnxruntime wants at least one tree: a model without trees exports one zero leaf.
  const zeroLeaf = {
    splitFeature: new Int32Array(0),
    leftChild: new Int32Array(0),
    rightChild: new Int32Array(0),
    threshold: new Float32Array(0),
    defaultLeft: new Uint8Array(0),
    leafValue: new Float32Array(1),
  };
  const trees = model.trees.length > 0 ? model.trees : [zeroLeaf];
  trees.forEach((t, ti) => {
    const m = t.splitFeature.length;
    const id = (c: number): number => (c >= 0 ? c : m + ~c);
    for (let i = 0; i < m; i++) {
      nodesTree.push(ti);
      nodesId.push(i);
      nodesFeature.push(t.splitFeature[i]!);
      nodesValue.push(t.threshold[i]!);
      nodesMode.push('BRANCH_LEQ');
      nodesTrue.push(id(t.leftChild[i]!));
      nodesFalse.push(id(t.rightChild[i]!));
      nodesMissingTrue.push(t.defaultLeft[i]!);
    }
    for (let l = 0; l < t.leafValue.length; l++) {
      nodesTree.push(ti);
      nodesId.push(m + l);
      nodesFeature.push(0);
      nodesValue.push(0);
      nodesMode.push('LEAF');
      nodesTrue.push(0);
      nodesFalse.push(0);
      nodesMissingTrue.push(0);
      targetTree.push(ti);
      targetNode.push(m + l);
      targetWeight.push(t.leafValue[l]!);
    }
  });
  const attribute: onnx.IAttributeProto[] = [
    { name: 'n_targets', type: AttributeType.INT, i: 1 },
    { name: 'aggregate_function', type: AttributeType.STRING, s: utf8.encode('SUM') },
    { name: 'post_transform', type: AttributeType.STRING, s: utf8.encode('NONE') },
    floats('base_values', [model.baseScore]),
  ];
  attribute.push(
    ints('nodes_treeids', nodesTree),
    ints('nodes_nodeids', nodesId),
    ints('nodes_featureids', nodesFeature),
    floats('nodes_values', nodesValue),
    strings('nodes_modes', nodesMode),
    ints('nodes_truenodeids', nodesTrue),
    ints('nodes_falsenodeids', nodesFalse),
    ints('nodes_missing_value_tracks_true', nodesMissingTrue),
    ints('target_treeids', targetTree),
    ints('target_nodeids', targetNode),
    ints(
      'target_ids',
      targetTree.map(() => 0),
    ),
    floats('target_weights', targetWeight),
  );
  const d = model.featureNames.length;
  const proto: onnx.IModelProto = {
    irVersion: 8,
    producerName: 'recgate',
    docString: `recgate gbdt: ${model.objective}, ${model.trees.length} trees, features ${model.featureNames.join(',')}`,
    opsetImport: [
      { domain: '', version: 13 },
      { domain: 'ai.onnx.ml', version: 3 },
    ],
    graph: {
      name: 'gbdt',
      input: [tensorInfo(input, ['N', d])],
      output: [tensorInfo(output, ['N', 1])],
      node: [{ name: 'TreeEnsembleRegressor_0', opType: 'TreeEnsembleRegressor', domain: 'ai.onnx.ml', input: [input], output: [output], attribute }],
    },
  };
  return onnx.ModelProto.encode(proto).finish();
}
