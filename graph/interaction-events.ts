/**
 * A store's interactions as replayable events: every interaction before `end`, sorted by time (then
 * user id), with synthetic event ids `<prefix>-<k>`. How offline trainers rebuild the state "as of a
 * cut" in a scratch store (the learned ranker's lists, the DP-GCN fusion lists).
 */
import type { InteractionEvent } from '../domain/events';
import type { GraphStore } from './port';

export async function interactionEventsBefore(store: GraphStore, end: number, idPrefix: string): Promise<InteractionEvent[]> {
  const out: InteractionEvent[] = [];
  for await (const page of store.scanInteractions(10_000)) {
    for (const r of page) {
      if (r.ts >= end) continue;
      out.push({ eventId: '', userId: r.userId, type: r.type, itemId: r.itemId, ts: r.ts, value: r.value, dwellMs: null, session: null, referrer: null, query: null });
    }
  }
  out.sort((a, b) => a.ts - b.ts || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  return out.map((e, k) => ({ ...e, eventId: `${idPrefix}-${k}` }));
}
