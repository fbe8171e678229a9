/**
 * Version 0 of every line: what IRA serves before any version exists, so the system can log
 * exploratory decisions (with propensities) before any training. A fixed, deterministic linear Q
 * of the candidate's baseline signals (features.ts):
 *
 *   Q0 = 0.4 · base.commercial + 0.3 · base.affinity + 0.2 · item.cat_affinity + 0.1 · base.popularity
 *
 * (each in [0, 1], so Q0 ∈ [0, 1]): the baseline scorers' blend in one number. It is also the
 * guardrail's baseline policy (guardrail.ts). Served as ONNX like any version (input `features`,
 * output `q`), and evaluated in TypeScript by qnet.ts.
 */
import { encodeOnnxModel, linearModelSpec } from '../../ml/onnx/export';
import { QNET_INPUT, QNET_OUTPUT } from '../../ml/dqn/onnx';
import { IRA_DIM, iraColumn } from './features';

export const HEURISTIC_WEIGHTS: Readonly<Record<string, number>> = {
  'base.commercial': 0.4,
  'base.affinity': 0.3,
  'item.cat_affinity': 0.2,
  'base.popularity': 0.1,
};

/** The weight vector over IRA_FEATURES. */
export function heuristicWeights(): Float32Array {
  const w = new Float32Array(IRA_DIM);
  for (const [name, v] of Object.entries(HEURISTIC_WEIGHTS)) w[iraColumn(name)] = v;
  return w;
}

/** Q0 of `rows` feature rows. */
export function heuristicQ(features: Float32Array, rows: number): Float32Array {
  const w = heuristicWeights();
  const q = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < IRA_DIM; j++) if (w[j] !== 0) s += w[j]! * features[r * IRA_DIM + j]!;
    q[r] = s;
  }
  return q;
}

export function heuristicOnnx(): Uint8Array {
  return encodeOnnxModel({
    ...linearModelSpec({ inputs: [{ name: QNET_INPUT, width: IRA_DIM }], weights: heuristicWeights(), bias: 0, output: QNET_OUTPUT }),
    name: 'ira-heuristic-v0',
    docString: 'IRA version 0: q = 0.4 base.commercial + 0.3 base.affinity + 0.2 item.cat_affinity + 0.1 base.popularity',
  });
}
