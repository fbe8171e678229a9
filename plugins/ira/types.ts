/** The records IRA passes between its parts (Contract C). Re-exported by service.ts and index.ts. */

export interface IraExplore {
  readonly method: 'boltzmann' | 'epsilon' | 'greedy';
  readonly temperature: number;
  readonly epsilon: number;
}

/** One served decision (recorded by the scorer, off the critical path). */
export interface IraDecision {
  readonly decisionId: string;
  readonly userId: string;
  /** Data time of the request (ms). */
  readonly ts: number;
  readonly surface: string;
  /** The policy line (its own versions, replay and learner). */
  readonly line: string;
  /** The version that computed `q` (0 = the heuristic). */
  readonly version: number;
  readonly gamma1: number;
  readonly gamma2: number;
  readonly explore: IraExplore;
  /** Candidate item ids considered, in pool order. */
  readonly pool: readonly string[];
  /** [pool.length × IRA_DIM] (features.ts). */
  readonly features: Float32Array;
  /** Behaviour Q per pool item. */
  readonly q: Float32Array;
  /** Indices into pool, in slot order. */
  readonly shown: readonly number[];
  /** Per slot: P(this item at this slot | the earlier slots) under the behaviour policy. */
  readonly propensities: readonly number[];
  /** v_long at decision time. */
  readonly valueBefore: number | null;
  /** The line's value source id (`v2`, ...): whose v_long the reward reads. Default: the runtime's only (or first) source. */
  readonly valueSource?: string;
  /** The line's refresh period of the value source (minutes); v_long is read as of the last refresh boundary. Default none (exact). */
  readonly refreshMinutes?: number;
}

/** A decision with its outcome, once its attribution window closed. */
export interface LoggedIraDecision extends IraDecision {
  /** Per shown slot (reward.ts), null while open. */
  readonly rewards: Float64Array | null;
  readonly valueAfter: number | null;
}

/** A stored event as the ingest hook sees it. */
export interface IraEvent {
  readonly userId: string;
  readonly type: string;
  readonly itemId: string | null;
  readonly ts: number;
  readonly value?: number;
}
