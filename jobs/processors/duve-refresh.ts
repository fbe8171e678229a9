/**
 * The DUVE refresh job: every `everyMs` (DUVE_REFRESH_MINUTES, default 15), recompute every
 * user's value at the data time (decay moves values without events), hot-swap to a newer model
 * version if one was published, and republish what changed. Same processor on the in-process
 * scheduler and on BullMQ. Job ids are `<scheduleId>:<period index>`, so a period runs once.
 *
 * Error classes: a corrupt model artifact (unreadable manifest, ONNX that will not load) is
 * unrecoverable; anything else (the change log unreachable, ...) is transient and retried with
 * backoff. One queue per gateway instance: each instance refreshes the state it holds.
 */
import type { Logger } from 'pino';
import { CorruptModelError } from '../../ml/duve/export';
import type { RefreshOutcome, UserValueService } from '../../services/user-values';
import { UnrecoverableJobError, type JobProcessor, type JobQueue } from '../port';

export const DUVE_REFRESH_JOB = 'duve:refresh';

export function duveRefreshProcessor(service: Pick<UserValueService, 'refresh'>, logger: Pick<Logger, 'info' | 'warn'>, onDone?: (o: RefreshOutcome) => void): JobProcessor<Record<string, never>> {
  return async (job) => {
    let out: RefreshOutcome;
    try {
      out = await service.refresh();
    } catch (err) {
      if (err instanceof CorruptModelError) throw new UnrecoverableJobError(err.message);
      logger.warn({ job: job.id, attempt: job.attempt, err: (err as Error).message }, 'DUVE refresh failed; it will be retried');
      throw err;
    }
    logger.info(
      { job: job.id, users: out.users, changes: out.changes, model: out.modelVersion, ms: Math.round(out.ms), ...(out.swappedFrom ? { swappedFrom: out.swappedFrom } : {}) },
      'DUVE refresh done',
    );
    onDone?.(out);
  };
}

export interface DuveRefreshSchedule {
  readonly everyMs: number;
  /** Names this gateway's queue (`duve:refresh@<instanceId>`). */
  readonly instanceId: string;
  readonly logger: Pick<Logger, 'info' | 'warn'>;
}

/** Register the processor and its repeatable schedule on the queue; returns the job name. */
export async function scheduleDuveRefresh(queue: JobQueue, service: Pick<UserValueService, 'refresh'>, s: DuveRefreshSchedule): Promise<string> {
  const name = `${DUVE_REFRESH_JOB}@${s.instanceId}`;
  queue.process(name, duveRefreshProcessor(service, s.logger));
  await queue.repeat(name, {}, { everyMs: s.everyMs, scheduleId: name });
  return name;
}
