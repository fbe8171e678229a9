/**
 * Fit the simulator's behaviour model to a real event log (Taobao UserBehavior: view = `pv`,
 * add_to_cart = `cart`, wishlist = `fav`, purchase = `buy`). Pure: events in, counts and rates out.
 * Only events inside the observation window are used.
 *
 *   sessions/day (user)    sessions in the window / window days; a session is a run of the user's
 *                          events with gaps ≤ `sessionGapMs` (default 30 min)
 *   hour profile           share of session starts per local hour (`utcOffsetMs`), +1 smoothing per hour
 *   item popularity        views (pv) per item; per category: views, items (the catalogue: every item
 *                          of the log, even one seen only outside the window)
 *   category preference    per user: events per category (smoothed toward the global shares later)
 *   funnel                 on engaged (user, item) pairs (any event: the user looked at the item):
 *                          P(cart) = carted pairs / engaged pairs
 *                          P(buy | cart) = bought carted pairs / carted pairs
 *                          P(buy | no cart) = bought uncarted pairs / uncarted pairs
 *                          P(fav) = faved pairs / engaged pairs
 *   per-user lifts         the user's cart (buy) rate per engaged pair, shrunk toward the global rate
 *                          with `userPrior` pseudo-pairs, divided by the global rate
 *   revisit share          views of an item the user had already engaged before / views
 */
export type LogEventType = 'view' | 'add_to_cart' | 'wishlist' | 'purchase';

/** One row of the log, as the fit reads it. */
export interface LogEvent {
  readonly userId: string;
  readonly itemId: string;
  readonly category: string;
  readonly type: LogEventType;
  readonly ts: number;
}

export interface FitOptions {
  /** Observation window [start, end) in ms; events outside it are ignored. */
  readonly window: { readonly start: number; readonly end: number };
  /** Largest gap inside one session, ms. Default 30 min. */
  readonly sessionGapMs?: number;
  /** Pseudo-pairs shrinking a user's cart / buy rate toward the global rate. Default 20. */
  readonly userPrior?: number;
  /** Local time offset from UTC for the hour profile, ms. Default 8 h (the Taobao log's China Standard Time). */
  readonly utcOffsetMs?: number;
}

export interface FittedUser {
  readonly id: string;
  readonly events: number;
  readonly sessions: number;
  readonly sessionsPerDay: number;
  /** Events per category. */
  readonly categories: ReadonlyMap<string, number>;
  /** Events per item. */
  readonly items: ReadonlyMap<string, number>;
  readonly engagedPairs: number;
  readonly cartedPairs: number;
  readonly boughtPairs: number;
  /** Shrunk cart rate / global cart rate. */
  readonly cartLift: number;
  /** Shrunk buy rate / global buy rate. */
  readonly buyLift: number;
}

export interface FittedItem {
  readonly id: string;
  readonly category: string;
  readonly views: number;
}

export interface FittedCategory {
  readonly id: string;
  readonly views: number;
  readonly items: number;
}

export interface FittedFunnel {
  readonly engagedPairs: number;
  readonly cartedPairs: number;
  readonly boughtCarted: number;
  readonly boughtUncarted: number;
  readonly favedPairs: number;
  readonly pCart: number;
  readonly pBuyGivenCart: number;
  readonly pBuyGivenNoCart: number;
  readonly pBuy: number;
  readonly pFav: number;
}

export interface FittedLog {
  readonly window: { readonly start: number; readonly end: number };
  readonly days: number;
  readonly events: number;
  readonly ignored: number;
  readonly users: ReadonlyMap<string, FittedUser>;
  readonly items: ReadonlyMap<string, FittedItem>;
  readonly categories: ReadonlyMap<string, FittedCategory>;
  readonly totalViews: number;
  readonly funnel: FittedFunnel;
  readonly revisitShare: number;
  /** 24 shares (local hours), summing to 1. */
  readonly hourProfile: readonly number[];
  readonly sessionGapMs: number;
}

const DAY_MS = 24 * 3600 * 1000;
const HOUR_MS = 3600 * 1000;
const rate = (n: number, d: number): number => (d > 0 ? n / d : 0);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byTime = (a: LogEvent, b: LogEvent): number => a.ts - b.ts || cmp(a.itemId, b.itemId) || cmp(a.type, b.type);

interface PairFlags {
  cart: boolean;
  buy: boolean;
  fav: boolean;
}

export function fitLog(log: Iterable<LogEvent>, o: FitOptions): FittedLog {
  const { start, end } = o.window;
  if (!(end > start)) throw new RangeError('fit: the window must have end > start');
  const gap = o.sessionGapMs ?? 30 * 60 * 1000;
  const k = o.userPrior ?? 20;
  const offset = o.utcOffsetMs ?? 8 * HOUR_MS;
  const days = (end - start) / DAY_MS;

  const byUser = new Map<string, LogEvent[]>();
  const itemViews = new Map<string, { category: string; views: number }>();
  let events = 0;
  let ignored = 0;
  for (const e of log) {
    // Every item enters the catalogue (it exists in the store); only in-window events are counted.
    let it = itemViews.get(e.itemId);
    if (it === undefined) itemViews.set(e.itemId, (it = { category: e.category, views: 0 }));
    if (e.ts < start || e.ts >= end) {
      ignored++;
      continue;
    }
    events++;
    let list = byUser.get(e.userId);
    if (list === undefined) byUser.set(e.userId, (list = []));
    list.push(e);
    if (e.type === 'view') it.views++;
  }

  const hours = new Array<number>(24).fill(1);
  let pairs = 0;
  let carted = 0;
  let boughtCarted = 0;
  let boughtUncarted = 0;
  let faved = 0;
  let views = 0;
  let revisits = 0;
  const perUser: Array<{ id: string; evs: LogEvent[]; sessions: number; flags: Map<string, PairFlags> }> = [];
  for (const [id, evs] of [...byUser].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    evs.sort(byTime);
    let sessions = 0;
    let last = -Infinity;
    const flags = new Map<string, PairFlags>();
    for (const e of evs) {
      if (e.ts - last > gap) {
        sessions++;
        hours[Math.floor(((((e.ts + offset) % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS)]!++;
      }
      last = e.ts;
      let f = flags.get(e.itemId);
      if (e.type === 'view') {
        views++;
        if (f !== undefined) revisits++;
      }
      if (f === undefined) flags.set(e.itemId, (f = { cart: false, buy: false, fav: false }));
      if (e.type === 'add_to_cart') f.cart = true;
      else if (e.type === 'purchase') f.buy = true;
      else if (e.type === 'wishlist') f.fav = true;
    }
    for (const f of flags.values()) {
      pairs++;
      if (f.cart) carted++;
      if (f.fav) faved++;
      if (f.buy && f.cart) boughtCarted++;
      if (f.buy && !f.cart) boughtUncarted++;
    }
    perUser.push({ id, evs, sessions, flags });
  }
  const pCart = rate(carted, pairs);
  const pBuy = rate(boughtCarted + boughtUncarted, pairs);
  const funnel: FittedFunnel = {
    engagedPairs: pairs,
    cartedPairs: carted,
    boughtCarted,
    boughtUncarted,
    favedPairs: faved,
    pCart,
    pBuyGivenCart: rate(boughtCarted, carted),
    pBuyGivenNoCart: rate(boughtUncarted, pairs - carted),
    pBuy,
    pFav: rate(faved, pairs),
  };

  const users = new Map<string, FittedUser>();
  for (const u of perUser) {
    const categories = new Map<string, number>();
    const items = new Map<string, number>();
    for (const e of u.evs) {
      categories.set(e.category, (categories.get(e.category) ?? 0) + 1);
      items.set(e.itemId, (items.get(e.itemId) ?? 0) + 1);
    }
    let c = 0;
    let b = 0;
    for (const f of u.flags.values()) {
      if (f.cart) c++;
      if (f.buy) b++;
    }
    const n = u.flags.size;
    users.set(u.id, {
      id: u.id,
      events: u.evs.length,
      sessions: u.sessions,
      sessionsPerDay: u.sessions / days,
      categories,
      items,
      engagedPairs: n,
      cartedPairs: c,
      boughtPairs: b,
      cartLift: pCart > 0 ? (c + k * pCart) / (n + k) / pCart : 1,
      buyLift: pBuy > 0 ? (b + k * pBuy) / (n + k) / pBuy : 1,
    });
  }

  const items = new Map<string, FittedItem>();
  const cats = new Map<string, { views: number; items: number }>();
  for (const [id, it] of [...itemViews].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    items.set(id, { id, category: it.category, views: it.views });
    let c = cats.get(it.category);
    if (c === undefined) cats.set(it.category, (c = { views: 0, items: 0 }));
    c.views += it.views;
    c.items++;
  }
  const categories = new Map([...cats].map(([id, c]) => [id, { id, ...c }] as const));
  const hourTotal = hours.reduce((a, b) => a + b, 0);
  return {
    window: { start, end },
    days,
    events,
    ignored,
    users,
    items,
    categories,
    totalViews: views,
    funnel,
    revisitShare: rate(revisits, views),
    hourProfile: hours.map((h) => h / hourTotal),
    sessionGapMs: gap,
  };
}
