/**
 * The DDPG fusion policy as the gateway runs it: the policy the `dpgcn/graph` scorer asks (policy.ts),
 * the online learner behind the job queue (learner.ts, jobs/processors/dpgcn-policy.ts), and the
 * operations GraphQL exposes (status, freeze, rollback).
 *
 * `onStored` is the events hook (beside DUVE's): stored feedback is credited to open decisions,
 * decisions whose window closed by the server clock become transitions, and those are enqueued as
 * one learning job. It does no learning itself.
 */
import type { Logger } from 'pino';
import type { JobQueue } from '../../../jobs/port';
import { registerDpgcnPolicyLearning } from '../../../jobs/processors/dpgcn-policy';
import type { FeedbackEvent } from './decisions';
import { createPolicyLearner, toTransitionData, type LearnerStatus, type PolicyLearnerOptions } from './learner';
import { createDdpgFusionPolicy, type ActionDistribution, type DdpgFusionPolicy, type DdpgFusionPolicyOptions, type ServedPolicyVersion } from './policy';
import type { PolicySnapshotStore } from './snapshots';

export interface DpgcnPolicyServiceOptions {
  readonly snapshots: PolicySnapshotStore;
  readonly jobs: JobQueue;
  /** Names this instance's learning queue. */
  readonly instanceId: string;
  readonly clock: () => number;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Policy settings (range, noise, decision log, poll period). Default policy.ts defaults. */
  readonly policy?: Omit<DdpgFusionPolicyOptions, 'snapshots' | 'logger'>;
  /** Learner settings (updates per job, batch, replay, DDPG steps). Default learner.ts defaults. */
  readonly learner?: Omit<PolicyLearnerOptions, 'snapshots' | 'logger' | 'clock' | 'range'>;
}

export interface DpgcnPolicyStatus {
  readonly version: ServedPolicyVersion | null;
  readonly versions: number;
  readonly frozen: boolean;
  readonly range: readonly [number, number];
  readonly decisions: number;
  readonly openDecisions: number;
  readonly learningJobs: number;
  readonly learner: LearnerStatus;
  readonly actions: ActionDistribution;
}

export interface DpgcnPolicyService {
  readonly policy: DdpgFusionPolicy;
  /** Credit stored events, close windows at the server clock, enqueue the transitions. Logs, never throws. */
  onStored(events: readonly FeedbackEvent[]): Promise<void>;
  status(): Promise<DpgcnPolicyStatus>;
  freeze(frozen: boolean): Promise<DpgcnPolicyStatus>;
  /** Serve the previous version (LIFECYCLE_CONFLICT when there is none). */
  rollback(): Promise<DpgcnPolicyStatus>;
  /** Resolve when every learning job enqueued so far has settled and the policy serves the live version (the simulator's lockstep). */
  settle(): Promise<void>;
  close(): void;
}

export function createDpgcnPolicyService(o: DpgcnPolicyServiceOptions): DpgcnPolicyService {
  const policy = createDdpgFusionPolicy({ snapshots: o.snapshots, logger: o.logger, ...o.policy });
  const learner = createPolicyLearner({ snapshots: o.snapshots, logger: o.logger, clock: o.clock, range: policy.range, ...o.learner });
  let enqueued = 0;
  let settled = 0;
  let waiters: Array<() => void> = [];
  const name = registerDpgcnPolicyLearning(o.jobs, learner, { instanceId: o.instanceId, logger: o.logger });
  const off = o.jobs.onOutcome((out) => {
    if (out.name !== name) return;
    settled++;
    if (out.status === 'failed') o.logger.warn({ job: out.id, error: out.error }, 'DDPG policy learning job failed');
    if (settled >= enqueued) {
      const ws = waiters;
      waiters = [];
      for (const w of ws) w();
    }
  });
  const status = async (): Promise<DpgcnPolicyStatus> => ({
    version: policy.served(),
    versions: await o.snapshots.count(),
    frozen: policy.frozen(),
    range: policy.range,
    decisions: policy.decisionsMade(),
    openDecisions: policy.decisions.open(),
    learningJobs: settled,
    learner: learner.status(),
    actions: policy.actions(),
  });
  return {
    policy,
    async onStored(events) {
      try {
        policy.decisions.attribute(events);
        const closed = policy.decisions.close(o.clock());
        if (closed.length === 0) return;
        enqueued++;
        await o.jobs.add(name, { transitions: closed.map(toTransitionData) });
      } catch (err) {
        o.logger.warn({ err: (err as Error).message }, 'DDPG policy: feedback not handed to the learner');
      }
    },
    status,
    async freeze(frozen) {
      await o.snapshots.setFrozen(frozen);
      await policy.refresh();
      return status();
    },
    async rollback() {
      await o.snapshots.rollback();
      await policy.refresh();
      return status();
    },
    async settle() {
      if (settled < enqueued) await new Promise<void>((resolve) => waiters.push(resolve));
      await policy.refresh();
    },
    close() {
      off();
      policy.close();
    },
  };
}
