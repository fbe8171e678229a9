/**
 * MTL-ads serving (issue 14): the `ads` query's service, its model source and the pieces the
 * simulator and benches reuse. The models themselves live in ml/mtl/ads (Contract D).
 */
import type { GraphStore } from '../../graph/port';
import type { MtlAdsModel } from '../../ml/mtl/ads/types';
import type { PluginLogger } from '../sdk/contract';
import { createKeywordRates, type KeywordRatesOptions } from './keyword-rates';
import { createAdsModelSource, type AdsModelSource } from './model-source';
import { createAdsService, type AdsService, type AdsServiceOptions } from './service';

export { ADS_SCORER_ID, createAdsService, type AdSlot, type AdsRequest, type AdsResult, type AdsService, type AdsServiceOptions } from './service';
export { ADS_SETTING_IDS, ADS_SURFACE, DEFAULT_ADS_SETTING, MAX_TITLE_SELLING_POINTS, parseAdsSetting, type AdsSetting } from './settings';
export { adTermsOf, rewriteTitle, sellingPointsOf, MAX_CANDIDATE_SELLING_POINTS, type HighlightSpan, type RewrittenTitle } from './selling-points';
export { createKeywordRates, type KeywordRates } from './keyword-rates';
export { createAdsModelSource, type AdsModelSource } from './model-source';
export { requestFeatureContext } from './context';

export interface AdsServing {
  readonly service: AdsService;
  readonly models: AdsModelSource;
  close(): Promise<void>;
}

/** The gateway's ads: the newest model under `root` (hot reload) behind the ads service. */
export async function openAdsServing(o: {
  readonly store: GraphStore;
  /** MTL_ADS_MODELS_DIR; empty: no model (fallback only). */
  readonly root: string;
  readonly load: (dir: string) => Promise<MtlAdsModel>;
  readonly logger?: PluginLogger;
  readonly watchMs?: number;
  readonly rates?: KeywordRatesOptions;
  readonly service?: Partial<Pick<AdsServiceOptions, 'timeoutMs' | 'pool' | 'perCategory' | 'candidates' | 'clock'>>;
}): Promise<AdsServing> {
  const models = await createAdsModelSource({ root: o.root, load: o.load, ...(o.logger ? { logger: o.logger } : {}), ...(o.watchMs !== undefined ? { watchMs: o.watchMs } : {}) });
  const service = createAdsService({ ...o.service, store: o.store, model: () => models.current(), rates: createKeywordRates(o.rates) });
  return { service, models, close: () => models.close() };
}
