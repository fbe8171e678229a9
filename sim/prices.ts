/**
 * Synthetic prices. The Taobao log has no prices, so every item gets one, drawn once from the
 * seed (not from data): a category median, log-normal around `median`, then the item's price,
 * log-normal around its category median. Each draw is a pure function of (seed, id), so an item's
 * price does not depend on which other items exist or on the order they are priced in.
 *
 *   category median m_c = median · exp(σ_cat · z_c)
 *   item price      p_i = m_c · exp(σ_item · z_i)      rounded to 0.01, at least 0.01
 */
import { normal, stream } from './rng';

export interface PriceOptions {
  /** Median of the category medians (currency units). Default 50. */
  readonly median?: number;
  /** Log-sd of category medians. Default 0.8. */
  readonly categorySigma?: number;
  /** Log-sd of item prices within a category. Default 0.4. */
  readonly itemSigma?: number;
}

export interface Pricing {
  /** Median price of a category. */
  categoryMedian(category: string): number;
  /** Price of an item of a category. */
  price(itemId: string, category: string): number;
}

export function createPricing(seed: number, o: PriceOptions = {}): Pricing {
  const median = o.median ?? 50;
  const sCat = o.categorySigma ?? 0.8;
  const sItem = o.itemSigma ?? 0.4;
  if (!(median > 0 && sCat >= 0 && sItem >= 0)) throw new RangeError('prices: median must be > 0 and sigmas ≥ 0');
  const medians = new Map<string, number>();
  const categoryMedian = (c: string): number => {
    let m = medians.get(c);
    if (m === undefined) medians.set(c, (m = median * Math.exp(sCat * normal(stream(seed, 'price:category', c)))));
    return m;
  };
  return {
    categoryMedian,
    price(itemId, category) {
      const p = categoryMedian(category) * Math.exp(sItem * normal(stream(seed, 'price:item', itemId)));
      return Math.max(0.01, Math.round(p * 100) / 100);
    },
  };
}
