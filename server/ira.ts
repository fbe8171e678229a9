/**
 * The IRA runtime a `serve`d gateway runs (plugins/ira/): built when IRA_DB_PATH is set (empty =
 * off). Its versions, flags and decision log live in that SQLite file, shared by the gateways that
 * point at it (each polls it and hot-swaps); learning runs on the gateway's job queue; the
 * guardrail margin is IRA_GUARDRAIL_MARGIN. Value sources (Contract A, DUVE) are passed in by the
 * caller; without one, v_long is unknown (0 in rewards) and the user part of the features is flagged missing.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { GraphStore } from '../graph/port';
import type { JobQueue } from '../jobs/port';
import { createIraRuntime, type IraRuntime, type UserValueSource } from '../plugins/ira';

export interface ServedIraOptions {
  /** IRA_DB_PATH; '' = off. */
  readonly dbPath: string;
  /** IRA_GUARDRAIL_MARGIN. */
  readonly guardrailMargin: number;
  readonly jobs: JobQueue;
  readonly instanceId: string;
  readonly clock: () => number;
  readonly logger: Logger;
  readonly store: GraphStore;
  readonly valueSources?: Readonly<Record<string, UserValueSource>>;
  /** Fold stored events into the value sources (when they are IRA's own instances). Default false. */
  readonly observeValues?: boolean;
  /** Where the recgate_ira_* metrics go. */
  readonly metrics?: Registry;
}

/** The runtime, or null when IRA_DB_PATH is empty; a file that cannot be opened is logged and IRA stays off (the feed serves its baseline). */
export async function openServedIra(o: ServedIraOptions): Promise<IraRuntime | null> {
  if (o.dbPath === '') return null;
  let runtime: IraRuntime;
  try {
    runtime = createIraRuntime({
      dbPath: o.dbPath,
      jobs: o.jobs,
      clock: o.clock,
      logger: o.logger,
      instanceId: o.instanceId,
      valueSources: o.valueSources ?? {},
      store: o.store,
      guardrail: { margin: o.guardrailMargin },
      ...(o.observeValues !== undefined ? { observeValues: o.observeValues } : {}),
    });
  } catch (err) {
    o.logger.error({ db: o.dbPath, err: (err as Error).message }, 'IRA is off: its database did not open');
    return null;
  }
  if (o.metrics) runtime.registerMetrics(o.metrics);
  await runtime.service.refresh();
  const st = await runtime.service.status();
  o.logger.info({ db: o.dbPath, lines: st.lines.map((l) => `${l.line}@${l.version}`), valueSources: Object.keys(o.valueSources ?? {}) }, 'IRA policy on');
  return runtime;
}
