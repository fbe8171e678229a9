/**
 * The DDPG fusion policy on the request path: `decide` builds the user's state (state.ts), runs the
 * served actor (a 14→32→32→1 tanh MLP: microseconds), adds seeded exploration noise unless frozen,
 * clips α into the safe range and records the decision for reward attribution. It never throws and
 * never waits: before a snapshot is served, or on any failure, the answer is alpha0 (clipped).
 *
 * The actor comes from the shared snapshot store (snapshots.ts): `refresh` loads the live version
 * and the global frozen switch, and a timer repeats it every `pollMs`, so every gateway instance
 * serves the same version within one poll. Learning happens elsewhere (learner.ts, on the job queue).
 */
import type { Logger } from 'pino';
import { actorAction } from '../../../ml/ddpg/agent';
import type { Mlp } from '../../../ml/ddpg/mlp';
import { createNoise, type NoiseSettings } from '../../../ml/ddpg/noise';
import { decodeActor } from '../../../ml/ddpg/snapshot';
import type { FusionDecisionInput, FusionPolicy } from '../policy-contract';
import { createDecisionLog, type DecisionLog, type DecisionLogOptions } from './decisions';
import type { PolicySnapshotStore } from './snapshots';
import { POLICY_STATE_DIM, POLICY_STATE_VERSION, policyState } from './state';

export interface DdpgFusionPolicyOptions {
  readonly snapshots: PolicySnapshotStore;
  /** The safe range every α is clipped into. Default [0, 1]. */
  readonly range?: readonly [number, number];
  /** Exploration noise added to unfrozen decisions. Default Gaussian, σ 0.05, seed 1. */
  readonly noise?: NoiseSettings;
  /** Decision log settings (attribution window, capacity, reward weights). Default decisions.ts defaults. */
  readonly decisions?: DecisionLogOptions;
  /** How often the live version and frozen switch are re-read, ms; 0 = only on `refresh()`. Default 5,000. */
  readonly pollMs?: number;
  /**
   * Serve requests frozen by their strategy (`{"policy": "frozen"}`) from this version instead of the
   * live one: an experiment arm that keeps the policy as it was (e.g. the pre-trained version) while
   * another arm learns. Default none: frozen requests get the live actor without noise.
   */
  readonly frozenVersion?: number;
  /** α served recently, kept for the distribution in `status`. Default 2,000. */
  readonly recentActions?: number;
  readonly logger?: Pick<Logger, 'info' | 'warn'>;
}

export interface ServedPolicyVersion {
  readonly version: number;
  readonly source: string;
  readonly createdAt: number;
}

export interface ActionDistribution {
  readonly count: number;
  readonly mean: number | null;
  readonly min: number | null;
  readonly p10: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly max: number | null;
}

export interface DdpgFusionPolicy extends FusionPolicy {
  readonly range: readonly [number, number];
  readonly decisions: DecisionLog;
  /** Re-read the live version and the frozen switch now. */
  refresh(): Promise<void>;
  served(): ServedPolicyVersion | null;
  /** The global switch (freezeDpgcnPolicy): no noise, no recording, no learning. */
  frozen(): boolean;
  /** α of the last `recentActions` decisions. */
  actions(): ActionDistribution;
  decisionsMade(): number;
  close(): void;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function createDdpgFusionPolicy(o: DdpgFusionPolicyOptions): DdpgFusionPolicy {
  const range: readonly [number, number] = o.range ?? [0, 1];
  const [lo, hi] = range;
  if (!(lo < hi) || !Number.isFinite(lo) || !Number.isFinite(hi)) throw new RangeError(`dpgcn policy: range must be finite with lo < hi, got [${range.join(', ')}]`);
  const noise = createNoise({ sigma: 0.05, ...o.noise });
  const decisions = createDecisionLog(o.decisions);
  const ring = new Float64Array(o.recentActions ?? 2000);
  let ringCount = 0;
  let made = 0;
  let actor: Mlp | null = null;
  let actorRange: readonly [number, number] = range;
  let served: ServedPolicyVersion | null = null;
  let frozen = false;
  let pinned: { actor: Mlp; range: readonly [number, number] } | null = null;
  const clip = (a: number): number => (a < lo ? lo : a > hi ? hi : a);
  const state = new Float32Array(POLICY_STATE_DIM);

  const refresh = async (): Promise<void> => {
    frozen = await o.snapshots.frozen();
    if (o.frozenVersion !== undefined && pinned === null) {
      const v = await o.snapshots.get(o.frozenVersion);
      if (v !== null && v.stateVersion === POLICY_STATE_VERSION && v.actor.sizes[0] === POLICY_STATE_DIM) pinned = decodeActor(v.actor);
    }
    const live = await o.snapshots.liveVersion();
    if (live === (served?.version ?? null)) return;
    const v = await o.snapshots.live();
    if (v === null) {
      actor = null;
      served = null;
      return;
    }
    if (v.stateVersion !== POLICY_STATE_VERSION || v.actor.sizes[0] !== POLICY_STATE_DIM) {
      o.logger?.warn({ version: v.version, stateVersion: v.stateVersion }, 'DDPG policy version has another state layout; not served');
      return;
    }
    const d = decodeActor(v.actor);
    actor = d.actor;
    actorRange = d.range;
    served = { version: v.version, source: v.source, createdAt: v.createdAt };
    o.logger?.info({ version: v.version, source: v.source }, 'DDPG policy version served');
  };
  const pollMs = o.pollMs ?? 5000;
  const timer =
    pollMs > 0
      ? setInterval(() => {
          refresh().catch((err: Error) => o.logger?.warn({ err: err.message }, 'DDPG policy refresh failed; serving the previous version'));
        }, pollMs)
      : null;
  timer?.unref();

  return {
    range,
    decisions,
    refresh,
    served: () => served,
    frozen: () => frozen,
    decisionsMade: () => made,
    decide(input: FusionDecisionInput): number {
      const anchor = Number.isFinite(input.alpha0) ? clip(input.alpha0) : (lo + hi) / 2;
      try {
        const s = policyState(input.history, input.now, state);
        const use = input.frozen && pinned !== null ? pinned : actor === null ? null : { actor, range: actorRange };
        let a = use === null ? anchor : actorAction(use.actor, use.range, s);
        const learning = !input.frozen && !frozen;
        if (learning) a += noise.sample();
        a = Number.isFinite(a) ? clip(a) : anchor;
        if (learning) decisions.record(input.userId, Float32Array.from(s), a, input.now);
        ring[made % ring.length] = a;
        made++;
        ringCount = Math.min(ring.length, ringCount + 1);
        return a;
      } catch {
        return anchor;
      }
    },
    actions() {
      if (ringCount === 0) return { count: 0, mean: null, min: null, p10: null, p50: null, p90: null, max: null };
      const xs = Array.from(ring.subarray(0, ringCount)).sort((x, y) => x - y);
      return { count: ringCount, mean: xs.reduce((s, x) => s + x, 0) / xs.length, min: xs[0]!, p10: quantile(xs, 0.1), p50: quantile(xs, 0.5), p90: quantile(xs, 0.9), max: xs[xs.length - 1]! };
    },
    close() {
      if (timer !== null) clearInterval(timer);
    },
  };
}
