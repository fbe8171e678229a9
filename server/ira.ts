/**
 * The IRA runtime a `serve`d gateway runs (plugins/ira/): built when IRA_DB_PATH is set (empty =
 * off). Its versions, flags and decision log live in that SQLite file, shared by the gateways that
 * point at it (each polls it and hot-swaps); learning runs on the gateway's job queue; the
 * guardrail margin is IRA_GUARDRAIL_MARGIN.
 *
 * Value source (Contract A): with DUVE_VERSION=v2 and an artifact under DUVE2_MODEL_DIR, IRA opens
 * its own DUVE v2 source (id `v2`, history warm from the store, every stored event folded by the
 * ingest hook). Otherwise (v1, or no artifact) it runs without one: v_long is unknown (0 in the
 * rewards) and the user part of the features is flagged missing.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { GraphStore } from '../graph/port';
import { resolve } from 'node:path';
import type { JobQueue } from '../jobs/port';
import { latestDuve2Artifact } from '../ml/duve2/export';
import { loadDuve2ValueSource } from '../plugins/duve/v2';
import { createIraRuntime, type IraRuntime, type UserValueSource } from '../plugins/ira';
import type { ModelSession } from '../plugins/sdk/model';

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
  /** The served DUVE (DUVE_VERSION, DUVE2_MODEL_DIR): IRA opens its own v2 value source from it. Default none. */
  readonly duve?: { readonly version: 'v1' | 'v2'; readonly v2Dir: string; readonly loadModel: (uri: string) => Promise<ModelSession> };
  /** Value sources to use instead (embedders, tests); events are not folded into them. */
  readonly valueSources?: Readonly<Record<string, UserValueSource>>;
  /** Where the recgate_ira_* metrics go. */
  readonly metrics?: Registry;
}

/** The runtime, or null when IRA_DB_PATH is empty; a file that cannot be opened is logged and IRA stays off (the feed serves its baseline). */
export async function openServedIra(o: ServedIraOptions): Promise<IraRuntime | null> {
  if (o.dbPath === '') return null;
  let sources: Readonly<Record<string, UserValueSource>> = o.valueSources ?? {};
  let own = false;
  if (o.valueSources === undefined && o.duve?.version === 'v2' && o.duve.v2Dir !== '') {
    try {
      if ((await latestDuve2Artifact(resolve(o.duve.v2Dir))) !== null) {
        sources = { v2: await loadDuve2ValueSource(resolve(o.duve.v2Dir), { loadModel: o.duve.loadModel, store: o.store, id: 'v2' }) };
        own = true;
      }
    } catch (err) {
      o.logger.warn({ dir: o.duve.v2Dir, err: (err as Error).message }, 'IRA runs without a value source: the DUVE v2 artifact did not load');
    }
  }
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
      observeValues: own,
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
