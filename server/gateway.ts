/**
 * Composition root of one gateway process: registry (checked before listening) -> strategy ->
 * feed pipeline -> GraphQL schema -> Apollo on Express -> HTTP. Teardown mirrors setup.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import type { GraphStore } from '../graph/port';
import { loadOnnxModel } from '../ml/onnx/session';
import { createFeedService, type FeedService } from '../pipeline/feed';
import { checkStrategy, DEFAULT_STRATEGY, loadStrategyFile, type Strategy } from '../pipeline/strategy';
import type { ScorerPlugin } from '../plugins/sdk/contract';
import { createScorerRegistry, type ScorerRegistry } from '../plugins/sdk/registry';
import { createRequestContext, type GatewayContext } from '../resolvers/context';
import { buildGatewaySchema } from '../schema/build';
import { bundledScorers } from './bundled';
import { formatGatewayError } from './errors';
import { createGatewayMetrics, type GatewayMetrics } from './metrics';

export interface GatewayOptions {
  readonly config: Config;
  /** An opened, migrated store. The caller owns it and closes it after `stop()`. */
  readonly store: GraphStore;
  readonly logger: Logger;
  /** Scorer plugins to register. Default: the bundled ones. */
  readonly plugins?: readonly ScorerPlugin[];
  /** Feed strategy. Default: STRATEGY_FILE if set, else DEFAULT_STRATEGY. */
  readonly strategy?: Strategy;
  /** Server clock in ms. Default Date.now. */
  readonly clock?: () => number;
}

export interface Gateway {
  /** http://host:port/graphql */
  readonly url: string;
  readonly port: number;
  readonly httpServer: Server;
  readonly feed: FeedService;
  readonly registry: ScorerRegistry;
  readonly metrics: GatewayMetrics;
  /** Drain HTTP, stop Apollo, close scorers in reverse order. */
  stop(): Promise<void>;
}

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const { config, store, logger } = opts;
  const clock = opts.clock ?? Date.now;
  const registry = await createScorerRegistry(opts.plugins ?? bundledScorers(), {
    logger: logger.child({ component: 'scorer' }),
    defaultTimeoutMs: config.scorerTimeoutMs,
    loadModel: loadOnnxModel,
  });
  try {
    const strategy = opts.strategy ?? (config.strategyFile ? loadStrategyFile(config.strategyFile) : DEFAULT_STRATEGY);
    checkStrategy(strategy, registry);
    const feed = createFeedService({ store, registry, strategy, clock });
    const metrics = createGatewayMetrics();
    const schema = await buildGatewaySchema();

    const app = express();
    const httpServer = createServer(app);
    const apollo = new ApolloServer<GatewayContext>({
      schema,
      formatError: formatGatewayError(config.development),
      includeStacktraceInErrorResponses: config.development,
      // Feeds are per user and never HTTP-cacheable: skip cache-control bookkeeping per field.
      plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginCacheControlDisabled()],
    });
    await apollo.start();
    const services = { store, feed, metrics, clock, limits: { maxFeedLimit: config.maxFeedLimit, maxEventsPerBatch: config.maxEventsPerBatch } };
    app.get('/healthz', async (_req, res) => {
      try {
        const counts = await store.counts();
        res.json({ status: 'ok', store: store.kind, counts, strategy: feed.digest, scorers: registry.list().map((r) => `${r.id}@${r.version}`) });
      } catch (err) {
        res.status(503).json({ status: 'unavailable', error: (err as Error).message });
      }
    });
    app.get('/metrics', async (_req, res) => {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
    app.use('/graphql', express.json({ limit: '2mb' }), expressMiddleware(apollo, { context: async () => createRequestContext(services) }));

    httpServer.listen(config.port, config.host);
    await once(httpServer, 'listening');
    const port = (httpServer.address() as AddressInfo).port;
    const url = `http://${config.host}:${port}/graphql`;
    logger.info({ url, strategy: feed.digest }, 'gateway listening');
    return {
      url,
      port,
      httpServer,
      feed,
      registry,
      metrics,
      async stop() {
        await apollo.stop();
        await registry.close();
      },
    };
  } catch (err) {
    await registry.close();
    throw err;
  }
}
