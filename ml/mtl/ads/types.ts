/**
 * Contract D (issue 14): the MTL-ads model's public types. H6 provides the models (ml/mtl/ads),
 * the serving plugin (plugins/mtl-ads, H7) consumes them.
 */

/** BM: the main task alone; MTDL: main + auxiliary (ad CTR, attention over keywords); AMTDL: MTDL + user/query features. */
export type AdsModelKind = 'bm' | 'mtdl' | 'amtdl';
/** Alternating mini-batches 1:k (main : auxiliary), or pre-train on the auxiliary task then fine-tune on the main task. */
export type AdsSchedule = 'alternating' | 'pretrain-finetune';

export const ADS_MODEL_KINDS: readonly AdsModelKind[] = ['bm', 'mtdl', 'amtdl'];
export const ADS_SCHEDULES: readonly AdsSchedule[] = ['alternating', 'pretrain-finetune'];

/** One logged ad exposure with its outcome (a training example). */
export interface AdsExample {
  readonly userId: string;
  /** The search query the ad was shown for ('' when none). */
  readonly query: string;
  readonly itemId: string;
  /** The selling points shown in the title, in title order. */
  readonly keywords: readonly string[];
  /** The ad was clicked (a selling-point click counts as an ad click). */
  readonly clickedAd: boolean;
  /** The shown selling points that were clicked (a subset of `keywords`). */
  readonly clickedKeywords: readonly string[];
  /** Exposure time, ms. */
  readonly ts: number;
}

/** One ad to score. */
export interface AdsScoringRow {
  readonly userId: string;
  readonly query: string;
  readonly itemId: string;
  /** Candidate selling points; the prediction's keywordScores are aligned with them. */
  readonly keywords: readonly string[];
  /** As-of time of the user/query features (ms). Default: everything the context holds. */
  readonly at?: number;
}

export interface AdsPrediction {
  /** Predicted ad click-through probability (BM: the training ad CTR, a constant; it has no CTR head). */
  readonly ctr: number;
  /** P(click on selling point j | shown), aligned with the row's keywords. */
  readonly keywordScores: Float32Array;
}

/** What a user's history says, as of a time. */
export interface AdsUserStats {
  /** Item interactions. */
  readonly events: number;
  /** add_to_cart + purchase events. */
  readonly conversions: number;
  /** Interactions with items of a category id. */
  categoryCount(categoryId: string): number;
}

export interface AdsQueryStats {
  /** Times the (normalised) query was searched. */
  readonly count: number;
}

/** What AMTDL's extra user and query features read (BM and MTDL ignore it). */
export interface AdsFeatureContext {
  /** The user's history strictly before `at` (ms); null when the user has none. */
  userStats(userId: string, at: number): AdsUserStats | null;
  /** The query's history strictly before `at`; null when never searched. */
  queryStats(query: string, at: number): AdsQueryStats | null;
  /** The item's category ids (empty when unknown). */
  itemCategories(itemId: string): readonly string[];
}

export interface MtlAdsModel {
  readonly kind: AdsModelKind;
  /** Artifact version (the folder name). */
  readonly version: number;
  /** e.g. `mtl-ads/mtdl@3`. */
  readonly modelVersion: string;
  predict(rows: readonly AdsScoringRow[], ctx: AdsFeatureContext): Promise<AdsPrediction[]>;
  close(): Promise<void>;
}
