/**
 * `simulate --headline`: the study's headline A/B test (issue 13) in the closed loop, with users
 * whose visits, clicks and spend respond to what they are shown (sim/returning.ts, fatigue.ts,
 * spend.ts). Arms:
 *
 *   baseline    production baseline: static RFM segments + CTR-optimised ranking (HEADLINE_BASELINE_STRATEGY)
 *   duve-only   DUVE value in the existing ranker: the `ltv` strategy (baseline/commercial + duve/purchase)
 *   full        DUVE v2 + IRA: the `ira/policy` scorer as the strategy's policy, γ1 0.6, γ2 0.4 (sim/ira.ts)
 *   ablations   short-term-only reward (γ1 1, γ2 0), no temporal decay (value v2-nodecay), hourly refresh (60 min)
 *
 * One run: fit (the click/funnel model as `simulate`, plus the revisit pattern), warm up a fresh
 * store (with persona copies when --users exceeds the log's users), train DUVE, start the gateway on
 * a simulated clock, then
 *
 *   burn-in     `burnInDays` days in a burn-in experiment over the policy lines (IRA explores under its
 *               first version and logs decisions; without IRA: baseline and duve-only); the satisfaction
 *               reference is calibrated on these sessions' experiences
 *   pre-train   IRA pre-trains offline from the burn-in's logged decisions (sim/ira.ts)
 *   experiment  `days` days of the headline experiment; learning online in lockstep (settle after every
 *               recordEvents batch)
 *
 * Each day: every user's visits are drawn from their state at the day's start (one stream per user
 * and day), their spend level steps, and the day's sessions are served in time order as in
 * sim/run.ts (a feed only sees events that already happened; the clock never goes back).
 * Everything but wall times and latencies is a function of the seed and options.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../config/config';
import { TAOBAO_WINDOW } from '../eval/datasets/taobao';
import { assignVariant } from '../experiments/assignment';
import { twoProportionZTest } from '../experiments/stats/proportions';
import { openConfiguredStore } from '../graph/configured';
import { createInProcessQueue } from '../jobs/in-process';
import { DEFAULT_STRATEGY, parseStrategy } from '../pipeline/strategy';
import { createPopularityScorer, createRfmScorer } from '../plugins/baseline';
import { fitRfmBreakpoints, type RfmBreakpoints, type RfmValues } from '../plugins/baseline/rfm';
import type { ScorerPlugin } from '../plugins/sdk/contract';
import { bundledScorers } from '../server/bundled';
import { startGateway } from '../server/gateway';
import { behaviourOf, reactToFeed, type BehaviourOptions } from './behaviour';
import { createSimClient, queueAt, reactionPayload, type EventPayload, type ResultsResponse, type SimClient, type SimVariant } from './client';
import { fatigueFactor, fatigueModel, newExposureMemory, recordShowing, type ExposureMemory, type FatigueOptions } from './fatigue';
import { fitLog, type FittedLog } from './fit';
import type { PriceOptions } from './prices';
import {
  addExperience,
  calibrate,
  dayVisits,
  feedExperience,
  fitReturning,
  newVisitState,
  returningModel,
  satisfaction,
  type Calibration,
  type FittedReturning,
  type ReturningOptions,
  type VisitState,
} from './returning';
import { poisson, stream } from './rng';
import { nextLocalMidnight } from './run';
import { drawDayTimes } from './schedule';
import { loadLog, personaRows, prepareStrategies, trainWarmUpDuve, warmUpStore } from './setup';
import { budgetLevel, spendModel, stepSpend, type SpendOptions } from './spend';
import { createWorld, type SimUser } from './world';
import type { PolicyArms, SimPolicy, SimPolicyFactory, SimPolicyInfo } from './policy-hooks';

const DAY_MS = 24 * 3600 * 1000;

export const HEADLINE_BASELINE = 'headline-baseline';

export type Phase = 'burn-in' | 'experiment' | 'follow-up';
export const HEADLINE_DUVE = 'ltv';

/**
 * The production baseline: static RFM segments + CTR-optimised ranking. "CTR-optimised" here: only
 * scorers that predict a click from what users did (co-interaction neighbours, category affinity,
 * plain popularity), no revenue or value term; RFM: baseline/rfm's price-tier match of the user's
 * RFM segment, with quintile edges fitted once on the warm-up customers (static). Candidates and
 * diversity are the default strategy's.
 */
export function headlineBaselineStrategy(): ReturnType<typeof parseStrategy> {
  return parseStrategy({
    ...DEFAULT_STRATEGY,
    id: HEADLINE_BASELINE,
    scorers: [
      { id: 'baseline/item-knn', weight: 0.35 },
      { id: 'baseline/affinity', weight: 0.35 },
      { id: 'baseline/popularity', weight: 0.1 },
      { id: 'baseline/rfm', weight: 0.2 },
    ],
  });
}

export type HeadlineSplit = '5/5/90' | '34/33/33';

/**
 * The headline variants. 5/5/90: baseline 0.05, duve-only 0.05, full 0.90; with ablations each
 * ablation arm takes 0.05 from full (0.75). 34/33/33: 0.34/0.33/0.33; with ablations six equal arms.
 * Without a policy (`arms` null) only baseline and duve-only, at 0.5 each.
 */
export function headlineVariants(split: HeadlineSplit, ablations: boolean, arms: PolicyArms | null): SimVariant[] {
  const base = { key: 'baseline', strategyId: HEADLINE_BASELINE };
  const duve = { key: 'duve-only', strategyId: HEADLINE_DUVE };
  if (arms === null)
    return [
      { ...base, weight: 0.5 },
      { ...duve, weight: 0.5 },
    ];
  const abl = [
    { key: 'short-term', strategyId: arms.shortTerm },
    { key: 'no-decay', strategyId: arms.noDecay },
    { key: 'hourly', strategyId: arms.hourly },
  ];
  if (split === '5/5/90') {
    return [
      { ...base, weight: 0.05 },
      { ...duve, weight: 0.05 },
      { key: 'full', strategyId: arms.full, weight: ablations ? 0.75 : 0.9 },
      ...(ablations ? abl.map((a) => ({ ...a, weight: 0.05 })) : []),
    ];
  }
  if (!ablations)
    return [
      { ...base, weight: 0.34 },
      { ...duve, weight: 0.33 },
      { key: 'full', strategyId: arms.full, weight: 0.33 },
    ];
  return [base, duve, { key: 'full', strategyId: arms.full }, ...abl].map((v) => ({ ...v, weight: 1 / 6 }));
}

export const HEADLINE_METRICS = ['GMV_PER_IMPRESSION', 'CTR', 'AOV', 'CONVERSION_RATE', 'RETENTION_30D'] as const;

export interface HeadlineOptions {
  readonly file: string;
  readonly maxLines?: number;
  readonly seed: number;
  /** Experiment days. Default 35 (first exposures of the first 5 days are 30-day-retention eligible). */
  readonly days?: number;
  /** Burn-in days before the experiment. Default 2. */
  readonly burnInDays?: number;
  /** Simulated users (personas resampled beyond the log's). Default 800. */
  readonly users?: number;
  /** Default 5/5/90. */
  readonly split?: HeadlineSplit;
  /** Add the three ablation arms. Default false. */
  readonly ablations?: boolean;
  /** Default 24. */
  readonly attributionWindowHours?: number;
  /** Window of the high-value capture: a purchase in the experiment's last n days (≤ days). Default min(14, days). */
  readonly captureDays?: number;
  /** Adam steps of the DUVE v1 training (duve/purchase of the duve-only arm, unless the gateway serves DUVE v2 with a policy). Default 200. */
  readonly duveIterations?: number;
  readonly strategiesDir?: string;
  readonly behaviour?: BehaviourOptions;
  readonly prices?: PriceOptions;
  /** Dynamics; `false` turns one off. Defaults: all on with their documented defaults. */
  readonly returning?: ReturningOptions | false;
  readonly fatigue?: FatigueOptions | false;
  readonly spend?: SpendOptions | false;
  /** The IRA lines (sim/ira.ts); null: run baseline and duve-only only. */
  readonly policy?: SimPolicyFactory | null;
  readonly workDir?: string;
  readonly logLevel?: string;
  readonly onDay?: (p: { phase: Phase; day: number; days: number; feeds: number; events: number }) => void;
  readonly log?: (line: string) => void;
}

export interface ArmTruth {
  readonly key: string;
  readonly strategyId: string;
  readonly weight: number;
  /** Users the hash assigns to the arm (all simulated users: intent to treat). */
  readonly assigned: number;
  readonly served: number;
  readonly sessions: number;
  readonly impressions: number;
  readonly clicks: number;
  readonly purchases: number;
  readonly gmv: number;
  readonly degraded: number;
  readonly mismatched: number;
  /** Top-decile-by-latent-value users (at the experiment's start) assigned to the arm, and those of them who purchased / visited in the capture window. */
  readonly highValue: { readonly users: number; readonly purchased: number; readonly returned: number };
  /** Served users whose first exposure is ≥ 30 days before the end, and those of them with a session at or after first exposure + 30 days. */
  readonly retention30: { readonly eligible: number; readonly retained: number };
  /** Users churned at the end (of the assigned). */
  readonly churnedAtEnd: number;
  /** Mean standardised satisfaction at the end (assigned users). */
  readonly meanSatisfaction: number;
}

export interface TruthComparison {
  readonly metric: 'high_value_capture' | 'high_value_return' | 'retention_30d_visit';
  readonly variant: string;
  readonly control: string;
  readonly value: number | null;
  readonly controlValue: number | null;
  readonly absoluteLift: number;
  readonly absoluteCi: readonly [number, number];
  readonly relativeLift: number;
  readonly relativeCi: readonly [number, number];
  readonly pValue: number;
}

export interface HeadlineOutcome {
  readonly options: {
    seed: number;
    days: number;
    burnInDays: number;
    users: number;
    split: HeadlineSplit;
    ablations: boolean;
    variants: readonly SimVariant[];
    captureDays: number;
    file: string;
    maxLines: number | null;
    dynamics: { returning: boolean; fatigue: boolean; spend: boolean };
  };
  readonly fit: { readonly log: FittedLog; readonly returning: FittedReturning };
  readonly calibration: Calibration | null;
  readonly world: { users: number; logUsers: number; personas: number; start: number; experimentStart: number; end: number; highValueThreshold: number };
  /** duvePurchaseServes: which DUVE the gateway's duve/purchase (duve-only arm, IRA fallback) serves. */
  readonly warmUp: { events: number; duve: { version: number; examples: number }; duvePurchaseServes: 'v1' | 'v2' };
  readonly burnIn: { experimentId: string; variants: readonly SimVariant[]; feeds: number; results: ResultsResponse | null };
  readonly policy: SimPolicyInfo | null;
  readonly totals: { feeds: number; impressions: number; events: Record<string, number>; gmv: number; activeUserDays: number; churnEvents: number };
  readonly arms: readonly ArmTruth[];
  readonly truthComparisons: readonly TruthComparison[];
  readonly results: ResultsResponse;
  readonly experimentId: string;
  readonly timing: { wallMs: number; setupMs: number; burnInMs: number; pretrainMs: number; experimentMs: number; feedMs: number; recordMs: number };
}

interface UserState {
  readonly user: SimUser;
  readonly visit: VisitState;
  readonly memory: ExposureMemory;
  readonly budget: number;
  level: number;
  visits: number[];
  purchases: number[];
}

/** RFM values of the warm-up customers at the log's end (for the baseline's static segments). */
export function warmUpRfm(events: ReadonlyArray<{ userId: string; type: string; ts: number; value: number }>, now: number): RfmValues[] {
  const by = new Map<string, { last: number; n: number; spend: number }>();
  for (const e of events) {
    if (e.type !== 'purchase') continue;
    const b = by.get(e.userId) ?? { last: -Infinity, n: 0, spend: 0 };
    b.last = Math.max(b.last, e.ts);
    b.n++;
    b.spend += e.value;
    by.set(e.userId, b);
  }
  return [...by.keys()].sort().map((id) => {
    const b = by.get(id)!;
    return { recencyDays: Math.max(0, now - b.last) / DAY_MS, frequency: b.n, monetary: b.spend / b.n };
  });
}

export async function runHeadline(o: HeadlineOptions): Promise<HeadlineOutcome> {
  const t0 = performance.now();
  const days = o.days ?? 35;
  const burnInDays = o.burnInDays ?? 2;
  const split = o.split ?? '5/5/90';
  const ablations = o.ablations ?? false;
  const captureDays = o.captureDays ?? Math.min(14, days);
  const windowH = o.attributionWindowHours ?? 24;
  const say = o.log ?? (() => {});
  if (!(days >= 1 && burnInDays >= 1 && captureDays >= 1 && captureDays <= days)) throw new RangeError('simulate --headline: need days ≥ 1, burn-in days ≥ 1 and 1 ≤ capture days ≤ days');
  if (o.workDir !== undefined && existsSync(join(o.workDir, 'store.db'))) throw new RangeError(`simulate: ${o.workDir} already holds a store; give a new --work-dir`);

  const log = await loadLog(o.file, o.maxLines);
  const window = TAOBAO_WINDOW;
  const fit = fitLog(log.events, { window });
  const ret = fitReturning(log.events, { window });
  const world = createWorld(fit, { seed: o.seed, users: o.users ?? 800, resample: true, ...(o.prices ? { prices: o.prices } : {}) });
  const behaviour = behaviourOf(world, o.behaviour);
  const rm = o.returning === false ? null : returningModel(o.returning);
  const fm = o.fatigue === false ? null : fatigueModel(o.fatigue);
  const sm = o.spend === false ? null : spendModel(o.spend);
  const start = nextLocalMidnight(log.lastTs);
  const experimentStart = start + burnInDays * DAY_MS;
  const end = experimentStart + days * DAY_MS;
  const personas = world.users.filter((u) => u.id !== u.sourceId).length;
  say(
    `fitted ${fit.users.size} users (revisit: P(active | active yesterday) ${ret.gapObserved[0]?.rate.toFixed(3)}); simulating ${world.users.length} users (${personas} personas), ${burnInDays} burn-in + ${days} experiment days`,
  );

  const dir = o.workDir ?? mkdtempSync(join(tmpdir(), 'recgate-headline-'));
  mkdirSync(join(dir, 'strategies'), { recursive: true });
  const configOf = (duveVersion: 'v1' | 'v2') =>
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DB_PATH: join(dir, 'store.db'),
      EXPERIMENTS_DB_PATH: join(dir, 'experiments.db'),
      PUBLISHED_DB_PATH: join(dir, 'published.db'),
      ACCESS_DB_PATH: join(dir, 'access.db'),
      DUVE_MODEL_DIR: join(dir, 'models', 'duve'),
      // With the IRA lines, duve/purchase (the duve-only arm) serves DUVE v2 when the gateway can, trained by the policy's setup into DUVE2_MODEL_DIR.
      DUVE_VERSION: duveVersion,
      DUVE2_MODEL_DIR: join(dir, 'models', 'duve2'),
      DPGCN_MODELS_DIR: join(dir, 'models', 'dpgcn'),
      DPGCN_POLICY_DB_PATH: '',
      STRATEGIES_DIR: join(dir, 'strategies'),
      LOG_LEVEL: o.logLevel ?? 'silent',
      DUVE_REFRESH_MINUTES: '35000',
      SCORER_TIMEOUT_MS: '60000',
      RATE_LIMITS: 'admin=1000000/s:1000000',
    });
  let config = configOf('v1');
  let duveServed: 'v1' | 'v2' = 'v1';
  let store: Awaited<ReturnType<typeof openConfiguredStore>> | null = null;
  let now = start;
  let gateway: Awaited<ReturnType<typeof startGateway>> | null = null;
  let policy: SimPolicy | null = null;
  try {
    store = await openConfiguredStore(config);
    const extra = personaRows(log.rows, world.users);
    const stored = await warmUpStore(store, [...log.rows, ...extra], world.pricing);
    say(`warm-up: ${stored} events (${extra.length} persona copies) in a fresh embedded store`);
    const trained = await trainWarmUpDuve(store, {
      modelDir: config.duveModelDir,
      refStart: fit.window.start,
      seed: o.seed,
      ...(o.duveIterations !== undefined ? { iterations: o.duveIterations } : {}),
    });
    say(`DUVE v1 v${trained.version} (duve/purchase of duve-only) trained: ${trained.examples} examples, ${(trained.trainMs / 1000).toFixed(1)} s`);
    prepareStrategies(o.strategiesDir ?? 'strategies', config.strategiesDir);
    writeFileSync(join(config.strategiesDir, `${HEADLINE_BASELINE}.sim.json`), JSON.stringify(headlineBaselineStrategy(), null, 2));
    const logger = pino({ level: config.logLevel }, pino.destination(2));
    const rfmEvents = log.rows.map((r) => ({
      userId: r.event.userId,
      type: r.event.type,
      ts: r.event.ts,
      value: r.event.type === 'purchase' && r.event.itemId !== null ? world.pricing.price(r.event.itemId, r.item?.categories[0] ?? '') : 0,
    }));
    const rfmPop = warmUpRfm(rfmEvents, log.lastTs);
    const breakpoints: RfmBreakpoints | undefined = rfmPop.length > 0 ? fitRfmBreakpoints(rfmPop) : undefined;
    const jobs = createInProcessQueue();
    if (o.policy) {
      policy = await o.policy({ store, dir, seed: o.seed, strategiesDir: config.strategiesDir, jobs, clock: () => now, logger, log: say, windowMs: windowH * 3_600_000, refStart: fit.window.start });
    }
    if (policy) {
      // Can the gateway's duve/purchase serve the DUVE v2 artifact? A probe boot with DUVE_VERSION=v2 (its own job queue) says.
      const probe = await startGateway({ config: configOf('v2'), store, logger, clock: () => now, plugins: bundledScorers() });
      try {
        const c = createSimClient(probe.url, probe.access.keys.create({ name: 'simulator-probe', role: 'admin' }).secret);
        if ((await c.strategies()).includes(HEADLINE_DUVE)) {
          config = configOf('v2');
          duveServed = 'v2';
        } else say(`WARNING: the gateway cannot serve duve/purchase from the DUVE v2 artifact (see --log-level warn); duve-only and the IRA fallback use DUVE v1`);
      } finally {
        await probe.stop();
      }
    }
    const plugins: ScorerPlugin[] = [...bundledScorers(), createPopularityScorer(), createRfmScorer(breakpoints ? { breakpoints } : {}), ...(policy?.plugins ?? [])];
    gateway = await startGateway({ config, store, logger, clock: () => now, plugins, jobs });
    const client = createSimClient(gateway.url, gateway.access.keys.create({ name: 'simulator', role: 'admin' }).secret);
    const variants = headlineVariants(split, ablations, policy?.arms ?? null);
    const servable = new Set(await client.strategies());
    for (const v of variants) if (!servable.has(v.strategyId)) throw new RangeError(`simulate --headline: strategy ${v.strategyId} (${v.key}) is not servable`);
    const setupMs = performance.now() - t0;

    const states = new Map<string, UserState>(
      world.users.map((u) => [
        u.id,
        {
          user: u,
          visit: newVisitState(ret.users.get(u.sourceId)?.gapAtEnd ?? ret.days + 1),
          memory: newExposureMemory(),
          budget: sm ? budgetLevel(sm, o.seed, u.id) : 0,
          level: 0,
          visits: [],
          purchases: [],
        },
      ]),
    );
    const order = world.users.map((u) => u.id);
    let calibration: Calibration | null = null;
    const pending: Array<{ ts: number; events: EventPayload[] }> = [];
    const totals = { feeds: 0, impressions: 0, events: {} as Record<string, number>, gmv: 0, activeUserDays: 0, churnEvents: 0 };
    let feedMs = 0;
    let recordMs = 0;
    let eventCount = 0;
    const flushUntil = async (t: number): Promise<void> => {
      while (pending.length > 0 && pending[0]!.ts <= t) {
        const batch = pending.shift()!;
        now = batch.ts;
        const r0 = performance.now();
        const r = await client.record(batch.events);
        if (r.rejected.length > 0 || r.accepted !== batch.events.length) throw new Error(`recordEvents rejected simulated events: ${JSON.stringify(r.rejected.slice(0, 3))}`);
        if (policy) await policy.recorded(batch.events);
        recordMs += performance.now() - r0;
      }
    };

    type Tally = { served: Set<string>; sessions: number; impressions: number; clicks: number; purchases: number; gmv: number; degraded: number; mismatched: number };
    const newTally = (): Tally => ({ served: new Set(), sessions: 0, impressions: 0, clicks: 0, purchases: 0, gmv: 0, degraded: 0, mismatched: 0 });
    const firstExposure = new Map<string, number>();
    const experiences: number[] = [];

    /** Run simulated days [from, to) under an experiment; returns the tallies per variant. */
    const runDays = async (phase: Phase, from: number, to: number, experimentId: string, vs: readonly SimVariant[], c: SimClient): Promise<Map<string, Tally>> => {
      const tallies = new Map(vs.map((v) => [v.key, newTally()] as const));
      for (let day = from; day < to; day++) {
        const dayStart = start + day * DAY_MS;
        await flushUntil(dayStart);
        const sessions: Array<{ userId: string; index: number; ts: number }> = [];
        for (const id of order) {
          const st = states.get(id)!;
          const rng = stream(o.seed, 'visit', id, day);
          const z = rm ? satisfaction(rm, st.visit, dayStart, calibration) : 0;
          if (sm) st.level = stepSpend(sm, st.level, z, stream(o.seed, 'spend', id, day));
          let n: number;
          if (rm) {
            const wasChurned = st.visit.churned;
            n = dayVisits(ret, rm, ret.users.get(st.user.sourceId)!, st.visit, z, day, rng);
            if (!wasChurned && st.visit.churned) totals.churnEvents++;
          } else {
            n = poisson(rng, st.user.sessionsPerDay); // the plain simulator's visits
          }
          if (n > 0) totals.activeUserDays++;
          drawDayTimes(rng, n, dayStart, fit.hourProfile, fit.sessionGapMs).forEach((ts, index) => sessions.push({ userId: id, index, ts }));
        }
        sessions.sort((a, b) => a.ts - b.ts || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.index - b.index));
        for (const s of sessions) {
          await flushUntil(s.ts);
          now = Math.max(now, s.ts);
          const st = states.get(s.userId)!;
          const f0 = performance.now();
          const feed = await c.feed(s.userId, 'home');
          feedMs += performance.now() - f0;
          totals.feeds++;
          const assigned = feed.experiments.find((x) => x.experimentId === experimentId);
          const variant = assigned && vs.find((v) => v.key === assigned.variantKey);
          if (!variant) throw new Error(`feed for ${s.userId} was not assigned in experiment ${experimentId}`);
          const tally = tallies.get(variant.key)!;
          tally.served.add(s.userId);
          tally.sessions++;
          if (feed.strategy.id !== variant.strategyId) tally.mismatched++;
          if (feed.degraded.length > 0) tally.degraded++;
          if (phase === 'experiment' && !firstExposure.has(s.userId)) firstExposure.set(s.userId, s.ts);
          st.visits.push(s.ts);
          const shown = feed.items.map((i) => i.itemId);
          tally.impressions += shown.length;
          totals.impressions += shown.length;
          // Fatigue factors are read before this feed's items are counted, slot by slot (earlier slots count).
          const factors: number[] = [];
          const categories: string[] = [];
          const appeals: number[] = [];
          for (const itemId of shown) {
            const cat = world.categoryOf(itemId);
            const fct = fm ? fatigueFactor(fm, st.memory, itemId, cat, s.ts) : 1;
            factors.push(fct);
            categories.push(cat);
            const m = world.intent(st.user, itemId) / behaviour.appealScale;
            appeals.push((m / (1 + m)) * fct);
            if (fm) recordShowing(fm, st.memory, itemId, cat, s.ts);
          }
          if (rm) {
            const x = feedExperience(rm, st.visit, appeals, categories);
            if (calibration === null) experiences.push(x.e);
            addExperience(rm, st.visit, x.e, s.ts);
          }
          const reactions = reactToFeed(world, behaviour, st.user, shown, s.ts, stream(o.seed, 'react', s.userId, day, s.index), {
            clickFactor: (_item, rank) => factors[rank - 1] ?? 1,
            buyFactor: sm ? Math.exp(st.level) : 1,
            priceReference: sm ? Math.exp(st.budget + st.level) : 1,
          });
          if (reactions.length === 0) continue;
          const payload = reactions.map((e, n): EventPayload => {
            if (e.type !== 'click') world.observe(st.user, e.itemId);
            totals.events[e.type] = (totals.events[e.type] ?? 0) + 1;
            if (e.type === 'click') tally.clicks++;
            else if (e.type === 'purchase') {
              tally.purchases++;
              tally.gmv += e.value;
              totals.gmv += e.value;
              st.purchases.push(e.ts);
            }
            return reactionPayload(o.seed, s, day, n, e);
          });
          eventCount += payload.length;
          queueAt(pending, { ts: reactions[reactions.length - 1]!.ts, events: payload });
        }
        o.onDay?.({ phase, day: day - from + 1, days: to - from, feeds: totals.feeds, events: eventCount });
      }
      return tallies;
    };

    // Burn-in.
    const b0 = performance.now();
    const burnVariants = policy?.burnInVariants ?? [
      { key: 'baseline', strategyId: HEADLINE_BASELINE, weight: 0.5 },
      { key: 'duve-only', strategyId: HEADLINE_DUVE, weight: 0.5 },
    ];
    const burnId = await client.createExperiment({
      name: `headline burn-in seed ${o.seed}`,
      hypothesis: 'burn-in: log exploratory policy decisions; calibrate the satisfaction reference',
      surface: 'home',
      salt: `sim-burnin-${o.seed}`,
      variants: burnVariants,
      primaryMetrics: ['CTR'],
      attributionWindowHours: windowH,
    });
    await client.startExperiment(burnId);
    const burnTallies = await runDays('burn-in', 0, burnInDays, burnId, burnVariants, client);
    await flushUntil(experimentStart);
    now = Math.max(now, experimentStart - 1);
    await client.stopExperiment(burnId);
    calibration = calibrate(experiences);
    const burnInMs = performance.now() - b0;
    say(
      `burn-in: ${[...burnTallies.values()].reduce((a, t) => a + t.sessions, 0)} feeds; satisfaction reference ${calibration ? `${calibration.ref.toFixed(4)} ± ${calibration.sd.toFixed(4)}` : 'none'}`,
    );

    const p0 = performance.now();
    if (policy) await policy.afterBurnIn({ from: start, to: experimentStart });
    const pretrainMs = performance.now() - p0;

    // The high-value users: top decile of the latent value at the experiment's start (before any treatment).
    const latent = new Map<string, number>();
    for (const id of order) latent.set(id, latentValue(states.get(id)!, ret, rm));
    const sortedValues = [...latent.values()].sort((a, b) => b - a);
    const threshold = sortedValues[Math.max(0, Math.ceil(sortedValues.length / 10) - 1)] ?? Infinity;
    const highValue = new Set(order.filter((id) => latent.get(id)! >= threshold));

    const e0 = performance.now();
    now = Math.max(now, experimentStart);
    const salt = `sim-headline-${o.seed}`;
    const experimentId = await client.createExperiment({
      name: `simulate --headline seed ${o.seed}`,
      hypothesis: `SIMULATION of the study's headline test: ${variants.map((v) => `${v.key}=${v.strategyId}@${v.weight}`).join(', ')}`,
      surface: 'home',
      salt,
      variants,
      primaryMetrics: HEADLINE_METRICS,
      attributionWindowHours: windowH,
    });
    await client.startExperiment(experimentId);
    const tallies = await runDays('experiment', burnInDays, burnInDays + days, experimentId, variants, client);
    await flushUntil(Infinity);
    now = Math.max(now, end);
    await client.stopExperiment(experimentId);
    const results = await client.results(experimentId);
    const burnResults = await client.results(burnId);
    const experimentMs = performance.now() - e0;
    // The users' state at the experiment's end (before any follow-up).
    const atEnd = new Map(order.map((id) => [id, { churned: states.get(id)!.visit.churned, z: rm ? satisfaction(rm, states.get(id)!.visit, end, calibration) : 0 }] as const));
    let followUpEnd = end;
    let followUpFeeds = 0;
    if (policy && policy.followUpDays > 0) {
      await policy.beforeFollowUp({ end });
      const followId = await client.createExperiment({
        name: `headline on-policy follow-up seed ${o.seed}`,
        hypothesis: 'on-policy value of the frozen policy (OPE against the truth)',
        surface: 'home',
        salt,
        variants,
        primaryMetrics: ['CTR'],
        attributionWindowHours: windowH,
      });
      await client.startExperiment(followId);
      const ft = await runDays('follow-up', burnInDays + days, burnInDays + days + policy.followUpDays, followId, variants, client);
      followUpFeeds = [...ft.values()].reduce((a, t) => a + t.sessions, 0);
      followUpEnd = end + policy.followUpDays * DAY_MS;
      await flushUntil(Infinity);
      now = Math.max(now, followUpEnd);
      await client.stopExperiment(followId);
    }
    const policyInfo = policy ? { ...(await policy.finish({ experimentStart, end, followUpEnd, experimentId })), followUpFeeds } : null;

    const captureFrom = end - captureDays * DAY_MS;
    const arms: ArmTruth[] = variants.map((v) => {
      const t = tallies.get(v.key)!;
      const assigned = order.filter((id) => assignVariant(salt, id, variants).key === v.key);
      const hv = assigned.filter((id) => highValue.has(id));
      let eligible = 0;
      let retained = 0;
      for (const id of t.served) {
        const f = firstExposure.get(id)!;
        if (f + 30 * DAY_MS > end) continue;
        eligible++;
        if (states.get(id)!.visits.some((x) => x >= f + 30 * DAY_MS && x < end)) retained++;
      }
      const sat = assigned.map((id) => atEnd.get(id)!.z);
      return {
        key: v.key,
        strategyId: v.strategyId,
        weight: v.weight,
        assigned: assigned.length,
        served: t.served.size,
        sessions: t.sessions,
        impressions: t.impressions,
        clicks: t.clicks,
        purchases: t.purchases,
        gmv: Math.round(t.gmv * 100) / 100,
        degraded: t.degraded,
        mismatched: t.mismatched,
        highValue: {
          users: hv.length,
          purchased: hv.filter((id) => states.get(id)!.purchases.some((x) => x >= captureFrom && x < end)).length,
          returned: hv.filter((id) => states.get(id)!.visits.some((x) => x >= captureFrom && x < end)).length,
        },
        retention30: { eligible, retained },
        churnedAtEnd: assigned.filter((id) => atEnd.get(id)!.churned).length,
        meanSatisfaction: sat.length > 0 ? round6(sat.reduce((a, b) => a + b, 0) / sat.length) : 0,
      };
    });
    return {
      options: {
        seed: o.seed,
        days,
        burnInDays,
        users: world.users.length,
        split,
        ablations,
        variants,
        captureDays,
        file: o.file,
        maxLines: o.maxLines ?? null,
        dynamics: { returning: rm !== null, fatigue: fm !== null, spend: sm !== null },
      },
      fit: { log: fit, returning: ret },
      calibration,
      world: { users: world.users.length, logUsers: world.users.length - personas, personas, start, experimentStart, end, highValueThreshold: round6(threshold) },
      warmUp: { events: stored, duve: { version: trained.version, examples: trained.examples }, duvePurchaseServes: duveServed },
      burnIn: { experimentId: burnId, variants: burnVariants, feeds: [...burnTallies.values()].reduce((a, t) => a + t.sessions, 0), results: burnResults },
      policy: policyInfo,
      totals: { ...totals, gmv: Math.round(totals.gmv * 100) / 100 },
      arms,
      truthComparisons: truthComparisons(arms),
      results,
      experimentId,
      timing: { wallMs: performance.now() - t0, setupMs, burnInMs, pretrainMs, experimentMs, feedMs, recordMs },
    };
  } finally {
    await gateway?.stop();
    policy?.close();
    await store?.close();
    if (o.workDir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/**
 * The simulator's truth of a user's value: a proxy of expected spend per day,
 *   V_u = r_u · λ_u · buyLift_u · exp(L_u + b_u)
 * with r_u the daily visit probability (ρ_u, or pBack when churned; ρ_u without the returning
 * model), λ_u sessions per active day, buyLift_u the user's fitted purchase lift, L_u the spend
 * level and b_u the budget level.
 */
function latentValue(st: UserState, ret: FittedReturning, rm: ReturnType<typeof returningModel> | null): number {
  const r = ret.users.get(st.user.sourceId);
  const rate = r === undefined ? 0 : rm !== null && st.visit.churned ? rm.comeBack : r.rate;
  return rate * (r?.sessionsPerActiveDay ?? 1) * st.user.buyLift * Math.exp(st.level + st.budget);
}

/** Two-proportion z tests of the truth metrics against the first arm (the baseline). */
export function truthComparisons(arms: readonly ArmTruth[]): TruthComparison[] {
  const control = arms[0];
  if (control === undefined) return [];
  const out: TruthComparison[] = [];
  const pick = (a: ArmTruth, m: TruthComparison['metric']): { x: number; n: number } =>
    m === 'high_value_capture'
      ? { x: a.highValue.purchased, n: a.highValue.users }
      : m === 'high_value_return'
        ? { x: a.highValue.returned, n: a.highValue.users }
        : { x: a.retention30.retained, n: a.retention30.eligible };
  for (const a of arms.slice(1)) {
    for (const m of ['high_value_capture', 'high_value_return', 'retention_30d_visit'] as const) {
      const c = pick(control, m);
      const v = pick(a, m);
      if (c.n === 0 || v.n === 0) continue;
      const r = twoProportionZTest({ successesA: c.x, trialsA: c.n, successesB: v.x, trialsB: v.n });
      out.push({
        metric: m,
        variant: a.key,
        control: control.key,
        value: v.x / v.n,
        controlValue: c.x / c.n,
        absoluteLift: r.absoluteLift,
        absoluteCi: [r.absoluteCi.lower, r.absoluteCi.upper],
        relativeLift: r.relativeLift,
        relativeCi: [r.relativeCi.lower, r.relativeCi.upper],
        pValue: r.pValue,
      });
    }
  }
  return out;
}
