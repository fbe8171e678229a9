/**
 * How a simulated user reacts to one feed (one page of ranked items), seeded:
 *
 *   examine   the user scans the list top-down; position k is examined with bias(k) = 1 / log2(1 + k)
 *   click     P(click | k, i) = bias(k) · (base + (max − base) · m / (1 + m)),  m = intent_u(i) / appealScale
 *             (base: an item the user has no interest in; max: saturation; half-way at the median
 *             intent of the pairs users engaged with in the log). NOT fitted: the log has no
 *             impressions, so base, max and the position curve are assumptions (flags).
 *   a click   is logged as `click` (the feed tile) and `view` (the item page it opens: what the log's
 *             `pv` is), then, each fitted on the log's engaged pairs:
 *   fav       P(fav)                                      → `wishlist`
 *   cart      min(0.95, P(cart) · cartLift_u)              → `add_to_cart`
 *   purchase  min(0.95, P(buy | cart or not) · buyLift_u · elasticity)  → `purchase`, value = price
 *             elasticity = clamp((price / category median)^(−η), ¼, 4)   (η: an assumption, prices are synthetic)
 *
 * Nothing happens to an item the user was not shown or did not click: no purchase without a click.
 */
import type { FittedFunnel } from './fit';
import type { SimUser, World } from './world';

export type SimEventType = 'click' | 'view' | 'wishlist' | 'add_to_cart' | 'purchase';

export interface SimEvent {
  readonly type: SimEventType;
  readonly itemId: string;
  /** ms */
  readonly ts: number;
  /** Purchase value (the item's price); 0 otherwise. */
  readonly value: number;
  /** 1-based position of the item in the feed. */
  readonly rank: number;
}

export interface BehaviourOptions {
  /** Click probability at position 1 of an item with no intent. Default 0.01. */
  readonly baseCtr?: number;
  /** Click probability at position 1 of an item with saturated intent. Default 0.35. */
  readonly maxCtr?: number;
  /** Price elasticity η of the purchase probability. Default 0.5. */
  readonly priceElasticity?: number;
}

export interface Behaviour {
  readonly baseCtr: number;
  readonly maxCtr: number;
  readonly priceElasticity: number;
  readonly funnel: FittedFunnel;
  readonly appealScale: number;
}

export function behaviourOf(world: World, o: BehaviourOptions = {}): Behaviour {
  const b = { baseCtr: o.baseCtr ?? 0.01, maxCtr: o.maxCtr ?? 0.35, priceElasticity: o.priceElasticity ?? 0.5, funnel: world.fit.funnel, appealScale: world.appealScale };
  if (!(b.baseCtr >= 0 && b.baseCtr <= b.maxCtr && b.maxCtr <= 1)) throw new RangeError('behaviour: need 0 ≤ baseCtr ≤ maxCtr ≤ 1');
  if (!(b.priceElasticity >= 0)) throw new RangeError('behaviour: priceElasticity must be ≥ 0');
  if (!(b.appealScale > 0)) throw new RangeError('behaviour: appealScale must be > 0');
  return b;
}

/** Examination probability of 1-based position k. */
export function positionBias(rank: number): number {
  return 1 / Math.log2(1 + rank);
}

export function clickProbability(b: Behaviour, rank: number, intent: number): number {
  const m = intent / b.appealScale;
  return positionBias(rank) * (b.baseCtr + ((b.maxCtr - b.baseCtr) * m) / (1 + m));
}

/**
 * With `buyFactor` (the spend level, sim/spend.ts) multiplying the probability before the cap, and
 * `priceReference` multiplying the category median (the user's budget). Both default to 1.
 */
export function purchaseProbability(b: Behaviour, user: Pick<SimUser, 'buyLift'>, carted: boolean, price: number, categoryMedian: number, buyFactor = 1, priceReference = 1): number {
  const base = carted ? b.funnel.pBuyGivenCart : b.funnel.pBuyGivenNoCart;
  const elasticity = Math.min(4, Math.max(0.25, (price / (categoryMedian * priceReference)) ** -b.priceElasticity));
  return Math.min(0.95, base * user.buyLift * elasticity * buyFactor);
}

/** Per-session changes to the reactions (`simulate --headline`); absent: the plain model above. */
export interface ReactionModifiers {
  /** Multiplies P(click) of the item shown at 1-based `rank` (fatigue, sim/fatigue.ts). Default 1. */
  readonly clickFactor?: (itemId: string, rank: number) => number;
  /** Multiplies P(buy) (spend level). Default 1. */
  readonly buyFactor?: number;
  /** Multiplies the category median of the price elasticity (budget). Default 1. */
  readonly priceReference?: number;
}

const SECOND = 1000;
const between = (rng: () => number, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo));

/**
 * The events of one session: the user saw `shown` (in rank order) at `t0`. Reads the user's
 * intent; does not change the user (the caller applies the events with `world.observe`).
 * Timestamps are increasing and whole milliseconds.
 */
export function reactToFeed(world: World, b: Behaviour, user: SimUser, shown: readonly string[], t0: number, rng: () => number, mods: ReactionModifiers = {}): SimEvent[] {
  const out: SimEvent[] = [];
  let t = t0 + between(rng, 1 * SECOND, 3 * SECOND);
  shown.forEach((itemId, i) => {
    const rank = i + 1;
    t += between(rng, 1 * SECOND, 4 * SECOND); // scanning the tile
    const pClick = clickProbability(b, rank, world.intent(user, itemId)) * (mods.clickFactor ? mods.clickFactor(itemId, rank) : 1);
    if (!(rng() < pClick)) return;
    const category = world.categoryOf(itemId);
    out.push({ type: 'click', itemId, ts: t, value: 0, rank });
    const page = t + 500;
    out.push({ type: 'view', itemId, ts: page, value: 0, rank });
    const dwell = between(rng, 20 * SECOND, 120 * SECOND);
    let last = page;
    if (rng() < b.funnel.pFav) out.push({ type: 'wishlist', itemId, ts: (last = page + between(rng, 5 * SECOND, dwell)), value: 0, rank });
    const carted = rng() < Math.min(0.95, b.funnel.pCart * user.cartLift);
    if (carted) out.push({ type: 'add_to_cart', itemId, ts: (last = Math.max(last, page) + between(rng, 5 * SECOND, dwell)), value: 0, rank });
    const price = world.priceOf(itemId);
    if (rng() < purchaseProbability(b, user, carted, price, world.pricing.categoryMedian(category), mods.buyFactor ?? 1, mods.priceReference ?? 1)) {
      out.push({ type: 'purchase', itemId, ts: (last = last + between(rng, 30 * SECOND, 240 * SECOND)), value: price, rank });
    }
    t = Math.max(page + dwell, last) + SECOND; // back to the feed
  });
  return out;
}
