/**
 * A line's online learner, run by the job processor (jobs/processors/ira-learn.ts), never on the
 * request path. Per job: the closed decisions' shown slots go into the line's replay as
 * transitions (x = the shown row, r = the slot's reward, next = the user's next decision's pool
 * or terminal), then, unless the line is frozen or halted, a bounded number of double-DQN updates
 * run (ml/dqn/agent.ts), the guardrail compares the updated network with version 0 on the recent
 * decisions (guardrail.ts), and the network is published as the line's next version (ONNX + weights).
 *
 * It follows the live version: when the line's live version is not the one it last published (a
 * rollback, another instance's learner, a pre-trained version), the network restarts from the live
 * weights. Halts (persisted in the snapshot store, so every instance and /healthz see them): a
 * non-finite update, or the guardrail (estimate < baseline − margin · |baseline|). A halted line
 * publishes nothing until an operator resumes it (freezeIraPolicy(frozen: false, line)); the
 * network then restarts from the live version (or afresh when there is none).
 */
import type { Logger } from 'pino';
import { createDqn, type Dqn, type DqnSettings } from '../../ml/dqn/agent';
import { qnetOnnx } from '../../ml/dqn/onnx';
import { createDqnReplay, type DqnReplay } from '../../ml/dqn/replay';
import { mulberry32 } from '../../ml/random';
import { IRA_DIM, IRA_FEATURES_VERSION } from './features';
import { breachesGuardrail, snipsEstimate, type LoggedSlate } from './guardrail';
import { heuristicQ } from './heuristic';
import type { IraSnapshotStore } from './snapshots';
import type { IraExplore } from './types';

/** A closed decision as job data (JSON). */
export interface ClosedDecisionData {
  readonly id: string;
  /** [rows × IRA_DIM] */
  readonly features: number[];
  readonly rows: number;
  readonly shown: number[];
  readonly propensities: number[];
  /** Per shown slot. */
  readonly rewards: number[];
  /** The user's next decision on the line within the horizon, or null (terminal). */
  readonly next: { readonly features: number[]; readonly rows: number } | null;
  /** The decision's exploration (the guardrail scores new versions under it). */
  readonly explore?: IraExplore;
}

export interface IraGuardrailSettings {
  /** Halt when the estimate falls below the baseline's by more than margin · |baseline|. Default 0.1 (IRA_GUARDRAIL_MARGIN). */
  readonly margin?: number;
  /** Boltzmann temperature of the evaluated policies on decisions logged greedy or without their exploration. Default 0.1. */
  readonly temperature?: number;
  /** Logged slots needed for a judgement. Default 100. */
  readonly minSlots?: number;
  /** Recent decisions the estimate reads. Default 500. */
  readonly recentDecisions?: number;
}

export interface IraLearnerOptions {
  /** DQN settings (dim is IRA_DIM). Default hidden [32, 32], γ_disc 0.5, lr 1e-3, Polyak τ 0.05. */
  readonly dqn?: Omit<DqnSettings, 'dim' | 'seed'>;
  /** Seed of the weights and minibatch draws. Default 1. */
  readonly seed?: number;
  /** Updates per job (when the replay holds at least `minReplay`). Default 32. */
  readonly updatesPerJob?: number;
  /**
   * Updates per new transition instead of a fixed count: a job runs min(updatesPerJob,
   * max(1, ⌈updatesPerTransition · new transitions⌉)) updates, so few new transitions do not
   * re-use the replay heavily. Default none (always updatesPerJob).
   */
  readonly updatesPerTransition?: number;
  /** Minibatch. Default 64. */
  readonly batch?: number;
  /** Transitions in replay before learning starts. Default 200. */
  readonly minReplay?: number;
  /** Replay capacity. Default 20,000. */
  readonly replayCapacity?: number;
  /** Rewards averaged in recentMeanReward. Default 1,000. */
  readonly recentRewards?: number;
  readonly guardrail?: IraGuardrailSettings;
}

export interface IraGuardrailReading {
  readonly estimate: number;
  readonly baseline: number;
  readonly slots: number;
  readonly breached: boolean;
  readonly at: number;
}

export interface IraLearnerStatus {
  readonly updates: number;
  readonly replaySize: number;
  readonly transitions: number;
  readonly recentMeanReward: number | null;
  readonly lastLoss: number | null;
  /** The last guardrail judgement, null before one (too few logged slots). */
  readonly guardrail: IraGuardrailReading | null;
  readonly guardrailTrips: number;
}

export interface IraLearnOutcome {
  readonly added: number;
  readonly invalid: number;
  readonly updates: number;
  readonly published: number | null;
  readonly skipped: 'frozen' | 'halted' | 'warming-up' | 'guardrail' | null;
  readonly guardrail: IraGuardrailReading | null;
}

export interface IraLearner {
  readonly line: string;
  learn(decisions: readonly ClosedDecisionData[]): Promise<IraLearnOutcome>;
  status(): IraLearnerStatus;
}

const finiteNumbers = (xs: unknown): xs is number[] => Array.isArray(xs) && xs.every((x) => typeof x === 'number' && Number.isFinite(x));

const validExplore = (e: IraExplore | undefined): e is IraExplore =>
  e !== undefined && e !== null && (e.method === 'boltzmann' || e.method === 'epsilon' || e.method === 'greedy') && Number.isFinite(e.temperature) && Number.isFinite(e.epsilon);

export function validClosedDecision(d: ClosedDecisionData): boolean {
  if (d === null || typeof d !== 'object' || !Number.isInteger(d.rows) || d.rows < 1) return false;
  if (!finiteNumbers(d.features) || d.features.length !== d.rows * IRA_DIM) return false;
  if (!finiteNumbers(d.shown) || !finiteNumbers(d.propensities) || !finiteNumbers(d.rewards)) return false;
  if (d.shown.length === 0 || d.propensities.length !== d.shown.length || d.rewards.length !== d.shown.length) return false;
  if (d.shown.some((i) => !Number.isInteger(i) || i < 0 || i >= d.rows)) return false;
  if (d.next !== null && (typeof d.next !== 'object' || !Number.isInteger(d.next.rows) || d.next.rows < 1 || !finiteNumbers(d.next.features) || d.next.features.length !== d.next.rows * IRA_DIM))
    return false;
  return true;
}

export function createIraLearner(
  line: string,
  o: IraLearnerOptions & {
    readonly snapshots: IraSnapshotStore;
    readonly clock: () => number;
    readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
    /** Called when the guardrail halts the line (metrics). */
    readonly onTrip?: (line: string, g: IraGuardrailReading) => void;
  },
): IraLearner {
  const seed = o.seed ?? 1;
  const dqnSettings: DqnSettings = { target: { kind: 'polyak', tau: 0.05 }, ...o.dqn, dim: IRA_DIM, seed };
  let agent: Dqn = createDqn(dqnSettings);
  const replay: DqnReplay = createDqnReplay(o.replayCapacity ?? 20_000, IRA_DIM);
  const rand = mulberry32(seed ^ 0x1ea7);
  const updatesPerJob = o.updatesPerJob ?? 32;
  const batch = o.batch ?? 64;
  const minReplay = o.minReplay ?? 200;
  if (o.updatesPerTransition !== undefined && !(o.updatesPerTransition > 0)) throw new RangeError(`ira learner: updatesPerTransition must be positive, got ${o.updatesPerTransition}`);
  const g = { margin: 0.1, temperature: 0.1, minSlots: 100, recentDecisions: 500, ...o.guardrail };
  const recent: LoggedSlate[] = [];
  const rewards = new Float64Array(o.recentRewards ?? 1000);
  let rewardCount = 0;
  let transitions = 0;
  let known: number | null = null;
  let reload = false;
  let lastLoss: number | null = null;
  let guardrail: IraGuardrailReading | null = null;
  let trips = 0;

  const followLive = async (): Promise<void> => {
    const live = await o.snapshots.liveVersion(line);
    if (!reload && (live === null || live === known)) return;
    const v = live === null ? null : await o.snapshots.live(line);
    if (v !== null && v.featuresVersion === IRA_FEATURES_VERSION && v.params.length === agent.online.params.length) agent.load(v.params);
    else if (reload) agent = createDqn(dqnSettings);
    else if (v !== null) o.logger.warn({ line, version: v.version }, 'IRA learner: the live version has another shape; learning from its own weights');
    known = live;
    reload = false;
  };
  const halt = async (reason: string): Promise<void> => {
    reload = true;
    await o.snapshots.setHalted(line, reason);
    o.logger.error({ line, reason, updates: agent.updates() }, 'IRA policy line halted: online updates stop until it is resumed (freezeIraPolicy(frozen: false, line))');
  };

  return {
    line,
    status: () => {
      const n = Math.min(rewardCount, rewards.length);
      return {
        updates: agent.updates(),
        replaySize: replay.size(),
        transitions,
        recentMeanReward: n === 0 ? null : rewards.subarray(0, n).reduce((s, x) => s + x, 0) / n,
        lastLoss,
        guardrail,
        guardrailTrips: trips,
      };
    },
    async learn(decisions) {
      let added = 0;
      let invalid = 0;
      for (const d of decisions) {
        if (!validClosedDecision(d)) {
          invalid++;
          continue;
        }
        const x = Float32Array.from(d.features);
        const next = d.next === null ? null : Float32Array.from(d.next.features);
        d.shown.forEach((idx, k) => {
          replay.add({ x: x.slice(idx * IRA_DIM, (idx + 1) * IRA_DIM), reward: d.rewards[k]!, next });
          rewards[rewardCount % rewards.length] = d.rewards[k]!;
          rewardCount++;
          added++;
        });
        recent.push({ features: x, rows: d.rows, shown: d.shown, propensities: d.propensities, rewards: d.rewards, ...(validExplore(d.explore) ? { explore: d.explore } : {}) });
        if (recent.length > g.recentDecisions) recent.splice(0, recent.length - g.recentDecisions);
      }
      transitions += added;
      const none = { added, invalid, updates: 0, published: null, guardrail: null };
      if ((await o.snapshots.halted(line)) !== null) return { ...none, skipped: 'halted' };
      if (await o.snapshots.frozen(line)) return { ...none, skipped: 'frozen' };
      if (replay.size() < minReplay) return { ...none, skipped: 'warming-up' };
      await followLive();
      let done = 0;
      const runs = o.updatesPerTransition === undefined ? updatesPerJob : Math.min(updatesPerJob, Math.max(1, Math.ceil(o.updatesPerTransition * added)));
      for (let k = 0; k < runs; k++) {
        // One minibatch at a time: the in-process queue shares the gateway's event loop, so requests interleave between updates.
        if (k > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        const st = agent.update(replay.sample(batch, rand));
        lastLoss = st.loss;
        if (!st.finite) {
          await halt(`non-finite update (loss ${st.loss}, mean Q ${st.meanQ})`);
          return { ...none, updates: done, skipped: 'halted' };
        }
        done++;
      }
      const net = agent.online;
      const mine = snipsEstimate(recent, (f, rows) => agent.q(f, rows), g);
      const base = mine === null ? null : snipsEstimate(recent, heuristicQ, g);
      let reading: IraGuardrailReading | null = null;
      if (mine !== null && base !== null) {
        reading = { estimate: mine.value, baseline: base.value, slots: mine.slots, breached: breachesGuardrail(mine.value, base.value, g.margin, mine.se, base.se), at: o.clock() };
        guardrail = reading;
        if (reading.breached) {
          trips++;
          o.onTrip?.(line, reading);
          await halt(`guardrail: estimated value ${reading.estimate.toFixed(4)} below version 0's ${reading.baseline.toFixed(4)} by more than ${g.margin} (SNIPS over ${reading.slots} logged slots)`);
          return { added, invalid, updates: done, published: null, skipped: 'guardrail', guardrail: reading };
        }
      }
      known = await o.snapshots.publish(line, {
        sizes: [...net.sizes],
        featuresVersion: IRA_FEATURES_VERSION,
        source: 'online',
        createdAt: o.clock(),
        updates: agent.updates(),
        guardrail: reading === null ? null : { estimate: reading.estimate, baseline: reading.baseline, slots: reading.slots },
        params: Float32Array.from(net.params),
        onnx: qnetOnnx(net, `IRA line ${line}, online, ${agent.updates()} updates`),
      });
      return { added, invalid, updates: done, published: known, skipped: null, guardrail: reading };
    },
  };
}
