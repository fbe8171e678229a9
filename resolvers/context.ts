/** The per-request GraphQL context: long-lived services plus request-scoped DataLoaders. */
import DataLoader from 'dataloader';
import type { ItemRecord } from '../domain/catalog';
import type { GraphStore } from '../graph/port';
import type { FeedService } from '../pipeline/feed';
import type { GatewayMetrics } from '../server/metrics';
import type { UserValueService } from '../server/user-values';
import type { ExperimentService } from '../experiments/service';

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
  readonly limits: { readonly maxFeedLimit: number; readonly maxEventsPerBatch: number };
  /** Server clock (ms); injectable for tests. */
  readonly clock: () => number;
}

export interface GatewayContext extends GatewayServices {
  readonly loaders: { readonly item: DataLoader<string, ItemRecord | null> };
}

export function createRequestContext(services: GatewayServices): GatewayContext {
  const item = new DataLoader<string, ItemRecord | null>(async (ids) => {
    const found = await services.store.getItems(ids);
    return ids.map((id) => found.get(id) ?? null);
  });
  return { ...services, loaders: { item } };
}
