/**
 * The served MTL-ads model: the newest version folder under MTL_ADS_MODELS_DIR (`<n>/model.onnx`
 * + `manifest.json`, written by `writeMtlAdsArtifact`), swapped for a higher version published
 * later (checked at most every `watchMs`, on the request path but never awaited by it), like
 * dpgcn/graph's artifact reload. A version that fails to load is refused once and logged; the
 * version being served stays. No folder, or no version in it: `current()` is null and the ads
 * service serves its fallback (listed in `degraded`).
 */
import { join } from 'node:path';
import { publishedVersions } from '../../ml/artifacts';
import type { MtlAdsModel } from '../../ml/mtl/ads/types';
import type { PluginLogger } from '../sdk/contract';

export interface AdsModelSourceOptions {
  /** Folder of versions (MTL_ADS_MODELS_DIR); empty: no model is ever served. */
  readonly root: string;
  /** Opens one version folder (H6's loadMtlAdsModel with the gateway's onnxruntime loader). */
  readonly load: (dir: string) => Promise<MtlAdsModel>;
  /** Least time between two looks for a newer version, ms. Default 30,000; 0: never look again. */
  readonly watchMs?: number;
  readonly logger?: PluginLogger;
  /** Clock for the watch interval. Default Date.now. */
  readonly clock?: () => number;
}

export interface AdsModelSource {
  /** The model served now, or null when none is loaded. Starts a background check for a newer version when one is due. */
  current(): MtlAdsModel | null;
  /** Look for a newer version now and load it (what the watch does); resolves with the model served afterwards. */
  refresh(): Promise<MtlAdsModel | null>;
  close(): Promise<void>;
}

/** Open the newest version under `root` (null model when there is none or it fails to load; logged). */
export async function createAdsModelSource(o: AdsModelSourceOptions): Promise<AdsModelSource> {
  const watchMs = o.watchMs ?? 30_000;
  const clock = o.clock ?? Date.now;
  let live: MtlAdsModel | null = null;
  let liveVersion = 0;
  const refused = new Set<number>();
  let checkedAt = clock();
  let checking: Promise<MtlAdsModel | null> | null = null;
  let closed = false;

  const refresh = async (): Promise<MtlAdsModel | null> => {
    if (o.root === '' || closed) return live;
    const v = (await publishedVersions(o.root)).filter((x) => !refused.has(x)).at(-1);
    if (v === undefined || v <= liveVersion) return live;
    let next: MtlAdsModel;
    try {
      next = await o.load(join(o.root, String(v)));
    } catch (err) {
      refused.add(v);
      o.logger?.warn({ refused: join(o.root, String(v)), reason: (err as Error).message }, 'mtl-ads: model version not loaded');
      return live;
    }
    if (closed) {
      await next.close();
      return live;
    }
    const old = live;
    live = next;
    liveVersion = v;
    o.logger?.info({ from: old?.modelVersion ?? null, to: next.modelVersion }, 'mtl-ads model');
    // In-flight requests on the old session finish first.
    if (old) setTimeout(() => void old.close().catch(() => {}), 5_000).unref();
    return live;
  };
  const check = (): Promise<MtlAdsModel | null> => {
    checking ??= refresh().finally(() => {
      checking = null;
      checkedAt = clock();
    });
    return checking;
  };
  await check();
  return {
    current() {
      if (watchMs > 0 && checking === null && clock() - checkedAt >= watchMs) void check().catch((err: unknown) => o.logger?.warn({ err: (err as Error).message }, 'mtl-ads: version check failed'));
      return live;
    },
    refresh: check,
    async close() {
      closed = true;
      await checking?.catch(() => null);
      const m = live;
      live = null;
      await m?.close();
    },
  };
}
