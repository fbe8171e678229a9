/**
 * Global selling-point click rates: the non-personalised ranking of selling points (settings
 * `ads/sp<N>-np`) and the fallback when no model is served. Counts since the process started:
 * `shown` when a title carried the keyword, `clicked` when a `selling_point_click` names it.
 *
 *   rate(k) = (clicks_k + strength · prior) / (shown_k + strength)
 *
 * (a Beta(strength·prior, strength·(1−prior)) prior's posterior mean), so an unseen keyword has
 * the prior and ties keep the item's candidate order (explicit selling points first).
 */
export interface KeywordRatesOptions {
  /** Prior click rate of a keyword. Default 0.02. */
  readonly prior?: number;
  /** Pseudo-impressions of the prior. Default 50. */
  readonly strength?: number;
  /** Most keywords tracked (the least shown are forgotten beyond it). Default 100,000. */
  readonly maxKeywords?: number;
}

export interface KeywordRates {
  shown(keywords: readonly string[]): void;
  clicked(keyword: string): void;
  rate(keyword: string): number;
  readonly size: number;
}

export function createKeywordRates(o: KeywordRatesOptions = {}): KeywordRates {
  const prior = o.prior ?? 0.02;
  const strength = o.strength ?? 50;
  const max = o.maxKeywords ?? 100_000;
  if (!(prior > 0 && prior < 1) || !(strength > 0)) throw new RangeError('keyword rates: prior must be in (0, 1) and strength > 0');
  const counts = new Map<string, { shown: number; clicks: number }>();
  const entry = (k: string): { shown: number; clicks: number } => {
    let c = counts.get(k);
    if (c === undefined) {
      if (counts.size >= max) {
        let worst: string | null = null;
        let least = Infinity;
        for (const [key, v] of counts) {
          if (v.shown < least) {
            least = v.shown;
            worst = key;
          }
        }
        if (worst !== null) counts.delete(worst);
      }
      counts.set(k, (c = { shown: 0, clicks: 0 }));
    }
    return c;
  };
  return {
    shown(keywords) {
      for (const k of keywords) entry(k).shown++;
    },
    clicked(keyword) {
      entry(keyword).clicks++;
    },
    rate(keyword) {
      const c = counts.get(keyword);
      return ((c?.clicks ?? 0) + strength * prior) / ((c?.shown ?? 0) + strength);
    },
    get size() {
      return counts.size;
    },
  };
}
