/**
 * Neo4j GraphStore (the scaled-out adapter), on neo4j-driver 6 and Neo4j 5 (Community or
 * Enterprise). The graph model, idempotency scheme and Cypher are in ./cypher.ts. Each write call
 * is one managed write transaction (executeWrite: retried on transient errors, all or nothing);
 * reads use managed read transactions. Decayed statistics are computed in Cypher at read time.
 */
import neo4j, { type Driver, type ManagedTransaction } from 'neo4j-driver';
import { CodedError } from '../../errors/errors';
import { ErrorCode } from '../../errors/codes';
import { termsOf, type EventType } from '../../domain/events';
import type { CategoryRecord, ItemRecord, QueryRecord, UserRecord } from '../../domain/catalog';
import type { GraphStore, IngestResult, NeighbourhoodOptions, UserProfile } from '../port';
import { readCategoryChains, readCategoryItems, writeCategories } from './categories';
import * as Q from './cypher';
import { assembleItemStats, assembleNeighbourhood, duplicatesOf, itemFromRow, num, planIngest, planWrites, userFromRow, withDegrees } from './values';

/** Default half-life of decayed item statistics: 7 days. */
export const DEFAULT_STATS_HALF_LIFE_MS = 7 * 24 * 3600 * 1000;
/** Trending ignores interactions older than this many half-lives (weight < 2^-30). */
const TRENDING_HALF_LIVES = 30;

export interface Neo4jGraphStoreOptions {
  /** Bolt or neo4j URI, e.g. neo4j://localhost:7687. */
  readonly uri: string;
  readonly user: string;
  readonly password: string;
  /** Database name. Default: the server's default database. */
  readonly database?: string;
  /** Half-life of decayed item statistics in ms. Default 7 days. */
  readonly statsHalfLifeMs?: number;
}

type Row = Record<string, unknown>;

/**
 * Connect (verifying connectivity) and return the store. Does not migrate: call `migrate()`
 * (the factory does). Defaults: database = server default, statsHalfLifeMs 7 days.
 */
export async function createNeo4jGraphStore(opts: Neo4jGraphStoreOptions): Promise<GraphStore> {
  const halfLife = opts.statsHalfLifeMs ?? DEFAULT_STATS_HALF_LIFE_MS;
  if (!(halfLife > 0) || !Number.isFinite(halfLife)) {
    throw new CodedError(ErrorCode.CONFIG_INVALID, `statsHalfLifeMs must be a positive number, got ${halfLife}`);
  }
  const driver = neo4j.driver(opts.uri, neo4j.auth.basic(opts.user, opts.password), { disableLosslessIntegers: true });
  try {
    await driver.verifyConnectivity(opts.database === undefined ? {} : { database: opts.database });
  } catch (err) {
    await driver.close();
    throw unavailable('connect', err);
  }
  return assemble(driver, opts.database, halfLife);
}

function unavailable(what: string, err: unknown): CodedError {
  const message = err instanceof Error ? err.message : String(err);
  return new CodedError(ErrorCode.STORE_UNAVAILABLE, `neo4j ${what} failed: ${message}`, { cause: message });
}

const int = (n: number) => neo4j.int(Math.max(0, Math.floor(n)));

async function rows(tx: ManagedTransaction, cypher: string, params: Row = {}): Promise<Row[]> {
  const res = await tx.run(cypher, params);
  return res.records.map((r) => r.toObject() as Row);
}

function assemble(driver: Driver, database: string | undefined, halfLife: number): GraphStore {
  const k = Math.LN2 / halfLife;
  let closed = false;

  const session = (mode: 'READ' | 'WRITE') =>
    driver.session({
      defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE,
      ...(database === undefined ? {} : { database }),
    });
  const run = async <T>(mode: 'READ' | 'WRITE', what: string, work: (tx: ManagedTransaction) => Promise<T>): Promise<T> => {
    if (closed) throw new CodedError(ErrorCode.STORE_UNAVAILABLE, 'graph store is closed');
    const s = session(mode);
    try {
      return mode === 'READ' ? await s.executeRead(work) : await s.executeWrite(work);
    } catch (err) {
      throw err instanceof CodedError ? err : unavailable(what, err);
    } finally {
      await s.close();
    }
  };
  const read = <T>(what: string, work: (tx: ManagedTransaction) => Promise<T>) => run('READ', what, work);
  const write = <T>(what: string, work: (tx: ManagedTransaction) => Promise<T>) => run('WRITE', what, work);

  const latestTs = async (tx: ManagedTransaction): Promise<number> => {
    const r = await rows(tx, Q.LATEST_EVENT_TS);
    return r.length === 0 ? 0 : num(r[0]?.['ts']);
  };

  return {
    kind: 'neo4j',
    statsHalfLifeMs: halfLife,

    async migrate() {
      if (closed) throw new CodedError(ErrorCode.STORE_UNAVAILABLE, 'graph store is closed');
      const s = session('WRITE');
      try {
        for (const stmt of [...Q.MIGRATIONS, Q.AWAIT_INDEXES]) await s.run(stmt);
      } catch (err) {
        throw unavailable('migrate', err);
      } finally {
        await s.close();
      }
    },

    async upsertUsers(users: readonly UserRecord[]) {
      if (users.length === 0) return 0;
      const params = users.map((u) => ({ id: u.id, demographics: JSON.stringify(u.demographics), preferences: [...u.preferences] }));
      await write('upsertUsers', (tx) => rows(tx, Q.UPSERT_USERS, { rows: params }));
      return users.length;
    },

    async upsertItems(items: readonly ItemRecord[]) {
      if (items.length === 0) return 0;
      const params = items.map((it) => ({
        id: it.id,
        title: it.title,
        categories: [...it.categories],
        brand: it.brand,
        price: it.price,
        available: it.available,
        createdAt: it.createdAt,
        terms: termsOf(it.title),
        sellingPoints: it.sellingPoints && it.sellingPoints.length > 0 ? [...it.sellingPoints] : null,
      }));
      await write('upsertItems', async (tx) => {
        await rows(tx, Q.UPSERT_ITEMS, { rows: params });
        await rows(tx, Q.DELETE_ITEM_LINKS, { ids: params.map((p) => p.id) });
        await rows(tx, Q.LINK_ITEMS, { rows: params });
      });
      return items.length;
    },

    async upsertQueries(queries: readonly QueryRecord[]) {
      if (queries.length === 0) return 0;
      const params = queries.map((q) => ({ text: q.text, terms: [...q.terms] }));
      await write('upsertQueries', async (tx) => {
        await rows(tx, Q.UPSERT_QUERIES, { rows: params });
        await rows(tx, Q.DELETE_QUERY_TERMS, { texts: params.map((p) => p.text) });
        await rows(tx, Q.LINK_QUERY_TERMS, { rows: params });
      });
      return queries.length;
    },

    async upsertCategories(categories: readonly CategoryRecord[]) {
      if (categories.length === 0) return 0;
      await write('upsertCategories', (tx) => writeCategories(tx, rows, categories));
      return categories.length;
    },

    async ingestEvents(events): Promise<IngestResult> {
      if (events.length === 0) return { inserted: 0, duplicates: [] };
      const plan = planIngest(events);
      const claims = plan.unique.map((e) => ({ eventId: e.eventId, ts: e.ts, type: e.type, userId: e.userId, itemId: e.itemId }));
      const created = await write('ingestEvents', async (tx) => {
        const ids = new Set((await rows(tx, Q.CLAIM_EVENTS, { events: claims })).map((r) => String(r['id'])));
        const w = planWrites(plan.unique.filter((e) => ids.has(e.eventId)));
        if (w.users.length > 0) await rows(tx, Q.BARE_USERS, { ids: w.users });
        if (w.items.length > 0) await rows(tx, Q.BARE_ITEMS, { rows: w.items });
        if (w.interactions.length > 0) await rows(tx, Q.CREATE_INTERACTIONS, { events: w.interactions });
        if (w.queries.length > 0) await rows(tx, Q.BARE_QUERIES, { rows: w.queries });
        if (w.searches.length > 0) await rows(tx, Q.CREATE_SEARCHES, { events: w.searches });
        if (w.ledTo.length > 0) await rows(tx, Q.ADD_LED_TO, { rows: w.ledTo.map((r) => ({ ...r, count: int(r.count) })) });
        return ids;
      });
      return { inserted: created.size, duplicates: duplicatesOf(events, plan, created) };
    },

    async getUsers(ids) {
      const r = await read('getUsers', (tx) => rows(tx, Q.GET_USERS, { ids: [...new Set(ids)] }));
      return new Map(r.map((row) => [String(row['id']), userFromRow(row as Parameters<typeof userFromRow>[0])]));
    },

    async getItems(ids) {
      const r = await read('getItems', (tx) => rows(tx, Q.GET_ITEMS, { ids: [...new Set(ids)] }));
      return new Map(r.map((row) => [String(row['id']), itemFromRow(row)]));
    },

    async getQueries(texts) {
      const r = await read('getQueries', (tx) => rows(tx, Q.GET_QUERIES, { texts: [...new Set(texts)] }));
      return new Map(r.map((row) => [String(row['text']), { text: String(row['text']), terms: (row['terms'] as string[] | null) ?? [] }]));
    },

    async userProfile(userId, historyLimit): Promise<UserProfile> {
      return read('userProfile', async (tx) => {
        const users = await rows(tx, Q.GET_USERS, { ids: [userId] });
        const first = users[0];
        if (first === undefined) return { known: false, user: null, history: [], purchased: new Set<string>() };
        const history = (await rows(tx, Q.USER_HISTORY, { id: userId, limit: int(historyLimit) })).map((r) => ({
          itemId: String(r['itemId']),
          type: String(r['type']) as EventType,
          ts: num(r['ts']),
          value: num(r['value']),
        }));
        const purchased = new Set((await rows(tx, Q.USER_PURCHASED, { id: userId })).map((r) => String(r['itemId'])));
        return { known: true, user: userFromRow(first as Parameters<typeof userFromRow>[0]), history, purchased };
      });
    },

    async neighbourhood(seedIds, opts: NeighbourhoodOptions = {}) {
      const seeds = [...new Set(seedIds)];
      const limit = Math.max(0, Math.floor(opts.limit ?? 300));
      return read('neighbourhood', async (tx) => {
        const co =
          seeds.length === 0
            ? []
            : await rows(tx, Q.NEIGHBOURHOOD, {
                seeds,
                usersPerItem: int(opts.usersPerItem ?? 200),
                itemsPerUser: int(opts.itemsPerUser ?? 50),
              });
        const nb = assembleNeighbourhood(
          seeds,
          co.map((r) => ({ id: String(r['id']), k: num(r['k']), co: num(r['co']) })),
          limit,
        );
        const ids = [...seeds, ...nb.co.keys()];
        const deg = ids.length === 0 ? [] : await rows(tx, Q.DEGREES, { ids });
        return withDegrees(nb, new Map(deg.map((r) => [String(r['id']), num(r['degree'])])));
      });
    },

    async itemStats(itemIds) {
      const ids = [...new Set(itemIds)];
      if (ids.length === 0) return new Map();
      return read('itemStats', async (tx) => {
        const now = await latestTs(tx);
        const typeRows = (await rows(tx, Q.ITEM_TYPE_STATS, { ids, k, now })).map((r) => ({
          id: String(r['id']),
          type: r['type'] === null ? null : String(r['type']),
          n: num(r['n']),
          decayed: num(r['decayed']),
          revenue: num(r['revenue']),
          decayedRevenue: num(r['decayedRevenue']),
        }));
        const userRows = (await rows(tx, Q.ITEM_USER_STATS, { ids })).map((r) => ({
          id: String(r['id']),
          users: num(r['users']),
          lastTs: num(r['lastTs']),
        }));
        return assembleItemStats(typeRows, userRows);
      });
    },

    async trending(limit) {
      return read('trending', async (tx) => {
        const now = await latestTs(tx);
        const since = now - TRENDING_HALF_LIVES * halfLife;
        const r = await rows(tx, Q.TRENDING, { k, now, since, limit: int(limit) });
        return r.map((row) => String(row['id']));
      });
    },

    async fresh(limit) {
      const r = await read('fresh', (tx) => rows(tx, Q.FRESH, { limit: int(limit) }));
      return r.map((row) => String(row['id']));
    },

    async *scanInteractions(pageSize) {
      if (!(Number.isInteger(pageSize) && pageSize > 0)) throw new RangeError(`scanInteractions: pageSize must be a positive integer, got ${pageSize}`);
      let after = '';
      for (;;) {
        const page = await read('scanInteractions', (tx) => rows(tx, Q.SCAN_INTERACTIONS, { after, limit: int(pageSize) }));
        if (page.length === 0) return;
        after = String(page[page.length - 1]!['eventId']);
        yield page.map((r) => ({ userId: String(r['userId']), itemId: String(r['itemId']), type: String(r['type']) as EventType, ts: num(r['ts']), value: num(r['value']) }));
        if (page.length < pageSize) return;
      }
    },

    async *scanSearches(pageSize) {
      if (!(Number.isInteger(pageSize) && pageSize > 0)) throw new RangeError(`scanSearches: pageSize must be a positive integer, got ${pageSize}`);
      let after = '';
      for (;;) {
        const page = await read('scanSearches', (tx) => rows(tx, Q.SCAN_SEARCHES, { after, limit: int(pageSize) }));
        if (page.length === 0) return;
        after = String(page[page.length - 1]!['eventId']);
        yield page.map((r) => ({ userId: String(r['userId']), query: String(r['query']), ts: num(r['ts']), itemId: r['itemId'] == null ? null : String(r['itemId'] as string) }));
        if (page.length < pageSize) return;
      }
    },

    async *scanAdEvents(pageSize) {
      if (!(Number.isInteger(pageSize) && pageSize > 0)) throw new RangeError(`scanAdEvents: pageSize must be a positive integer, got ${pageSize}`);
      let after = '';
      for (;;) {
        const page = await read('scanAdEvents', (tx) => rows(tx, Q.SCAN_AD_EVENTS, { after, limit: int(pageSize) }));
        if (page.length === 0) return;
        after = String(page[page.length - 1]!['eventId']);
        const text = (v: unknown): string | null => (v == null ? null : String(v as string));
        yield page.map((r) => ({
          eventId: String(r['eventId']),
          userId: String(r['userId']),
          itemId: String(r['itemId']),
          type: String(r['type']) as 'ad_click' | 'selling_point_click',
          ts: num(r['ts']),
          query: text(r['query']),
          keyword: text(r['keyword']),
        }));
        if (page.length < pageSize) return;
      }
    },

    async categoryAncestors(ids) {
      return read('categoryAncestors', (tx) => readCategoryChains(tx, rows, ids));
    },

    async categoryItems(ids, limit) {
      return read('categoryItems', async (tx) => {
        const now = await latestTs(tx);
        return readCategoryItems(tx, rows, ids, { k, now, since: now - TRENDING_HALF_LIVES * halfLife, limit: int(limit) });
      });
    },

    async latestEventTs() {
      return read('latestEventTs', latestTs);
    },

    async counts() {
      const r = await read('counts', (tx) => rows(tx, Q.COUNTS));
      const c = r[0] ?? {};
      return { users: num(c['users']), items: num(c['items']), queries: num(c['queries']), events: num(c['events']) };
    },

    async close() {
      if (closed) return;
      closed = true;
      await driver.close();
    },
  };
}
