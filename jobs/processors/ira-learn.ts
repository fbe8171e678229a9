/**
 * The IRA learning job: the decisions of one policy line whose attribution window closed go into
 * the line's replay, then a bounded number of double-DQN updates run, the guardrail judges the
 * result, and a new version is published (plugins/ira/learner.ts). Enqueued by the gateway's
 * ingest hook (plugins/ira/service.ts), never run on the request path. Same processor on the
 * in-process queue and on BullMQ; invalid job data is unrecoverable, a store failure is retried.
 */
import type { Logger } from 'pino';
import type { ClosedDecisionData, IraLearnOutcome } from '../../plugins/ira/learner';
import { UnrecoverableJobError, type JobProcessor, type JobQueue } from '../port';

export const IRA_LEARN_JOB = 'ira:learn';

export interface IraLearnJob {
  readonly line: string;
  readonly decisions: ClosedDecisionData[];
}

export interface IraLineLearners {
  /** The line's learner (made on first use). */
  learn(line: string, decisions: readonly ClosedDecisionData[]): Promise<IraLearnOutcome>;
}

export function iraLearnProcessor(learners: IraLineLearners, logger: Pick<Logger, 'info' | 'warn'>, onDone?: (line: string, o: IraLearnOutcome) => void): JobProcessor<IraLearnJob> {
  return async (job) => {
    if (typeof job.data?.line !== 'string' || job.data.line === '') throw new UnrecoverableJobError('ira learn job: data.line must be a non-empty string');
    if (!Array.isArray(job.data.decisions)) throw new UnrecoverableJobError('ira learn job: data.decisions must be an array');
    const out = await learners.learn(job.data.line, job.data.decisions);
    if (out.invalid > 0) logger.warn({ job: job.id, line: job.data.line, invalid: out.invalid }, 'IRA: invalid decisions skipped');
    logger.info({ job: job.id, line: job.data.line, added: out.added, updates: out.updates, published: out.published, skipped: out.skipped, guardrail: out.guardrail }, 'IRA learning step');
    onDone?.(job.data.line, out);
  };
}

/** Register the processor under `ira:learn@<instanceId>`; returns the job name to enqueue to. */
export function registerIraLearning(
  queue: JobQueue,
  learners: IraLineLearners,
  o: { instanceId: string; logger: Pick<Logger, 'info' | 'warn'>; onDone?: (line: string, o: IraLearnOutcome) => void },
): string {
  const name = `${IRA_LEARN_JOB}@${o.instanceId}`;
  queue.process(name, iraLearnProcessor(learners, o.logger, o.onDone));
  return name;
}
