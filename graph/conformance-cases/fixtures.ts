/** Shared pieces of the GraphStore conformance suite: the harness type and data builders. */
import { EVENT_TYPES, eventTypeIndex, type EventType, type InteractionEvent } from '../../domain/events';
import type { ItemRecord } from '../../domain/catalog';
import type { GraphStore } from '../port';

/** What a test gets from the adapter under test: a fresh, empty store in its own namespace. */
export interface ConformanceHarness {
  readonly store: GraphStore;
  /** Close-and-open again on the same data (restart), when the adapter can. */
  readonly reopen?: () => Promise<GraphStore>;
  /** Release everything this harness opened (stores, files, test data). */
  readonly cleanup: () => Promise<void>;
}

export type OpenHarness = () => Promise<ConformanceHarness>;

/**
 * A harness over a store factory: `reopen` opens another store on the same data; `cleanup`
 * closes every store opened, then runs `after` (e.g. removing the files).
 */
export async function reopenableHarness(openStore: () => Promise<GraphStore>, after?: () => void | Promise<void>): Promise<ConformanceHarness> {
  const opened: GraphStore[] = [];
  const reopen = async (): Promise<GraphStore> => {
    const store = await openStore();
    opened.push(store);
    return store;
  };
  return {
    store: await reopen(),
    reopen,
    cleanup: async () => {
      for (const s of opened) await s.close();
      await after?.();
    },
  };
}

/** Run `fn` against a fresh harness, always cleaning up. */
export async function withStore(open: OpenHarness, fn: (h: ConformanceHarness) => Promise<void>): Promise<void> {
  const h = await open();
  try {
    await fn(h);
  } finally {
    await h.cleanup();
  }
}

/** 2024-01-01T00:00:00Z: every fixture timestamp is an offset from it. */
export const T0 = Date.UTC(2024, 0, 1);
export const HOUR = 3600 * 1000;

/** A validated event with the given fields and neutral defaults. */
export function ev(
  eventId: string,
  userId: string,
  type: EventType,
  itemId: string | null,
  ts: number,
  extra: Partial<Pick<InteractionEvent, 'value' | 'dwellMs' | 'session' | 'referrer' | 'query'>> = {},
): InteractionEvent {
  return {
    eventId,
    userId,
    type,
    itemId,
    ts,
    value: extra.value ?? 0,
    dwellMs: extra.dwellMs ?? null,
    session: extra.session ?? null,
    referrer: extra.referrer ?? null,
    query: extra.query ?? null,
  };
}

/** Events `prefix-0..n-1` of one type on one item by distinct users `${prefix}-u0..`. */
export function many(prefix: string, n: number, type: EventType, itemId: string, ts: number): InteractionEvent[] {
  return Array.from({ length: n }, (_, j) => ev(`${prefix}-${j}`, `${prefix}-u${j}`, type, itemId, ts));
}

export function item(id: string, fields: Partial<Omit<ItemRecord, 'id'>> = {}): ItemRecord {
  return {
    id,
    title: fields.title ?? `item ${id}`,
    categories: fields.categories ?? [],
    brand: fields.brand ?? null,
    price: fields.price ?? null,
    available: fields.available ?? true,
    createdAt: fields.createdAt ?? T0,
    ...(fields.sellingPoints ? { sellingPoints: fields.sellingPoints } : {}),
  };
}

/** Index of a type in ItemStats.totals / decayed. */
export const ix = (type: EventType): number => eventTypeIndex(type);

/** A totals vector with the given non-zero entries. */
export function totalsOf(entries: Partial<Record<EventType, number>>): number[] {
  const out = new Array<number>(EVENT_TYPES.length).fill(0);
  for (const [type, n] of Object.entries(entries)) out[eventTypeIndex(type as EventType)] = n as number;
  return out;
}

/** 2^(-age / halfLife): the weight of one event `age` ms old. */
export const weight = (age: number, halfLife: number): number => Math.pow(2, -age / halfLife);
