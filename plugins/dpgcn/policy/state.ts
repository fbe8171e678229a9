/**
 * The DDPG policy's state of a user: what the fusion weight α is decided from. Built from the
 * user's recent interactions (the scorer's `user.history`, newest first) and the request's data
 * time, in 14 values, each scaled to about [0, 1] (hour of day to [−1, 1]):
 *
 *   0-8   activity counts over the last 1 h, 24 h and 7 days, by kind: browse (view, click,
 *         impression, dwell, scroll, replay, exit, search, ad and selling-point clicks), engage
 *         (add_to_cart, wishlist, like, comment, share, follow, gift, host_mention) and purchase;
 *         log1p(count) / log1p(50), capped at 1
 *   9     recency: log1p(hours since the newest interaction) / log1p(720), capped at 1 (1 without history)
 *   10    history length: log1p(n) / log1p(200), capped at 1
 *   11    distinct-item share: distinct items / interactions (0 without history)
 *   12-13 hour of day (UTC) as sin and cos
 *
 * Categories are not part of it: the history carries item ids only, and a store read per request
 * would put I/O on the decision. The layout is versioned (`POLICY_STATE_VERSION`): a snapshot
 * trained on another layout is not served.
 */
import type { EventType, Interaction } from '../../sdk/records';

export const POLICY_STATE_VERSION = 'activity-v1';
export const POLICY_STATE_DIM = 14;

const HOUR = 3_600_000;
const WINDOWS = [HOUR, 24 * HOUR, 7 * 24 * HOUR] as const;
const ENGAGE: ReadonlySet<EventType> = new Set<EventType>(['add_to_cart', 'wishlist', 'like', 'comment', 'share', 'follow', 'gift', 'host_mention']);
const COUNT_SCALE = Math.log1p(50);
const RECENCY_SCALE = Math.log1p(720);
const LENGTH_SCALE = Math.log1p(200);

const kindOf = (t: EventType): number => (t === 'purchase' ? 2 : ENGAGE.has(t) ? 1 : 0);

/** The state vector of a user at data time `now` (interactions after `now` are ignored). */
export function policyState(history: readonly Interaction[], now: number, out: Float32Array = new Float32Array(POLICY_STATE_DIM)): Float32Array {
  out.fill(0);
  let n = 0;
  let newest = -Infinity;
  const distinct = new Set<string>();
  for (const h of history) {
    if (!(h.ts <= now)) continue;
    n++;
    distinct.add(h.itemId);
    if (h.ts > newest) newest = h.ts;
    const age = now - h.ts;
    const k = kindOf(h.type);
    for (let w = 0; w < WINDOWS.length; w++) if (age < WINDOWS[w]!) out[w * 3 + k] = out[w * 3 + k]! + 1;
  }
  for (let i = 0; i < 9; i++) out[i] = Math.min(1, Math.log1p(out[i]!) / COUNT_SCALE);
  out[9] = n === 0 ? 1 : Math.min(1, Math.log1p((now - newest) / HOUR) / RECENCY_SCALE);
  out[10] = Math.min(1, Math.log1p(n) / LENGTH_SCALE);
  out[11] = n === 0 ? 0 : distinct.size / n;
  const hour = (((now % (24 * HOUR)) + 24 * HOUR) % (24 * HOUR)) / HOUR;
  out[12] = Math.sin((2 * Math.PI * hour) / 24);
  out[13] = Math.cos((2 * Math.PI * hour) / 24);
  return out;
}
