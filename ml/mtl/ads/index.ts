/**
 * MTL-ads models (issue 14, Contract D): BM, MTDL and AMTDL trained in TypeScript, exported to ONNX
 * and served through an SDK ModelSession. The serving plugin (plugins/mtl-ads) imports from here.
 */
export * from './types';
export { trainMtlAds, predictMtlAdsTs, scoreEncodedAds, type TrainMtlAdsOptions, type TrainedMtlAds, type AdsEpochInfo } from './train';
export {
  writeMtlAdsArtifact,
  loadMtlAdsModel,
  latestMtlAdsArtifact,
  readMtlAdsManifest,
  CorruptMtlAdsArtifactError,
  MTL_ADS_MANIFEST,
  MTL_ADS_ONNX,
  type MtlAdsManifest,
  type WriteMtlAdsOptions,
} from './artifact';
export {
  adsExamplesFromStore,
  joinAdsLogs,
  trainMtlAdsFromStore,
  type TrainMtlAdsFromStoreOptions,
  type TrainMtlAdsFromStoreResult,
  type AdsLogStores,
  type AdsLoggedExposure,
  type AdsLoggedEvent,
  type AdsExamplesOptions,
} from './from-store';
export { ADS_EXTRA_FEATURES, adsExtraFeatures, createAdsFeatureContext, adsFeatureContextFromStore, type AdsContextEvent } from './features';
export { ADS_ONNX_INPUTS, ADS_ONNX_OUTPUTS } from './onnx';
