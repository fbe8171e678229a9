/**
 * The simulator's ads world (`simulate --ads`): selling points on the catalogue, keyword
 * preferences on the users, and how a user reacts to an ad title. Pure and seeded. Every number
 * here is an ASSUMPTION (the Taobao log has no ads, titles or keywords); the flags set them.
 *
 * Catalogue. A vocabulary of `keywords` selling-point keywords (AD_KEYWORDS). Each category gets
 * `perCategory` of them (seeded draw per category id); each item carries its category's keywords
 * plus `perItem` more drawn for the item (seeded per item id): its explicit `sellingPoints`.
 *
 * Users. A user's taste over keywords is Dirichlet-like and correlated with their categories:
 *
 *   g_k ~ Gamma(concentration, 1)                               (idiosyncratic taste; small shape: peaked)
 *   w_k ∝ g_k · (1 + tilt · Σ_c pref_u(c) · [k ∈ keywords(c)])  (categories the user shops tilt it)
 *   s_k = K · w_k                                               (liking relative to uniform; mean 1)
 *
 * pref_u(c) is the user's share of events in category c (the world's counts at the time of the
 * draw, i.e. the log). Drawn once per user.
 *
 * Reaction to one ad slot at 1-based rank r showing keywords S in its title:
 *
 *   p0     = P(click | r, intent_u(i))                          (the feed's click model, sim/behaviour.ts)
 *   A      = saturation · Σ_{k ∈ S} max(0, s_k − 1)             (only keywords liked above average help)
 *   lift   = (1 + maxLift · (1 − e^(−A))) · max(0, 1 − clutter · max(0, |S| − 2))
 *   P(ad click) = min(0.95, p0 · lift)                           (diminishing returns; clutter beyond 2)
 *   a click lands on a keyword with probability keywordShare (when |S| > 0), that keyword drawn
 *   ∝ s_k over S: an `ad_click` plus a `selling_point_click` naming it; otherwise an `ad_click` alone.
 */
import { clickProbability, type Behaviour } from './behaviour';
import { pickWeighted, stream } from './rng';
import type { SimUser, World } from './world';

/** Selling-point keywords of the simulated catalogue (at most 32 characters each). */
export const AD_KEYWORDS: readonly string[] = [
  'free shipping',
  'waterproof',
  'lightweight',
  'organic',
  'handmade',
  'eco friendly',
  'best seller',
  'new arrival',
  'gift ready',
  'limited edition',
  'long warranty',
  'fast delivery',
  'premium',
  'budget',
  'compact',
  'durable',
  'soft touch',
  'easy clean',
  'travel size',
  'family pack',
  'vegan',
  'wireless',
  'quick dry',
  'refurbished',
];

export interface AdsWorldOptions {
  /** Vocabulary size K (the first K of AD_KEYWORDS). Default 24. */
  readonly keywords?: number;
  /** Keywords per category. Default 4. */
  readonly perCategory?: number;
  /** Extra keywords per item. Default 2. */
  readonly perItem?: number;
  /** Gamma shape of the idiosyncratic taste (smaller: more peaked). Default 0.3. */
  readonly concentration?: number;
  /** How much a user's categories tilt their taste toward those categories' keywords. Default 3. */
  readonly tilt?: number;
  /** Largest relative CTR lift from liked keywords. Default 0.5. */
  readonly maxLift?: number;
  /** How fast the lift saturates in the summed above-average liking. Default 0.6. */
  readonly saturation?: number;
  /** Relative CTR lost per keyword beyond 2 in a title. Default 0.15. */
  readonly clutter?: number;
  /** Share of ad clicks that land on a shown keyword. Default 0.5. */
  readonly keywordShare?: number;
}

export interface AdsWorld {
  readonly keywords: readonly string[];
  readonly o: Required<AdsWorldOptions>;
  /** An item's explicit selling points (its category's keywords, then its own). */
  sellingPointsOf(itemId: string, category: string): string[];
  /** The user's liking s_k of a keyword (mean 1 over the vocabulary; 0 for an unknown keyword). */
  liking(user: SimUser, keyword: string): number;
  /** P(ad click) of a slot (see the module doc). */
  clickProbability(user: SimUser, itemId: string, rank: number, shown: readonly string[]): number;
  /** React to one slot: null (no click) or the click, with the keyword it landed on (null: the title). */
  react(user: SimUser, itemId: string, rank: number, shown: readonly string[], rng: () => number): { keyword: string | null } | null;
}

/** A Gamma(shape, 1) draw (Marsaglia-Tsang; shape < 1 by the U^(1/shape) boost). */
export function gammaDraw(rng: () => number, shape: number): number {
  if (shape < 1) return gammaDraw(rng, shape + 1) * Math.pow(Math.max(rng(), 1e-300), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      // Box-Muller standard normal.
      x = Math.sqrt(-2 * Math.log(Math.max(rng(), 1e-300))) * Math.cos(2 * Math.PI * rng());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** The lift of a title's keywords on the ad's click probability (see the module doc). */
export function titleLift(likings: readonly number[], o: Pick<Required<AdsWorldOptions>, 'maxLift' | 'saturation' | 'clutter'>): number {
  let a = 0;
  for (const s of likings) a += Math.max(0, s - 1);
  const gain = 1 + o.maxLift * (1 - Math.exp(-o.saturation * a));
  return gain * Math.max(0, 1 - o.clutter * Math.max(0, likings.length - 2));
}

export function createAdsWorld(world: World, behaviour: Behaviour, seed: number, opts: AdsWorldOptions = {}): AdsWorld {
  const o: Required<AdsWorldOptions> = {
    keywords: opts.keywords ?? AD_KEYWORDS.length,
    perCategory: opts.perCategory ?? 4,
    perItem: opts.perItem ?? 2,
    concentration: opts.concentration ?? 0.3,
    tilt: opts.tilt ?? 3,
    maxLift: opts.maxLift ?? 0.5,
    saturation: opts.saturation ?? 0.6,
    clutter: opts.clutter ?? 0.15,
    keywordShare: opts.keywordShare ?? 0.5,
  };
  if (!(o.keywords >= 2 && o.keywords <= AD_KEYWORDS.length)) throw new RangeError(`ads world: keywords must be in 2..${AD_KEYWORDS.length}`);
  if (!(o.perCategory >= 1 && o.perCategory + o.perItem <= 8 && o.perItem >= 0)) throw new RangeError('ads world: need perCategory ≥ 1, perItem ≥ 0, perCategory + perItem ≤ 8');
  if (!(o.concentration > 0 && o.tilt >= 0 && o.maxLift >= 0 && o.saturation > 0 && o.clutter >= 0 && o.keywordShare >= 0 && o.keywordShare <= 1))
    throw new RangeError('ads world: bad preference or reaction parameter');
  const vocab = AD_KEYWORDS.slice(0, o.keywords);
  const index = new Map(vocab.map((k, i) => [k, i]));
  const draw = (rng: () => number, n: number, taken: readonly string[]): string[] => {
    const out = [...taken];
    const pool = vocab.filter((k) => !out.includes(k));
    for (let j = 0; j < n && pool.length > 0; j++) out.push(pool.splice(Math.floor(rng() * pool.length), 1)[0]!);
    return out;
  };
  const byCategory = new Map<string, string[]>();
  const categoryKeywords = (c: string): string[] => {
    let ks = byCategory.get(c);
    if (ks === undefined) byCategory.set(c, (ks = draw(stream(seed, 'ads-category', c), o.perCategory, [])));
    return ks;
  };
  const likings = new Map<string, Float64Array>();
  const likingOf = (u: SimUser): Float64Array => {
    let s = likings.get(u.id);
    if (s !== undefined) return s;
    const rng = stream(seed, 'ads-taste', u.id);
    const tiltOf = new Float64Array(vocab.length);
    if (u.total > 0) {
      for (const [c, n] of u.categoryCounts) for (const k of categoryKeywords(c)) tiltOf[index.get(k)!]! += n / u.total;
    }
    s = new Float64Array(vocab.length);
    let sum = 0;
    for (let k = 0; k < vocab.length; k++) sum += s[k] = gammaDraw(rng, o.concentration) * (1 + o.tilt * tiltOf[k]!);
    for (let k = 0; k < vocab.length; k++) s[k] = sum > 0 ? (vocab.length * s[k]!) / sum : 1;
    likings.set(u.id, s);
    return s;
  };
  const liking = (u: SimUser, k: string): number => {
    const i = index.get(k);
    return i === undefined ? 0 : likingOf(u)[i]!;
  };
  const pClick = (u: SimUser, itemId: string, rank: number, shown: readonly string[]): number =>
    Math.min(
      0.95,
      clickProbability(behaviour, rank, world.intent(u, itemId)) *
        titleLift(
          shown.map((k) => liking(u, k)),
          o,
        ),
    );
  return {
    keywords: vocab,
    o,
    sellingPointsOf: (itemId, category) => draw(stream(seed, 'ads-item', itemId), o.perItem, categoryKeywords(category)),
    liking,
    clickProbability: pClick,
    react(u, itemId, rank, shown, rng) {
      if (!(rng() < pClick(u, itemId, rank, shown))) return null;
      if (shown.length === 0 || !(rng() < o.keywordShare)) return { keyword: null };
      return {
        keyword:
          shown[
            pickWeighted(
              rng,
              shown.map((k) => liking(u, k)),
            )
          ]!,
      };
    },
  };
}
