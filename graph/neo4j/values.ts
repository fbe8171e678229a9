/**
 * Pure helpers of the Neo4j adapter: value conversion (neo4j Integers -> JS numbers), batch
 * planning for ingest, and assembly of query rows into port types. No I/O.
 */
import { isInt } from 'neo4j-driver';
import { EVENT_TYPES, eventTypeIndex, isEventType, termsOf, type InteractionEvent } from '../../domain/events';
import type { ItemRecord, ItemStats, UserRecord } from '../../domain/catalog';
import type { Neighbourhood } from '../port';

/** A JS number from a neo4j Integer, bigint, number or null (null/undefined -> 0). */
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (isInt(v)) return v.toNumber();
  if (v === null || v === undefined) return 0;
  throw new TypeError(`expected a number, got ${typeof v}`);
}

/** A JS number, or null when the value is null/undefined. */
export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : num(v);
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map((x) => String(x)) : [];
}

export function userFromRow(row: { id: unknown; demographics: unknown; preferences: unknown }): UserRecord {
  const demographics = typeof row.demographics === 'string' ? (JSON.parse(row.demographics) as Record<string, string>) : {};
  return { id: String(row.id), demographics, preferences: strings(row.preferences) };
}

export function itemFromRow(row: Record<string, unknown>): ItemRecord {
  return {
    id: String(row['id']),
    title: typeof row['title'] === 'string' ? row['title'] : '',
    categories: strings(row['categories']),
    brand: typeof row['brand'] === 'string' ? row['brand'] : null,
    price: numOrNull(row['price']),
    available: row['available'] !== false,
    createdAt: num(row['createdAt']),
    ...(Array.isArray(row['sellingPoints']) ? { sellingPoints: strings(row['sellingPoints']) } : {}),
  };
}

/** Parameters of one ingest transaction, computed from a validated batch. */
export interface IngestPlan {
  /** First occurrence of each event id, in input order. */
  readonly unique: readonly InteractionEvent[];
  /** Input positions of repeats of an id seen earlier in the same batch. */
  readonly repeats: ReadonlySet<number>;
}

export function planIngest(events: readonly InteractionEvent[]): IngestPlan {
  const seen = new Set<string>();
  const unique: InteractionEvent[] = [];
  const repeats = new Set<number>();
  events.forEach((e, j) => {
    if (seen.has(e.eventId)) repeats.add(j);
    else {
      seen.add(e.eventId);
      unique.push(e);
    }
  });
  return { unique, repeats };
}

/** The writes that follow from the events a transaction created (bare nodes, edges). */
export function planWrites(created: readonly InteractionEvent[]) {
  const users = [...new Set(created.map((e) => e.userId))];
  const items = new Map<string, number>();
  const queries = new Map<string, string[]>();
  const ledTo = new Map<string, { query: string; itemId: string; count: number }>();
  const interactions: Record<string, unknown>[] = [];
  const searches: Record<string, unknown>[] = [];
  for (const e of created) {
    if (e.itemId !== null && !items.has(e.itemId)) items.set(e.itemId, e.ts);
    if (e.type !== 'search') {
      if (e.itemId !== null) interactions.push(eventParams(e));
      continue;
    }
    if (e.query === null) continue;
    if (!queries.has(e.query)) queries.set(e.query, termsOf(e.query));
    searches.push(eventParams(e));
    if (e.itemId !== null) {
      const key = JSON.stringify([e.query, e.itemId]);
      const row = ledTo.get(key) ?? { query: e.query, itemId: e.itemId, count: 0 };
      row.count++;
      ledTo.set(key, row);
    }
  }
  return {
    users,
    items: [...items].map(([id, createdAt]) => ({ id, createdAt })),
    queries: [...queries].map(([text, terms]) => ({ text, terms })),
    interactions,
    searches,
    ledTo: [...ledTo.values()],
  };
}

export function eventParams(e: InteractionEvent): Record<string, unknown> {
  return {
    eventId: e.eventId,
    userId: e.userId,
    type: e.type,
    itemId: e.itemId,
    ts: e.ts,
    value: e.value,
    dwellMs: e.dwellMs,
    session: e.session,
    referrer: e.referrer,
    query: e.query,
    keyword: e.keyword ?? null,
  };
}

/** Duplicates in input order: in-batch repeats and ids the store already had. */
export function duplicatesOf(events: readonly InteractionEvent[], plan: IngestPlan, created: ReadonlySet<string>): string[] {
  return events.filter((e, j) => plan.repeats.has(j) || !created.has(e.eventId)).map((e) => e.eventId);
}

/** Build the Neighbourhood from (neighbour, seed index, co-count) rows: top `limit` by total. */
export function assembleNeighbourhood(
  seeds: readonly string[],
  rows: readonly { id: string; k: number; co: number }[],
  limit: number,
): { seeds: readonly string[]; co: Map<string, Float32Array>; totals: Map<string, number> } {
  const co = new Map<string, Float32Array>();
  const totals = new Map<string, number>();
  for (const r of rows) {
    let v = co.get(r.id);
    if (v === undefined) co.set(r.id, (v = new Float32Array(seeds.length)));
    v[r.k] = r.co;
    totals.set(r.id, (totals.get(r.id) ?? 0) + r.co);
  }
  const kept = [...co.keys()].sort((a, b) => (totals.get(b) as number) - (totals.get(a) as number) || (a < b ? -1 : a > b ? 1 : 0)).slice(0, limit);
  const out = new Map<string, Float32Array>();
  for (const id of kept) out.set(id, co.get(id) as Float32Array);
  return { seeds, co: out, totals };
}

export function withDegrees(nb: { seeds: readonly string[]; co: Map<string, Float32Array> }, degrees: ReadonlyMap<string, number>): Neighbourhood {
  const degree = new Map<string, number>();
  for (const id of [...nb.seeds, ...nb.co.keys()]) degree.set(id, degrees.get(id) ?? 0);
  return { seeds: nb.seeds, co: nb.co, degree };
}

export interface TypeStatsRow {
  readonly id: string;
  readonly type: string | null;
  readonly n: number;
  readonly decayed: number;
  readonly revenue: number;
  readonly decayedRevenue: number;
}

export interface UserStatsRow {
  readonly id: string;
  readonly users: number;
  readonly lastTs: number;
}

/** Fold per-(item, type) rows and per-item user rows into ItemStats. */
export function assembleItemStats(typeRows: readonly TypeStatsRow[], userRows: readonly UserStatsRow[]): Map<string, ItemStats> {
  const acc = new Map<string, { totals: Float64Array; decayed: Float64Array; revenue: number; decayedRevenue: number }>();
  const entry = (id: string) => {
    let a = acc.get(id);
    if (a === undefined) {
      a = { totals: new Float64Array(EVENT_TYPES.length), decayed: new Float64Array(EVENT_TYPES.length), revenue: 0, decayedRevenue: 0 };
      acc.set(id, a);
    }
    return a;
  };
  for (const r of typeRows) {
    const a = entry(r.id);
    if (r.type === null || !isEventType(r.type)) continue;
    const t = eventTypeIndex(r.type);
    a.totals[t] = (a.totals[t] as number) + r.n;
    a.decayed[t] = (a.decayed[t] as number) + r.decayed;
    a.revenue += r.revenue;
    a.decayedRevenue += r.decayedRevenue;
  }
  const users = new Map(userRows.map((r) => [r.id, r]));
  const out = new Map<string, ItemStats>();
  for (const [id, a] of acc) {
    const u = users.get(id);
    out.set(id, {
      itemId: id,
      totals: a.totals,
      decayed: a.decayed,
      decayedRevenue: a.decayedRevenue,
      totalRevenue: a.revenue,
      users: u?.users ?? 0,
      lastTs: u?.lastTs ?? 0,
    });
  }
  return out;
}
