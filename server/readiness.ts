/**
 * Readiness (`GET /readyz`, open like liveness, and the `dependencies` field of the detailed
 * /healthz): which dependencies answer now. The gateway keeps serving what it can while one is
 * down, so a degraded dependency answers 200 with `status: 'degraded'`; only a store that does not
 * answer (no feed can be served) answers 503.
 *
 * - `redis`: 'off' (no REDIS_URL), 'up', or 'down' (the value-change log's connection).
 * - `outbox`: value changes stored durably and not yet published (pubsub/outbox.ts); a growing
 *   backlog with redis 'up' means the log rejects appends. Degraded when the last append failed or
 *   a change waited more than 5 s.
 */
import type { Request, Response } from 'express';
import type { GraphStore } from '../graph/port';
import type { Outbox, OutboxStatus } from '../pubsub/outbox';
import type { ValueChangeLog } from '../pubsub/port';

/** A change waiting longer than this makes the outbox count as degraded (a short backlog is normal). */
const STUCK_MS = 5_000;

export interface Dependencies {
  readonly store: 'up' | 'down';
  readonly redis: 'off' | 'up' | 'down';
  readonly outbox: OutboxStatus | null;
}

export interface Readiness {
  readonly status: 'ready' | 'degraded' | 'unavailable';
  readonly dependencies: Dependencies;
}

export async function checkReadiness(store: Pick<GraphStore, 'counts'>, log: Pick<ValueChangeLog, 'kind' | 'connection'>, outbox: Pick<Outbox, 'status'> | null): Promise<Readiness> {
  let storeUp: 'up' | 'down' = 'up';
  try {
    await store.counts();
  } catch {
    storeUp = 'down';
  }
  const redis = log.kind === 'redis' ? log.connection() : 'off';
  const ob = outbox?.status() ?? null;
  const degraded = redis === 'down' || (ob !== null && (ob.failing || ob.oldestAgeMs > STUCK_MS));
  const status = storeUp === 'down' ? 'unavailable' : degraded ? 'degraded' : 'ready';
  return { status, dependencies: { store: storeUp, redis, outbox: ob } };
}

/** The /readyz handler. */
export function readinessHandler(...args: Parameters<typeof checkReadiness>) {
  return async (_req: Request, res: Response): Promise<void> => {
    const r = await checkReadiness(...args);
    res.status(r.status === 'unavailable' ? 503 : 200).json(r);
  };
}
