/**
 * The GraphQL contexts: per HTTP request (long-lived services plus request-scoped DataLoaders) and
 * per graphql-ws operation (the partner). Resolvers read them; server/ builds them.
 */
import DataLoader from 'dataloader';
import type { ItemRecord } from '../domain/catalog';
import type { EventBounds } from '../domain/validate';
import type { GraphStore } from '../graph/port';
import type { FeedService } from '../pipeline/feed';
import type { GatewayMetrics } from './metrics';
import type { UserValueService } from './user-values';
import type { ExperimentService } from '../experiments/service';
import type { ValueChangeLog } from '../pubsub/port';
import type { Principal } from './access/access';
import type { AuditLog } from './access/audit';
import type { Partner } from './partners';

export interface GatewayServices {
  readonly store: GraphStore;
  /** The default strategy's feed. */
  readonly feed: FeedService;
  /** Every servable strategy's feed, by strategy id (experiments pick among them). */
  readonly feeds: ReadonlyMap<string, FeedService>;
  readonly experiments: ExperimentService;
  readonly metrics: GatewayMetrics;
  /** DUVE user values; null when no model artifact is served. */
  readonly userValues: UserValueService | null;
  /** The audit log (read by `auditLog`; mutations are appended by server/access.ts). */
  readonly audit: AuditLog;
  readonly limits: { readonly maxFeedLimit: number; readonly maxEventsPerBatch: number; readonly event: EventBounds };
  /** Server clock (ms); injectable for tests. */
  readonly clock: () => number;
}

export interface GatewayContext extends GatewayServices {
  /** The holder of the request's API key (checked before the body is read). */
  readonly principal: Principal;
  readonly loaders: { readonly item: DataLoader<string, ItemRecord | null> };
}

/** The context of a graphql-ws operation (one per connection and operation). */
export interface PartnerContext {
  /** The partner whose API key opened the connection. */
  readonly partner: Partner;
  readonly valueChanges: ValueChangeLog;
  /** Accepted changes queued per subscriber before it is ended as too slow. */
  readonly maxPending: number;
}

export function createRequestContext(services: GatewayServices, principal: Principal): GatewayContext {
  const item = new DataLoader<string, ItemRecord | null>(async (ids) => {
    const found = await services.store.getItems(ids);
    return ids.map((id) => found.get(id) ?? null);
  });
  return { ...services, principal, loaders: { item } };
}
