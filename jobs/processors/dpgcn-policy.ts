/**
 * The DDPG policy's learning job: the transitions of decisions whose attribution window closed go
 * into replay, then a bounded number of DDPG updates run and a new actor version is published
 * (plugins/dpgcn/policy/learner.ts). Enqueued by the gateway when stored events close windows
 * (plugins/dpgcn/policy/service.ts), never run on the request path. Same processor on the
 * in-process queue and on BullMQ; invalid job data is unrecoverable, a store failure is retried.
 */
import type { Logger } from 'pino';
import type { LearnOutcome, PolicyLearner, TransitionData } from '../../plugins/dpgcn/policy/learner';
import { UnrecoverableJobError, type JobProcessor, type JobQueue } from '../port';

export const DPGCN_POLICY_JOB = 'dpgcn:policy-learn';

export interface PolicyLearnJob {
  readonly transitions: TransitionData[];
}

export function dpgcnPolicyProcessor(learner: Pick<PolicyLearner, 'learn'>, logger: Pick<Logger, 'info' | 'warn'>, onDone?: (o: LearnOutcome) => void): JobProcessor<PolicyLearnJob> {
  return async (job) => {
    if (!Array.isArray(job.data?.transitions)) throw new UnrecoverableJobError('dpgcn policy job: data.transitions must be an array');
    const out = await learner.learn(job.data.transitions);
    if (out.invalid > 0) logger.warn({ job: job.id, invalid: out.invalid }, 'DDPG policy: invalid transitions skipped');
    logger.info({ job: job.id, added: out.added, updates: out.updates, published: out.published, skipped: out.skipped }, 'DDPG policy learning step');
    onDone?.(out);
  };
}

/** Register the processor under `dpgcn:policy-learn@<instanceId>`; returns the job name to enqueue to. */
export function registerDpgcnPolicyLearning(
  queue: JobQueue,
  learner: Pick<PolicyLearner, 'learn'>,
  o: { instanceId: string; logger: Pick<Logger, 'info' | 'warn'>; onDone?: (o: LearnOutcome) => void },
): string {
  const name = `${DPGCN_POLICY_JOB}@${o.instanceId}`;
  queue.process(name, dpgcnPolicyProcessor(learner, o.logger, o.onDone));
  return name;
}
