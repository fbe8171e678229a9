/**
 * IRA (the intelligent recommendation agent) runtime (Contract C): one SQLite file (IRA_DB_PATH)
 * holds the versions of every policy line, the freeze / halt flags and the decision log; the
 * service serves versions and closes decisions; learning runs on the given job queue.
 *
 *   createIraRuntime({ dbPath, jobs, clock, logger, seed, instanceId, valueSources, store, ... })
 *     → { service, pretrainOffline, onEvents, registerMetrics, close }
 *
 * The scorer (`ira/policy`, plugins/ira/scorer.ts) and exploration (explore.ts) are separate.
 * The runtime does not fold events into the value sources unless `observeValues` is set (the
 * gateway's DUVE wiring does; a simulator that owns its sources may ask the runtime to).
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { GraphStore } from '../../graph/port';
import type { JobQueue } from '../../jobs/port';
import type { ModelSession } from '../sdk/model';
import { openIraDb } from './db';
import { openIraDecisionLog, type IraDecisionLog } from './decision-log';
import type { IraLearnerOptions } from './learner';
import { registerIraMetrics } from './metrics';
import { pretrainOffline, type PretrainOfflineOptions, type PretrainOfflineResult } from './pretrain';
import { createIraPolicyService, type IraPolicyService, type IraRewardSettings } from './service';
import { createIraSnapshotStore, type IraSnapshotStore } from './snapshots';
import type { IraEvent } from './types';
import type { UserValueSource } from './value';

export { IRA_DIM, IRA_FEATURE_KEYS, IRA_FEATURES, IRA_FEATURES_VERSION, iraColumn, iraFeatureRows } from './features';
export type { IraFeatureInput } from './features';
export { slotRewards } from './reward';
export { openIraDecisionLog } from './decision-log';
export type { IraDecisionLog } from './decision-log';
export { loadIraVersion, iraQFunction } from './qnet';
export type { IraQFunction } from './qnet';
export { boltzmannSlateProbabilities, snipsEstimate } from './guardrail';
export type { IraDecision, IraEvent, IraExplore, LoggedIraDecision } from './types';
export type { IraLineStatus, IraPolicyService, IraPolicyStatus, IraServedVersion } from './service';
export type { UserValueReading, UserValueSource } from './value';

export interface IraRuntimeOptions {
  /** The IRA SQLite file; ':memory:' keeps everything in this process. */
  readonly dbPath: string;
  readonly jobs: JobQueue;
  readonly clock: () => number;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Seed of every network and minibatch draw. Default 1. */
  readonly seed?: number;
  readonly instanceId: string;
  /** Value sources by id (Contract A). May be empty (v_long unknown: 0, and the user part flagged missing). */
  readonly valueSources: Readonly<Record<string, UserValueSource>>;
  /** Where pre-training reads the events of decisions logged without an outcome; null = logged outcomes only. */
  readonly store: GraphStore | null;
  /** The guardrail's margin (IRA_GUARDRAIL_MARGIN) and estimator settings. Default learner.ts defaults. */
  readonly guardrail?: IraLearnerOptions['guardrail'];
  readonly learner?: Omit<IraLearnerOptions, 'guardrail' | 'seed'>;
  readonly reward?: IraRewardSettings;
  /** Attribution window, ms. Default 24 h. */
  readonly windowMs?: number;
  /** Next-decision horizon, ms (≥ windowMs). Default windowMs. */
  readonly horizonMs?: number;
  /** Version poll period, ms. Default 5,000 (0: only refresh()/settle()). */
  readonly pollMs?: number;
  /** Versions kept per line. Default 20. */
  readonly keepVersions?: number;
  /** Decisions kept in the log. Default 200,000. */
  readonly maxLoggedDecisions?: number;
  /** Fold every event given to onEvents into every value source too. Default false. */
  readonly observeValues?: boolean;
  readonly loadModelBytes?: (bytes: Uint8Array) => Promise<ModelSession>;
}

export interface IraRuntime {
  readonly service: IraPolicyService;
  /** The value sources the runtime reads (the `ira/policy` scorer reads the same). */
  readonly valueSources: Readonly<Record<string, UserValueSource>>;
  readonly snapshots: IraSnapshotStore;
  readonly decisionLog: IraDecisionLog;
  pretrainOffline(o?: PretrainOfflineOptions): Promise<PretrainOfflineResult>;
  /** The ingest hook (stored events). Logs, never throws. */
  onEvents(events: readonly IraEvent[]): Promise<void>;
  /** recgate_ira_* gauges and the guardrail trip counter on a registry. */
  registerMetrics(registry: Registry): void;
  close(): void;
}

export function createIraRuntime(o: IraRuntimeOptions): IraRuntime {
  const db = openIraDb(o.dbPath);
  const windowMs = o.windowMs ?? 24 * 3_600_000;
  const horizonMs = Math.max(windowMs, o.horizonMs ?? windowMs);
  const seed = o.seed ?? 1;
  try {
    const snapshots = createIraSnapshotStore(db, o.keepVersions !== undefined ? { keepVersions: o.keepVersions } : {});
    const decisionLog = openIraDecisionLog(db, o.maxLoggedDecisions !== undefined ? { maxRows: o.maxLoggedDecisions } : {});
    const service = createIraPolicyService({
      snapshots,
      decisionLog,
      jobs: o.jobs,
      instanceId: o.instanceId,
      clock: o.clock,
      logger: o.logger,
      valueSources: o.valueSources,
      windowMs,
      horizonMs,
      ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
      ...(o.reward !== undefined ? { reward: o.reward } : {}),
      ...(o.loadModelBytes !== undefined ? { loadModelBytes: o.loadModelBytes } : {}),
      ...(o.observeValues !== undefined ? { observeValues: o.observeValues } : {}),
      learner: { ...o.learner, seed, ...(o.guardrail !== undefined ? { guardrail: o.guardrail } : {}) },
    });
    return {
      service,
      valueSources: o.valueSources,
      snapshots,
      decisionLog,
      pretrainOffline: async (p = {}) => {
        const out = await pretrainOffline(
          {
            log: decisionLog,
            snapshots,
            store: o.store,
            valueSources: o.valueSources,
            windowMs,
            horizonMs,
            seed,
            clock: o.clock,
            ...(o.reward !== undefined ? { reward: o.reward } : {}),
            ...(o.learner?.dqn !== undefined ? { dqn: o.learner.dqn } : {}),
          },
          p,
        );
        await service.refresh();
        return out;
      },
      onEvents: (events) => service.onEvents(events),
      registerMetrics: (registry) => registerIraMetrics(registry, service),
      close() {
        service.close();
        db.close();
      },
    };
  } catch (err) {
    db.close();
    throw err;
  }
}
