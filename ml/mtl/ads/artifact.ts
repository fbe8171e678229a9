/**
 * MTL-ads artifacts: `<modelsDir>/mtl-ads/<kind>/<version>/` holding `model.onnx` (ml/mtl/ads/onnx.ts)
 * and `manifest.json` (kind, schedule, vocabularies, input/feature layout, training metrics and the
 * sha256 of model.onnx, checked on load). Versions only go up (ml/artifacts.ts publishes by an
 * atomic rename). `loadMtlAdsModel` serves a version through an SDK ModelSession (onnxruntime-node
 * via ml/onnx/session.ts loadOnnxModel in the gateway).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelSession } from '../../../plugins/sdk/model';
import { publishArtifact, publishedVersions } from '../../artifacts';
import { encodeOnnxModel } from '../../onnx/export';
import { encodeAds, indexAdsVocab, type AdsVocab } from './encode';
import { ADS_EXTRA_FEATURES } from './features';
import { ADS_ONNX_INPUTS, ADS_ONNX_OUTPUTS, adsOnnxSpec } from './onnx';
import type { TrainedMtlAds } from './train';
import type { AdsFeatureContext, AdsModelKind, AdsPrediction, AdsSchedule, AdsScoringRow, MtlAdsModel } from './types';

export const MTL_ADS_ONNX = 'model.onnx';
export const MTL_ADS_MANIFEST = 'manifest.json';

export interface MtlAdsManifest {
  readonly format: 'mtl-ads';
  readonly formatVersion: 1;
  readonly kind: AdsModelKind;
  readonly schedule: AdsSchedule;
  /** What the batches trained (BM: main-only). */
  readonly effectiveSchedule: string;
  readonly version: number;
  /** `mtl-ads/<kind>@<version>`. */
  readonly modelVersion: string;
  readonly onnx: { readonly file: string; readonly sha256: string; readonly inputs: readonly string[]; readonly outputs: readonly string[] };
  /** Index i + 1 of each list is that string's row; 0 = unknown. */
  readonly vocab: AdsVocab;
  readonly features: {
    readonly embeddingDim: number;
    /** ONNX `features` columns (AMTDL), in order; empty otherwise. */
    readonly extra: readonly string[];
    readonly normalisation: string;
  };
  /** BM's constant ctr output (the training ad CTR). */
  readonly baseCtr: number;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly metrics: Readonly<Record<string, unknown>>;
  readonly createdBy: string;
  readonly createdAt: string;
}

export interface WriteMtlAdsOptions {
  /** Manifest `createdBy`. Default `trainMtlAds`. */
  readonly createdBy?: string;
  /** Extra metrics for the manifest. */
  readonly metrics?: Readonly<Record<string, unknown>>;
  /** The MTL-ads folder itself (MTL_ADS_MODELS_DIR), instead of `<modelsDir>/mtl-ads`. */
  readonly adsDir?: string;
}

/** Publish `trained` as the next version under `<modelsDir>/mtl-ads/<kind>` (or `<adsDir>/<kind>`). */
export async function writeMtlAdsArtifact(t: TrainedMtlAds, modelsDir: string, o: WriteMtlAdsOptions = {}): Promise<{ version: number; dir: string }> {
  const bytes = encodeOnnxModel(adsOnnxSpec(t.net, { baseCtr: t.baseCtr, docString: `mtl-ads ${t.kind} (${t.effectiveSchedule})` }));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const extra = t.extraFeatures ? ADS_EXTRA_FEATURES : [];
  return publishArtifact(join(o.adsDir ?? join(modelsDir, 'mtl-ads'), t.kind), { [MTL_ADS_ONNX]: bytes }, (version): MtlAdsManifest => ({
    format: 'mtl-ads',
    formatVersion: 1,
    kind: t.kind,
    schedule: t.schedule,
    effectiveSchedule: t.effectiveSchedule,
    version,
    modelVersion: `mtl-ads/${t.kind}@${version}`,
    onnx: {
      file: MTL_ADS_ONNX,
      sha256,
      inputs: [ADS_ONNX_INPUTS.user, ADS_ONNX_INPUTS.query, ADS_ONNX_INPUTS.item, ADS_ONNX_INPUTS.keywords, ADS_ONNX_INPUTS.mask, ...(extra.length > 0 ? [ADS_ONNX_INPUTS.features] : [])],
      outputs: [ADS_ONNX_OUTPUTS.ctr, ADS_ONNX_OUTPUTS.keywordScores],
    },
    vocab: t.vocab,
    features: { embeddingDim: t.net.spec.dim, extra, normalisation: 'queries and keywords: NFKC, lower case, single spaces, trimmed (domain/events normaliseQuery)' },
    baseCtr: t.baseCtr,
    settings: t.settings,
    metrics: { ...t.metrics, bestEpoch: t.bestEpoch + 1, trainMs: Math.round(t.trainMs), ...(o.metrics ?? {}) },
    createdBy: o.createdBy ?? 'trainMtlAds',
    createdAt: new Date().toISOString(),
  }));
}

/** The newest published version folder of a kind, or null. */
export async function latestMtlAdsArtifact(modelsDir: string, kind: AdsModelKind): Promise<string | null> {
  const parent = join(modelsDir, 'mtl-ads', kind);
  const v = (await publishedVersions(parent)).at(-1);
  return v === undefined ? null : join(parent, String(v));
}

/** An artifact that cannot be served: retrying will not fix it. */
export class CorruptMtlAdsArtifactError extends Error {
  constructor(dir: string, reason: string) {
    super(`mtl-ads artifact ${dir} is corrupt: ${reason}`);
    this.name = 'CorruptMtlAdsArtifactError';
  }
}

export async function readMtlAdsManifest(dir: string): Promise<MtlAdsManifest> {
  let m: MtlAdsManifest;
  try {
    m = JSON.parse(await readFile(join(dir, MTL_ADS_MANIFEST), 'utf8')) as MtlAdsManifest;
  } catch (err) {
    throw new CorruptMtlAdsArtifactError(dir, `manifest: ${(err as Error).message}`);
  }
  if (m.format !== 'mtl-ads' || m.formatVersion !== 1) throw new CorruptMtlAdsArtifactError(dir, 'not an mtl-ads v1 manifest');
  if (!Number.isInteger(m.version) || typeof m.onnx?.file !== 'string' || !m.vocab) throw new CorruptMtlAdsArtifactError(dir, 'manifest lacks version, onnx or vocab');
  return m;
}

/** Open a version folder: checks the manifest and the model's sha256, opens the session, checks its inputs. */
export async function loadMtlAdsModel(dir: string, o: { loadModel: (uri: string) => Promise<ModelSession> }): Promise<MtlAdsModel> {
  const m = await readMtlAdsManifest(dir);
  const path = join(dir, m.onnx.file);
  const bytes = await readFile(path);
  if (createHash('sha256').update(bytes).digest('hex') !== m.onnx.sha256) throw new CorruptMtlAdsArtifactError(dir, `${m.onnx.file} does not match its sha256`);
  const session = await o.loadModel(path);
  const missing = m.onnx.inputs.filter((n) => !session.inputNames.includes(n));
  if (missing.length > 0 || !m.onnx.outputs.every((n) => session.outputNames.includes(n))) {
    await session.close();
    throw new CorruptMtlAdsArtifactError(dir, `the model lacks ${missing.length > 0 ? `inputs ${missing.join(', ')}` : 'an output'}`);
  }
  const index = indexAdsVocab(m.vocab);
  const extra = m.features.extra.length;
  return {
    kind: m.kind,
    version: m.version,
    modelVersion: m.modelVersion,
    async predict(rows: readonly AdsScoringRow[], ctx: AdsFeatureContext): Promise<AdsPrediction[]> {
      const N = rows.length;
      if (N === 0) return [];
      const enc = encodeAds(rows, index, { extra: extra > 0, ctx });
      // At least one column: an ad without keywords pools the unknown keyword (as the TS forward pass).
      let K = 1;
      for (const r of rows) K = Math.max(K, r.keywords.length);
      const kw = new Float32Array(N * K);
      const mask = new Float32Array(N * K);
      for (let e = 0; e < N; e++) {
        for (let p = enc.kwStart[e]!; p < enc.kwStart[e + 1]!; p++) {
          const j = p - enc.kwStart[e]!;
          kw[e * K + j] = enc.kw[p]!;
          mask[e * K + j] = 1;
        }
      }
      const feeds: Record<string, { data: Float32Array; dims: number[] }> = {
        [ADS_ONNX_INPUTS.user]: { data: Float32Array.from(enc.user), dims: [N] },
        [ADS_ONNX_INPUTS.query]: { data: Float32Array.from(enc.query), dims: [N] },
        [ADS_ONNX_INPUTS.item]: { data: Float32Array.from(enc.item), dims: [N] },
        [ADS_ONNX_INPUTS.keywords]: { data: kw, dims: [N, K] },
        [ADS_ONNX_INPUTS.mask]: { data: mask, dims: [N, K] },
      };
      if (extra > 0) feeds[ADS_ONNX_INPUTS.features] = { data: enc.extra, dims: [N, extra] };
      const out = await session.run(feeds);
      const ctr = out[ADS_ONNX_OUTPUTS.ctr]!.data;
      const scores = out[ADS_ONNX_OUTPUTS.keywordScores]!.data;
      return rows.map((r, e) => ({ ctr: ctr[e]!, keywordScores: scores.slice(e * K, e * K + r.keywords.length) }));
    },
    close: () => session.close(),
  };
}
