/**
 * Fatigue (`simulate --headline`): repeated exposure to the same item or category lowers the click
 * probability. Per user, decayed exposure counts (half-life H):
 *
 *   n_i(t) = Σ_{earlier showings j of item i} 2^(−(t − t_j) / H)
 *   n_c(t) = Σ_{earlier shown items j of category c} 2^(−(t − t_j) / H)     (earlier slots of the same feed count)
 *   fatigue(i, t) = exp(−φ_item · n_i(t) − φ_cat · n_c(t))
 *
 * and P(click) = the click model's probability · fatigue (sim/behaviour.ts). φ_item, φ_cat and H
 * are assumptions: the log records no impressions, so nothing in it measures fatigue.
 */
const DAY_MS = 24 * 3600 * 1000;

export interface FatigueOptions {
  /** φ_item: log-factor per (decayed) earlier showing of the same item. Default 0.4. */
  readonly itemPenalty?: number;
  /** φ_cat: log-factor per (decayed) earlier shown item of the same category. Default 0.04. */
  readonly categoryPenalty?: number;
  /** H: half-life of an exposure's effect, days. Default 2. */
  readonly halfLifeDays?: number;
}

export interface FatigueModel {
  readonly itemPenalty: number;
  readonly categoryPenalty: number;
  readonly halfLifeDays: number;
}

export function fatigueModel(o: FatigueOptions = {}): FatigueModel {
  const m = { itemPenalty: o.itemPenalty ?? 0.4, categoryPenalty: o.categoryPenalty ?? 0.04, halfLifeDays: o.halfLifeDays ?? 2 };
  if (!(m.itemPenalty >= 0 && m.categoryPenalty >= 0 && m.halfLifeDays > 0)) throw new RangeError('fatigue: penalties must be ≥ 0 and halfLifeDays > 0');
  return m;
}

interface Decayed {
  n: number;
  ts: number;
}

/** One user's exposure memory. */
export interface ExposureMemory {
  readonly items: Map<string, Decayed>;
  readonly categories: Map<string, Decayed>;
  /** Showings since the last prune. */
  since: number;
}

export const newExposureMemory = (): ExposureMemory => ({ items: new Map(), categories: new Map(), since: 0 });

const read = (m: FatigueModel, d: Decayed | undefined, ts: number): number => (d === undefined ? 0 : d.n * 2 ** (-(ts - d.ts) / (m.halfLifeDays * DAY_MS)));

export function fatigueFactor(m: FatigueModel, mem: ExposureMemory, itemId: string, category: string, ts: number): number {
  return Math.exp(-m.itemPenalty * read(m, mem.items.get(itemId), ts) - m.categoryPenalty * read(m, mem.categories.get(category), ts));
}

/** Count one showing of an item at `ts` (times never go back for one user). */
export function recordShowing(m: FatigueModel, mem: ExposureMemory, itemId: string, category: string, ts: number): void {
  for (const [map, key] of [
    [mem.items, itemId],
    [mem.categories, category],
  ] as const) {
    map.set(key, { n: read(m, map.get(key), ts) + 1, ts });
  }
  // Forget what has decayed below 1 % (bounded memory over long runs).
  if (++mem.since >= 500) {
    mem.since = 0;
    for (const map of [mem.items, mem.categories]) for (const [k, d] of map) if (read(m, d, ts) < 0.01) map.delete(k);
  }
}
