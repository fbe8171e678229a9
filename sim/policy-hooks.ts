/**
 * How a learning policy plugs into `simulate --headline` (sim/headline.ts). sim/ira.ts implements
 * it for IRA; the headline loop only knows this contract.
 */
import type { Logger } from 'pino';
import type { GraphStore } from '../graph/port';
import type { JobQueue } from '../jobs/port';
import type { ScorerPlugin } from '../plugins/sdk/contract';
import type { EventPayload, SimVariant } from './client';

/** Strategy ids of the policy arms (the policy writes their files). */
export interface PolicyArms {
  readonly full: string;
  readonly shortTerm: string;
  readonly noDecay: string;
  readonly hourly: string;
}

export interface SimPolicyContext {
  readonly store: GraphStore;
  /** The run's folder (models, policy DBs go here). */
  readonly dir: string;
  readonly seed: number;
  /** The gateway's strategies folder: the policy writes its strategy files here. */
  readonly strategiesDir: string;
  /** The gateway's job queue (learning jobs run on it). */
  readonly jobs: JobQueue;
  readonly clock: () => number;
  readonly logger: Logger;
  readonly log: (line: string) => void;
  /** Attribution window of the experiment, ms. */
  readonly windowMs: number;
  /** Start of the log's observation window (reference times of value-model training). */
  readonly refStart: number;
}

/** Anything JSON-serialisable the policy reports (versions, pre-training, OPE against the truth). */
export type SimPolicyInfo = Record<string, unknown>;

export interface SimPolicy {
  /** Scorers the gateway registers (e.g. `ira/policy`). */
  readonly plugins: readonly ScorerPlugin[];
  /** Strategy ids of the headline's policy arms. */
  readonly arms: PolicyArms;
  /** The burn-in experiment's variants (the lines that explore before pre-training). */
  readonly burnInVariants: readonly SimVariant[];
  /** After every accepted recordEvents batch (ingest hooks, then lockstep: settle queued learning). */
  recorded(events: readonly EventPayload[]): Promise<void>;
  /** After the burn-in: pre-train offline from the logged decisions in [from, to). */
  afterBurnIn(o: { from: number; to: number }): Promise<void>;
  /**
   * Days of an on-policy follow-up after the experiment (0: none): the same variants and salt (so
   * the same users per arm), run after `beforeFollowUp` (e.g. freezing a line), in its own
   * experiment so the headline's results are not touched.
   */
  readonly followUpDays: number;
  beforeFollowUp(o: { end: number }): Promise<void>;
  /** After the experiment (and the follow-up ending at `followUpEnd`): final state, OPE against the follow-up's on-policy value. */
  finish(o: { experimentStart: number; end: number; followUpEnd: number; experimentId: string }): Promise<SimPolicyInfo>;
  close(): void;
}

export type SimPolicyFactory = (ctx: SimPolicyContext) => Promise<SimPolicy>;
