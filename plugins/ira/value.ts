/**
 * The user value source IRA reads (Contract A, provided by plugins/duve/value-source.ts): the
 * interface is repeated here so IRA compiles on its own; a DUVE v2 source satisfies it
 * structurally. Only `read` (features, the v_long of rewards) and `observe` (the ingest hook) are used.
 */
import type { EventType } from '../sdk/records';

export interface UserValueReading {
  /** P(≥1 purchase within the model horizon). */
  readonly purchaseProb: number;
  /** Expected spend within the horizon (the long-term value v_long). */
  readonly value: number;
  readonly horizonDays: number;
  /** Fixed length stateDim: the model's pooled user state. */
  readonly state: Float32Array;
  readonly version: string;
}

export interface UserValueSource {
  readonly stateDim: number;
  readonly id: string;
  /** The user's value as of `at` (ms); with refreshMinutes, as of the last refresh boundary. null for a user with no events. */
  read(userId: string, at: number, o?: { readonly refreshMinutes?: number }): UserValueReading | null;
  /** Fold one stored event (the gateway's ingest hook). */
  observe(e: { userId: string; type: EventType; itemId: string | null; ts: number; value: number }): void;
}
