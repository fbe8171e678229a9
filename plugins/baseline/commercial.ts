/**
 * `baseline/commercial`: commercial performance of each candidate from its time-decayed views,
 * clicks, carts, purchases and revenue, Bayesian-smoothed toward the candidate pool's averages
 * (empirical Bayes), so an item with 1 view and 1 sale does not outrank a steady seller.
 *
 *   traffic   = views + clicks                                   (decayed)
 *   intent    = purchases + cartWeight·carts + wishlistWeight·wishlists
 *   cvr       = (intent + α·μ_cvr) / (traffic + α)               μ_cvr = Σintent / Σtraffic over the pool
 *   aov       = (revenue + β·prior) / (purchases + β)            prior = item price, else pool mean order value, else 1
 *   score     = log(1 + log(1 + traffic + intent) · cvr · aov)
 *
 * i.e. expected revenue per visit times a damped volume term, log-compressed because revenue is
 * heavy-tailed: the pipeline min-max normalises per request, and one expensive outlier would
 * otherwise squash every other candidate towards 0.
 */
import { eventTypeIndex } from '../../domain/events';
import { defineScorer } from '../sdk/contract';

export interface CommercialOptions {
  /** Prior strength of the conversion rate, in visits. Default 20. */
  readonly alpha?: number;
  /** Prior strength of the order value, in orders. Default 2. */
  readonly beta?: number;
  /** Weight of an add-to-cart as purchase intent. Default 0.3. */
  readonly cartWeight?: number;
  /** Weight of a wishlist as purchase intent. Default 0.1. */
  readonly wishlistWeight?: number;
  /** Per-request deadline (ms). Default: the gateway's. */
  readonly timeoutMs?: number;
}

const VIEW = eventTypeIndex('view');
const CLICK = eventTypeIndex('click');
const CART = eventTypeIndex('add_to_cart');
const PURCHASE = eventTypeIndex('purchase');
const WISHLIST = eventTypeIndex('wishlist');

export function createCommercialScorer(opts: CommercialOptions = {}) {
  const alpha = opts.alpha ?? 20;
  const beta = opts.beta ?? 2;
  const cartW = opts.cartWeight ?? 0.3;
  const wishW = opts.wishlistWeight ?? 0.1;
  return defineScorer({
    id: 'baseline/commercial',
    version: '1.0.0',
    features: ['item.stats', 'item.meta'] as const,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    async setup() {
      return {
        async score({ itemIds, features }) {
          const stats = features['item.stats'];
          const meta = features['item.meta'];
          const n = itemIds.length;
          const traffic = new Float64Array(n);
          const intent = new Float64Array(n);
          const purchases = new Float64Array(n);
          const revenue = new Float64Array(n);
          let sumTraffic = 0;
          let sumIntent = 0;
          let sumRevenue = 0;
          let sumPurchases = 0;
          for (let i = 0; i < n; i++) {
            const s = stats[i];
            if (!s) continue;
            const d = s.decayed;
            traffic[i] = d[VIEW]! + d[CLICK]!;
            purchases[i] = d[PURCHASE]!;
            intent[i] = d[PURCHASE]! + cartW * d[CART]! + wishW * d[WISHLIST]!;
            revenue[i] = s.decayedRevenue;
            sumTraffic += traffic[i]!;
            sumIntent += intent[i]!;
            sumRevenue += revenue[i]!;
            sumPurchases += purchases[i]!;
          }
          const muCvr = sumTraffic > 0 ? Math.min(1, sumIntent / sumTraffic) : 0.01;
          const poolAov = sumPurchases > 0 && sumRevenue > 0 ? sumRevenue / sumPurchases : 1;
          const out = new Float32Array(n);
          for (let i = 0; i < n; i++) {
            const price = meta[i]?.price;
            const prior = price !== null && price !== undefined && price > 0 ? price : poolAov;
            const cvr = (intent[i]! + alpha * muCvr) / (traffic[i]! + alpha);
            const aov = (revenue[i]! + beta * prior) / (purchases[i]! + beta);
            out[i] = Math.log1p(Math.log1p(traffic[i]! + intent[i]!) * cvr * aov);
          }
          return out;
        },
      };
    },
  });
}
