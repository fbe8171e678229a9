/**
 * DUVE v2 artifacts: `<root>/<name>/<version>/` (default `models/duve2/<n>/`) holding
 *
 *   value.onnx     the whole v2 forward pass (opset 13), batch N, window W, M1 = neighbours + 1:
 *                  inputs  features [N, F]         v1 raw features (clipped as v1 serves them)
 *                          types [N, W, K]          one-hot event type (0 in padding slots)
 *                          log_value [N, W, 1]      log1p(event value)
 *                          event_extra [N, W, 2]    log1p(same-item events in the window), bought later in the window
 *                          category [N, W]          category bucket (float, cast to int64 in the graph)
 *                          neighbours [N, W, M1]    item buckets of the item's neighbourhood (0 where none)
 *                          neighbour_weight [N, W, M1, 1]  M1 / (members) for members, 0 otherwise
 *                          age_days [N, W, 1]       t − τ_e in days
 *                          mask [N, W, 1]           1 for an event, 0 for padding (a row needs ≥ 1 event)
 *                  outputs p_purchase, expected_purchases, expected_spend [N, 1]; state [N, stateDims] (h_u)
 *                  The neighbourhood mean is ReduceMean over M1 of weight·embedding (weight M1/members),
 *                  the pooling W·ReduceMean over W of α·x (= Σ α x); v1's standardisation is folded
 *                  into the head weights as in ml/duve/export.ts.
 *   manifest.json  Duve2Manifest: the v1 block's manifest, dims, decays, flat parameters, training.
 *   items.json     item id → [category bucket, M1 neighbour buckets (−1 = none)].
 *
 * Versions are published as v1's (ml/artifacts.ts): staged, then an atomic rename to max + 1.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { publishArtifact, publishedVersions } from '../artifacts';
import { CorruptModelError, buildDuveManifest, duveModelFromManifest, type DuveManifest } from '../duve/export';
import { DAY_MS } from '../duve/state';
import { encodeOnnxModel, type OnnxGraphSpec, type OnnxInitializer, type OnnxNode } from '../onnx/export';
import type { DenseTensor } from '../../plugins/sdk/model';
import { DUVE2_EVENT_EXTRAS, DUVE2_MAX_LOGIT, DUVE2_NUM_HEADS, duve2Offsets, type Duve2Model, type Duve2Window } from './model';
import { duve2HalfLivesDays, type Duve2Runner } from './train';

export const DUVE2_ONNX = 'value.onnx';
export const DUVE2_MANIFEST = 'manifest.json';
export const DUVE2_ITEMS = 'items.json';
export const DUVE2_INPUTS = ['features', 'types', 'log_value', 'event_extra', 'category', 'neighbours', 'neighbour_weight', 'age_days', 'mask'] as const;
export const DUVE2_OUTPUTS = ['p_purchase', 'expected_purchases', 'expected_spend', 'state'] as const;

export interface Duve2Manifest {
  readonly format: 'duve2-value';
  readonly formatVersion: 1;
  /** e.g. `duve2/value`. */
  readonly model: string;
  readonly version: number;
  readonly onnx: { readonly file: string; readonly inputs: readonly string[]; readonly outputs: readonly string[] };
  readonly items: string;
  readonly types: readonly string[];
  readonly decayMode: Duve2Model['decayMode'];
  readonly halfLifeBoundsDays: readonly [number, number];
  /** Attention decay half-life per type in days (null = no decay). */
  readonly halfLivesDays: Readonly<Record<string, number | null>>;
  readonly horizonMs: number;
  readonly dims: Duve2Model['dims'];
  readonly hashSeed: number;
  readonly params: number[];
  readonly spendLogVariance: number;
  readonly hasSpend: boolean;
  readonly segments: Duve2Model['segments'];
  /** The v1 block (features, learned decays, standardisation). */
  readonly v1: DuveManifest;
  readonly training: Readonly<Record<string, unknown>>;
  readonly createdBy: string;
}

/** The v2 forward pass as an ONNX graph (see the module comment). */
export function duve2OnnxSpec(m: Duve2Model): OnnxGraphSpec {
  const K = m.types.length;
  const F = m.v1.features.length;
  const off = duve2Offsets(m.dims, K, F, m.decayMode);
  const { D, G, M1 } = off;
  const W = m.dims.window;
  const dh = m.dims.stateDims;
  const P = m.params;
  const f32 = (a: ArrayLike<number>): Float32Array => Float32Array.from(a);
  const rates = new Float32Array(K);
  const halves = duve2HalfLivesDays(m);
  m.types.forEach((t, k) => (rates[k] = Number.isFinite(halves[t]!) ? Math.LN2 / halves[t]! : 0));
  const Vt = new Float32Array(D * dh);
  for (let r = 0; r < dh; r++) for (let j = 0; j < D; j++) Vt[j * dh + r] = P[off.V + r * D + j]!;
  const initializers: OnnxInitializer[] = [
    { name: 'cat_table', dims: [m.dims.categoryBuckets, m.dims.categoryDims], data: f32(P.subarray(off.cat, off.item)) },
    { name: 'item_table', dims: [m.dims.itemBuckets, m.dims.itemDims], data: f32(P.subarray(off.item, off.W)) },
    { name: 'u', dims: [D, 1], data: f32(P.subarray(off.u, off.u + D)) },
    { name: 'rates', dims: [K, 1], data: rates },
    { name: 'one', dims: [1], data: new Float32Array([1]) },
    { name: 'big', dims: [1], data: new Float32Array([1e9]) },
    { name: 'window_len', dims: [1], data: new Float32Array([W]) },
    { name: 'Vt', dims: [D, dh], data: Vt },
    { name: 'max_logit', dims: [1], data: new Float32Array([DUVE2_MAX_LOGIT]) },
    { name: 'spend_scale', dims: [1], data: new Float32Array([m.hasSpend ? 1 : 0]) },
  ];
  const nodes: OnnxNode[] = [
    { op: 'Cast', inputs: ['category'], outputs: ['cat_idx'], attributes: { to: 7 } },
    { op: 'Gather', inputs: ['cat_table', 'cat_idx'], outputs: ['cat_emb'], attributes: { axis: 0 } },
    { op: 'Cast', inputs: ['neighbours'], outputs: ['nb_idx'], attributes: { to: 7 } },
    { op: 'Gather', inputs: ['item_table', 'nb_idx'], outputs: ['nb_emb'], attributes: { axis: 0 } },
    { op: 'Mul', inputs: ['nb_emb', 'neighbour_weight'], outputs: ['nb_weighted'] },
    { op: 'ReduceMean', inputs: ['nb_weighted'], outputs: ['nb_mean'], attributes: { axes: [2], keepdims: 0 } },
    { op: 'Concat', inputs: ['types', 'log_value', 'event_extra', 'cat_emb', 'nb_mean'], outputs: ['X'], attributes: { axis: 2 } },
    { op: 'MatMul', inputs: ['X', 'u'], outputs: ['content'] },
    { op: 'MatMul', inputs: ['types', 'rates'], outputs: ['lambda'] },
    { op: 'Mul', inputs: ['lambda', 'age_days'], outputs: ['decay'] },
    { op: 'Sub', inputs: ['content', 'decay'], outputs: ['score'] },
    { op: 'Sub', inputs: ['mask', 'one'], outputs: ['mask_off'] },
    { op: 'Mul', inputs: ['mask_off', 'big'], outputs: ['mask_pen'] },
    { op: 'Add', inputs: ['score', 'mask_pen'], outputs: ['logit'] },
    { op: 'Softmax', inputs: ['logit'], outputs: ['alpha'], attributes: { axis: 1 } },
    { op: 'Mul', inputs: ['alpha', 'X'], outputs: ['alpha_x'] },
    { op: 'ReduceMean', inputs: ['alpha_x'], outputs: ['xmean'], attributes: { axes: [1], keepdims: 0 } },
    { op: 'Mul', inputs: ['xmean', 'window_len'], outputs: ['xbar'] },
    { op: 'MatMul', inputs: ['xbar', 'Vt'], outputs: ['state'] },
    { op: 'Concat', inputs: ['state', 'features'], outputs: ['g'], attributes: { axis: 1 } },
  ];
  const heads = ['purchase', 'purchases', 'spend'];
  for (let q = 0; q < DUVE2_NUM_HEADS; q++) {
    const w = new Float32Array(G);
    let b = P[off.b + q]!;
    for (let j = 0; j < dh; j++) w[j] = P[off.W + q * G + j]!;
    for (let j = 0; j < F; j++) {
      const wj = P[off.W + q * G + dh + j]! / m.v1.featureStd[j]!;
      w[dh + j] = wj;
      b -= wj * m.v1.featureMean[j]!;
    }
    if (q === 2) b += m.spendLogVariance / 2;
    initializers.push({ name: `W_${heads[q]}`, dims: [G, 1], data: w }, { name: `B_${heads[q]}`, dims: [1], data: new Float32Array([b]) });
    nodes.push({ op: 'Gemm', inputs: ['g', `W_${heads[q]}`, `B_${heads[q]}`], outputs: [`z_${heads[q]}`] });
  }
  nodes.push(
    { op: 'Sigmoid', inputs: ['z_purchase'], outputs: ['p_purchase'] },
    { op: 'Min', inputs: ['z_purchases', 'max_logit'], outputs: ['z_purchases_c'] },
    { op: 'Exp', inputs: ['z_purchases_c'], outputs: ['expected_purchases'] },
    { op: 'Min', inputs: ['z_spend', 'max_logit'], outputs: ['z_spend_c'] },
    { op: 'Exp', inputs: ['z_spend_c'], outputs: ['spend_if_purchase'] },
    { op: 'Mul', inputs: ['p_purchase', 'spend_if_purchase'], outputs: ['spend_unscaled'] },
    { op: 'Mul', inputs: ['spend_unscaled', 'spend_scale'], outputs: ['expected_spend'] },
  );
  return {
    name: 'duve2_value',
    inputs: [
      { name: 'features', dims: ['N', F] },
      { name: 'types', dims: ['N', W, K] },
      { name: 'log_value', dims: ['N', W, 1] },
      { name: 'event_extra', dims: ['N', W, DUVE2_EVENT_EXTRAS] },
      { name: 'category', dims: ['N', W] },
      { name: 'neighbours', dims: ['N', W, M1] },
      { name: 'neighbour_weight', dims: ['N', W, M1, 1] },
      { name: 'age_days', dims: ['N', W, 1] },
      { name: 'mask', dims: ['N', W, 1] },
    ],
    outputs: [
      { name: 'p_purchase', dims: ['N', 1] },
      { name: 'expected_purchases', dims: ['N', 1] },
      { name: 'expected_spend', dims: ['N', 1] },
      { name: 'state', dims: ['N', dh] },
    ],
    initializers,
    nodes,
    docString: `DUVE v2: attention over the last ${W} events (${m.types.join(', ')}) + ${F} v1 features; horizon ${m.horizonMs / DAY_MS} d`,
  };
}

/** The ONNX feeds of n rows: windows (each with ≥ 1 event) and clipped raw v1 features. */
export function duve2Feeds(m: Duve2Model, rows: ReadonlyArray<{ readonly win: Duve2Window; readonly raw: ArrayLike<number> }>): Record<string, DenseTensor> {
  const n = rows.length;
  const K = m.types.length;
  const F = m.v1.features.length;
  const W = m.dims.window;
  const M1 = m.dims.neighbours + 1;
  const features = new Float32Array(n * F);
  const types = new Float32Array(n * W * K);
  const logValue = new Float32Array(n * W);
  const E = DUVE2_EVENT_EXTRAS;
  const extra = new Float32Array(n * W * E);
  const category = new Float32Array(n * W);
  const neighbours = new Float32Array(n * W * M1);
  const weight = new Float32Array(n * W * M1);
  const age = new Float32Array(n * W);
  const mask = new Float32Array(n * W);
  rows.forEach(({ win, raw }, r) => {
    for (let j = 0; j < F; j++) features[r * F + j] = raw[j]!;
    for (let w = 0; w < win.n; w++) {
      const s = r * W + w;
      types[s * K + win.type[w]!] = 1;
      logValue[s] = win.logValue[w]!;
      for (let j = 0; j < E; j++) extra[s * E + j] = win.extra[w * E + j]!;
      category[s] = win.category[w]!;
      age[s] = win.ageDays[w]!;
      mask[s] = 1;
      let cnt = 0;
      for (let q = 0; q < M1; q++) if (win.neighbours[w * M1 + q]! >= 0) cnt++;
      for (let q = 0; q < M1; q++) {
        const b = win.neighbours[w * M1 + q]!;
        if (b < 0) continue;
        neighbours[s * M1 + q] = b;
        weight[s * M1 + q] = M1 / cnt;
      }
    }
  });
  return {
    features: { data: features, dims: [n, F] },
    types: { data: types, dims: [n, W, K] },
    log_value: { data: logValue, dims: [n, W, 1] },
    event_extra: { data: extra, dims: [n, W, E] },
    category: { data: category, dims: [n, W] },
    neighbours: { data: neighbours, dims: [n, W, M1] },
    neighbour_weight: { data: weight, dims: [n, W, M1, 1] },
    age_days: { data: age, dims: [n, W, 1] },
    mask: { data: mask, dims: [n, W, 1] },
  };
}

export function buildDuve2Manifest(m: Duve2Model, meta: { model: string; version: number; training: Readonly<Record<string, unknown>>; createdBy: string }): Duve2Manifest {
  const halves = duve2HalfLivesDays(m);
  return {
    format: 'duve2-value',
    formatVersion: 1,
    model: meta.model,
    version: meta.version,
    onnx: { file: DUVE2_ONNX, inputs: [...DUVE2_INPUTS], outputs: [...DUVE2_OUTPUTS] },
    items: DUVE2_ITEMS,
    types: [...m.types],
    decayMode: m.decayMode,
    halfLifeBoundsDays: m.halfLifeBoundsDays,
    halfLivesDays: Object.fromEntries(m.types.map((t) => [t, Number.isFinite(halves[t]!) ? halves[t]! : null])),
    horizonMs: m.horizonMs,
    dims: m.dims,
    hashSeed: m.hashSeed,
    params: [...m.params],
    spendLogVariance: m.spendLogVariance,
    hasSpend: m.hasSpend,
    segments: m.segments,
    v1: buildDuveManifest(m.v1, { model: 'duve/value', version: 0, training: {}, createdBy: 'trainDuve2 (v1 block)' }),
    training: meta.training,
    createdBy: meta.createdBy,
  };
}

export function duve2ModelFromManifest(man: Duve2Manifest, items: Readonly<Record<string, number[]>>): Duve2Model {
  if (man.format !== 'duve2-value' || man.formatVersion !== 1) throw new Error('not a duve2-value v1 manifest');
  const v1 = duveModelFromManifest(man.v1);
  const m: Duve2Model = {
    formatVersion: 1,
    types: man.types as Duve2Model['types'],
    decayMode: man.decayMode,
    halfLifeBoundsDays: [man.halfLifeBoundsDays[0], man.halfLifeBoundsDays[1]],
    horizonMs: man.horizonMs,
    dims: man.dims,
    hashSeed: man.hashSeed,
    v1,
    items: new Map(Object.entries(items).map(([id, e]) => [id, Int32Array.from(e)] as const)),
    params: Float64Array.from(man.params),
    spendLogVariance: man.spendLogVariance,
    hasSpend: man.hasSpend,
    segments: man.segments,
  };
  const off = duve2Offsets(m.dims, m.types.length, v1.features.length, m.decayMode);
  if (m.params.length !== off.total) throw new Error(`${m.params.length} parameters, the layout needs ${off.total}`);
  if (v1.types.join(',') !== m.types.join(',')) throw new Error('the v1 block tracks other types');
  return m;
}

export interface Duve2ExportOptions {
  /** Artifact root. Default `models`. */
  readonly root?: string;
  /** Directory under the root. Default `duve2`. */
  readonly name?: string;
  readonly modelId?: string;
  readonly training?: Readonly<Record<string, unknown>>;
  readonly createdBy?: string;
}

export async function exportDuve2Model(m: Duve2Model, o: Duve2ExportOptions = {}): Promise<{ dir: string; version: number; manifest: Duve2Manifest }> {
  const meta = { model: o.modelId ?? 'duve2/value', training: o.training ?? {}, createdBy: o.createdBy ?? 'trainDuve2' };
  let manifest: Duve2Manifest | undefined;
  const items = JSON.stringify(Object.fromEntries([...m.items].map(([id, e]) => [id, [...e]])));
  const out = await publishArtifact(
    join(o.root ?? 'models', o.name ?? 'duve2'),
    { [DUVE2_ONNX]: encodeOnnxModel(duve2OnnxSpec(m)), [DUVE2_ITEMS]: items },
    (version) => (manifest = buildDuve2Manifest(m, { ...meta, version })),
    DUVE2_MANIFEST,
  );
  return { ...out, manifest: manifest! };
}

export interface Duve2Artifact {
  readonly dir: string;
  readonly manifest: Duve2Manifest;
  readonly model: Duve2Model;
  readonly onnxPath: string;
}

/** Read a published artifact. Throws CorruptModelError on a malformed manifest or item table. */
export async function readDuve2Artifact(dir: string): Promise<Duve2Artifact> {
  const text = await readFile(join(dir, DUVE2_MANIFEST), 'utf8');
  try {
    const manifest = JSON.parse(text) as Duve2Manifest;
    if (typeof manifest.onnx?.file !== 'string' || !Number.isInteger(manifest.version)) throw new Error('manifest lacks onnx.file or version');
    const items = JSON.parse(await readFile(join(dir, manifest.items ?? DUVE2_ITEMS), 'utf8')) as Record<string, number[]>;
    return { dir, manifest, model: duve2ModelFromManifest(manifest, items), onnxPath: join(dir, manifest.onnx.file) };
  } catch (err) {
    throw new CorruptModelError(dir, (err as Error).message);
  }
}

/** The highest published version under `parent`, or null. */
export async function latestDuve2Artifact(parent: string): Promise<Duve2Artifact | null> {
  const version = (await publishedVersions(parent)).at(-1);
  return version === undefined ? null : readDuve2Artifact(join(parent, String(version)));
}

export type { Duve2Runner };
