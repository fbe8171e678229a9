/**
 * Ads settings: what an ads experiment variant changes. A variant's `strategyId` names a setting
 * by id, so ads experiments reuse the experiment machinery (assignment, exposures, results)
 * unchanged:
 *
 *   ads/sp<N>      N ∈ 0..3 personalised selling points in the title (the model's keyword scores)
 *   ads/sp<N>-np   N non-personalised selling points (ranked by global keyword click rate)
 *   ads/sp<N>-rnd  N selling points drawn uniformly at random from the item's candidates (exploration:
 *                  the logging setting of a burn-in, so the training log covers every keyword)
 *
 * The ad list and its order are the same under every setting (ranked by predicted CTR), so arms
 * differ only in the titles. With no experiment running on surface `ads`, DEFAULT_ADS_SETTING
 * is served.
 */
export interface AdsSetting {
  readonly id: string;
  /** Selling points written into each title, 0..3. */
  readonly sellingPoints: number;
  /** True: the model's per-user keyword scores pick them; false: global click rates or chance do. */
  readonly personalised: boolean;
  /** What picks them: the model (personalised), the global click rates, or a uniform draw. */
  readonly selection: 'model' | 'global' | 'random';
}

/** The experiment surface of the `ads` query. */
export const ADS_SURFACE = 'ads';
export const MAX_TITLE_SELLING_POINTS = 3;
export const DEFAULT_ADS_SETTING = 'ads/sp2';

const ID = /^ads\/sp([0-3])(-np|-rnd)?$/;

/** The setting an id names, or null when it names none. */
export function parseAdsSetting(id: string): AdsSetting | null {
  const m = ID.exec(id);
  if (m === null) return null;
  const selection = m[2] === undefined ? 'model' : m[2] === '-np' ? 'global' : 'random';
  return { id, sellingPoints: Number(m[1]), personalised: selection === 'model', selection };
}

/** Every setting id (what ads experiments may name as a variant's strategy). */
export const ADS_SETTING_IDS: readonly string[] = [0, 1, 2, 3].flatMap((n) => [`ads/sp${n}`, `ads/sp${n}-np`, `ads/sp${n}-rnd`]);
