/**
 * The TypeScript forward pass of a line's version (Contract C), for off-policy evaluation and the
 * guardrail: the same function the served ONNX computes (the parity is tested), without
 * onnxruntime. Version 0 is the heuristic (heuristic.ts).
 */
import { qValues } from '../../ml/dqn/agent';
import { ErrorCode } from '../../errors/codes';
import { CodedError } from '../../errors/errors';
import { openIraDb } from './db';
import { IRA_DIM, IRA_FEATURES_VERSION } from './features';
import { heuristicQ } from './heuristic';
import { createIraSnapshotStore, type IraVersion } from './snapshots';

export interface IraQFunction {
  readonly version: number;
  /** Q per row of `features` ([rows × IRA_DIM]). */
  q(features: Float32Array, rows: number): Float32Array;
}

const check = (features: Float32Array, rows: number): void => {
  if (features.length !== rows * IRA_DIM) throw new RangeError(`ira q: expected ${rows}×${IRA_DIM} features, got ${features.length}`);
};

/** The Q function of a stored version, or of version 0 when `v` is null. */
export function iraQFunction(v: IraVersion | null): IraQFunction {
  if (v === null) {
    return {
      version: 0,
      q: (features, rows) => {
        check(features, rows);
        return heuristicQ(features, rows);
      },
    };
  }
  if (v.featuresVersion !== IRA_FEATURES_VERSION || v.sizes[0] !== IRA_DIM) {
    throw new CodedError(ErrorCode.MODEL_UNAVAILABLE, `IRA version ${v.line}@${v.version} was trained on ${v.featuresVersion} (${v.sizes[0]} columns), not ${IRA_FEATURES_VERSION} (${IRA_DIM})`);
  }
  const net = { sizes: v.sizes, params: v.params };
  return {
    version: v.version,
    q: (features, rows) => {
      check(features, rows);
      return Float32Array.from(qValues(net, features, rows));
    },
  };
}

/** A version of a line from an IRA SQLite file (0 = the heuristic); MODEL_UNAVAILABLE when it is not stored. */
export async function loadIraVersion(dbPath: string, line: string, version: number): Promise<IraQFunction> {
  if (version === 0) return iraQFunction(null);
  const db = openIraDb(dbPath, { readonly: true });
  try {
    const v = await createIraSnapshotStore(db).get(line, version);
    if (v === null) throw new CodedError(ErrorCode.MODEL_UNAVAILABLE, `IRA line ${line} has no version ${version} in ${dbPath}`);
    return iraQFunction(v);
  } finally {
    db.close();
  }
}
