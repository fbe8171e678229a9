/**
 * Demo behaviour: sessions over the last `days` days with a day/night rhythm; in each, maybe a
 * search (query built from the title terms of the item it leads to), then a few items viewed,
 * mostly in the user's preferred categories, chosen by Zipf popularity (sometimes among the
 * newest items), each going down the funnel view -> click -> add_to_cart -> purchase
 * (value = price x quantity) with occasional dwell, like, wishlist, share and comment events.
 */
import { normaliseQuery, termsOf, type EventType, type InteractionEvent } from '../domain/events';
import { DAY_MS, type DemoCategory, type DemoItem, type DemoUser } from './catalogue';
import { createCumulativeSampler, type Rng } from './prng';

/** Relative session starts per UTC hour: quiet at night, peaks at lunch and in the evening. */
const HOUR_WEIGHTS = [3, 2, 1, 1, 1, 1, 2, 4, 6, 7, 7, 8, 10, 9, 7, 7, 7, 8, 10, 12, 13, 12, 9, 5];
const REFERRERS = ['demo-newsletter', 'demo-search-ads', 'demo-social', 'demo-partner-blog'];
/** Funnel probabilities (per viewed item). */
export const FUNNEL = { click: 0.35, cartGivenClick: 0.3, purchaseGivenCart: 0.45 } as const;
const NEW_ITEM_WINDOW_MS = 7 * DAY_MS;

interface CategoryIndex {
  readonly items: readonly DemoItem[];
  readonly draw: (rng: Rng) => number;
  /** Items of the category sorted by createdAt (for "new arrivals" browsing). */
  readonly byAge: readonly DemoItem[];
}

export interface BehaviourModel {
  /** Append the events of all sessions of one user. */
  userEvents(user: DemoUser, out: InteractionEvent[]): void;
}

export function createBehaviour(rng: Rng, cats: readonly DemoCategory[], items: readonly DemoItem[], o: { now: number; windowStart: number; days: number }): BehaviourModel {
  const index: CategoryIndex[] = cats.map((_, c) => {
    const own = items.filter((it) => it.category === c);
    return {
      items: own,
      draw: createCumulativeSampler(own.map((it) => it.popularity)),
      byAge: [...own].sort((a, b) => a.record.createdAt - b.record.createdAt),
    };
  });
  const hourDraw = createCumulativeSampler(HOUR_WEIGHTS);
  const dayStart = Math.floor(o.windowStart / DAY_MS) * DAY_MS;
  let seq = 0;

  /** An item of the category that existed at ts: by popularity, or (15%) among the newest. */
  function chooseItem(c: number, ts: number): DemoItem | null {
    const ix = index[c] as CategoryIndex;
    if (ix.items.length === 0) return null;
    if (rng.chance(0.15)) {
      const fresh = ix.byAge.filter((it) => it.record.createdAt <= ts && it.record.createdAt > ts - NEW_ITEM_WINDOW_MS);
      if (fresh.length > 0) return rng.pick(fresh);
    }
    for (let tries = 0; tries < 8; tries += 1) {
      const it = ix.items[ix.draw(rng)] as DemoItem;
      if (it.record.createdAt <= ts) return it;
    }
    const oldest = ix.byAge[0] as DemoItem;
    return oldest.record.createdAt <= ts ? oldest : null;
  }

  function sessionStart(): number {
    for (;;) {
      const day = rng.int(o.days + 1);
      const ts = dayStart + day * DAY_MS + hourDraw(rng) * 3600_000 + rng.int(3600_000);
      // A session must start in the window and leave room before `now` for its events.
      if (ts >= o.windowStart && ts <= o.now - 3600_000) return ts;
    }
  }

  return {
    userEvents(user, out) {
      const sessions = Math.max(1, Math.floor(user.activity) + (rng.chance(user.activity % 1) ? 1 : 0));
      const prefWeights = user.prefs.map((p) => p.weight);
      for (let s = 0; s < sessions; s += 1) {
        let ts = sessionStart();
        const session = `demo-s-${user.record.id.slice('demo-u-'.length)}-${s + 1}`;
        const referrer = rng.chance(0.3) ? rng.pick(REFERRERS) : null;
        const emit = (type: EventType, itemId: string | null, extra: Partial<InteractionEvent> = {}): void => {
          seq += 1;
          ts = Math.min(o.now, ts + 2000 + rng.int(40_000));
          out.push({
            eventId: `demo-e-${String(seq).padStart(7, '0')}`,
            userId: user.record.id,
            type,
            itemId,
            ts,
            value: 0,
            dwellMs: null,
            session,
            referrer,
            query: null,
            ...extra,
          });
        };
        const views = 1 + rng.geometric(0.3);
        let query: string | null = null;
        for (let v = 0; v < views; v += 1) {
          const inPrefs = rng.chance(0.8);
          const c = inPrefs ? (user.prefs[rng.weighted(prefWeights)]?.category ?? 0) : rng.int(cats.length);
          const item = chooseItem(c, ts);
          if (item === null) continue;
          const id = item.record.id;
          if (v === 0 && rng.chance(0.2)) {
            query = searchQuery(rng, item);
            emit('search', rng.chance(0.85) ? id : null, { query });
          }
          emit('view', id, v === 0 && query !== null ? { query } : {});
          if (rng.chance(0.04)) emit('like', id);
          if (!rng.chance(FUNNEL.click)) continue;
          emit('click', id);
          if (rng.chance(0.4)) emit('dwell', id, { dwellMs: Math.round(rng.logNormal(Math.log(25_000), 0.8)) });
          if (rng.chance(0.05)) emit('wishlist', id);
          if (rng.chance(0.02)) emit('share', id);
          if (!item.record.available || !rng.chance(FUNNEL.cartGivenClick)) continue;
          emit('add_to_cart', id);
          if (!rng.chance(FUNNEL.purchaseGivenCart)) continue;
          const quantity = rng.chance(0.8) ? 1 : rng.chance(0.75) ? 2 : 3;
          emit('purchase', id, { value: Math.round((item.record.price ?? 0) * quantity * 100) / 100 });
          if (rng.chance(0.1)) emit('comment', id);
        }
      }
    },
  };
}

/** A query a user would type to find the item: its noun terms, sometimes with brand or colour. */
export function searchQuery(rng: Rng, item: DemoItem): string {
  const words = termsOf(item.noun);
  const extra = termsOf(item.record.title).filter((t) => t !== 'demo' && !words.includes(t));
  if (extra.length > 0 && rng.chance(0.5)) words.unshift(rng.pick(extra));
  return normaliseQuery(words.join(' '));
}
