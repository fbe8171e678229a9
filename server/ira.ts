/**
 * The IRA runtime a `serve`d gateway runs (plugins/ira/): built when IRA_DB_PATH is set (empty =
 * off). Its versions, flags and decision log live in that SQLite file, shared by the gateways that
 * point at it (each polls it and hot-swaps); learning runs on the gateway's job queue; the
 * guardrail margin is IRA_GUARDRAIL_MARGIN.
 *
 * Value source (Contract A): with DUVE_VERSION=v2 served, IRA reads the served engine's own source
 * (the user-value service's, hot-swapped with it and fed by its ingest hook: one window state per
 * user, not a second copy). Otherwise (v1, or no artifact) it runs without one: v_long is unknown
 * (0 in the rewards) and the user part of the features is flagged missing.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { GraphStore } from '../graph/port';
import type { JobQueue } from '../jobs/port';
import { followingSource } from '../plugins/duve/value-source';
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
  /** The served DUVE v2 engine's value source, read afresh on every call (the engine is hot-swapped on refresh). Default none. */
  readonly servedValue?: () => UserValueSource;
  /** Value sources to use instead (embedders, tests); events are not folded into them. */
  readonly valueSources?: Readonly<Record<string, UserValueSource>>;
  /** Where the recgate_ira_* metrics go. */
  readonly metrics?: Registry;
}

/** The runtime, or null when IRA_DB_PATH is empty; a file that cannot be opened is logged and IRA stays off (the feed serves its baseline). */
export async function openServedIra(o: ServedIraOptions): Promise<IraRuntime | null> {
  if (o.dbPath === '') return null;
  const served = o.servedValue;
  const sources: Readonly<Record<string, UserValueSource>> = o.valueSources ?? (served ? { [served().id]: followingSource(served) } : {});
  let runtime: IraRuntime;
  try {
    runtime = createIraRuntime({
      dbPath: o.dbPath,
      jobs: o.jobs,
      clock: o.clock,
      logger: o.logger,
      instanceId: o.instanceId,
      valueSources: sources,
      store: o.store,
      guardrail: { margin: o.guardrailMargin },
      // The served engine is fed by the user-value service's ingest hook; caller-given sources are the caller's.
      observeValues: false,
    });
  } catch (err) {
    o.logger.error({ db: o.dbPath, err: (err as Error).message }, 'IRA is off: its database did not open');
    return null;
  }
  if (o.metrics) runtime.registerMetrics(o.metrics);
  await runtime.service.refresh();
  const st = await runtime.service.status();
  o.logger.info({ db: o.dbPath, lines: st.lines.map((l) => `${l.line}@${l.version}`), valueSources: Object.keys(sources) }, 'IRA policy on');
  return runtime;
}
