/**
 * Prometheus metrics on an instance-owned registry (no global singletons):
 * recgate_<subsystem>_<name>, scorer metrics labelled by scorer id and version.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FeedResult } from '../pipeline/feed';

export interface GatewayMetrics {
  readonly registry: Registry;
  observeFeed(result: FeedResult, seconds: number): void;
  observeEvents(accepted: number, duplicates: number, rejected: number): void;
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
  return {
    registry,
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
