/**
 * Interaction events: the vocabulary every adapter, importer and scorer shares.
 * Plain data, no I/O.
 */

export { EVENT_TYPES, type EventType, type Interaction } from '../plugins/sdk/records';
import { EVENT_TYPES, type EventType } from '../plugins/sdk/records';

const TYPE_INDEX: ReadonlyMap<string, number> = new Map(EVENT_TYPES.map((t, i) => [t, i]));

export function isEventType(value: string): value is EventType {
  return TYPE_INDEX.has(value);
}

/** Dense index of a type, for typed-array counters (`EVENT_TYPES[i]` is the inverse). */
export function eventTypeIndex(type: EventType): number {
  return TYPE_INDEX.get(type) as number;
}

/** Event types that need no item (a search may name the item it led to, or not). */
export const ITEMLESS_EVENT_TYPES: ReadonlySet<EventType> = new Set(['search']);

/** An interaction as stored: already validated and normalised. */
export interface InteractionEvent {
  /** Client-supplied id; ingesting the same id twice changes nothing. */
  readonly eventId: string;
  readonly userId: string;
  readonly type: EventType;
  /** The item acted on; null only for a `search` that led nowhere. */
  readonly itemId: string | null;
  /** Milliseconds since the epoch. */
  readonly ts: number;
  /** Monetary value (purchase revenue) or another non-negative magnitude; 0 when absent. */
  readonly value: number;
  readonly dwellMs: number | null;
  readonly session: string | null;
  /** Referral source (campaign, partner, page). */
  readonly referrer: string | null;
  /** Normalised query text for `search` events (and for clicks that came from a search). */
  readonly query: string | null;
  /**
   * The selling-point keyword a `selling_point_click` clicked (normalised like a query, at most
   * MAX_KEYWORD_LENGTH characters); required for that type, absent (or null) for every other type.
   */
  readonly keyword?: string | null;
}

/** Normalise free query text: lower case, single spaces, trimmed. */
export function normaliseQuery(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Terms of a text: alphanumeric runs of two characters or more (any script). */
export function termsOf(text: string): string[] {
  const out = new Set<string>();
  for (const m of normaliseQuery(text).matchAll(/[\p{L}\p{N}]{2,}/gu)) out.add(m[0]);
  return [...out];
}
