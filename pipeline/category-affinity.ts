/**
 * A user's affinity with categories over the hierarchy, from their history: each interaction
 * adds typeWeight · 2^(−age / halfLife) to its item's categories and to their ancestors up to
 * `levels` above. Pure: no I/O. Used by the category retriever and the learned ranker's features.
 */
import type { ItemRecord } from '../domain/catalog';
import type { EventType, Interaction } from '../domain/events';

/** Weight of an interaction by type; others count 1. */
export const CATEGORY_TYPE_WEIGHTS: Partial<Record<EventType, number>> = {
  purchase: 3,
  add_to_cart: 2.5,
  wishlist: 2,
  like: 1.5,
  click: 1,
  view: 1,
  impression: 0,
  exit: 0,
};

export interface CategoryScore {
  readonly category: string;
  /** Decayed, type-weighted interaction mass. */
  readonly score: number;
  /** Levels above the item's own category (0 = the leaf). */
  readonly level: number;
}

/**
 * Categories by affinity, strongest first (ties by id). `now` defaults to the newest interaction;
 * the half-life defaults to 3 days.
 */
export function categoryAffinity(
  history: readonly Interaction[],
  items: ReadonlyMap<string, ItemRecord>,
  ancestors: ReadonlyMap<string, readonly string[]>,
  levels: number,
  opts: { now?: number; halfLifeMs?: number } = {},
): CategoryScore[] {
  const now = opts.now ?? history.reduce((m, h) => Math.max(m, h.ts), 0);
  const halfLife = opts.halfLifeMs ?? 3 * 24 * 3600 * 1000;
  const score = new Map<string, { score: number; level: number }>();
  for (const h of history) {
    const it = items.get(h.itemId);
    if (!it) continue;
    const w = (CATEGORY_TYPE_WEIGHTS[h.type] ?? 1) * Math.pow(2, -Math.max(0, now - h.ts) / halfLife);
    if (w === 0) continue;
    for (const cat of it.categories) {
      const chain = ancestors.get(cat) ?? [cat];
      for (let up = 0; up <= levels && up < chain.length; up++) {
        const id = chain[chain.length - 1 - up]!;
        const cur = score.get(id);
        if (cur) {
          cur.score += w;
          cur.level = Math.min(cur.level, up);
        } else score.set(id, { score: w, level: up });
      }
    }
  }
  return [...score.entries()]
    .map(([category, v]) => ({ category, score: v.score, level: v.level }))
    .sort((a, b) => b.score - a.score || a.level - b.level || (a.category < b.category ? -1 : a.category > b.category ? 1 : 0));
}
