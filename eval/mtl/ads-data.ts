/**
 * An event log as MTL-ads training data (the `eval mtl/ads` proxy; the in-memory builder from generic
 * logs). The log has no ads, so the proxy is stated exactly:
 * - exposure: a (user, item) pair at the user's first event on the item, plus `negatives` items the
 *   user never touched (uniform over the log's items, mulberry32(seed)) at the same time;
 * - query: the category of the user's previous event (the browsing context; '' for a first event);
 * - keywords (3 per exposure, as of the exposure time, strictly before it): `cat:<category>`,
 *   `pop:<0|1|2|3>` (distinct users who touched the item before: 0, 1, 2-4, 5+) and
 *   `conv:<0|1|2>` (cart/buy events on the item before: 0, 1, 2+);
 * - auxiliary task (rich), the ad click: the user interacted with the item;
 * - main task (sparse), the selling-point click: the user carted or bought the item. The log has no
 *   keyword-level truth, so every keyword of a converting exposure is a positive: the proxy tests
 *   whether the auxiliary task helps a sparse task through shared parameters, not which keyword
 *   wins (that is tested on generated data with planted tastes, and in the simulator).
 * AMTDL's context: every log event (for user counts) and, as the proxy's "search" for the query,
 * every event's category at its time.
 */
import { normaliseQuery } from '../../domain/events';
import type { AdsContextEvent } from '../../ml/mtl/ads/features';
import type { AdsExample } from '../../ml/mtl/ads/types';
import { mulberry32 } from '../../ml/random';
import type { EventLog } from '../datasets/event-log';

export interface AdsProxyData {
  readonly examples: AdsExample[];
  readonly history: AdsContextEvent[];
  readonly itemCategories: Map<string, readonly string[]>;
  readonly users: number;
  readonly items: number;
  readonly pairs: number;
}

const CONVERSIONS = new Set(['add_to_cart', 'purchase']);

function before(ts: Float64Array | undefined, at: number): number {
  if (!ts) return 0;
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function adsProxyFromLog(log: EventLog, o: { negatives: number; seed: number }): AdsProxyData {
  const rows = log.rows
    .filter((r) => r.event.itemId !== null)
    .map((r, i) => ({ r, i }))
    .sort((a, b) => a.r.event.ts - b.r.event.ts || a.i - b.i)
    .map((x) => x.r);
  const itemCategories = new Map<string, readonly string[]>();
  for (const r of rows) if (!itemCategories.has(r.event.itemId!)) itemCategories.set(r.event.itemId!, [normaliseQuery(r.item?.categories[0] ?? '?')]);
  const items = [...itemCategories.keys()];
  const lastCat = new Map<string, string>();
  const pairs = new Map<string, { userId: string; itemId: string; ts: number; query: string; converted: boolean }>();
  const touched = new Map<string, Set<string>>();
  const firstTouch = new Map<string, number[]>();
  const convTs = new Map<string, number[]>();
  const history: AdsContextEvent[] = [];
  for (const { event } of rows) {
    const itemId = event.itemId!;
    const cat = itemCategories.get(itemId)![0]!;
    const key = `${event.userId}\u0000${itemId}`;
    let p = pairs.get(key);
    if (!p) {
      p = { userId: event.userId, itemId, ts: event.ts, query: lastCat.get(event.userId) ?? '', converted: false };
      pairs.set(key, p);
      let t = touched.get(event.userId);
      if (!t) touched.set(event.userId, (t = new Set()));
      t.add(itemId);
      const ft = firstTouch.get(itemId);
      if (ft) ft.push(event.ts);
      else firstTouch.set(itemId, [event.ts]);
    }
    if (CONVERSIONS.has(event.type)) {
      p.converted = true;
      const c = convTs.get(itemId);
      if (c) c.push(event.ts);
      else convTs.set(itemId, [event.ts]);
    }
    lastCat.set(event.userId, cat);
    history.push({ userId: event.userId, type: event.type, itemId, ts: event.ts }, { userId: event.userId, type: 'search', itemId: null, ts: event.ts, query: cat });
  }
  const sorted = (m: Map<string, number[]>): Map<string, Float64Array> => new Map([...m].map(([k, v]) => [k, Float64Array.from(v).sort()]));
  const ft = sorted(firstTouch);
  const conv = sorted(convTs);
  const keywords = (itemId: string, ts: number): string[] => {
    const users = before(ft.get(itemId), ts);
    const convs = before(conv.get(itemId), ts);
    return [`cat:${itemCategories.get(itemId)![0]!}`, `pop:${users === 0 ? 0 : users === 1 ? 1 : users <= 4 ? 2 : 3}`, `conv:${Math.min(convs, 2)}`];
  };
  const rnd = mulberry32(o.seed);
  const examples: AdsExample[] = [];
  for (const p of pairs.values()) {
    const kws = keywords(p.itemId, p.ts);
    examples.push({ userId: p.userId, query: p.query, itemId: p.itemId, keywords: kws, clickedAd: true, clickedKeywords: p.converted ? kws : [], ts: p.ts });
    const seen = touched.get(p.userId)!;
    for (let k = 0; k < o.negatives; k++) {
      // Rejection: a user touches few of the items, so a handful of draws suffice.
      for (let tries = 0; tries < 100; tries++) {
        const itemId = items[Math.floor(rnd() * items.length)]!;
        if (seen.has(itemId)) continue;
        examples.push({ userId: p.userId, query: p.query, itemId, keywords: keywords(itemId, p.ts), clickedAd: false, clickedKeywords: [], ts: p.ts });
        break;
      }
    }
  }
  return { examples, history, itemCategories, users: touched.size, items: items.length, pairs: pairs.size };
}
