/**
 * The seam between the `dpgcn/graph` scorer and its online policy (DDPG, plugins/dpgcn/policy/).
 *
 * The scorer blends the graph score g (cosine of the user's and the item's propagated embeddings)
 * with the fusion network's static-feature score h: score = α·g + (1 − α)·h. Without a policy, α is
 * the artifact's fitted `fusion.alpha`. With one, the policy picks α per request from the user's
 * state, inside its clipped range, and remembers the decision so that feedback events can reward it.
 */
import type { Interaction } from '../sdk/records';

export interface FusionDecisionInput {
  readonly userId: string;
  /** The user's recent interactions, newest first (the scorer's declared `user.history`). */
  readonly history: readonly Interaction[];
  /** Data time of the request (ms). */
  readonly now: number;
  /** The fitted α of the artifact being served: the policy's anchor and its frozen answer before it has learned. */
  readonly alpha0: number;
  /** True when the serving strategy froze the policy (`settings.policy = "frozen"`): act, never record. */
  readonly frozen: boolean;
}

export interface FusionPolicy {
  /** α for this request, always inside the policy's clipped range; never throws. */
  decide(input: FusionDecisionInput): number;
}
