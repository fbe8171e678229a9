/** Build the executable schema from the type-graphql classes; optionally emit schema.graphql. */
import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { CatalogResolver } from '../resolvers/catalog.resolver';
import { EventsResolver } from '../resolvers/events.resolver';
import { FeedItemResolver, FeedResolver } from '../resolvers/feed.resolver';

export function buildGatewaySchema(opts: { emitTo?: string } = {}): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [FeedResolver, FeedItemResolver, EventsResolver, CatalogResolver],
    validate: false,
    ...(opts.emitTo ? { emitSchemaFile: { path: opts.emitTo, sortedSchema: true } } : {}),
  });
}
