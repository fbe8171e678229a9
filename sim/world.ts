/**
 * The simulated world: the catalogue (the log's items, their categories and view counts, a
 * synthetic price each), and the simulated users (a seeded sample of the log's users) with the
 * state their reactions read and update.
 *
 * What a user wants (intent), as a distribution over items, from the log:
 *
 *   intent_u(i) = R · hist_u(i) + (1 − R) · pref_u(c_i) · pop(i | c_i)
 *   hist_u(i)   = the user's events on i / the user's events              (re-visits; R = revisit share)
 *   pref_u(c)   = (n_uc + α · g_c) / (n_u + α)                             (category preference, smoothed
 *                                                                          toward the global view share g_c)
 *   pop(i | c)  = (views_i + ½) / (views_c + ½ · items_c)                   (popularity within the category)
 *
 * The user's counts start from the log and grow with what the user does in the simulation (a
 * click, cart, fav or purchase adds one event on the item and its category): preferences move
 * only through the user's own simulated actions.
 */
import type { FittedLog, FittedUser } from './fit';
import { createPricing, type PriceOptions, type Pricing } from './prices';
import { shuffled, stream } from './rng';

export interface SimUser {
  readonly id: string;
  /** The log user this one was fitted on (= id, except for a resampled persona). */
  readonly sourceId: string;
  readonly sessionsPerDay: number;
  readonly cartLift: number;
  readonly buyLift: number;
  /** Live event counts per category and per item, and their total (log + simulation). */
  readonly categoryCounts: Map<string, number>;
  readonly itemCounts: Map<string, number>;
  total: number;
}

export interface WorldOptions {
  readonly seed: number;
  /** Users to simulate, sampled without replacement from the log's users. Default: all of them. */
  readonly users?: number;
  /** Pseudo-events of the global category share in a user's preference (α). Default 10. */
  readonly categoryPrior?: number;
  readonly prices?: PriceOptions;
  /**
   * When `users` exceeds the log's users: keep every log user and add `users − log users` personas,
   * each a log user drawn with replacement (seeded) under the new id `<log id>-p<n>` (n = 1, 2, ...
   * per log user), with that user's fitted rates and history. Default false: at most the log's users.
   */
  readonly resample?: boolean;
}

export interface World {
  readonly fit: FittedLog;
  readonly users: readonly SimUser[];
  readonly pricing: Pricing;
  readonly categoryPrior: number;
  /** Median intent of the log's engaged (user, item) pairs: the appeal at which a click is half-saturated. */
  readonly appealScale: number;
  /** Category of an item ('' when unknown). */
  categoryOf(itemId: string): string;
  /** Synthetic price of an item. */
  priceOf(itemId: string): number;
  /** intent_u(i) (0 for an item the log never saw). */
  intent(user: SimUser, itemId: string): number;
  /** Count one more event of the user on an item (a simulated action). */
  observe(user: SimUser, itemId: string): void;
}

function toSimUser(u: FittedUser, id = u.id): SimUser {
  return { id, sourceId: u.id, sessionsPerDay: u.sessionsPerDay, cartLift: u.cartLift, buyLift: u.buyLift, categoryCounts: new Map(u.categories), itemCounts: new Map(u.items), total: u.events };
}

/** Id of the n-th persona copy of a log user. */
export const personaId = (sourceId: string, n: number): string => `${sourceId}-p${n}`;

export function createWorld(fit: FittedLog, o: WorldOptions): World {
  const alpha = o.categoryPrior ?? 10;
  const totalItems = fit.items.size;
  const denom = fit.totalViews + 0.5 * totalItems;
  const pricing = createPricing(o.seed, o.prices);
  const globalShare = (c: string): number => {
    const cat = fit.categories.get(c);
    return cat === undefined || denom <= 0 ? 0 : (cat.views + 0.5 * cat.items) / denom;
  };
  const withinCategory = (itemId: string): { category: string; pop: number } | null => {
    const it = fit.items.get(itemId);
    if (it === undefined) return null;
    const cat = fit.categories.get(it.category)!;
    return { category: it.category, pop: (it.views + 0.5) / (cat.views + 0.5 * cat.items) };
  };
  const intentOf = (hist: (i: string) => number, catCount: (c: string) => number, total: number, itemId: string): number => {
    const w = withinCategory(itemId);
    if (w === null) return 0;
    const R = fit.revisitShare;
    const h = total > 0 ? hist(itemId) / total : 0;
    const pref = (catCount(w.category) + alpha * globalShare(w.category)) / (total + alpha);
    return R * h + (1 - R) * pref * w.pop;
  };

  // Appeal scale: the median intent of the pairs users actually engaged with in the log.
  const engaged: number[] = [];
  for (const u of fit.users.values()) {
    for (const itemId of u.items.keys())
      engaged.push(
        intentOf(
          (i) => u.items.get(i) ?? 0,
          (c) => u.categories.get(c) ?? 0,
          u.events,
          itemId,
        ),
      );
  }
  engaged.sort((a, b) => a - b);
  const appealScale = engaged.length > 0 ? engaged[Math.floor((engaged.length - 1) / 2)]! : 1;

  const ids = [...fit.users.keys()].filter((id) => fit.users.get(id)!.sessions > 0).sort();
  const n = Math.min(o.users ?? ids.length, ids.length);
  const picked = shuffled(stream(o.seed, 'users'), ids).slice(0, n).sort();
  const users = picked.map((id) => toSimUser(fit.users.get(id)!));
  if (o.resample === true && o.users !== undefined && o.users > ids.length && ids.length > 0) {
    const rng = stream(o.seed, 'personas');
    const copies = new Map<string, number>();
    for (let k = ids.length; k < o.users; k++) {
      const src = ids[Math.floor(rng() * ids.length)]!;
      const n = (copies.get(src) ?? 0) + 1;
      copies.set(src, n);
      users.push(toSimUser(fit.users.get(src)!, personaId(src, n)));
    }
  }

  return {
    fit,
    users,
    pricing,
    categoryPrior: alpha,
    appealScale,
    categoryOf: (itemId) => fit.items.get(itemId)?.category ?? '',
    priceOf: (itemId) => pricing.price(itemId, fit.items.get(itemId)?.category ?? ''),
    intent: (u, itemId) =>
      intentOf(
        (i) => u.itemCounts.get(i) ?? 0,
        (c) => u.categoryCounts.get(c) ?? 0,
        u.total,
        itemId,
      ),
    observe(u, itemId) {
      const c = fit.items.get(itemId)?.category ?? '';
      u.itemCounts.set(itemId, (u.itemCounts.get(itemId) ?? 0) + 1);
      u.categoryCounts.set(c, (u.categoryCounts.get(c) ?? 0) + 1);
      u.total++;
    },
  };
}
