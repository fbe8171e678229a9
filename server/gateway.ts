/**
 * Composition root of one gateway process: registry (checked before listening) -> strategy ->
 * feed pipeline -> GraphQL schema -> Apollo on Express -> HTTP. Teardown mirrors setup.
 */
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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
import { createJobQueue } from '../jobs/factory';
import type { JobQueue } from '../jobs/port';
import { scheduleDuveRefresh } from '../jobs/processors/duve-refresh';
import { openServedDpgcnPolicy, type ServedDpgcnPolicy } from './dpgcn-policy';
import { openServedIra } from './ira';
import type { Duve2Engine } from '../plugins/duve/v2/engine';
import { IRA_SCORER_ID, createIraScorer } from '../plugins/ira/scorer';
import { loadOnnxModel } from '../ml/onnx/session';
import { loadMtlAdsModel } from '../ml/mtl/ads';
import { ADS_SETTING_IDS, openAdsServing, type AdsServing } from '../plugins/mtl-ads';
import { openServedDuve } from './duve-serving';
import { createValueChangeLog } from '../pubsub/factory';
import type { ValueChangeLog } from '../pubsub/port';
import { createFeedService, type FeedService } from '../pipeline/feed';
import { DEFAULT_STRATEGY, loadStrategyFile, type Strategy } from '../pipeline/strategy';
import { readStrategyFiles } from '../pipeline/strategies';
import { openCatalog } from '../publishing/catalog/factory';
import type { CatalogStore } from '../publishing/catalog/port';
import { createAgreementRecorder } from '../publishing/agreement';
import { createServing, type Serving } from '../publishing/serving';
import { startCatalogSync, type CatalogSync } from '../publishing/sync';
import { createPublishingService, type PublishingService } from '../publishing/service';
import { parseManifest, type ScorerManifest } from '../publishing/manifest';
import { admitScorer } from '../publishing/admission';
import { timeProbeInWorker } from '../publishing/probe-timer';
import { createPublishedScorer } from '../publishing/onnx-scorer';
import { loadOnnxModelBytes } from '../ml/onnx/session';
import { blobUploadHandler } from './blobs';
import { createExposureLog, type ExposureLog } from '../experiments/exposure-log';
import { createSqliteExperimentStore } from '../experiments/sqlite';
import { createExperimentService, type ExperimentService } from '../experiments/service';
import type { ExperimentStore } from '../experiments/store';
import type { ScorerPlugin } from '../plugins/sdk/contract';
import { createScorerRegistry, type ScorerRegistry } from '../plugins/sdk/registry';
import { createRequestContext, type GatewayContext } from '../services/context';
import { buildGatewaySchema } from '../schema/build';
import { bundledScorers, loadDpgcnPlugin, loadLtrPlugin } from './bundled';
import { loadPluginModules } from './plugin-loader';
import { LTR_SCORER_ID } from '../plugins/ltr/scorer';
import { DPGCN_SCORER_ID } from '../plugins/dpgcn/scorer';
import type { DpgcnPolicyService } from '../plugins/dpgcn/policy/service';
import { formatGatewayError } from './errors';
import { createRequestLimits, requestLimitOptions } from './limits';
import { createGatewayMetrics, type GatewayMetrics } from '../services/metrics';
import { loadPartnersFile } from '../services/partners';
import { attachSubscriptionServer } from './subscriptions';
import type { UserValueService } from '../services/user-values';
import { serveResultsPage } from './results-page';
import { openAccess, type Access } from '../services/access/access';
import { accessPlugin, healthGate, principalOf, requireKey } from './access';
import { startStoreSync, type StoreSync } from './store-sync';
import { openOutbox, type Outbox } from '../pubsub/outbox';
import { checkReadiness, readinessHandler } from './readiness';
import { createRateLimiter } from '../services/access/rate-limit';
import { formatRateLimits } from '../services/access/rate-limit-config';
import { createRateLimitGate } from './rate-limit';
import { createQuerySuggester } from '../plugins/dpgcn/queries/service';

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
  /** Job queue. Default: BullMQ when REDIS_URL is set, else in-process. Closed by `stop()`. */
  readonly jobs?: JobQueue;
  /** Value-change log. Default: a Redis stream when REDIS_URL is set, else in-process. Closed by `stop()`. */
  readonly valueChanges?: ValueChangeLog;
  /** Folder of extra strategy files. Default STRATEGIES_DIR. */
  readonly strategiesDir?: string;
  /**
   * How a published version becomes a plugin, from its manifest and model bytes. Default: the ONNX
   * scorer (publishing/onnx-scorer.ts); tests wrap it to make a version fail or hang at serve time.
   */
  readonly publishedScorer?: (manifest: ScorerManifest, model: Uint8Array) => ScorerPlugin;
  /** Name of this instance's refresh queue (one per gateway: each holds its own online state). Default `<host>:<port>`. */
  readonly instanceId?: string;
  /** The DDPG fusion policy of a dpgcn/graph scorer in `plugins` (built on `jobs`): fed stored events, operated over GraphQL, in /healthz; the caller closes it after `stop()`. Default none. */
  readonly dpgcnPolicy?: DpgcnPolicyService;
}

export interface Gateway {
  /** http://host:port/graphql */
  readonly url: string;
  readonly port: number;
  readonly httpServer: Server;
  /** The default strategy's feed, as served now (it changes when the catalog does). */
  readonly feed: FeedService;
  /** Scorers served now: from code and published. */
  readonly registry: ScorerRegistry;
  /** What this instance serves, rebuilt on every catalog change. */
  readonly serving: Serving;
  readonly publishing: PublishingService;
  readonly metrics: GatewayMetrics;
  /** DUVE user values; null when no model artifact is served. */
  readonly userValues: UserValueService | null;
  readonly experiments: ExperimentService;
  /** The `ads` query's service and its model source (MTL_ADS_MODELS_DIR; `models.refresh()` loads a newer version now). */
  readonly ads: AdsServing;
  readonly jobs: JobQueue;
  readonly valueChanges: ValueChangeLog;
  /** Durable queue of value changes not yet in the Redis log; null in-process (pubsub/outbox.ts). */
  readonly outbox: Outbox | null;
  /** API keys, scopes and the audit log (ACCESS_DB_PATH). */
  readonly access: Access;
  /** Applies other processes' writes to the store every STORE_SYNC_MS; null when off or not needed (Neo4j). */
  readonly storeSync: StoreSync | null;
  /** Drain HTTP, stop Apollo, close scorers in reverse order. */
  stop(): Promise<void>;
}

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const { config, store, logger } = opts;
  const clock = opts.clock ?? Date.now;
  const jobs = opts.jobs ?? createJobQueue(config.redisUrl ? { redisUrl: config.redisUrl } : {});
  const valueChanges = opts.valueChanges ?? (await createValueChangeLog({ redisUrl: config.redisUrl, retentionMs: config.valueChangeRetentionHours * 3_600_000 }));
  // Redis log: changes go through a durable outbox next to the store, so recordEvents never waits on Redis.
  const outbox: Outbox | null =
    valueChanges.kind === 'redis'
      ? openOutbox({ path: `${config.dbPath}.value-outbox`, log: valueChanges, onError: (err) => logger.warn({ err: err.message }, 'value-change publish failed; kept in the outbox, retrying') })
      : null;
  // DUVE_VERSION: v1 (DUVE_MODEL_DIR) or v2 (DUVE2_MODEL_DIR), through the same service, refresh job and scorer.
  const duve = await openServedDuve(config, {
    store,
    loadModel: loadOnnxModel,
    publish: async (changes) => (outbox ? outbox.enqueue(changes) : valueChanges.append(changes)),
    logger: logger.child({ component: 'duve' }),
    clock,
  });
  const userValues = duve?.userValues ?? null;
  if (userValues === null) {
    const modelDir = config.duveVersion === 'v2' ? config.duve2ModelDir : config.duveModelDir;
    logger.warn({ modelDir, duveVersion: config.duveVersion }, `DUVE is off: no model artifact (train one with \`node dist/cli/main.js train duve${config.duveVersion === 'v2' ? ' --v2' : ''}\`)`);
  }
  const plugins = [...(opts.plugins ?? bundledScorers())];
  if (duve !== null && !plugins.some((p) => p.id === 'duve/purchase')) plugins.push(duve.purchaseScorer);
  if (!plugins.some((p) => p.id === LTR_SCORER_ID)) {
    const ranker = await loadLtrPlugin(resolve(config.ltrModelDir), logger);
    if (ranker) plugins.push(ranker);
  }
  // The DDPG fusion policy: the caller's, else one from DPGCN_POLICY_DB_PATH when the served artifact has a fusion network (closed by stop()).
  let ownPolicy: ServedDpgcnPolicy | null = null;
  if (!opts.dpgcnPolicy && !plugins.some((p) => p.id === DPGCN_SCORER_ID)) {
    ownPolicy = await openServedDpgcnPolicy({
      modelsDir: config.dpgcnModelsDir === '' ? '' : resolve(config.dpgcnModelsDir),
      dbPath: config.dpgcnPolicyDbPath,
      jobs,
      instanceId: `${opts.instanceId ?? `${config.host}:${config.port}`}:dpgcn-policy`,
      clock,
      logger: logger.child({ component: 'dpgcn-policy' }),
    });
  }
  const dpgcnPolicy = opts.dpgcnPolicy ?? ownPolicy?.service ?? null;
  // IRA (IRA_DB_PATH): versions, flags and decision log in one SQLite file; learning on the job queue (closed by stop()).
  const ira = await openServedIra({
    dbPath: config.iraDbPath,
    guardrailMargin: config.iraGuardrailMargin,
    jobs,
    instanceId: `${opts.instanceId ?? `${config.host}:${config.port}`}:ira`,
    clock,
    logger: logger.child({ component: 'ira' }),
    store,
    ...(duve?.version === 'v2' ? { servedValue: () => (duve.userValues.engine() as Duve2Engine).source } : {}),
  });
  // `ira/policy` (a strategy names it as its policy): the runtime's service and value sources.
  if (ira !== null && !plugins.some((p) => p.id === IRA_SCORER_ID)) plugins.push(createIraScorer({ service: ira.service, valueSources: ira.valueSources }));
  if (!plugins.some((p) => p.id === DPGCN_SCORER_ID)) {
    // DPGCN_MODELS_DIR (operator path, relative to the working directory); the DDPG service's policy picks α when one is given.
    const dpgcn = await loadDpgcnPlugin(config.dpgcnModelsDir === '' ? '' : resolve(config.dpgcnModelsDir), logger, dpgcnPolicy ? { policy: dpgcnPolicy.policy } : {});
    if (dpgcn) plugins.push(dpgcn);
  }
  // PLUGINS / PLUGINS_DIR: a module or plugin that fails to load or declare is skipped (logged) and listed with the registry's skips.
  const loaded = await loadPluginModules({
    modules: config.plugins,
    dir: config.pluginsDir,
    settings: config.pluginSettings,
    takenIds: plugins.map((p) => p.id),
    logger: logger.child({ component: 'scorer' }),
  });
  plugins.push(...loaded.plugins);
  // A plugin whose model is missing or wrong, or whose setup fails, is skipped (logged); strategies naming it are skipped too.
  const registry = await createScorerRegistry(plugins, {
    logger: logger.child({ component: 'scorer' }),
    defaultTimeoutMs: config.scorerTimeoutMs,
    loadModel: loadOnnxModel,
    modelsDir: config.modelsDir,
    skipFailing: true,
    skipped: loaded.skipped,
  });
  let experimentStore: ExperimentStore | undefined;
  let exposureLog: ExposureLog | undefined;
  let access: Access | undefined;
  let catalogStore: CatalogStore | undefined;
  let serving: Serving | undefined;
  let catalogSync: CatalogSync | undefined;
  let adsServing: AdsServing | undefined;
  try {
    const strategy = opts.strategy ?? (config.strategyFile ? loadStrategyFile(config.strategyFile) : DEFAULT_STRATEGY);
    const files = readStrategyFiles(strategy, opts.strategiesDir ?? config.strategiesDir);
    for (const skip of files.skipped) logger.warn(skip, 'strategy file not served here');
    // `user.value` for scorers that declare it: the served DUVE engine's state of the user, null without DUVE.
    const readUserValue = userValues === null ? undefined : async (userId: string) => (await userValues.engine().values([userId])).get(userId) ?? null;
    const metrics = createGatewayMetrics();
    ira?.registerMetrics(metrics.registry);
    // Request limits come from the strategy files; published strategies are held to the same feed-cost bounds (publishStrategy refuses larger ones).
    const limitOptions = requestLimitOptions(config, files.strategies.values());
    // Published scorers and strategies (Redis with REDIS_URL, else PUBLISHED_DB_PATH): what this instance serves is rebuilt from them on every change.
    catalogStore = await openCatalog({ redisUrl: config.redisUrl, sqlitePath: config.publishedDbPath });
    const agreement = createAgreementRecorder(metrics.registry);
    const scorerLogger = logger.child({ component: 'scorer' });
    serving = await createServing(
      {
        codeRegistry: registry,
        bootStrategies: files,
        makeFeed: (s, reg, shadow) => createFeedService({ store, registry: reg, strategy: s, clock, userValue: readUserValue, shadow }),
        readBlob: (sha) => catalogStore!.getBlob(sha),
        makePlugin: (v, bytes) => (opts.publishedScorer ?? ((m, b) => createPublishedScorer(m, b, loadOnnxModelBytes)))(v.manifest, bytes),
        shadowSampleRate: config.shadowSampleRate,
        recordShadow: (o) => agreement.record(o),
        logger: scorerLogger,
        retireAfterMs: config.scorerRetireMs,
      },
      await catalogStore.read(),
    );
    for (const skip of serving.current().skippedStrategies) logger.warn(skip, 'strategy not served here');
    catalogSync = startCatalogSync({ catalog: catalogStore, serving, everyMs: config.publishedSyncMs, logger: scorerLogger, clock });
    const servingNow = serving;
    const publishing: PublishingService = createPublishingService({
      catalog: catalogStore,
      serving,
      sync: catalogSync,
      agreement,
      parseManifest,
      // The probe is timed on a worker thread: this loop's own feed requests must not make a model look slow.
      admit: (m, bytes, o) => admitScorer(m, bytes, { ...o, timeProbe: (p) => timeProbeInWorker(p) }),
      loadModelBytes: loadOnnxModelBytes,
      maxModelBytes: config.maxModelBytes,
      strategyBounds: limitOptions.feed,
      clock,
    });
    mkdirSync(dirname(config.experimentsDbPath), { recursive: true });
    experimentStore = createSqliteExperimentStore(config.experimentsDbPath);
    exposureLog = createExposureLog(experimentStore, { onError: (err) => logger.error({ err: err.message }, 'exposure log write failed; retrying') });
    const experiments = await createExperimentService({ store: experimentStore, exposures: exposureLog, strategies: () => new Set([...servingNow.current().feeds.keys(), ...ADS_SETTING_IDS]), clock });
    // `ads` (MTL-ads): the newest MTL_ADS_MODEL_KIND version under MTL_ADS_MODELS_DIR, hot-swapped; without one it serves its fallback.
    adsServing = await openAdsServing({
      store,
      root: config.mtlAdsModelsDir === '' ? '' : join(resolve(config.mtlAdsModelsDir), config.mtlAdsModelKind),
      load: (dir) => loadMtlAdsModel(dir, { loadModel: loadOnnxModel }),
      logger: logger.child({ component: 'mtl-ads' }),
      service: { clock },
    });
    const ads = adsServing.service;
    const ceiling = config.graphStore === 'embedded' ? { users: config.storeMaxUsers, items: config.storeMaxItems, events: config.storeMaxEvents } : null;
    metrics.trackStore(async () => {
      const c = await store.counts();
      return { rows: { users: c.users, items: c.items, events: c.events }, ceiling };
    });
    const schema = await buildGatewaySchema();
    const partners = loadPartnersFile(config.partnersFile);
    access = openAccess({ dbPath: config.accessDbPath, partners, disabled: config.auth === 'off', clock });
    if (access.disabled) logger.warn('AUTH=off (NODE_ENV=development): API KEYS ARE NOT CHECKED; every request acts with every scope');
    // Per-key token buckets (RATE_LIMITS): one token per HTTP request on a keyed route and per WebSocket connect.
    const rate = config.rateLimits === 'off' ? null : createRateLimitGate({ limiter: createRateLimiter({ limits: config.rateLimits }), metrics, logger: logger.child({ component: 'rate-limit' }) });
    if (rate === null) logger.warn('RATE_LIMITS=off (NODE_ENV=development): API keys are not rate limited');
    else logger.info({ rateLimits: formatRateLimits(config.rateLimits) }, 'per-key rate limits (<role>=<rate>/s:<burst>)');

    const app = express();
    const httpServer = createServer(app);
    // Body size, tokens, depth, aliases, directives, cost, feed cost, hidden suggestions (server/limits.ts).
    const limits = createRequestLimits(limitOptions);
    // graphql-ws for partners (userValueChanged) on the same port and path as HTTP, under the same parse and validation limits.
    const subscriptions = attachSubscriptionServer({ httpServer, schema, access, valueChanges, logger, development: config.development, limits, rateLimit: rate });
    const apollo = new ApolloServer<GatewayContext>({
      schema,
      // On for every environment: the access plugin lets only keys with schema:read (admin) see it.
      introspection: true,
      parseOptions: limits.parseOptions,
      validationRules: limits.validationRules,
      formatError: formatGatewayError(config.development),
      includeStacktraceInErrorResponses: config.development,
      // The CLI owns SIGINT/SIGTERM (it drains, closes the store, then exits): Apollo must not race it.
      stopOnTerminationSignals: false,
      // Feeds are per user and never HTTP-cacheable: skip cache-control bookkeeping per field.
      plugins: [
        ApolloServerPluginDrainHttpServer({ httpServer }),
        ApolloServerPluginCacheControlDisabled(),
        // API keys: every root field against its scope; writes to the audit log (server/access.ts).
        accessPlugin(access, logger.child({ component: 'access' })),
        // WebSocket connections are not HTTP requests: close them (1001) when the server drains.
        { serverWillStart: async () => ({ drainServer: () => subscriptions.dispose() }) },
        ...limits.plugins,
      ],
    });
    await apollo.start();
    // `feed` and `feeds` are read once per request (the context copies them), so a request never sees half a swap.
    const services = {
      store,
      get feed() {
        return servingNow.current().feed;
      },
      get feeds() {
        return servingNow.current().feeds;
      },
      publishing,
      experiments,
      metrics,
      clock,
      userValues,
      dpgcnPolicy,
      iraPolicy: ira?.service ?? null,
      ads,
      // suggestQueries: the store's searches and the newest dpgcn artifact under DPGCN_MODELS_DIR, rebuilt when stale.
      queries: createQuerySuggester({
        store,
        artifactDir: config.dpgcnModelsDir === '' ? null : resolve(config.dpgcnModelsDir),
        refreshMs: config.querySuggestRefreshMs,
        onError: (err) => logger.warn({ err: err.message }, 'query suggestion snapshot rebuild failed; serving the previous one'),
      }),
      audit: access.audit,
      limits: {
        maxFeedLimit: config.maxFeedLimit,
        maxEventsPerBatch: config.maxEventsPerBatch,
        event: { maxValue: config.maxEventValue, maxDwellMs: config.maxEventDwellMs, maxFutureSkewMs: config.maxEventFutureSkewMs },
      },
    };
    let storeSync: StoreSync | null = null;
    // Liveness stays open; the detailed view below needs a key with health:read.
    app.get('/healthz', healthGate(access, rate));
    app.get('/healthz', async (_req, res) => {
      try {
        const counts = await store.counts();
        res.json({
          status: 'ok',
          store: store.kind,
          counts,
          dependencies: (await checkReadiness({ counts: () => Promise.resolve(counts) }, valueChanges, outbox)).dependencies /* the store just answered: no second probe */,
          sync: storeSync?.status() ?? null,
          strategy: servingNow.current().feed.digest,
          scorers: servingNow
            .current()
            .registry.list()
            .map((r) => `${r.id}@${r.version}`),
          shadowScorers: servingNow.current().shadows.map((r) => `${r.id}@${r.version}`),
          // Plugins left out (missing or mismatched model, failed setup, a module that did not load, a published version that did not load), with why.
          skippedScorers: servingNow.current().registry.skipped.map((k) => ({ id: k.version === '' ? k.id : `${k.id}@${k.version}`, code: k.code, reason: k.reason })),
          skippedStrategies: servingNow.current().skippedStrategies,
          catalog: { kind: catalogStore!.kind, ...catalogSync!.status() },
          // The DDPG fusion policy: version served, frozen, learning (halted names why it stopped updating).
          dpgcnPolicy: dpgcnPolicy ? await dpgcnPolicy.status() : null,
          // IRA: per line the version served, frozen, halted (why online updates stopped: the guardrail), learning.
          iraPolicy: ira ? await ira.service.status() : null,
        });
      } catch (err) {
        res.status(503).json({ status: 'unavailable', error: (err as Error).message });
      }
    });
    app.get('/readyz', readinessHandler(store, valueChanges, outbox));
    // Model uploads for publishScorer (raw bytes, MAX_MODEL_BYTES): scorers:write, rate limited, audited.
    app.post('/blobs', requireKey(access, 'scorers:write', rate), blobUploadHandler({ publishing, audit: access.audit, maxBytes: config.maxModelBytes, logger }));
    app.get('/experiments/:id', serveResultsPage);
    app.get('/metrics', requireKey(access, 'metrics:read', rate), async (_req, res) => {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
    app.use(
      '/graphql',
      requireKey(access, undefined, rate),
      limits.jsonBody,
      expressMiddleware(apollo, { context: async ({ res }) => createRequestContext(services, principalOf(res), res) }),
      limits.bodyErrors,
    );

    httpServer.listen(config.port, config.host);
    await once(httpServer, 'listening');
    const port = (httpServer.address() as AddressInfo).port;
    const url = `http://${config.host}:${port}/graphql`;
    if (userValues !== null) {
      await scheduleDuveRefresh(jobs, userValues, {
        everyMs: config.duveRefreshMinutes * 60_000,
        instanceId: opts.instanceId ?? `${config.host}:${port}`,
        logger: logger.child({ component: 'duve-refresh' }),
      });
    }
    // Started last (nothing after it throws): what `import` writes to the same file becomes visible.
    if (config.storeSyncMs > 0) {
      storeSync = startStoreSync({
        store,
        everyMs: config.storeSyncMs,
        onEvents: async (events) => {
          ads.onStored(events);
          return Promise.all([userValues?.onStored(events), dpgcnPolicy?.onStored(events), ira?.onEvents(events)]);
        },
        logger: logger.child({ component: 'store-sync' }),
        clock,
      });
    }
    logger.info({ url, strategy: servingNow.current().feed.digest }, 'gateway listening');
    return {
      url,
      port,
      httpServer,
      get feed() {
        return servingNow.current().feed;
      },
      get registry() {
        return servingNow.current().registry;
      },
      serving: servingNow,
      publishing,
      metrics,
      userValues,
      experiments,
      ads: adsServing,
      jobs,
      valueChanges,
      outbox,
      storeSync,
      access,
      async stop() {
        await storeSync?.stop();
        await apollo.stop();
        await exposureLog?.close();
        await experimentStore?.close();
        access?.close();
        await jobs.close();
        ownPolicy?.close();
        ira?.close();
        await adsServing?.close();
        await userValues?.close();
        await catalogSync?.stop();
        await serving?.close();
        await catalogStore?.close();
        await registry.close();
        await outbox?.close();
        await valueChanges.close();
      },
    };
  } catch (err) {
    await exposureLog?.close();
    await experimentStore?.close();
    access?.close();
    await jobs.close();
    ownPolicy?.close();
    ira?.close();
    await adsServing?.close();
    await userValues?.close();
    await registry.close();
    await outbox?.close();
    await valueChanges.close();
    throw err;
  }
}
