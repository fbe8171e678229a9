/**
 * Item statistics by event-type name. `ItemStats.totals` and `.decayed` are indexed by the
 * gateway's event-type order; these helpers read them by name, so a scorer needs nothing but
 * the SDK and keeps working if that order grows.
 *
 * ```ts
 * const purchases = eventCount(stats, 'purchase');           // plain count, 0 when stats is null
 * const hot = eventCount(stats, 'click', 'decayed');          // time-decayed count
 * ```
 */
import { EVENT_TYPES, type EventType, type ItemStats } from './records';

export { EVENT_TYPES, type EventType };

/** Which counts: `totals` (plain counts, default) or `decayed` (time-decayed with the store's half-life). */
export type StatsKind = 'totals' | 'decayed';

const INDEX: ReadonlyMap<string, number> = new Map(EVENT_TYPES.map((t, i) => [t, i]));

/** The index of an event type in `ItemStats.totals` / `.decayed`; throws RangeError on an unknown name. */
export function eventTypeIndex(type: EventType): number {
  const i = INDEX.get(type);
  if (i === undefined) throw new RangeError(`unknown event type "${String(type)}" (one of ${EVENT_TYPES.join(', ')})`);
  return i;
}

/** The item's count of `type` events (`kind` default `totals`); 0 for an item without statistics. */
export function eventCount(stats: ItemStats | null | undefined, type: EventType, kind: StatsKind = 'totals'): number {
  if (!stats) return 0;
  return stats[kind][eventTypeIndex(type)] ?? 0;
}

/** Every event type's count for the item, by name (`kind` default `totals`); all 0 without statistics. Allocates: for setup or tests, not per candidate. */
export function eventCounts(stats: ItemStats | null | undefined, kind: StatsKind = 'totals'): Readonly<Record<EventType, number>> {
  const out = {} as Record<EventType, number>;
  EVENT_TYPES.forEach((t, i) => (out[t] = stats?.[kind][i] ?? 0));
  return out;
}
