/**
 * The graph model's retrain job: every `everyMs` (`train dpgcn --from-store --every-hours`), train
 * `dpgcn/graph` on what the store holds and publish the next artifact version; the dpgcn/graph
 * scorer in the gateways picks it up within its watch period. Same processor on the in-process
 * scheduler and on BullMQ; job ids are `<scheduleId>:<period index>`, so a period runs once.
 *
 * It runs in the trainer process, never in a gateway: training is CPU-bound for minutes and would
 * stall requests.
 *
 * Error classes (as the ranker's, jobs/processors/ltr-retrain.ts): data that cannot be trained on
 * (no interactions yet: RangeError) is unrecoverable for that period (the next period may have the
 * data); anything else (the store unreachable, a full disk) is transient and retried with backoff.
 */
import type { GraphStore } from '../../graph/port';
import { trainDpgcnFromStore, type TrainDpgcnFromStoreOptions, type TrainDpgcnFromStoreResult } from '../../ml/gcn/from-store';
import { UnrecoverableJobError, type JobProcessor, type JobQueue } from '../port';

export const DPGCN_RETRAIN_JOB = 'dpgcn:retrain';

export interface DpgcnRetrainLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export function dpgcnRetrainProcessor(
  store: GraphStore,
  opts: TrainDpgcnFromStoreOptions,
  logger: DpgcnRetrainLogger,
  onDone?: (r: TrainDpgcnFromStoreResult) => void,
): JobProcessor<Record<string, never>> {
  return async (job) => {
    let r: TrainDpgcnFromStoreResult;
    try {
      r = await trainDpgcnFromStore(store, { ...opts, signal: job.signal });
    } catch (err) {
      if (err instanceof RangeError) throw new UnrecoverableJobError(`dpgcn retrain skipped: ${err.message}`);
      logger.warn({ job: job.id, attempt: job.attempt, err: (err as Error).message }, 'dpgcn retrain failed; it will be retried');
      throw err;
    }
    logger.info(
      {
        job: job.id,
        version: r.version,
        dir: r.dir,
        nodes: r.graph.nodes,
        bestEpoch: r.selection.best.epoch,
        heldOutRecall20: Number(r.selection.best.recall.toFixed(4)),
        ...(r.fusion ? { fusion: r.fusion } : {}),
        ms: Math.round(r.trainMs),
      },
      'dpgcn retrained and published',
    );
    onDone?.(r);
  };
}

/** Register the processor and its repeatable schedule; returns the job name. */
export async function scheduleDpgcnRetrain(
  queue: JobQueue,
  store: GraphStore,
  opts: TrainDpgcnFromStoreOptions,
  s: { everyMs: number; logger: DpgcnRetrainLogger; onDone?: (r: TrainDpgcnFromStoreResult) => void },
): Promise<string> {
  const name = DPGCN_RETRAIN_JOB;
  queue.process(name, dpgcnRetrainProcessor(store, opts, s.logger, s.onDone));
  await queue.repeat(name, {}, { everyMs: s.everyMs, scheduleId: name });
  return name;
}
