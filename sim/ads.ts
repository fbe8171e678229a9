/**
 * `simulate --ads`: the MTL-ads experiment in the closed loop (issue 14, acceptance 3).
 *
 * Fit the world to the log (sim/world.ts), put the log into a fresh embedded store, give every
 * item selling points and every user keyword preferences (sim/ads-world.ts, assumptions stated
 * there), start the real gateway in-process on a simulated clock, then:
 *
 *   1. burn-in (`burnInDays`): an experiment on surface `ads` with the exploration settings
 *      ads/sp1-rnd, ads/sp2-rnd, ads/sp3-rnd (non-personalised, keywords drawn at random): each
 *      session asks `ads(userId, query)` over HTTP (query = one of the user's categories, drawn by
 *      their category shares), the user reacts per slot, and `ad_click` / `selling_point_click`
 *      events go in through `recordEvents`; every response is in the exposure log;
 *   2. training: the gateway's exposure log joined with the stored ad events
 *      (trainMtlAdsFromStore, ml/mtl/ads) trains the model (MTDL by default) and publishes it
 *      under the run's MTL_ADS_MODELS_DIR; the gateway loads it (`ads.models.refresh()`);
 *   3. the experiment (`days`): arms sp0..sp3 (0-3 personalised selling points) and sp2-np
 *      (2 by global click rate), equal weights, read back with `experimentResults` (ad CTR per arm,
 *      lifts with intervals against sp0, SRM).
 *
 * One request at a time, events queued until their time: every number is a function of the seed.
 * The report also states, per arm, the noise-free expected CTR (mean P(ad click) of the slots
 * shown) and the true lift of its titles: Σ P(click | the keywords shown) / Σ P(click | none) − 1
 * over the same slots, which the user and item mix of an arm does not move.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../config/config';
import { TAOBAO_WINDOW } from '../eval/datasets/taobao';
import { openConfiguredStore } from '../graph/configured';
import { trainMtlAdsFromStore, type AdsModelKind, type AdsSchedule } from '../ml/mtl/ads';
import { startGateway } from '../server/gateway';
import { createAdsWorld, type AdsWorldOptions } from './ads-world';
import { behaviourOf, type BehaviourOptions } from './behaviour';
import { createSimClient, queueAt, type EventPayload, type ResultsResponse, type SimVariant } from './client';
import { fitLog, type FittedLog } from './fit';
import { pickWeighted, stream } from './rng';
import { nextLocalMidnight } from './run';
import { scheduleSessions } from './schedule';
import { loadLog, warmUpStore } from './setup';
import { createWorld } from './world';

const DAY_MS = 24 * 3600 * 1000;

/** The exploration arms of the burn-in (weights sum to 1). */
export const ADS_BURN_IN_VARIANTS: readonly SimVariant[] = [
  { key: 'rnd1', weight: 0.333333, strategyId: 'ads/sp1-rnd' },
  { key: 'rnd2', weight: 0.333333, strategyId: 'ads/sp2-rnd' },
  { key: 'rnd3', weight: 0.333334, strategyId: 'ads/sp3-rnd' },
];
/** The experiment's arms: 0-3 personalised selling points and 2 non-personalised; sp0 is the control. */
export const ADS_VARIANTS: readonly SimVariant[] = [
  { key: 'sp0', weight: 0.2, strategyId: 'ads/sp0' },
  { key: 'sp1', weight: 0.2, strategyId: 'ads/sp1' },
  { key: 'sp2', weight: 0.2, strategyId: 'ads/sp2' },
  { key: 'sp3', weight: 0.2, strategyId: 'ads/sp3' },
  { key: 'sp2-np', weight: 0.2, strategyId: 'ads/sp2-np' },
];

export interface AdsSimulationOptions {
  /** Taobao UserBehavior file (the world is fitted to it). */
  readonly file: string;
  readonly maxLines?: number;
  readonly seed: number;
  /** Simulated users (sampled from the log's). Default 200. */
  readonly users?: number;
  /** Days of non-personalised exploration logging before training. Default 7. */
  readonly burnInDays?: number;
  /** Days of the experiment. Default 14. */
  readonly days?: number;
  /** Ad slots per request. Default 4. */
  readonly slots?: number;
  readonly window?: { readonly start: number; readonly end: number };
  readonly behaviour?: BehaviourOptions;
  readonly keywords?: AdsWorldOptions;
  /** The model trained on the burn-in log. Default mtdl, alternating, 10 epochs. */
  readonly model?: { readonly kind?: AdsModelKind; readonly schedule?: AdsSchedule; readonly epochs?: number; readonly k?: number };
  /** The experiment's arms. Default ADS_VARIANTS. */
  readonly variants?: readonly SimVariant[];
  /** Keep the store, model and experiment DB here instead of a removed temp folder. */
  readonly workDir?: string;
  readonly log?: (line: string) => void;
}

export interface AdsArmTally {
  users: number;
  requests: number;
  /** Ad slots shown. */
  impressions: number;
  adClicks: number;
  keywordClicks: number;
  /** Selling points written into titles. */
  keywordsShown: number;
  /** Σ P(ad click) of the slots shown (expected clicks, noise-free). */
  expectedClicks: number;
  /** Σ P(ad click) the same slots would have had with no selling point in the title. */
  baseClicks: number;
  /** Responses whose setting differs from the arm's, or with a degraded model. */
  mismatched: number;
  degraded: number;
}

export interface AdsSimulationOutcome {
  readonly options: {
    seed: number;
    users: number;
    burnInDays: number;
    days: number;
    slots: number;
    file: string;
    maxLines: number | null;
    kind: AdsModelKind;
    schedule: AdsSchedule;
    variants: readonly SimVariant[];
  };
  readonly fit: Pick<FittedLog, 'events'> & { users: number; items: number; categories: number };
  readonly keywords: { vocabulary: number; settings: Required<AdsWorldOptions> };
  readonly burnIn: { requests: number; impressions: number; adClicks: number; keywordClicks: number; tallies: Readonly<Record<string, AdsArmTally>> };
  readonly model: { modelVersion: string; examples: number; validationMainAuc: number; validationAuxAuc: number | null; trainMs: number };
  readonly tallies: Readonly<Record<string, AdsArmTally>>;
  readonly results: ResultsResponse;
  readonly experimentId: string;
  readonly timing: { wallMs: number; burnInMs: number; trainMs: number; experimentMs: number };
}

const ADS_QUERY = `query SimAds($userId: String!, $query: String!, $limit: Int) {
  ads(userId: $userId, query: $query, limit: $limit) {
    setting modelVersion experiments { experimentId variantKey } degraded { code } slots { rank itemId shownSellingPoints }
  }
}`;
interface AdsResponse {
  readonly setting: string;
  readonly modelVersion: string | null;
  readonly experiments: ReadonlyArray<{ readonly experimentId: string; readonly variantKey: string }>;
  readonly degraded: ReadonlyArray<{ readonly code: string }>;
  readonly slots: ReadonlyArray<{ readonly rank: number; readonly itemId: string; readonly shownSellingPoints: readonly string[] }>;
}

/** An ad event as recordEvents takes it: the query that served the ad, and the clicked keyword. */
type AdEventPayload = EventPayload & { readonly query: string; readonly keyword?: string };

const emptyTally = (): AdsArmTally => ({ users: 0, requests: 0, impressions: 0, adClicks: 0, keywordClicks: 0, keywordsShown: 0, expectedClicks: 0, baseClicks: 0, mismatched: 0, degraded: 0 });

export async function runAdsSimulation(o: AdsSimulationOptions): Promise<AdsSimulationOutcome> {
  const t0 = performance.now();
  const say = o.log ?? (() => {});
  const burnInDays = o.burnInDays ?? 7;
  const days = o.days ?? 14;
  const slots = o.slots ?? 4;
  const kind = o.model?.kind ?? 'mtdl';
  const schedule = o.model?.schedule ?? 'alternating';
  const variants = o.variants ?? ADS_VARIANTS;
  if (!(burnInDays >= 1 && days >= 1 && slots >= 1 && slots <= 50)) throw new RangeError('simulate --ads: need burn-in days ≥ 1, days ≥ 1 and 1 ≤ slots ≤ 50');
  if (o.workDir !== undefined && existsSync(join(o.workDir, 'store.db'))) throw new RangeError(`simulate: ${o.workDir} already holds a store; give a new --work-dir`);

  const log = await loadLog(o.file, o.maxLines);
  const fit = fitLog(log.events, { window: o.window ?? TAOBAO_WINDOW });
  const world = createWorld(fit, { seed: o.seed, users: o.users ?? 200 });
  const behaviour = behaviourOf(world, o.behaviour);
  const ads = createAdsWorld(world, behaviour, o.seed, o.keywords);
  const start = nextLocalMidnight(log.lastTs);
  const sessions = scheduleSessions(world.users, { seed: o.seed, start, days: burnInDays + days, hourProfile: fit.hourProfile, minGapMs: fit.sessionGapMs });
  say(`fitted ${fit.users.size} users, ${fit.items.size} items, ${fit.categories.size} categories; ${world.users.length} users, ${sessions.length} ad sessions over ${burnInDays} + ${days} days`);

  const dir = o.workDir ?? mkdtempSync(join(tmpdir(), 'recgate-sim-ads-'));
  mkdirSync(join(dir, 'strategies'), { recursive: true });
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DB_PATH: join(dir, 'store.db'),
    EXPERIMENTS_DB_PATH: join(dir, 'experiments.db'),
    PUBLISHED_DB_PATH: join(dir, 'published.db'),
    ACCESS_DB_PATH: join(dir, 'access.db'),
    DUVE_MODEL_DIR: join(dir, 'models', 'duve'),
    DPGCN_MODELS_DIR: join(dir, 'models', 'dpgcn'),
    DPGCN_POLICY_DB_PATH: '',
    MTL_ADS_MODELS_DIR: join(dir, 'models', 'mtl-ads'),
    MTL_ADS_MODEL_KIND: kind,
    STRATEGIES_DIR: join(dir, 'strategies'),
    LOG_LEVEL: 'silent',
    DUVE_REFRESH_MINUTES: '35000',
    SCORER_TIMEOUT_MS: '60000',
    RATE_LIMITS: 'admin=1000000/s:1000000',
  });
  let store: Awaited<ReturnType<typeof openConfiguredStore>> | null = null;
  let gateway: Awaited<ReturnType<typeof startGateway>> | null = null;
  let now = start;
  try {
    store = await openConfiguredStore(config);
    await warmUpStore(store, log.rows, world.pricing);
    // The catalogue's selling points (explicit, as a shop would declare them) and plain titles.
    const items = [...fit.items.entries()].map(([id, it]) => ({
      id,
      title: `No. ${id}`,
      categories: it.category === '' ? [] : [it.category],
      brand: null,
      price: world.priceOf(id),
      available: true,
      createdAt: log.firstTs,
      sellingPoints: ads.sellingPointsOf(id, it.category),
    }));
    for (let i = 0; i < items.length; i += 1000) await store.upsertItems(items.slice(i, i + 1000));
    gateway = await startGateway({ config, store, logger: pino({ level: 'silent' }), clock: () => now });
    const key = gateway.access.keys.create({ name: 'simulator', role: 'admin' }).secret;
    const client = createSimClient(gateway.url, key);
    const askAds = async (userId: string, query: string): Promise<AdsResponse> => {
      const res = await fetch(gateway!.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: ADS_QUERY, variables: { userId, query, limit: slots } }),
      });
      const body = (await res.json()) as { data?: { ads: AdsResponse } | null; errors?: Array<{ message: string }> };
      if (!body.data) throw new Error(`ads failed: ${body.errors?.[0]?.message ?? `HTTP ${res.status}`}`);
      return body.data.ads;
    };
    const users = new Map(world.users.map((u) => [u.id, u] as const));
    const pending: Array<{ ts: number; events: AdEventPayload[] }> = [];
    const flushUntil = async (t: number): Promise<void> => {
      while (pending.length > 0 && pending[0]!.ts <= t) {
        const batch = pending.shift()!;
        now = batch.ts;
        const r = await client.record(batch.events);
        if (r.rejected.length > 0 || r.accepted !== batch.events.length) throw new Error(`recordEvents rejected simulated ad events: ${JSON.stringify(r.rejected.slice(0, 3))}`);
      }
    };

    /** Run the sessions of days [fromDay, toDay) under a running experiment; tallies per variant key. */
    const phase = async (experimentId: string, arms: readonly SimVariant[], fromDay: number, toDay: number, expectModel: boolean): Promise<Record<string, AdsArmTally>> => {
      const tallies: Record<string, AdsArmTally> = Object.fromEntries(arms.map((v) => [v.key, emptyTally()]));
      const seen = new Set<string>();
      for (const s of sessions) {
        if (s.day < fromDay || s.day >= toDay) continue;
        await flushUntil(s.ts);
        now = s.ts;
        const user = users.get(s.userId)!;
        const cats = [...user.categoryCounts.entries()].filter(([c]) => c !== '');
        const qrng = stream(o.seed, 'ads-query', s.userId, s.day, s.index);
        const query =
          cats.length > 0
            ? cats[
                pickWeighted(
                  qrng,
                  cats.map(([, n]) => n),
                )
              ]![0]
            : '';
        const r = await askAds(s.userId, query);
        const assigned = r.experiments.find((x) => x.experimentId === experimentId);
        const arm = assigned && arms.find((v) => v.key === assigned.variantKey);
        if (!arm) throw new Error(`ads for ${s.userId} were not assigned in experiment ${experimentId}`);
        const tally = tallies[arm.key]!;
        if (!seen.has(s.userId)) {
          seen.add(s.userId);
          tally.users++;
        }
        tally.requests++;
        if (r.setting !== arm.strategyId) tally.mismatched++;
        if (r.degraded.length > 0 && expectModel) tally.degraded++;
        const rng = stream(o.seed, 'ads-react', s.userId, s.day, s.index);
        const events: AdEventPayload[] = [];
        let t = s.ts + 1000;
        for (const slot of r.slots) {
          t += 1000 + Math.floor(rng() * 2000);
          tally.impressions++;
          tally.keywordsShown += slot.shownSellingPoints.length;
          tally.expectedClicks += ads.clickProbability(user, slot.itemId, slot.rank, slot.shownSellingPoints);
          tally.baseClicks += ads.clickProbability(user, slot.itemId, slot.rank, []);
          const click = ads.react(user, slot.itemId, slot.rank, slot.shownSellingPoints, rng);
          if (click === null) continue;
          const id = `ads:${o.seed}:${s.userId}:${s.day}:${s.index}:${slot.rank}`;
          const base = { userId: s.userId, itemId: slot.itemId, ts: new Date(t).toISOString(), session: `ads-${o.seed}-${s.userId}-${s.day}-${s.index}`, query };
          tally.adClicks++;
          events.push({ ...base, eventId: `${id}:ad`, type: 'ad_click' });
          if (click.keyword !== null) {
            tally.keywordClicks++;
            events.push({ ...base, eventId: `${id}:kw`, type: 'selling_point_click', keyword: click.keyword });
          }
        }
        if (events.length > 0) {
          queueAt(pending, { ts: t, events });
        }
      }
      await flushUntil(start + toDay * DAY_MS);
      now = Math.max(now, start + toDay * DAY_MS);
      return tallies;
    };
    const experiment = async (name: string, arms: readonly SimVariant[]): Promise<string> => {
      const id = await client.createExperiment({
        name,
        hypothesis: `simulate --ads seed ${o.seed}: ${arms.map((v) => `${v.key}=${v.strategyId}@${v.weight}`).join(', ')}`,
        surface: 'ads',
        salt: `sim-ads-${o.seed}-${name}`,
        variants: arms,
        primaryMetrics: ['CTR'],
        attributionWindowHours: 1,
      });
      await client.startExperiment(id);
      return id;
    };

    // 1. Burn-in: exploration logging.
    const b0 = performance.now();
    const burnId = await experiment('ads burn-in', ADS_BURN_IN_VARIANTS);
    const burnTallies = await phase(burnId, ADS_BURN_IN_VARIANTS, 0, burnInDays, false);
    await client.stopExperiment(burnId);
    const sum = (t: Record<string, AdsArmTally>, f: keyof AdsArmTally): number => Object.values(t).reduce((a, x) => a + x[f], 0);
    say(
      `burn-in: ${sum(burnTallies, 'requests')} requests, ${sum(burnTallies, 'impressions')} ad slots, ${sum(burnTallies, 'adClicks')} ad clicks, ${sum(burnTallies, 'keywordClicks')} selling-point clicks`,
    );
    const burnInMs = performance.now() - b0;

    // 2. Train on the gateway's own logs and serve the new version.
    const tr0 = performance.now();
    await gateway.experiments.exposures.flush();
    const trained = await trainMtlAdsFromStore(
      { exposures: gateway.experiments.store, events: store, graph: store },
      { modelsDir: join(dir, 'models'), kind, schedule, seed: o.seed, ...(o.model?.epochs !== undefined ? { epochs: o.model.epochs } : {}), ...(o.model?.k !== undefined ? { k: o.model.k } : {}) },
    );
    const served = await gateway.ads.models.refresh();
    if (served === null) throw new Error(`simulate --ads: the gateway did not load the trained model from ${trained.dir}`);
    const trainMs = performance.now() - tr0;
    const m = trained.trained.metrics;
    say(
      `trained ${served.modelVersion} on ${trained.examples} exposure slots: validation AUC main ${m.validationMainAuc.toFixed(3)}, ad CTR ${m.validationAuxAuc?.toFixed(3) ?? 'n/a'} (${(trained.trained.trainMs / 1000).toFixed(1)} s)`,
    );

    // 3. The experiment.
    const e0 = performance.now();
    const experimentId = await experiment('ads selling points', variants);
    const tallies = await phase(experimentId, variants, burnInDays, burnInDays + days, true);
    await client.stopExperiment(experimentId);
    const results = await client.results(experimentId);
    const experimentMs = performance.now() - e0;
    return {
      options: { seed: o.seed, users: world.users.length, burnInDays, days, slots, file: o.file, maxLines: o.maxLines ?? null, kind, schedule, variants },
      fit: { events: fit.events, users: fit.users.size, items: fit.items.size, categories: fit.categories.size },
      keywords: { vocabulary: ads.keywords.length, settings: ads.o },
      burnIn: {
        requests: sum(burnTallies, 'requests'),
        impressions: sum(burnTallies, 'impressions'),
        adClicks: sum(burnTallies, 'adClicks'),
        keywordClicks: sum(burnTallies, 'keywordClicks'),
        tallies: burnTallies,
      },
      model: { modelVersion: served.modelVersion, examples: trained.examples, validationMainAuc: m.validationMainAuc, validationAuxAuc: m.validationAuxAuc, trainMs: trained.trained.trainMs },
      tallies,
      results,
      experimentId,
      timing: { wallMs: performance.now() - t0, burnInMs, trainMs, experimentMs },
    };
  } finally {
    await gateway?.stop();
    await store?.close();
    if (o.workDir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

/** A plain-text report: per arm, the experiment's ad CTR with its lift interval against the control, and the simulator's own tallies. */
export function formatAdsReport(r: AdsSimulationOutcome): string {
  const lines: string[] = [];
  const pct = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : `${(100 * x).toFixed(2)}%`);
  lines.push(`simulate --ads: seed ${r.options.seed}, ${r.options.users} users, ${r.options.burnInDays} burn-in + ${r.options.days} experiment days, ${r.options.slots} slots per request`);
  lines.push(`burn-in (random selling points): ${r.burnIn.requests} requests, ${r.burnIn.impressions} slots, ${r.burnIn.adClicks} ad clicks, ${r.burnIn.keywordClicks} selling-point clicks`);
  lines.push(
    `model ${r.model.modelVersion}: ${r.model.examples} examples, validation AUC selling-point task ${r.model.validationMainAuc.toFixed(3)}, ad CTR task ${r.model.validationAuxAuc?.toFixed(3) ?? 'n/a'}`,
  );
  lines.push('');
  lines.push('| arm | setting | users | slots | ad CTR (experimentResults) | lift vs control [95% CI] | p (Holm) | expected CTR (truth) | true lift of the titles | selling-point clicks / slot |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const v of r.options.variants) {
    const rv = r.results.variants.find((x) => x.key === v.key);
    const ctr = rv?.metrics.find((x) => x.metric === 'CTR' || x.metric === 'ctr')?.value ?? null;
    const c = r.results.comparisons.find((x) => x.variant === v.key && (x.metric === 'CTR' || x.metric === 'ctr'));
    const t = r.tallies[v.key]!;
    const lift = c ? `${pct(c.relativeLift)} [${pct(c.relativeCiLower)}, ${pct(c.relativeCiUpper)}]` : 'control';
    const trueLift = t.baseClicks > 0 ? t.expectedClicks / t.baseClicks - 1 : null;
    lines.push(
      `| ${v.key} | ${v.strategyId} | ${t.users} | ${t.impressions} | ${pct(ctr)} | ${lift} | ${c ? c.holmPValue.toFixed(4) : ''} | ${pct(t.impressions > 0 ? t.expectedClicks / t.impressions : null)} | ${pct(trueLift)} | ${(t.impressions > 0 ? t.keywordClicks / t.impressions : 0).toFixed(4)} |`,
    );
  }
  const srm = r.results.srm;
  lines.push('');
  lines.push(`SRM: ${srm.mismatch ? 'MISMATCH' : 'ok'} (χ² ${srm.chiSquare.toFixed(2)}, p ${srm.pValue.toFixed(3)}; users ${srm.observed.join(' / ')})`);
  const bad = Object.entries(r.tallies).filter(([, t]) => t.mismatched > 0 || t.degraded > 0);
  if (bad.length > 0) lines.push(`WARNING: ${bad.map(([k, t]) => `${k}: ${t.mismatched} mismatched, ${t.degraded} degraded`).join('; ')}`);
  lines.push(
    `wall ${(r.timing.wallMs / 1000).toFixed(1)} s (burn-in ${(r.timing.burnInMs / 1000).toFixed(1)} s, training ${(r.timing.trainMs / 1000).toFixed(1)} s, experiment ${(r.timing.experimentMs / 1000).toFixed(1)} s)`,
  );
  return lines.join('\n');
}
