/**
 * The IRA lines of `simulate --headline` (sim/headline.ts's SimPolicy), set up as sim/dpgcn.ts sets
 * up the DDPG policy:
 *
 *   1. DUVE v2 trained twice on the warm-up store (trainDuve2FromStore): per-type decay (`v2`, also
 *      what the gateway's duve/purchase serves: DUVE_VERSION=v2) and no decay (`v2-nodecay`); each
 *      loaded as a UserValueSource warmed from the store (loadDuve2ValueSource).
 *   2. The IRA runtime (createIraRuntime) on its own SQLite file, learning on the gateway's job
 *      queue, and the
 *      `ira/policy` scorer (createIraScorer; deadline 60 s and a seeded exploration stream, so a busy
 *      machine cannot change a feed).
 *   3. Four strategies, the `ltv` strategy (the duve-only arm, also the fallback when the policy
 *      fails) with `ira/policy` as its policy and one line each:
 *        ira-full        γ1 0.6, γ2 0.4, value v2, refresh 15 min        (the full system)
 *        ira-short-term  γ1 1,   γ2 0                                     (short-term-only reward)
 *        ira-no-decay    value v2-nodecay                                 (no temporal decay)
 *        ira-hourly      refresh 60 min                                   (hourly refresh)
 *   4. Burn-in: the four lines, 25% each, explore under version 0 (the heuristic) and log decisions,
 *      without learning online (the service does not see the burn-in's events yet); then every line
 *      pre-trains offline from its own logged decisions (pretrainOffline, outcomes from the store),
 *      and the buffered burn-in events go to the service (those decisions close with their outcomes).
 *   5. Experiment: every recorded event is folded into both value sources at once; the IRA service gets
 *      them (closing decisions whose window ended, queueing learning) every `learnEveryMinutes` of
 *      simulated time, then settle() (lockstep: the next feed sees what the learning published).
 *   6. OPE against the truth (Acceptance 2): the full line's final version v* is the target policy
 *      π (its Q with the line's own Boltzmann exploration over the logged pool). Its value is
 *      estimated with IPS, SNIPS and DR (ml/ope) from the full line's decisions logged in the
 *      experiment's last `opeLogDays` days (behaviour: the versions that served then, with their
 *      logged propensities and rewards), and compared with its on-policy value in a follow-up of
 *      `followUpDays` days: the same users, v* serving with exploration, events folded into the
 *      value sources but not handed to the IRA service (so no decision closes and the line does not
 *      learn: it stays v*). The follow-up decisions' rewards are computed exactly as the service
 *      computes them (slotRewards with the line's value read as of ts + window).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootstrapEstimate, type LoggedSlateOutcome } from '../ml/ope/estimators';
import { loadOnnxModel } from '../ml/onnx/session';
import { loadStrategyFile, parseStrategy, type Strategy } from '../pipeline/strategy';
import { loadDuve2ValueSource, trainDuve2FromStore } from '../plugins/duve/v2';
import { createIraRuntime, loadIraVersion, slotRewards, type IraEvent, type LoggedIraDecision, type UserValueSource } from '../plugins/ira';
import { slateProbability } from '../plugins/ira/explore';
import type { PretrainOfflineResult } from '../plugins/ira/pretrain';
import { createIraScorer, IRA_DEFAULTS, IRA_SCORER_ID } from '../plugins/ira/scorer';
import type { EventType } from '../plugins/sdk/records';
import type { EventPayload, SimVariant } from './client';
import type { PolicyArms, SimPolicy, SimPolicyFactory, SimPolicyInfo } from './policy-hooks';

export const IRA_ARMS: PolicyArms = { full: 'ira-full', shortTerm: 'ira-short-term', noDecay: 'ira-no-decay', hourly: 'ira-hourly' };

/** The lines' settings (the `ira/policy` scorer's, per strategy). */
export const IRA_LINES: ReadonlyArray<{
  readonly strategyId: string;
  readonly line: string;
  readonly gamma1: number;
  readonly gamma2: number;
  readonly value: string;
  readonly refreshMinutes: number;
}> = [
  { strategyId: IRA_ARMS.full, line: 'full', gamma1: 0.6, gamma2: 0.4, value: 'v2', refreshMinutes: 15 },
  { strategyId: IRA_ARMS.shortTerm, line: 'short-term', gamma1: 1, gamma2: 0, value: 'v2', refreshMinutes: 15 },
  { strategyId: IRA_ARMS.noDecay, line: 'no-decay', gamma1: 0.6, gamma2: 0.4, value: 'v2-nodecay', refreshMinutes: 15 },
  { strategyId: IRA_ARMS.hourly, line: 'hourly', gamma1: 0.6, gamma2: 0.4, value: 'v2', refreshMinutes: 60 },
];

export interface SimIraOptions {
  /** DUVE v2 horizon, days (the log has 9 days: a 30-day horizon cannot be labelled). Default 3. */
  readonly horizonDays?: number;
  /** DUVE v2 Adam steps. Default 200. */
  readonly duveIterations?: number;
  /** Updates per line of the offline pre-training. Default 500. */
  readonly pretrainUpdates?: number;
  /** Boltzmann temperature of every line. Default the scorer's (0.1). */
  readonly temperature?: number;
  /** Candidates the slate is drawn from. Default the scorer's (30). */
  readonly pool?: number;
  /** Days of the on-policy follow-up. Default 3. */
  readonly followUpDays?: number;
  /** OPE reads the full line's decisions of the experiment's last n days. Default 7. */
  readonly opeLogDays?: number;
  /** The IRA service gets the recorded events (closes decisions, learns) every n simulated minutes, then settles. Default 360 (learning is most of the run's CPU). */
  readonly learnEveryMinutes?: number;
  /** Online updates per new transition of a learning job (at most 32 per job): a line with little traffic learns less. Default 0.05. */
  readonly updatesPerTransition?: number;
}

/** The four IRA strategies: `base` (the ltv strategy) with `ira/policy` (blend weight 0.2) as its policy. */
export function iraStrategies(base: Strategy, o: Pick<SimIraOptions, 'temperature' | 'pool'> = {}): Strategy[] {
  return IRA_LINES.map((l) =>
    parseStrategy({
      ...base,
      id: l.strategyId,
      scorers: [
        ...base.scorers.filter((s) => s.id !== IRA_SCORER_ID).map((s) => ({ ...s, weight: s.weight * 0.8 })),
        {
          id: IRA_SCORER_ID,
          weight: 0.2 * base.scorers.reduce((a, s) => a + s.weight, 0),
          settings: {
            gamma1: l.gamma1,
            gamma2: l.gamma2,
            value: l.value,
            refreshMinutes: l.refreshMinutes,
            line: l.line,
            explore: 'boltzmann',
            temperature: o.temperature ?? IRA_DEFAULTS.temperature,
            pool: o.pool ?? IRA_DEFAULTS.pool,
          },
        },
      ],
      policy: { scorer: IRA_SCORER_ID },
    }),
  );
}

const toIraEvent = (e: EventPayload): IraEvent => ({ userId: e.userId, type: e.type, itemId: e.itemId, ts: Date.parse(e.ts), value: e.value ?? 0 });

/** The OPE inputs of logged decisions under a target Q function (Boltzmann at `temperature` over each logged pool). */
export function opeSlates(decisions: readonly LoggedIraDecision[], q: (features: Float32Array, rows: number) => Float32Array, temperature: number): LoggedSlateOutcome[] {
  const out: LoggedSlateOutcome[] = [];
  for (const d of decisions) {
    if (d.rewards === null) continue;
    const qt = q(d.features, d.pool.length);
    out.push({
      shown: d.shown,
      propensities: d.propensities,
      rewards: d.rewards,
      target: slateProbability(qt, d.shown, { method: 'boltzmann', temperature, epsilon: 0, pool: d.pool.length }),
    });
  }
  return out;
}

/**
 * DR's reward model here: r̂_k = the mean logged reward of slot k (it does not depend on the item,
 * so the direct-method term is r̂_k whatever π's slot marginals; each row of `targetMarginals` is
 * the target's own probability of the logged item put at that item, the rest spread evenly so it sums to 1).
 */
export function withSlotMeanModel(slates: readonly LoggedSlateOutcome[], poolSizes: readonly number[]): LoggedSlateOutcome[] {
  const sums: number[] = [];
  const counts: number[] = [];
  for (const s of slates) {
    for (let k = 0; k < s.rewards.length; k++) {
      sums[k] = (sums[k] ?? 0) + s.rewards[k]!;
      counts[k] = (counts[k] ?? 0) + 1;
    }
  }
  const mean = sums.map((x, k) => x / counts[k]!);
  return slates.map((s, i) => {
    const n = poolSizes[i]!;
    const predicted = s.shown.map((_, k) => new Float64Array(n).fill(mean[k] ?? 0));
    const targetMarginals = s.shown.map(() => new Float64Array(n).fill(1 / n));
    return { ...s, model: { predicted, targetMarginals } };
  });
}

export function simIraPolicy(o: SimIraOptions = {}): SimPolicyFactory {
  return async (ctx): Promise<SimPolicy> => {
    const horizonDays = o.horizonDays ?? 3;
    const followUpDays = o.followUpDays ?? 3;
    const opeLogDays = o.opeLogDays ?? 7;
    const temperature = o.temperature ?? IRA_DEFAULTS.temperature;
    const t0 = performance.now();
    const trainOne = (name: string, decay: 'per-type' | 'none') =>
      trainDuve2FromStore(ctx.store, {
        modelDir: join(ctx.dir, 'models', name),
        decay,
        horizonDays,
        refStart: ctx.refStart,
        seed: ctx.seed,
        ...(o.duveIterations !== undefined ? { iterations: o.duveIterations } : { iterations: 200 }),
      });
    const perType = await trainOne('duve2', 'per-type');
    const noDecay = await trainOne('duve2-nodecay', 'none');
    ctx.log(
      `DUVE v2 trained on the warm-up store: per-type v${perType.version} (${perType.examples} examples, ${(perType.trainMs / 1000).toFixed(1)} s), no decay (${(noDecay.trainMs / 1000).toFixed(1)} s)`,
    );
    const v2 = await loadDuve2ValueSource(perType.dir, { loadModel: loadOnnxModel, store: ctx.store, id: 'v2' });
    const v2n = await loadDuve2ValueSource(noDecay.dir, { loadModel: loadOnnxModel, store: ctx.store, id: 'v2-nodecay' });
    const valueSources: Record<string, UserValueSource> = { v2, 'v2-nodecay': v2n };
    const dbPath = join(ctx.dir, 'ira.db');
    const runtime = createIraRuntime({
      dbPath,
      jobs: ctx.jobs,
      clock: ctx.clock,
      logger: ctx.logger.child({ component: 'ira' }),
      seed: ctx.seed,
      instanceId: 'simulate',
      valueSources,
      store: ctx.store,
      windowMs: ctx.windowMs,
      pollMs: 0,
      observeValues: false,
      learner: { updatesPerTransition: o.updatesPerTransition ?? 0.05 },
    });
    const plugin = createIraScorer({ service: runtime.service, valueSources, seed: ctx.seed, timeoutMs: 60_000 });
    const ltvFile = join(ctx.strategiesDir, 'ltv.json');
    if (!existsSync(ltvFile)) {
      runtime.close();
      throw new RangeError(`simulate --headline: no ltv strategy in ${ctx.strategiesDir} (the base of the IRA strategies)`);
    }
    for (const s of iraStrategies(loadStrategyFile(ltvFile), o)) writeFileSync(join(ctx.strategiesDir, `${s.id}.sim.json`), JSON.stringify(s, null, 2));
    const setupMs = performance.now() - t0;

    // burn-in: events are only buffered (the lines explore under version 0 and do not learn online);
    // learning: after pre-training; follow-up: the line stays at v*.
    let phase: 'burn-in' | 'learning' | 'follow-up' = 'burn-in';
    // Learning cadence: the service gets the buffered events (closing decisions, queueing learning) every learnMs of simulated time, then settles.
    const learnMs = (o.learnEveryMinutes ?? 360) * 60_000;
    let buffered: IraEvent[] = [];
    let nextLearn: number | null = null;
    const learn = async (): Promise<void> => {
      const batch = buffered;
      buffered = [];
      await runtime.onEvents(batch);
      await runtime.service.settle();
    };
    const followEvents: IraEvent[] = [];
    let pretrain: PretrainOfflineResult | null = null;
    let pretrainMs = 0;
    let end = 0;
    let frozenVersion = 0;
    return {
      plugins: [plugin],
      arms: IRA_ARMS,
      followUpDays,
      burnInVariants: IRA_LINES.map((l): SimVariant => ({ key: l.line, strategyId: l.strategyId, weight: 1 / IRA_LINES.length })),
      async recorded(events) {
        const evs = events.map(toIraEvent);
        // The value sources see every event at once (the 15- and 60-minute refresh lines read them as of their boundaries).
        for (const e of evs) {
          for (const src of Object.values(valueSources)) src.observe({ userId: e.userId, type: e.type as EventType, itemId: e.itemId, ts: e.ts, value: e.value ?? 0 });
        }
        if (phase === 'follow-up') {
          // The service does not see them: no decision closes, the line does not learn (it stays v*).
          followEvents.push(...evs);
          return;
        }
        buffered.push(...evs);
        if (phase === 'burn-in') return;
        const t = evs.length > 0 ? evs[evs.length - 1]!.ts : 0;
        if (nextLearn === null) nextLearn = (Math.floor(t / learnMs) + 1) * learnMs;
        if (t >= nextLearn) {
          await learn();
          nextLearn = (Math.floor(t / learnMs) + 1) * learnMs;
        }
      },
      async afterBurnIn({ from, to }) {
        const p0 = performance.now();
        pretrain = await runtime.pretrainOffline({ from, to, updates: o.pretrainUpdates ?? 500 });
        pretrainMs = performance.now() - p0;
        ctx.log(`IRA pre-trained offline: ${pretrain.lines.map((l) => `${l.line} v${l.version} (${l.decisions} decisions, ${l.transitions} transitions)`).join(', ')}`);
        // The burn-in's events now reach the service: its decisions close with their outcomes (their transitions also enter the online replay).
        phase = 'learning';
        await learn();
      },
      async beforeFollowUp(x) {
        await learn();
        end = x.end;
        phase = 'follow-up';
        const status = await runtime.service.status();
        frozenVersion = status.lines.find((l) => l.line === 'full')?.version ?? 0;
      },
      async finish({ experimentStart, followUpEnd }): Promise<SimPolicyInfo> {
        const status = await runtime.service.status();
        const lines: string[] = [];
        const info: Record<string, unknown> = {
          duve2: {
            perType: { version: perType.version, examples: perType.examples, halfLivesDays: perType.halfLivesDays },
            noDecay: { version: noDecay.version, examples: noDecay.examples },
            horizonDays,
          },
          pretrain: pretrainSummary(pretrain),
          status: { ...status, lines: status.lines.map((l) => ({ ...l, createdAt: null })) },
        };
        for (const l of status.lines) {
          lines.push(
            `IRA line ${l.line}: v${l.version} (${l.source}), ${l.updates} updates, replay ${l.replaySize}, ${l.decisions} decisions, recent mean reward ${l.recentMeanReward === null ? '-' : l.recentMeanReward.toFixed(4)}${l.halted ? `, HALTED: ${l.halted}` : ''}`,
          );
        }
        let ope: Record<string, unknown> | null = null;
        if (followUpDays > 0) {
          const q = await loadIraVersion(dbPath, 'full', frozenVersion);
          const logged = runtime.decisionLog.read({ from: Math.max(experimentStart, end - opeLogDays * 24 * 3_600_000), to: end, line: 'full' });
          const slates = opeSlates(logged, (f, r) => q.q(f, r), temperature);
          const pools = logged.filter((d) => d.rewards !== null).map((d) => d.pool.length);
          const withModel = withSlotMeanModel(slates, pools);
          // The on-policy truth: the follow-up's own decisions of the full line (v*, exploring), rewarded as the service would.
          const followed = runtime.decisionLog.read({ from: end, to: followUpEnd, line: 'full' });
          const byUser = new Map<string, IraEvent[]>();
          for (const e of followEvents) byUser.set(e.userId, [...(byUser.get(e.userId) ?? []), e]);
          const onPolicy: LoggedSlateOutcome[] = [];
          for (const d of followed) {
            if (d.version !== frozenVersion || d.ts + ctx.windowMs > followUpEnd) continue;
            const src = valueSources[d.valueSource ?? 'v2']!;
            const after = src.read(d.userId, d.ts + ctx.windowMs, d.refreshMinutes !== undefined ? { refreshMinutes: d.refreshMinutes } : undefined)?.value ?? null;
            const rewards = slotRewards(d, byUser.get(d.userId) ?? [], { windowMs: ctx.windowMs, gamma1: d.gamma1, gamma2: d.gamma2, valueAfter: after });
            onPolicy.push({ shown: d.shown, propensities: d.propensities, rewards, target: d.propensities });
          }
          const b = { seed: ctx.seed, resamples: 1000 };
          const est = (kind: 'ips' | 'snips' | 'dr', xs: readonly LoggedSlateOutcome[]) => (xs.length > 0 ? bootstrapEstimate(kind, xs, b) : null);
          ope = {
            target: { line: 'full', version: frozenVersion, explore: { method: 'boltzmann', temperature } },
            logged: { decisions: slates.length, fromDays: opeLogDays },
            ips: est('ips', slates),
            snips: est('snips', slates),
            dr: est('dr', withModel),
            onPolicy: onPolicy.length > 0 ? { ...bootstrapEstimate('on-policy', onPolicy, b), decisions: onPolicy.length } : null,
          };
          const f = (x: unknown): string => {
            const e = x as { perImpression: number; low: number; high: number } | null;
            return e === null ? 'n/a' : `${e.perImpression.toFixed(4)} [${e.low.toFixed(4)}, ${e.high.toFixed(4)}]`;
          };
          lines.push(
            `OPE vs truth (reward per impression, 95% bootstrap CI over slates): target full@v${frozenVersion} (Boltzmann τ ${temperature}); from ${slates.length} logged decisions of the experiment's last ${opeLogDays} days: IPS ${f(ope.ips)}, SNIPS ${f(ope.snips)}, DR ${f(ope.dr)}; on-policy in the ${followUpDays}-day follow-up (${onPolicy.length} decisions): ${f(ope.onPolicy)}`,
          );
        }
        return { ...info, ope, lines, timing: { setupMs, pretrainMs, pretrainTrainMs: pretrainTimes(pretrain) } };
      },
      close() {
        runtime.close();
      },
    };
  };
}

/** The pre-training per line without its wall times (those go to the report's timing). */
function pretrainSummary(p: PretrainOfflineResult | null): unknown {
  if (p === null) return null;
  return p.lines.map((l) => {
    const { trainMs: _t, ...metrics } = l.metrics;
    return { line: l.line, version: l.version, decisions: l.decisions, transitions: l.transitions, metrics };
  });
}

function pretrainTimes(p: PretrainOfflineResult | null): number[] | null {
  return p === null ? null : p.lines.map((l) => l.metrics.trainMs);
}
