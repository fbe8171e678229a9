/**
 * The closed loop. Fit the world to the log, write the log into a fresh embedded store as
 * warm-up history, train DUVE on it, start the real gateway in-process on a simulated clock that
 * begins at the first local midnight after the log ends, create and start an A/B/n experiment
 * over GraphQL, then replay the session schedule in time order:
 *
 *   at a session's start   clock := start; the user asks `feed(userId)` over HTTP; the experiment
 *                          assigns, serves and logs the exposure; the user reacts (behaviour.ts)
 *   when the session ends  clock := its last event; the reactions go in through `recordEvents`
 *
 * Session ends are queued, so a feed only sees events that already happened, and the clock
 * never goes back. One request at a time: the order of writes, and so every number, is a function
 * of the seed. At the end the experiment is stopped and `experimentResults` is read over GraphQL.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openConfiguredStore } from '../graph/configured';
import { loadConfig } from '../config/config';
import { TAOBAO_UTC_OFFSET_MS, TAOBAO_WINDOW } from '../eval/datasets/taobao';
import { startGateway } from '../server/gateway';
import { behaviourOf, reactToFeed, type BehaviourOptions } from './behaviour';
import { createSimClient, queueAt, reactionPayload, type EventPayload, type ResultsResponse, type SimVariant } from './client';
import { fitLog, type FittedLog } from './fit';
import type { PriceOptions } from './prices';
import { stream } from './rng';
import { scheduleSessions } from './schedule';
import { loadLog, prepareStrategies, trainWarmUpDuve, warmUpStore } from './setup';
import { createWorld } from './world';
import { bundledScorers } from '../server/bundled';
import { setupSimDpgcn, type SimDpgcn, type SimDpgcnInfo, type SimDpgcnOptions } from './dpgcn';
import type { DpgcnPolicyStatus } from '../plugins/dpgcn/policy/service';

const DAY_MS = 24 * 3600 * 1000;

export const DEFAULT_VARIANTS: readonly SimVariant[] = [
  { key: 'control', weight: 0.9, strategyId: 'default' },
  { key: 'ltv', weight: 0.05, strategyId: 'ltv' },
  { key: 'commercial-only', weight: 0.05, strategyId: 'commercial-only' },
];
export const DEFAULT_METRICS = ['GMV_PER_IMPRESSION', 'CTR', 'ADD_TO_CART_RATE', 'CONVERSION_RATE', 'AOV'] as const;

export interface SimulationOptions {
  /** Taobao UserBehavior file. */
  readonly file: string;
  /** Read only the first n non-empty lines (a slice). Default: all. */
  readonly maxLines?: number;
  readonly seed: number;
  /** Simulated days. Default 28. */
  readonly days?: number;
  /** Simulated users (sampled from the log's). Default 300. */
  readonly users?: number;
  /** Default DEFAULT_VARIANTS (control = default 90%, ltv 5%, commercial-only 5%). */
  readonly variants?: readonly SimVariant[];
  /** Primary metrics (GraphQL enum names). Default DEFAULT_METRICS. */
  readonly metrics?: readonly string[];
  /** Default 24. */
  readonly attributionWindowHours?: number;
  /** Train DUVE on the warm-up store (needed by `ltv`). Default true. */
  readonly duve?: boolean;
  /** Adam steps of the DUVE training. Default 200. */
  readonly duveIterations?: number;
  /** Folder whose strategy files the gateway may serve (copied). Default `strategies`. */
  readonly strategiesDir?: string;
  /** Observation window of the log for the fit. Default the Taobao window (2017-11-25..12-03, UTC+8). */
  readonly window?: { readonly start: number; readonly end: number };
  readonly behaviour?: BehaviourOptions;
  readonly prices?: PriceOptions;
  /** Keep the store, models and experiment DB here instead of a removed temp folder. */
  readonly workDir?: string;
  /** Train dpgcn/graph on the warm-up store and serve it with its DDPG policy (strategies `dpgcn` and `dpgcn-frozen`; sim/dpgcn.ts). Default off. */
  readonly dpgcn?: SimDpgcnOptions | null;
  /** Gateway log level. Default silent. */
  readonly logLevel?: string;
  /** Called once per simulated day, after its last session. */
  readonly onDay?: (p: { day: number; days: number; feeds: number; events: number }) => void;
  /** Phase messages. */
  readonly log?: (line: string) => void;
}

export interface VariantTally {
  users: number;
  sessions: number;
  impressions: number;
  clicks: number;
  carts: number;
  purchases: number;
  gmv: number;
  /** Sum of the synthetic prices of the items shown (mean price shown = priceShown / impressions). */
  priceShown: number;
  /** Feeds served by another strategy than the variant's, or with a degraded scorer. */
  mismatched: number;
  degraded: number;
}

export interface SimulationOutcome {
  readonly options: { seed: number; days: number; users: number; variants: readonly SimVariant[]; metrics: readonly string[]; duve: boolean; dpgcn: boolean; file: string; maxLines: number | null };
  readonly fit: FittedLog;
  readonly world: { users: number; appealScale: number; start: number; end: number };
  readonly warmUp: { events: number; duve: { version: number; examples: number; halfLivesDays: Readonly<Record<string, number>> } | null; dpgcn?: SimDpgcnInfo | null };
  /** The DDPG policy at the end of the run (with `dpgcn`), else null. */
  readonly policy: DpgcnPolicyStatus | null;
  readonly totals: { sessions: number; feeds: number; impressions: number; events: Record<string, number>; gmv: number };
  readonly tallies: Readonly<Record<string, VariantTally>>;
  /** Simulated users who were served at least one feed (sorted). */
  readonly servedUsers: readonly string[];
  readonly results: ResultsResponse;
  readonly experimentId: string;
  readonly timing: { wallMs: number; setupMs: number; loopMs: number; feedMs: number; recordMs: number };
}

/** First local (UTC+8) midnight strictly after `ts`. */
export function nextLocalMidnight(ts: number, offsetMs = TAOBAO_UTC_OFFSET_MS): number {
  return Math.floor((ts + offsetMs) / DAY_MS + 1) * DAY_MS - offsetMs;
}

export async function runSimulation(o: SimulationOptions): Promise<SimulationOutcome> {
  const t0 = performance.now();
  const days = o.days ?? 28;
  const variants = o.variants ?? DEFAULT_VARIANTS;
  const metrics = o.metrics ?? DEFAULT_METRICS;
  const duve = o.duve ?? true;
  const say = o.log ?? (() => {});
  if (o.workDir !== undefined && existsSync(join(o.workDir, 'store.db'))) throw new RangeError(`simulate: ${o.workDir} already holds a store; give a new --work-dir`);

  const log = await loadLog(o.file, o.maxLines);
  const fit = fitLog(log.events, { window: o.window ?? TAOBAO_WINDOW });
  const world = createWorld(fit, { seed: o.seed, users: o.users ?? 300, ...(o.prices ? { prices: o.prices } : {}) });
  const behaviour = behaviourOf(world, o.behaviour);
  const start = nextLocalMidnight(log.lastTs);
  const end = start + days * DAY_MS;
  const sessions = scheduleSessions(world.users, { seed: o.seed, start, days, hourProfile: fit.hourProfile, minGapMs: fit.sessionGapMs });
  say(`fitted ${fit.users.size} users, ${fit.items.size} items, ${fit.categories.size} categories on ${fit.events} events; simulating ${world.users.length} users, ${sessions.length} sessions`);

  const dir = o.workDir ?? mkdtempSync(join(tmpdir(), 'recgate-sim-'));
  mkdirSync(join(dir, 'strategies'), { recursive: true });
  // A clean environment: nothing from the caller's (no Redis, no Neo4j, no model folder of theirs).
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DB_PATH: join(dir, 'store.db'),
    EXPERIMENTS_DB_PATH: join(dir, 'experiments.db'),
    PUBLISHED_DB_PATH: join(dir, 'published.db'),
    ACCESS_DB_PATH: join(dir, 'access.db'),
    DUVE_MODEL_DIR: join(dir, 'models', 'duve'),
    // The run's own DP-GCN folder (`--dpgcn` trains into it); never the caller's models/dpgcn.
    DPGCN_MODELS_DIR: join(dir, 'models', 'dpgcn'),
    STRATEGIES_DIR: join(dir, 'strategies'),
    LOG_LEVEL: o.logLevel ?? 'silent',
    // No refresh job during the run (it fires on wall time), and deadlines no scorer misses
    // on a busy machine: a dropped scorer would make the feed depend on load, not on the seed.
    DUVE_REFRESH_MINUTES: '35000',
    SCORER_TIMEOUT_MS: '60000', // 35,000 min: under the 2^31 ms timer limit
    // Every simulated shopper goes through the one admin key, back to back: its bucket must not shape the run (limits stay on).
    RATE_LIMITS: 'admin=1000000/s:1000000',
  });
  let store: Awaited<ReturnType<typeof openConfiguredStore>> | null = null;
  let now = start;
  let gateway: Awaited<ReturnType<typeof startGateway>> | null = null;
  let dpgcn: SimDpgcn | null = null;
  try {
    store = await openConfiguredStore(config);
    const stored = await warmUpStore(store, log.rows, world.pricing);
    say(`warm-up: ${stored} events of ${o.file} in a fresh embedded store`);
    const trained = duve
      ? await trainWarmUpDuve(store, { modelDir: config.duveModelDir, refStart: fit.window.start, seed: o.seed, ...(o.duveIterations !== undefined ? { iterations: o.duveIterations } : {}) })
      : null;
    if (trained) say(`DUVE v${trained.version} trained on the warm-up store: ${trained.examples} examples, ${(trained.trainMs / 1000).toFixed(1)} s`);
    prepareStrategies(o.strategiesDir ?? 'strategies', config.strategiesDir);
    const logger = pino({ level: config.logLevel }, pino.destination(2));
    if (o.dpgcn) {
      dpgcn = await setupSimDpgcn(store, {
        ...o.dpgcn,
        dir,
        seed: o.seed,
        strategiesDir: config.strategiesDir,
        windowMs: (o.attributionWindowHours ?? 24) * 3_600_000,
        clock: () => now,
        logger,
        log: say,
      });
    }
    gateway = await startGateway({
      config,
      store,
      logger,
      clock: () => now,
      ...(dpgcn ? { plugins: [...bundledScorers(), dpgcn.plugin], jobs: dpgcn.jobs, dpgcnPolicy: dpgcn.service } : {}),
    });
    // The simulator plays the frontend, the ingest pipeline and the analyst: one admin key for all three.
    const client = createSimClient(gateway.url, gateway.access.keys.create({ name: 'simulator', role: 'admin' }).secret);
    const experimentId = await client.createExperiment({
      name: `simulate seed ${o.seed}`,
      hypothesis: `closed-loop simulation: ${variants.map((v) => `${v.key}=${v.strategyId}@${v.weight}`).join(', ')}`,
      surface: 'home',
      salt: `sim-${o.seed}`,
      variants,
      primaryMetrics: metrics,
      attributionWindowHours: o.attributionWindowHours ?? 24,
    });
    await client.startExperiment(experimentId);
    const setupMs = performance.now() - t0;

    const users = new Map(world.users.map((u) => [u.id, u] as const));
    const tallies: Record<string, VariantTally> = Object.fromEntries(
      variants.map((v) => [v.key, { users: 0, sessions: 0, impressions: 0, clicks: 0, carts: 0, purchases: 0, gmv: 0, priceShown: 0, mismatched: 0, degraded: 0 }]),
    );
    const seen = new Set<string>();
    const totals = { sessions: sessions.length, feeds: 0, impressions: 0, events: {} as Record<string, number>, gmv: 0 };
    const pending: Array<{ ts: number; events: EventPayload[] }> = [];
    let feedMs = 0;
    let recordMs = 0;
    let eventCount = 0;
    const flushUntil = async (t: number): Promise<void> => {
      while (pending.length > 0 && pending[0]!.ts <= t) {
        const batch = pending.shift()!;
        now = batch.ts;
        const r0 = performance.now();
        const r = await client.record(batch.events);
        recordMs += performance.now() - r0;
        if (r.rejected.length > 0 || r.accepted !== batch.events.length) throw new Error(`recordEvents rejected simulated events: ${JSON.stringify(r.rejected.slice(0, 3))}`);
        // Lockstep with the policy's learning jobs: the next feed sees the version they published (every number a function of the seed).
        if (dpgcn) await dpgcn.service.settle();
      }
    };
    const loopStart = performance.now();
    let day = 0;
    const finishDaysBefore = (d: number): void => {
      for (; day < d; day++) o.onDay?.({ day: day + 1, days, feeds: totals.feeds, events: eventCount });
    };
    for (const s of sessions) {
      finishDaysBefore(s.day);
      await flushUntil(s.ts);
      now = s.ts;
      const user = users.get(s.userId)!;
      const f0 = performance.now();
      const feed = await client.feed(s.userId, 'home');
      feedMs += performance.now() - f0;
      totals.feeds++;
      const assigned = feed.experiments.find((x) => x.experimentId === experimentId);
      const variant = assigned && variants.find((v) => v.key === assigned.variantKey);
      if (!variant) throw new Error(`feed for ${s.userId} was not assigned in the experiment`);
      const tally = tallies[variant.key]!;
      if (!seen.has(s.userId)) {
        seen.add(s.userId);
        tally.users++;
      }
      tally.sessions++;
      if (feed.strategy.id !== variant.strategyId) tally.mismatched++;
      if (feed.degraded.length > 0) tally.degraded++;
      const shown = feed.items.map((i) => i.itemId);
      tally.impressions += shown.length;
      for (const i of shown) tally.priceShown += world.priceOf(i);
      totals.impressions += shown.length;
      const reactions = reactToFeed(world, behaviour, user, shown, s.ts, stream(o.seed, 'react', s.userId, s.day, s.index));
      if (reactions.length === 0) continue;
      const payload = reactions.map((e, n): EventPayload => {
        if (e.type !== 'click') world.observe(user, e.itemId);
        totals.events[e.type] = (totals.events[e.type] ?? 0) + 1;
        if (e.type === 'click') tally.clicks++;
        else if (e.type === 'add_to_cart') tally.carts++;
        else if (e.type === 'purchase') {
          tally.purchases++;
          tally.gmv += e.value;
          totals.gmv += e.value;
        }
        return reactionPayload(o.seed, s, s.day, n, e);
      });
      eventCount += payload.length;
      queueAt(pending, { ts: reactions[reactions.length - 1]!.ts, events: payload });
    }
    await flushUntil(Infinity);
    finishDaysBefore(days);
    now = Math.max(now, end);
    await client.stopExperiment(experimentId);
    const results = await client.results(experimentId);
    const policy = dpgcn ? await dpgcn.status() : null;
    const loopMs = performance.now() - loopStart;
    return {
      options: { seed: o.seed, days, users: world.users.length, variants, metrics, duve, dpgcn: Boolean(o.dpgcn), file: o.file, maxLines: o.maxLines ?? null },
      fit,
      world: { users: world.users.length, appealScale: world.appealScale, start, end },
      warmUp: { events: stored, duve: trained ? { version: trained.version, examples: trained.examples, halfLivesDays: trained.halfLivesDays } : null, dpgcn: dpgcn?.info ?? null },
      policy,
      totals,
      tallies,
      servedUsers: [...seen].sort(),
      results,
      experimentId,
      timing: { wallMs: performance.now() - t0, setupMs, loopMs, feedMs, recordMs },
    };
  } finally {
    await gateway?.stop();
    dpgcn?.close();
    await store?.close();
    if (o.workDir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}
