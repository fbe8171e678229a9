/**
 * The DDPG policy's online learner, run by the job processor (jobs/processors/dpgcn-policy.ts),
 * never on the request path. Per job: the closed decisions' transitions go into the replay buffer,
 * then, unless frozen or halted, a bounded number of DDPG updates run and the new actor is
 * published as the next snapshot version (served by every instance at its next poll).
 *
 * It follows the live version: when the live version is not the one it last published (a rollback,
 * another instance's learner, a pre-trained first version), its actor and actor target restart
 * from the live weights. The guard: a non-finite loss, gradient, Q value or action halts learning
 * (nothing more is published; logged, and `halted` in the status and /healthz) until a restart.
 */
import type { Logger } from 'pino';
import { createDdpg, type Ddpg } from '../../../ml/ddpg/agent';
import { mlpForward, mlpOutput } from '../../../ml/ddpg/mlp';
import { createReplayBuffer, type ReplayBuffer, type Transition } from '../../../ml/ddpg/replay';
import { decodeActor, encodeActor } from '../../../ml/ddpg/snapshot';
import { mulberry32 } from '../../../ml/random';
import type { PolicySnapshotStore } from './snapshots';
import { POLICY_STATE_DIM, POLICY_STATE_VERSION } from './state';

/** A transition as job data (JSON). */
export interface TransitionData {
  readonly state: number[];
  readonly action: number;
  readonly reward: number;
  readonly next: number[];
  readonly done: boolean;
}

export const toTransitionData = (t: Transition): TransitionData => ({ state: Array.from(t.state), action: t.action, reward: t.reward, next: Array.from(t.next), done: t.done });

export interface PolicyLearnerOptions {
  readonly snapshots: PolicySnapshotStore;
  /** The safe action range. Default [0, 1]. */
  readonly range?: readonly [number, number];
  /** Seed of weights and minibatch draws. Default 1. */
  readonly seed?: number;
  /** DDPG updates per job (when the replay holds at least `minReplay`). Default 32. */
  readonly updatesPerJob?: number;
  /** Minibatch size. Default 64. */
  readonly batch?: number;
  /** Transitions in replay before learning starts. Default 64. */
  readonly minReplay?: number;
  /** Replay capacity. Default 20,000. */
  readonly replayCapacity?: number;
  /** Discount. Default 0.5. */
  readonly gamma?: number;
  /** Soft-update rate. Default 0.01. */
  readonly tau?: number;
  /** Actor step. Default 1e-3. */
  readonly actorLr?: number;
  /** Critic step. Default 3e-3. */
  readonly criticLr?: number;
  /** Action of an untrained actor (before any version is live). Default the range's middle. */
  readonly initAction?: number;
  /** Rewards averaged in `recentMeanReward`. Default 1,000. */
  readonly recentRewards?: number;
  readonly clock?: () => number;
  readonly logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
}

export interface LearnerStatus {
  readonly updates: number;
  readonly replaySize: number;
  readonly transitions: number;
  readonly recentMeanReward: number | null;
  readonly lastCriticLoss: number | null;
  readonly lastMeanQ: number | null;
  /** Why learning stopped (a non-finite value), or null. */
  readonly halted: string | null;
}

export interface LearnOutcome {
  readonly added: number;
  readonly invalid: number;
  readonly updates: number;
  /** The version published, or null (frozen, halted, too little replay). */
  readonly published: number | null;
  readonly skipped: 'frozen' | 'halted' | 'warming-up' | null;
}

export interface PolicyLearner {
  learn(transitions: readonly TransitionData[]): Promise<LearnOutcome>;
  status(): LearnerStatus;
}

const validTransition = (t: TransitionData): boolean =>
  Array.isArray(t.state) &&
  Array.isArray(t.next) &&
  t.state.length === POLICY_STATE_DIM &&
  t.next.length === POLICY_STATE_DIM &&
  [...t.state, ...t.next, t.action, t.reward].every((x) => typeof x === 'number' && Number.isFinite(x)) &&
  typeof t.done === 'boolean';

export function createPolicyLearner(o: PolicyLearnerOptions): PolicyLearner {
  const range: readonly [number, number] = o.range ?? [0, 1];
  const agent: Ddpg = createDdpg({
    stateDim: POLICY_STATE_DIM,
    range,
    seed: o.seed ?? 1,
    ...(o.gamma !== undefined ? { gamma: o.gamma } : {}),
    ...(o.tau !== undefined ? { tau: o.tau } : {}),
    ...(o.actorLr !== undefined ? { actorLr: o.actorLr } : {}),
    ...(o.criticLr !== undefined ? { criticLr: o.criticLr } : {}),
    ...(o.initAction !== undefined ? { initAction: o.initAction } : {}),
  });
  const replay: ReplayBuffer = createReplayBuffer(o.replayCapacity ?? 20_000, POLICY_STATE_DIM);
  const rand = mulberry32((o.seed ?? 1) ^ 0x5eed);
  const updatesPerJob = o.updatesPerJob ?? 32;
  const batch = o.batch ?? 64;
  const minReplay = o.minReplay ?? 64;
  const clock = o.clock ?? Date.now;
  const rewards = new Float64Array(o.recentRewards ?? 1000);
  let rewardCount = 0;
  let transitions = 0;
  let known: number | null = null;
  let halted: string | null = null;
  let lastLoss: number | null = null;
  let lastQ: number | null = null;

  const followLive = async (): Promise<void> => {
    const live = await o.snapshots.liveVersion();
    if (live === null || live === known) return;
    const v = await o.snapshots.live();
    if (v === null || v.stateVersion !== POLICY_STATE_VERSION) return;
    const { actor } = decodeActor(v.actor);
    if (actor.params.length !== agent.actor.params.length) {
      o.logger?.warn({ version: v.version }, 'DDPG learner: the live actor has another shape; learning from its own weights');
      known = live;
      return;
    }
    agent.actor.params.set(actor.params);
    agent.actorTarget.params.set(actor.params);
    known = live;
  };
  const halt = (why: string): void => {
    halted = why;
    o.logger?.error({ reason: why, updates: agent.updates() }, 'DDPG policy halted: it stops updating (restart the learner after a rollback)');
  };
  /** The guard after updates: actions and critic values of a sample are finite. */
  const guard = (): string | null => {
    const b = replay.sample(Math.min(batch, replay.size()), rand);
    for (let r = 0; r < b.size; r++) {
      const s = b.states.subarray(r * POLICY_STATE_DIM, (r + 1) * POLICY_STATE_DIM);
      const a = agent.act(s);
      if (!Number.isFinite(a)) return 'non-finite action';
      if (!Number.isFinite(agent.q(s, a))) return 'non-finite critic value';
      if (!Number.isFinite(mlpOutput(mlpForward(agent.actor, s, 1))[0]!)) return 'non-finite actor output';
    }
    return null;
  };

  return {
    status: () => ({
      updates: agent.updates(),
      replaySize: replay.size(),
      transitions,
      recentMeanReward: rewardCount === 0 ? null : rewards.subarray(0, Math.min(rewardCount, rewards.length)).reduce((s, x) => s + x, 0) / Math.min(rewardCount, rewards.length),
      lastCriticLoss: lastLoss,
      lastMeanQ: lastQ,
      halted,
    }),
    async learn(ts) {
      let added = 0;
      let invalid = 0;
      for (const t of ts) {
        if (!validTransition(t)) {
          invalid++;
          continue;
        }
        replay.add(t);
        rewards[rewardCount % rewards.length] = t.reward;
        rewardCount++;
        added++;
      }
      transitions += added;
      if (halted !== null) return { added, invalid, updates: 0, published: null, skipped: 'halted' };
      if (await o.snapshots.frozen()) return { added, invalid, updates: 0, published: null, skipped: 'frozen' };
      if (replay.size() < minReplay) return { added, invalid, updates: 0, published: null, skipped: 'warming-up' };
      await followLive();
      let done = 0;
      for (let k = 0; k < updatesPerJob; k++) {
        const st = agent.update(replay.sample(batch, rand));
        lastLoss = st.criticLoss;
        lastQ = st.meanQ;
        if (!st.finite) {
          halt(`non-finite update (critic loss ${st.criticLoss}, mean Q ${st.meanQ}, mean action ${st.meanAction})`);
          return { added, invalid, updates: done, published: null, skipped: 'halted' };
        }
        done++;
      }
      const bad = guard();
      if (bad !== null) {
        halt(bad);
        return { added, invalid, updates: done, published: null, skipped: 'halted' };
      }
      known = await o.snapshots.publish({ actor: encodeActor(agent.actor, range), stateVersion: POLICY_STATE_VERSION, createdAt: clock(), source: 'online', updates: agent.updates() });
      return { added, invalid, updates: done, published: known, skipped: null };
    },
  };
}
