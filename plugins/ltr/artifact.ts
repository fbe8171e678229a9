/**
 * The learned ranker's artifact: `<root>/<n>/model.onnx` (a TreeEnsembleRegressor over the
 * feature vector), `model.json` (the same trees, for inspection and re-export) and
 * `manifest.json` (what a server needs to build the feature vector the model was trained on).
 * Versions only go up; the highest is served.
 */
import type { LtrPrune } from './prune';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { publishedVersions } from '../../ml/artifacts';

export const LTR_MANIFEST = 'manifest.json';
export const LTR_ONNX = 'model.onnx';
export const LTR_TREES = 'model.json';
export const LTR_INPUT = 'features';
export const LTR_OUTPUT = 'score';
export const LTR_FORMAT = 'recgate-ltr';

export interface LtrManifest {
  readonly format: typeof LTR_FORMAT;
  readonly formatVersion: 1;
  /** Scorer id this artifact serves. */
  readonly model: 'ltr/lambdamart';
  readonly version: number;
  readonly createdAt: string;
  readonly createdBy: string;
  /** First-stage scorer ids whose raw outputs are columns, in order. */
  readonly scorerIds: readonly string[];
  /** Every column, in order (ltrFeatureNames(scorerIds)). */
  readonly featureNames: readonly string[];
  /** Decay half-life of the user affinities (ms). */
  readonly halfLifeMs: number;
  /** Relevance grade per event type used for the labels. */
  readonly grades: Readonly<Record<string, number>>;
  readonly onnx: { readonly file: string; readonly input: string; readonly output: string };
  /** Score only the top candidates by one first-stage score (chosen on validation by `train ranker`); absent or null: score every candidate. */
  readonly prune?: LtrPrune | null;
  /** Feature importance (gain, splits), strongest first. */
  readonly importance: ReadonlyArray<{ readonly feature: string; readonly gain: number; readonly splits: number }>;
  /** Training data, cuts, parameters and validation results. */
  readonly training: Readonly<Record<string, unknown>>;
}

/** A manifest that cannot be served; retrying will not fix it. */
export class LtrArtifactError extends Error {
  constructor(dir: string, reason: string) {
    super(`ranker artifact ${dir}: ${reason}`);
    this.name = 'LtrArtifactError';
  }
}

export async function readLtrManifest(dir: string): Promise<LtrManifest> {
  let m: LtrManifest;
  try {
    m = JSON.parse(await readFile(join(dir, LTR_MANIFEST), 'utf8')) as LtrManifest;
  } catch (err) {
    throw new LtrArtifactError(dir, `cannot read ${LTR_MANIFEST}: ${(err as Error).message}`);
  }
  if (m.format !== LTR_FORMAT || m.formatVersion !== 1) throw new LtrArtifactError(dir, `format must be ${LTR_FORMAT} v1`);
  if (!Number.isInteger(m.version) || m.version < 1) throw new LtrArtifactError(dir, 'version must be a positive integer');
  if (!Array.isArray(m.scorerIds) || !Array.isArray(m.featureNames) || m.featureNames.length === 0) throw new LtrArtifactError(dir, 'scorerIds and featureNames must be arrays');
  if (!(m.halfLifeMs > 0)) throw new LtrArtifactError(dir, 'halfLifeMs must be positive');
  if (m.prune !== undefined && m.prune !== null) {
    const p = m.prune as unknown as Record<string, unknown>;
    if (typeof p.scorerId !== 'string' || !m.scorerIds.includes(p.scorerId)) throw new LtrArtifactError(dir, 'prune.scorerId must be one of scorerIds');
    if (!Number.isInteger(p.top) || (p.top as number) < 1) throw new LtrArtifactError(dir, 'prune.top must be a positive integer');
  }
  return m;
}

/** The directory of the highest published version under `parent`, or null. */
export async function latestLtrDir(parent: string): Promise<string | null> {
  const v = (await publishedVersions(parent)).at(-1);
  return v === undefined ? null : join(parent, String(v));
}
