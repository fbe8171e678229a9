/**
 * The trained model as a plain object: raw-score prediction, feature importance, and the JSON
 * form (`toJSON` / `gbdtFromJSON`, which validates and throws a RangeError naming the field).
 */
import { FLOAT32_MAX } from './binning';
import type { GbdtModel, GbdtModelJson, GbdtObjective, GbdtTree, GbdtTreeJson } from './types';

/** Raw score contribution of one tree for row r of x (n × d), NaN routed by defaultLeft. */
export function treeValue(tree: GbdtTree, x: Float32Array, base: number): number {
  const nodes = tree.splitFeature.length;
  if (nodes === 0) return tree.leafValue[0]!;
  let node = 0;
  for (;;) {
    const v = x[base + tree.splitFeature[node]!]!;
    const left = v !== v ? tree.defaultLeft[node] === 1 : v <= tree.threshold[node]!;
    const next = left ? tree.leftChild[node]! : tree.rightChild[node]!;
    if (next < 0) return tree.leafValue[~next]!;
    node = next;
  }
}

export function createGbdtModel(objective: GbdtObjective, featureNames: readonly string[], baseScore: number, trees: readonly GbdtTree[]): GbdtModel {
  const d = featureNames.length;
  const names = Object.freeze([...featureNames]);
  const frozenTrees = Object.freeze([...trees]);
  return {
    objective,
    featureNames: names,
    baseScore,
    trees: frozenTrees,
    predict(x, n) {
      if (!Number.isInteger(n) || n < 0) throw new RangeError(`predict: n must be a non-negative integer, got ${n}`);
      if (x.length !== n * d) throw new RangeError(`predict: x has ${x.length} values, expected n × d = ${n} × ${d}`);
      const acc = new Float64Array(n).fill(baseScore);
      for (const t of frozenTrees) for (let i = 0; i < n; i++) acc[i] = acc[i]! + treeValue(t, x, i * d);
      return Float32Array.from(acc);
    },
    featureImportance() {
      const gain = new Float64Array(d);
      const splits = new Uint32Array(d);
      for (const t of frozenTrees) {
        for (let i = 0; i < t.splitFeature.length; i++) {
          const f = t.splitFeature[i]!;
          gain[f] = gain[f]! + t.splitGain[i]!;
          splits[f] = splits[f]! + 1;
        }
      }
      return names.map((feature, f) => ({ feature, gain: gain[f]!, splits: splits[f]! })).sort((a, b) => b.gain - a.gain || b.splits - a.splits);
    },
    toJSON(): GbdtModelJson {
      return {
        format: 'recgate-gbdt',
        version: 1,
        objective,
        featureNames: [...names],
        baseScore,
        trees: frozenTrees.map((t): GbdtTreeJson => ({
          splitFeature: Array.from(t.splitFeature),
          threshold: Array.from(t.threshold),
          defaultLeft: Array.from(t.defaultLeft),
          leftChild: Array.from(t.leftChild),
          rightChild: Array.from(t.rightChild),
          splitGain: Array.from(t.splitGain),
          leafValue: Array.from(t.leafValue),
          leafCount: Array.from(t.leafCount),
        })),
      };
    },
  };
}

function fail(field: string, message: string): never {
  throw new RangeError(`${field}: ${message}`);
}

function numbers(v: unknown, field: string, len: number, ok: (x: number) => boolean, what: string): number[] {
  if (!Array.isArray(v)) fail(field, 'must be an array');
  if (v.length !== len) fail(field, `must have ${len} entries, has ${v.length}`);
  v.forEach((x, i) => {
    if (typeof x !== 'number' || !ok(x)) fail(`${field}[${i}]`, `must be ${what}, got ${JSON.stringify(x)}`);
  });
  return v as number[];
}

function treeFromJSON(t: unknown, field: string, d: number): GbdtTree {
  if (typeof t !== 'object' || t === null) fail(field, 'must be an object');
  const o = t as Record<string, unknown>;
  if (!Array.isArray(o.splitFeature)) fail(`${field}.splitFeature`, 'must be an array');
  const m = o.splitFeature.length;
  const leaves = m + 1;
  const child = (x: number): boolean => Number.isInteger(x) && (x >= 0 ? x < m : ~x < leaves);
  const tree: GbdtTree = {
    splitFeature: Int32Array.from(numbers(o.splitFeature, `${field}.splitFeature`, m, (x) => Number.isInteger(x) && x >= 0 && x < d, `a feature index below ${d}`)),
    threshold: Float32Array.from(numbers(o.threshold, `${field}.threshold`, m, (x) => Number.isFinite(x) && Math.abs(x) <= FLOAT32_MAX && Math.fround(x) === x, 'a finite float32')),
    defaultLeft: Uint8Array.from(numbers(o.defaultLeft, `${field}.defaultLeft`, m, (x) => x === 0 || x === 1, '0 or 1')),
    leftChild: Int32Array.from(numbers(o.leftChild, `${field}.leftChild`, m, child, 'a node or ~leaf index')),
    rightChild: Int32Array.from(numbers(o.rightChild, `${field}.rightChild`, m, child, 'a node or ~leaf index')),
    splitGain: Float64Array.from(numbers(o.splitGain, `${field}.splitGain`, m, Number.isFinite, 'finite')),
    leafValue: Float32Array.from(numbers(o.leafValue, `${field}.leafValue`, leaves, (x) => Number.isFinite(x) && Math.fround(x) === x, 'a finite float32')),
    leafCount: Uint32Array.from(numbers(o.leafCount, `${field}.leafCount`, leaves, (x) => Number.isInteger(x) && x >= 0 && x <= 0xffffffff, 'a count')),
  };
  checkShape(tree, field);
  return tree;
}

/** Every node except the root is referenced exactly once, every leaf exactly once, and no child points back up (so traversal ends). */
function checkShape(t: GbdtTree, field: string): void {
  const m = t.splitFeature.length;
  const nodeSeen = new Uint8Array(m);
  const leafSeen = new Uint8Array(m + 1);
  if (m === 0) return;
  for (let i = 0; i < m; i++) {
    for (const c of [t.leftChild[i]!, t.rightChild[i]!]) {
      if (c >= 0) {
        if (c <= i) fail(`${field}.leftChild/rightChild[${i}]`, `points to node ${c}, which is not below node ${i}`);
        if (nodeSeen[c]) fail(`${field}.leftChild/rightChild[${i}]`, `node ${c} has two parents`);
        nodeSeen[c] = 1;
      } else {
        if (leafSeen[~c]) fail(`${field}.leftChild/rightChild[${i}]`, `leaf ${~c} has two parents`);
        leafSeen[~c] = 1;
      }
    }
  }
}

/** Rebuild a model from its JSON form, validating every field. */
export function gbdtFromJSON(json: GbdtModelJson): GbdtModel {
  const j = json as unknown as Record<string, unknown>;
  if (typeof j !== 'object' || j === null) fail('model', 'must be an object');
  if (j.format !== 'recgate-gbdt') fail('format', `must be 'recgate-gbdt', got ${JSON.stringify(j.format)}`);
  if (j.version !== 1) fail('version', `must be 1, got ${JSON.stringify(j.version)}`);
  if (j.objective !== 'regression' && j.objective !== 'binary' && j.objective !== 'lambdarank') fail('objective', `unknown objective ${JSON.stringify(j.objective)}`);
  if (!Array.isArray(j.featureNames) || j.featureNames.length === 0) fail('featureNames', 'must be a non-empty array');
  j.featureNames.forEach((s, i) => {
    if (typeof s !== 'string') fail(`featureNames[${i}]`, 'must be a string');
  });
  if (typeof j.baseScore !== 'number' || !Number.isFinite(j.baseScore)) fail('baseScore', 'must be a finite number');
  if (!Array.isArray(j.trees)) fail('trees', 'must be an array');
  const d = j.featureNames.length;
  const trees = j.trees.map((t, i) => treeFromJSON(t, `trees[${i}]`, d));
  return createGbdtModel(j.objective, j.featureNames as string[], j.baseScore, trees);
}
