/**
 * Prometheus metrics on an instance-owned registry (no global singletons):
 * recgate_<subsystem>_<name>, scorer metrics labelled by scorer id and version.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FeedResult } from '../pipeline/feed';
import type { StoreFullKind } from '../graph/port';

/** Rows the store holds and its ceilings (null: the store has none, e.g. Neo4j), read at scrape time. */
export interface StoreUsage {
  readonly rows: Readonly<Record<StoreFullKind, number>>;
  readonly ceiling: Readonly<Record<StoreFullKind, number>> | null;
}

export interface GatewayMetrics {
  readonly registry: Registry;
  observeFeed(result: FeedResult, seconds: number): void;
  observeEvents(accepted: number, duplicates: number, rejected: number): void;
  /** Count `n` events refused with STORE_FULL because `full` is at its ceiling. */
  observeStoreFull(full: StoreFullKind, n: number): void;
  /** Read the store's rows and ceilings on every scrape (recgate_store_rows / _ceiling_rows). */
  trackStore(read: () => Promise<StoreUsage>): void;
  /** Count one request or connect refused with RATE_LIMITED for a key of `role`. */
  observeRateLimited(role: string): void;
}

export function createGatewayMetrics(opts: { defaultMetrics?: boolean } = {}): GatewayMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'recgate_process_' });
  const feedSeconds = new Histogram({
    name: 'recgate_feed_duration_seconds',
    help: 'feed() latency inside the resolver',
    labelNames: ['strategy', 'cold_start'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const scorerSeconds = new Histogram({
    name: 'recgate_scorer_duration_seconds',
    help: 'Scorer latency per request',
    labelNames: ['scorer', 'version', 'outcome'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [registry],
  });
  const degraded = new Counter({
    name: 'recgate_scorer_degraded_total',
    help: 'Scorers dropped from a feed, by code',
    labelNames: ['scorer', 'version', 'code'],
    registers: [registry],
  });
  const events = new Counter({
    name: 'recgate_events_total',
    help: 'Events received by recordEvents, by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const storeRefusals = new Counter({
    name: 'recgate_store_refusals_total',
    help: 'Events refused with STORE_FULL, by the ceiling reached (users, items, events)',
    labelNames: ['full'],
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: 'recgate_access_rate_limited_total',
    help: 'HTTP requests and WebSocket connects refused with RATE_LIMITED, by the role of the key',
    labelNames: ['role'],
    registers: [registry],
  });
  let readStore: (() => Promise<StoreUsage>) | null = null;
  let usage: Promise<StoreUsage | null> | null = null;
  /** One store read per scrape, shared by both gauges. */
  const readUsage = (): Promise<StoreUsage | null> => {
    if (usage === null) {
      usage = (readStore?.() ?? Promise.resolve(null)).catch(() => null);
      void usage.finally(() => setImmediate(() => (usage = null)));
    }
    return usage;
  };
  new Gauge({
    name: 'recgate_store_rows',
    help: 'Rows held by the graph store, by kind (users, items, events)',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      const u = await readUsage();
      if (u !== null) for (const [kind, n] of Object.entries(u.rows)) this.set({ kind }, n);
    },
  });
  new Gauge({
    name: 'recgate_store_ceiling_rows',
    help: 'Row ceiling of the embedded store, by kind (STORE_MAX_USERS / _ITEMS / _EVENTS)',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      const u = await readUsage();
      if (u?.ceiling) for (const [kind, n] of Object.entries(u.ceiling)) this.set({ kind }, n);
    },
  });
  return {
    registry,
    observeStoreFull(full, n) {
      storeRefusals.inc({ full }, n);
    },
    observeRateLimited(role) {
      rateLimited.inc({ role });
    },
    trackStore(read) {
      readStore = read;
    },
    observeFeed(result, seconds) {
      feedSeconds.observe({ strategy: result.strategyId, cold_start: String(result.coldStart) }, seconds);
      for (const t of result.timings) {
        scorerSeconds.observe({ scorer: t.scorerId, version: t.version, outcome: t.ok ? 'ok' : 'dropped' }, t.ms / 1000);
      }
      for (const d of result.degraded) degraded.inc({ scorer: d.scorerId, version: d.version, code: d.code });
    },
    observeEvents(accepted, duplicates, rejected) {
      events.inc({ outcome: 'accepted' }, accepted);
      events.inc({ outcome: 'duplicate' }, duplicates);
      events.inc({ outcome: 'rejected' }, rejected);
    },
  };
}
