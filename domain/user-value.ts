/**
 * A user's value as the gateway serves it (DUVE's forecast, read from the live online state),
 * and a change of it as partners receive it. Plain data: no model code here.
 */
import type { UserValueState } from '../plugins/sdk/records';
import type { EventType } from './events';

/** DUVE segments (definitions in ml/duve/model.ts and the README). */
export const USER_SEGMENTS = ['new', 'latent-high-intent', 'high-value', 'at-risk', 'dormant'] as const;
export type UserSegment = (typeof USER_SEGMENTS)[number];

/** How one interaction type moved the forecast, relative to the average training user. */
export interface ValueDriver {
  readonly type: EventType;
  /** Sum of this type's terms in the purchase logit (standardised features × weights): > 0 raises P(purchase). */
  readonly purchaseLogit: number;
  /** Decayed count of this type at the read time. */
  readonly decayedCount: number;
}

/** The SDK's `UserValueState` (what scorers read) plus what the API and partners get. */
export interface UserValue extends UserValueState {
  readonly userId: string;
  readonly segment: UserSegment;
  /** Tracked types by |purchaseLogit|, largest first. */
  readonly drivers: readonly ValueDriver[];
  /** `duve/value@<artifact version>`. */
  readonly modelVersion: string;
  /** Data time the state was read at (ms). */
  readonly asOf: number;
  /** Newest tracked event folded into the state (ms). */
  readonly lastEventAt: number;
}

/** A published change of a user's value (an event, or a refresh, moved it). */
export interface ValueChange {
  readonly userId: string;
  readonly segment: UserSegment;
  /** Null when the user had no published value before. */
  readonly previousSegment: UserSegment | null;
  readonly value: number;
  readonly previousValue: number | null;
  /** value − (previousValue ?? 0). */
  readonly delta: number;
  readonly purchaseProbability: number;
  readonly modelVersion: string;
  /** What caused it. */
  readonly reason: 'event' | 'refresh';
  /** Data time of the new value (ms). */
  readonly asOf: number;
}
