/**
 * The learned ranker's retrain job: every `everyMs` (`train ranker --every-hours`), train on what
 * the store holds and publish the next artifact version; gateways serving `ltr/lambdamart` pick it
 * up within their watch period (plugins/ltr/scorer.ts). Same processor on the in-process
 * scheduler and on BullMQ; job ids are `<scheduleId>:<period index>`, so a period runs once.
 *
 * It runs in the trainer process (`train ranker --every-hours`), never in a gateway: training is
 * CPU-bound for minutes and would stall requests.
 *
 * Error classes: data that cannot support the protocol (too short a history, no positive in the
 * validation window: RangeError) is unrecoverable for that period (the next period may have the
 * data); anything else (the store unreachable, a full disk) is transient and retried with backoff.
 */
import type { GraphStore } from '../../graph/port';
import { trainRankerFromStore, type TrainRankerOptions, type TrainRankerResult } from '../../ml/ltr/from-store';
import { UnrecoverableJobError, type JobProcessor, type JobQueue } from '../port';

export const LTR_RETRAIN_JOB = 'ltr:retrain';

export interface LtrRetrainLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export function ltrRetrainProcessor(store: GraphStore, opts: TrainRankerOptions, logger: LtrRetrainLogger, onDone?: (r: TrainRankerResult) => void): JobProcessor<Record<string, never>> {
  return async (job) => {
    let r: TrainRankerResult;
    try {
      r = await trainRankerFromStore(store, opts);
    } catch (err) {
      if (err instanceof RangeError) throw new UnrecoverableJobError(`ranker retrain skipped: ${err.message}`);
      logger.warn({ job: job.id, attempt: job.attempt, err: (err as Error).message }, 'ranker retrain failed; it will be retried');
      throw err;
    }
    const best = Math.max(...r.fit.validation.trials.map((t) => t.ndcg));
    logger.info(
      { job: job.id, version: r.version, dir: r.dir, lists: r.fit.trainLists, trees: r.fit.bestIteration, validNdcg: Number(best.toFixed(4)), ms: Math.round(r.fit.trainMs) },
      'ranker retrained and published',
    );
    onDone?.(r);
  };
}

/** Register the processor and its repeatable schedule; returns the job name. */
export async function scheduleLtrRetrain(
  queue: JobQueue,
  store: GraphStore,
  opts: TrainRankerOptions,
  s: { everyMs: number; logger: LtrRetrainLogger; onDone?: (r: TrainRankerResult) => void },
): Promise<string> {
  const name = LTR_RETRAIN_JOB;
  queue.process(name, ltrRetrainProcessor(store, opts, s.logger, s.onDone));
  await queue.repeat(name, {}, { everyMs: s.everyMs, scheduleId: name });
  return name;
}
