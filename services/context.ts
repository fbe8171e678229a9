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
import type { PublishingService } from '../publishing/service';
import type { DpgcnPolicyService } from '../plugins/dpgcn/policy/service';
import type { IraPolicyService } from '../plugins/ira/service';
import type { QuerySuggester } from '../plugins/dpgcn/queries/service';
import type { AdsService } from '../plugins/mtl-ads/service';

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
  /** The dpgcn/graph scorer's DDPG fusion policy (fed stored events, operated over GraphQL); absent or null when not served. */
  readonly dpgcnPolicy?: DpgcnPolicyService | null;
  /** The IRA policy (IRA_DB_PATH: fed stored events, operated over GraphQL); absent or null when off. */
  readonly iraPolicy?: IraPolicyService | null;
  /** `suggestQueries` (plugins/dpgcn/queries); absent or null when not served. */
  readonly queries?: QuerySuggester | null;
  /** The `ads` query (plugins/mtl-ads); absent or null when not served. */
  readonly ads?: AdsService | null;
  /** The audit log (read by `auditLog`; mutations are appended by server/access.ts). */
  readonly audit: AuditLog;
  /** Runtime publishing of scorers and strategies; null when the gateway runs without a catalog (tests that pass none). */
  readonly publishing: PublishingService | null;
  readonly limits: { readonly maxFeedLimit: number; readonly maxEventsPerBatch: number; readonly event: EventBounds };
  /** Server clock (ms); injectable for tests. */
  readonly clock: () => number;
}

export interface GatewayContext extends GatewayServices {
  /** The holder of the request's API key (checked before the body is read). */
  readonly principal: Principal;
  readonly loaders: { readonly item: DataLoader<string, ItemRecord | null> };
  /**
   * A signal aborted when the HTTP request ends: the client went away before the answer, or the
   * answer was sent. Scorers see it through `ScoreRequest.signal`. Made on the first call (a
   * method, not a getter: Apollo copies the context with Object.assign), so requests that never
   * ask pay nothing. Never aborts when the context has no HTTP response (in-process).
   */
  requestSignal(): AbortSignal;
}

/** The part of an HTTP response the context watches (node:http's ServerResponse). */
export interface RequestEnd {
  once(event: 'close', listener: () => void): unknown;
  /** True once the response is fully handed to the OS. */
  readonly writableFinished: boolean;
  /** True once the response or its socket is gone. */
  readonly destroyed: boolean;
}

// Made once: an Error per request would capture a stack trace on the feed's path for nothing.
const ANSWERED = new Error('the request was answered');
const CLIENT_GONE = new Error('the client went away before the answer');

function endSignal(res: RequestEnd | undefined): AbortSignal {
  const ctl = new AbortController();
  if (res === undefined) return ctl.signal;
  const reason = (): Error => (res.writableFinished ? ANSWERED : CLIENT_GONE);
  if (res.destroyed || res.writableFinished) ctl.abort(reason());
  else res.once('close', () => ctl.abort(reason()));
  return ctl.signal;
}

/** The context of a graphql-ws operation (one per connection and operation). */
export interface PartnerContext {
  /** The partner whose API key opened the connection. */
  readonly partner: Partner;
  readonly valueChanges: ValueChangeLog;
  /** Accepted changes queued per subscriber before it is ended as too slow. */
  readonly maxPending: number;
}

/** `res`: the HTTP response whose end aborts `signal`. Default none (the signal never aborts). */
export function createRequestContext(services: GatewayServices, principal: Principal, res?: RequestEnd): GatewayContext {
  const item = new DataLoader<string, ItemRecord | null>(async (ids) => {
    const found = await services.store.getItems(ids);
    return ids.map((id) => found.get(id) ?? null);
  });
  let signal: AbortSignal | undefined;
  return {
    ...services,
    principal,
    loaders: { item },
    requestSignal: () => (signal ??= endSignal(res)),
  };
}
