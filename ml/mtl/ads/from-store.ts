/**
 * Training examples from the gateway's logs (Contract D): every `ads` exposure slot (the experiment
 * store's exposure log: user, item, query, the selling points written into the title) joined with
 * the store's `ad_click` / `selling_point_click` events. An event is attributed to the latest
 * exposure of the same (user, item) at or before it, within `attributionMs`; a selling-point click
 * counts as an ad click, and only keywords that were shown count as selling-point clicks.
 * The sources are typed structurally (what this reads), so the gateway's GraphStore and
 * ExperimentStore satisfy them and tests use in-memory fakes.
 */
import { normaliseQuery } from '../../../domain/events';
import type { GraphStore } from '../../../graph/port';
import { writeMtlAdsArtifact, type WriteMtlAdsOptions } from './artifact';
import { normaliseKeyword } from './encode';
import { adsFeatureContextFromStore } from './features';
import { trainMtlAds, type TrainMtlAdsOptions, type TrainedMtlAds } from './train';
import type { AdsExample, AdsFeatureContext } from './types';

/** An `ads` exposure as the exposure log stores it (the fields read here). */
export interface AdsLoggedExposure {
  readonly exposureId: string;
  readonly userId: string;
  readonly ts: number;
  readonly itemIds: readonly string[];
  readonly ads?: { readonly query: string; readonly slots: ReadonlyArray<{ readonly keywords: readonly string[] }> };
}

/** A stored `ad_click` / `selling_point_click` (the fields read here). */
export interface AdsLoggedEvent {
  readonly userId: string;
  readonly type: 'ad_click' | 'selling_point_click';
  readonly itemId: string;
  readonly ts: number;
  readonly keyword: string | null;
}

export interface AdsLogStores {
  /** The experiment store (exposure log). */
  readonly exposures: { exposuresOnSurface(surface: string, o?: { readonly from?: number; readonly to?: number }): Promise<readonly AdsLoggedExposure[]> };
  /** The graph store (ad events). */
  readonly events: { scanAdEvents(pageSize: number): AsyncIterable<readonly AdsLoggedEvent[]> };
}

export interface AdsExamplesOptions {
  /** Exposures at or after (ms). Default: all. */
  readonly from?: number;
  /** Exposures before (ms). Default: all. */
  readonly to?: number;
  /** Longest exposure → click delay attributed, ms. Default 30 minutes. */
  readonly attributionMs?: number;
  /** Exposure surface. Default `ads`. */
  readonly surface?: string;
}

interface Slot {
  readonly ts: number;
  readonly example: number;
}

/** Join exposures and events into examples (exposure order; slots in slot order). */
export function joinAdsLogs(exposures: readonly AdsLoggedExposure[], events: Iterable<AdsLoggedEvent>, o: { attributionMs?: number } = {}): AdsExample[] {
  const window = o.attributionMs ?? 30 * 60_000;
  const rows: Array<{ userId: string; query: string; itemId: string; keywords: string[]; clickedAd: boolean; clicked: Set<string>; ts: number }> = [];
  const byPair = new Map<string, Slot[]>();
  for (const x of exposures) {
    if (!x.ads) continue;
    x.itemIds.forEach((itemId, s) => {
      const keywords = (x.ads!.slots[s]?.keywords ?? []).map(normaliseKeyword).filter((k) => k !== '');
      const example = rows.length;
      rows.push({ userId: x.userId, query: normaliseQuery(x.ads!.query), itemId, keywords, clickedAd: false, clicked: new Set(), ts: x.ts });
      const key = `${x.userId}\u0000${itemId}`;
      const list = byPair.get(key);
      if (list) list.push({ ts: x.ts, example });
      else byPair.set(key, [{ ts: x.ts, example }]);
    });
  }
  for (const list of byPair.values()) list.sort((a, b) => a.ts - b.ts || a.example - b.example);
  for (const e of events) {
    const list = byPair.get(`${e.userId}\u0000${e.itemId}`);
    if (!list) continue;
    // The latest exposure at or before the event.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.ts <= e.ts) lo = mid + 1;
      else hi = mid;
    }
    const slot = lo > 0 ? list[lo - 1]! : null;
    if (!slot || e.ts - slot.ts > window) continue;
    const row = rows[slot.example]!;
    row.clickedAd = true;
    if (e.type === 'selling_point_click' && e.keyword !== null) {
      const k = normaliseKeyword(e.keyword);
      if (row.keywords.includes(k)) row.clicked.add(k);
    }
  }
  return rows.map((r) => ({ userId: r.userId, query: r.query, itemId: r.itemId, keywords: r.keywords, clickedAd: r.clickedAd, clickedKeywords: r.keywords.filter((k) => r.clicked.has(k)), ts: r.ts }));
}

/** Read the `ads` exposures in [from, to) and every ad event, and join them (joinAdsLogs). */
export async function adsExamplesFromStore(stores: AdsLogStores, o: AdsExamplesOptions = {}): Promise<AdsExample[]> {
  const exposures = await stores.exposures.exposuresOnSurface(o.surface ?? 'ads', { ...(o.from !== undefined ? { from: o.from } : {}), ...(o.to !== undefined ? { to: o.to } : {}) });
  const events: AdsLoggedEvent[] = [];
  const lo = o.from ?? Number.NEGATIVE_INFINITY;
  const hi = (o.to ?? Number.POSITIVE_INFINITY) + (o.attributionMs ?? 30 * 60_000);
  for await (const page of stores.events.scanAdEvents(50_000)) for (const e of page) if (e.ts >= lo && e.ts < hi) events.push(e);
  return joinAdsLogs(exposures, events, o.attributionMs !== undefined ? { attributionMs: o.attributionMs } : {});
}

export interface TrainMtlAdsFromStoreOptions extends Omit<TrainMtlAdsOptions, 'context' | 'validation'>, AdsExamplesOptions {
  /** `<modelsDir>/mtl-ads/<kind>/<n>` unless `adsDir` names the MTL-ads folder. */
  readonly modelsDir: string;
  readonly adsDir?: string;
  readonly createdBy?: string;
}

export interface TrainMtlAdsFromStoreResult {
  readonly version: number;
  readonly dir: string;
  readonly examples: number;
  readonly trained: TrainedMtlAds;
}

/**
 * Read the examples (adsExamplesFromStore), train (the latest 10% of exposures by time select the
 * epoch) and publish the next version. AMTDL's context is read from the graph store. Throws a
 * RangeError when there is nothing to train on.
 */
export async function trainMtlAdsFromStore(stores: AdsLogStores & { graph?: GraphStore; context?: AdsFeatureContext }, o: TrainMtlAdsFromStoreOptions): Promise<TrainMtlAdsFromStoreResult> {
  const examples = await adsExamplesFromStore(stores, o);
  if (examples.length === 0) throw new RangeError('train mtl-ads: no ads exposures in the exposure log (serve `ads` first, or widen --from/--to)');
  let context = stores.context;
  if ((o.extraFeatures ?? o.kind === 'amtdl') && !context) {
    if (!stores.graph) throw new RangeError('train mtl-ads: amtdl needs the graph store for its user/query features');
    context = await adsFeatureContextFromStore(stores.graph);
  }
  const trained = trainMtlAds(examples, { ...o, ...(context ? { context } : {}) });
  const w: WriteMtlAdsOptions = { createdBy: o.createdBy ?? 'trainMtlAdsFromStore', metrics: { exposures: examples.length }, ...(o.adsDir !== undefined ? { adsDir: o.adsDir } : {}) };
  const { version, dir } = await writeMtlAdsArtifact(trained, o.modelsDir, w);
  return { version, dir, examples: examples.length, trained };
}
