/**
 * DUVE artifacts: `<root>/<name>/<version>/` (default `models/duve/<n>/`) holding
 *
 *   value-head.onnx  the four heads as an ONNX graph (opset 13): input `features` [N, F] = the raw
 *                    log1p features of manifest.features; outputs p_purchase, expected_purchases,
 *                    expected_events, expected_spend, each [N, 1]. The standardisation is folded
 *                    into the Gemm weights: W' = W/σ, b' = b − Σ W μ/σ (+ s²/2 for the spend head).
 *   manifest.json    DuveManifest: the learned decays and half-lives, the feature layout, the full
 *                    parameters (so the TS forward pass and the segments can be rebuilt), training.
 *
 * Versions are positive integers and only go up: the artifact is staged in a hidden directory and
 * published by an atomic rename to max(existing) + 1 (retrying on a race), as ml/mf/artifact.ts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeOnnxModel, type OnnxGraphSpec, type OnnxInitializer, type OnnxNode } from '../onnx/export';
import { publishArtifact, publishedVersions } from '../artifacts';
import { HEADS, NUM_HEADS, duveDecaysPerDay, duveHalfLivesDays, type DuveModel } from './model';

export const DUVE_ONNX = 'value-head.onnx';
export const DUVE_MANIFEST = 'manifest.json';
export const DUVE_INPUT = 'features';
export const DUVE_OUTPUTS = ['p_purchase', 'expected_purchases', 'expected_events', 'expected_spend'] as const;

export interface DuveManifest {
  readonly format: 'duve-value-head';
  readonly formatVersion: 1;
  /** Model id, e.g. `duve/value`. */
  readonly model: string;
  /** The artifact version (the directory name); 0 while staged. */
  readonly version: number;
  readonly onnx: { readonly file: string; readonly input: string; readonly outputs: readonly string[] };
  /** Learned decay per tracked type: rate per day and half-life in days (null = no decay). */
  readonly decays: Readonly<Record<string, { readonly ratePerDay: number; readonly halfLifeDays: number | null }>>;
  /** Raw feature layout: ONNX input column j = features[j]. */
  readonly features: ReadonlyArray<{ readonly name: string; readonly kind: string; readonly type: string | null }>;
  /** The whole model (typed arrays as number arrays). */
  readonly params: Omit<DuveModel, 'theta' | 'featureMean' | 'featureStd' | 'weights' | 'bias'> & {
    readonly theta: number[];
    readonly featureMean: number[];
    readonly featureStd: number[];
    readonly weights: number[];
    readonly bias: number[];
  };
  readonly training: Readonly<Record<string, unknown>>;
  readonly createdBy: string;
}

/** The value head as an ONNX graph with the standardisation folded into the weights. */
export function duveOnnxSpec(m: DuveModel): OnnxGraphSpec {
  const F = m.features.length;
  const initializers: OnnxInitializer[] = [];
  const nodes: OnnxNode[] = [];
  for (let h = 0; h < NUM_HEADS; h++) {
    const w = new Float32Array(F);
    let b = m.bias[h]!;
    for (let j = 0; j < F; j++) {
      const wj = m.weights[h * F + j]! / m.featureStd[j]!;
      w[j] = wj;
      b -= wj * m.featureMean[j]!;
    }
    if (h === 3) b += m.spendLogVariance / 2;
    const head = HEADS[h]!;
    initializers.push({ name: `W_${head}`, dims: [F, 1], data: w }, { name: `B_${head}`, dims: [1], data: new Float32Array([b]) });
    nodes.push({ op: 'Gemm', inputs: [DUVE_INPUT, `W_${head}`, `B_${head}`], outputs: [`z_${head}`] });
  }
  initializers.push({ name: 'spend_scale', dims: [1], data: new Float32Array([m.hasSpend ? 1 : 0]) });
  nodes.push(
    { op: 'Sigmoid', inputs: ['z_purchase'], outputs: ['p_purchase'] },
    { op: 'Exp', inputs: ['z_purchases'], outputs: ['expected_purchases'] },
    { op: 'Exp', inputs: ['z_events'], outputs: ['expected_events'] },
    { op: 'Exp', inputs: ['z_spend'], outputs: ['spend_if_purchase'] },
    { op: 'Mul', inputs: ['p_purchase', 'spend_if_purchase'], outputs: ['spend_unscaled'] },
    { op: 'Mul', inputs: ['spend_unscaled', 'spend_scale'], outputs: ['expected_spend'] },
  );
  return {
    name: 'duve_value_head',
    inputs: [{ name: DUVE_INPUT, dims: ['N', F] }],
    outputs: DUVE_OUTPUTS.map((name) => ({ name, dims: ['N', 1] })),
    initializers,
    nodes,
    docString: `DUVE value head: ${F} raw features (${m.features.map((f) => f.name).join(', ')}); horizon ${m.horizonMs} ms`,
  };
}

export function buildDuveManifest(m: DuveModel, meta: { model: string; version: number; training: Readonly<Record<string, unknown>>; createdBy: string }): DuveManifest {
  const rates = duveDecaysPerDay(m);
  const halves = duveHalfLivesDays(m);
  return {
    format: 'duve-value-head',
    formatVersion: 1,
    model: meta.model,
    version: meta.version,
    onnx: { file: DUVE_ONNX, input: DUVE_INPUT, outputs: [...DUVE_OUTPUTS] },
    decays: Object.fromEntries(m.types.map((t, k) => [t, { ratePerDay: rates[k]!, halfLifeDays: Number.isFinite(halves[t]!) ? halves[t]! : null }])),
    features: m.features.map((f) => ({ name: f.name, kind: f.kind, type: f.k >= 0 ? m.types[f.k]! : null })),
    params: { ...m, theta: [...m.theta], featureMean: [...m.featureMean], featureStd: [...m.featureStd], weights: [...m.weights], bias: [...m.bias] },
    training: meta.training,
    createdBy: meta.createdBy,
  };
}

/** The model stored in a manifest (exact: JSON keeps every float64). */
export function duveModelFromManifest(man: DuveManifest): DuveModel {
  if (man.format !== 'duve-value-head' || man.formatVersion !== 1) throw new Error('not a duve-value-head v1 manifest');
  const p = man.params;
  return {
    ...p,
    theta: Float64Array.from(p.theta),
    featureMean: Float64Array.from(p.featureMean),
    featureStd: Float64Array.from(p.featureStd),
    weights: Float64Array.from(p.weights),
    bias: Float64Array.from(p.bias),
  };
}

export interface DuveExportOptions {
  /** Artifact root. Default `models`. */
  readonly root?: string;
  /** Directory under the root. Default `duve`. */
  readonly name?: string;
  /** Model id in the manifest. Default `duve/value`. */
  readonly modelId?: string;
  /** Training record (data, options, times, metrics). Default {}. */
  readonly training?: Readonly<Record<string, unknown>>;
  /** The command that produced it. Default `trainDuve`. */
  readonly createdBy?: string;
}

/** Write `value-head.onnx` + `manifest.json` as the next version under `<root>/<name>`. */
export async function exportDuveModel(m: DuveModel, o: DuveExportOptions = {}): Promise<{ dir: string; version: number; manifest: DuveManifest }> {
  const meta = { model: o.modelId ?? 'duve/value', training: o.training ?? {}, createdBy: o.createdBy ?? 'trainDuve' };
  let manifest: DuveManifest | undefined;
  const out = await publishArtifact(
    join(o.root ?? 'models', o.name ?? 'duve'),
    { [DUVE_ONNX]: encodeOnnxModel(duveOnnxSpec(m)) },
    (version) => (manifest = buildDuveManifest(m, { ...meta, version })),
    DUVE_MANIFEST,
  );
  return { ...out, manifest: manifest! };
}

export interface DuveArtifact {
  readonly dir: string;
  readonly manifest: DuveManifest;
  readonly model: DuveModel;
  readonly onnxPath: string;
}

/** An artifact that exists but cannot be read: retrying will not fix it. */
export class CorruptModelError extends Error {
  constructor(dir: string, reason: string) {
    super(`DUVE artifact ${dir} is corrupt: ${reason}`);
    this.name = 'CorruptModelError';
  }
}

/** Read a published (or staged) artifact's manifest and rebuild the model. Throws CorruptModelError on a malformed manifest. */
export async function readDuveArtifact(dir: string): Promise<DuveArtifact> {
  const text = await readFile(join(dir, DUVE_MANIFEST), 'utf8');
  let manifest: DuveManifest;
  let model: DuveModel;
  try {
    manifest = JSON.parse(text) as DuveManifest;
    model = duveModelFromManifest(manifest);
    const F = model.features.length;
    if (!(F > 0) || model.weights.length !== NUM_HEADS * F || model.featureMean.length !== F || model.featureStd.length !== F || model.bias.length !== NUM_HEADS) {
      throw new Error('parameter shapes do not match the feature layout');
    }
    if (typeof manifest.onnx?.file !== 'string' || !Number.isInteger(manifest.version)) throw new Error('manifest lacks onnx.file or version');
  } catch (err) {
    throw new CorruptModelError(dir, (err as Error).message);
  }
  return { dir, manifest, model, onnxPath: join(dir, manifest.onnx.file) };
}

/** The highest published version under `parent` (e.g. `models/duve`), or null when there is none. */
export async function latestDuveArtifact(parent: string): Promise<DuveArtifact | null> {
  const version = (await publishedVersions(parent)).at(-1);
  return version === undefined ? null : readDuveArtifact(join(parent, String(version)));
}
