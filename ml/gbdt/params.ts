/** Parameter and dataset validation for trainGbdt: a RangeError naming the offending field. */
import { GBDT_DEFAULTS, type GbdtDataset, type GbdtParams } from './types';

function fail(field: string, message: string): never {
  throw new RangeError(`${field}: ${message}`);
}

const OBJECTIVES = ['regression', 'binary', 'lambdarank'];

/** Defaults filled in and every field checked. Unknown keys are refused (a typo would silently do nothing). */
export function resolveParams(p: Partial<GbdtParams> = {}): GbdtParams {
  const given: Partial<GbdtParams> = {};
  for (const [k, v] of Object.entries(p)) {
    if (!(k in GBDT_DEFAULTS)) fail(`params.${k}`, 'unknown parameter');
    // An explicit undefined means "use the default".
    if (v !== undefined) (given as Record<string, unknown>)[k] = v;
  }
  const r: GbdtParams = { ...GBDT_DEFAULTS, ...given };
  if (!OBJECTIVES.includes(r.objective)) fail('params.objective', `must be one of ${OBJECTIVES.join(', ')}`);
  const int = (k: keyof GbdtParams, min: number, max = Number.MAX_SAFE_INTEGER): void => {
    const v = r[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(`params.${k}`, `must be an integer in [${min}, ${max}], got ${String(v)}`);
  };
  const real = (k: keyof GbdtParams, min: number, max: number, openMin = false): void => {
    const v = r[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (openMin && v === min)) {
      fail(`params.${k}`, `must be a number in ${openMin ? '(' : '['}${min}, ${max}], got ${String(v)}`);
    }
  };
  int('trees', 1);
  real('learningRate', 0, 1e6, true);
  int('numLeaves', 2, 65536);
  int('maxDepth', 1, 64);
  int('minDataInLeaf', 1);
  real('minSumHessianInLeaf', 0, Number.MAX_VALUE);
  real('lambdaL2', 0, Number.MAX_VALUE);
  real('minGainToSplit', 0, Number.MAX_VALUE);
  real('featureFraction', 0, 1, true);
  real('baggingFraction', 0, 1, true);
  int('maxBins', 2, 255);
  int('earlyStoppingRounds', 0);
  int('ndcgAt', 1);
  if (typeof r.lambdarankNorm !== 'boolean') fail('params.lambdarankNorm', 'must be a boolean');
  int('binSampleSize', 1);
  int('seed', 0, 0xffffffff);
  return r;
}

/** Shape and label checks of a dataset for an objective; `name` is 'train' or 'valid'. */
export function checkDataset(ds: GbdtDataset, name: string, p: GbdtParams, d?: number): void {
  if (!Number.isInteger(ds.n) || ds.n < 1) fail(`${name}.n`, `must be a positive integer, got ${ds.n}`);
  if (!Number.isInteger(ds.d) || ds.d < 1) fail(`${name}.d`, `must be a positive integer, got ${ds.d}`);
  if (d !== undefined && ds.d !== d) fail(`${name}.d`, `is ${ds.d}, the training set has ${d} features`);
  if (!(ds.x instanceof Float32Array) || ds.x.length !== ds.n * ds.d) fail(`${name}.x`, `must be a Float32Array of n × d = ${ds.n * ds.d} values`);
  if (!(ds.y instanceof Float32Array) || ds.y.length !== ds.n) fail(`${name}.y`, `must be a Float32Array of n = ${ds.n} values`);
  if (ds.featureNames.length !== ds.d) fail(`${name}.featureNames`, `has ${ds.featureNames.length} names for ${ds.d} features`);
  for (let i = 0; i < ds.n; i++) {
    const v = ds.y[i]!;
    if (!Number.isFinite(v)) fail(`${name}.y[${i}]`, `must be finite, got ${v}`);
    if (p.objective === 'binary' && v !== 0 && v !== 1) fail(`${name}.y[${i}]`, `binary labels must be 0 or 1, got ${v}`);
    if (p.objective === 'lambdarank' && (!Number.isInteger(v) || v < 0 || v > 31)) fail(`${name}.y[${i}]`, `relevance must be an integer in [0, 31], got ${v}`);
  }
  if (p.objective === 'lambdarank') {
    if (!(ds.groups instanceof Uint32Array) || ds.groups.length === 0) fail(`${name}.groups`, 'lambdarank needs a Uint32Array of group sizes');
    let s = 0;
    for (let q = 0; q < ds.groups.length; q++) {
      if (ds.groups[q] === 0) fail(`${name}.groups[${q}]`, 'a group must not be empty');
      s += ds.groups[q]!;
    }
    if (s !== ds.n) fail(`${name}.groups`, `sizes sum to ${s}, expected n = ${ds.n}`);
  }
}
