/** Build the executable schema from the type-graphql classes; optionally emit schema.graphql. */
import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type PubSub } from 'type-graphql';
import { CatalogResolver } from '../resolvers/catalog.resolver';
import { EventsResolver } from '../resolvers/events.resolver';
import { FeedItemResolver, FeedResolver } from '../resolvers/feed.resolver';
import { UserValueResolver } from '../resolvers/user-value.resolver';
import { ExperimentsResolver } from '../resolvers/experiments.resolver';
import { ValueChangeResolver } from '../resolvers/value-change.resolver';
import { AccessResolver } from '../resolvers/access.resolver';
import { PublishingResolver } from '../resolvers/publishing.resolver';
import { QueriesResolver } from '../resolvers/queries.resolver';
import { DpgcnPolicyResolver } from '../resolvers/dpgcn-policy.resolver';
import { IraPolicyResolver } from '../resolvers/ira-policy.resolver';
import { AdSlotResolver, AdsResolver } from '../resolvers/ads.resolver';

/**
 * type-graphql insists on a PubSub once any subscription exists. Ours bring their own `subscribe`
 * (the value-change log, pubsub/), so topic-based subscriptions are refused outright.
 */
const NO_TOPIC_PUBSUB: PubSub = {
  publish(topic) {
    throw new Error(`topic-based subscriptions are not used (publish to "${topic}"): subscriptions read the value-change log`);
  },
  subscribe(topic) {
    throw new Error(`topic-based subscriptions are not used (subscribe to "${topic}"): subscriptions read the value-change log`);
  },
};

export function buildGatewaySchema(opts: { emitTo?: string } = {}): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [
      FeedResolver,
      FeedItemResolver,
      EventsResolver,
      CatalogResolver,
      UserValueResolver,
      ExperimentsResolver,
      ValueChangeResolver,
      AccessResolver,
      PublishingResolver,
      DpgcnPolicyResolver,
      IraPolicyResolver,
      QueriesResolver,
      AdsResolver,
      AdSlotResolver,
    ],
    validate: false,
    pubSub: NO_TOPIC_PUBSUB,
    ...(opts.emitTo ? { emitSchemaFile: { path: opts.emitTo, sortedSchema: true } } : {}),
  });
}
