/**
 * What a partner's `userValueChanged` subscription delivers, as pure functions of the partner and
 * the arguments (the resolver only maps their problems to BAD_USER_INPUT).
 *
 * Entitlements: a change is delivered when its new `segment` is one the partner is entitled to
 * (and, if `segment` is given, one it asked for). Asking for a segment it is not entitled to is
 * BAD_USER_INPUT naming `segment[i]`, not a silent empty stream. A user leaving an entitled
 * segment for one the partner may not see is not delivered, and `previousSegment` is shown only
 * when it too is entitled (else null), so a partner never sees a segment it is not entitled to.
 *
 * `minDelta` keeps changes with |delta| >= minDelta; a segment change (including a first value,
 * previousSegment null) is always delivered. `userIds` keeps only those users.
 */
import type { UserSegment } from '../domain/user-value';
import { checkId, type Checked } from '../domain/validate';
import type { LoggedChange } from '../pubsub/port';
import type { Partner } from './partners';

/** Most user ids one subscription may filter on. */
export const MAX_SUBSCRIPTION_USER_IDS = 1_000;

export interface ValueSubscriptionArgs {
  readonly segment?: readonly string[] | null;
  readonly minDelta?: number | null;
  readonly userIds?: readonly string[] | null;
}

export interface ValueChangeFilter {
  readonly segments: ReadonlySet<UserSegment>;
  readonly minDelta: number;
  readonly userIds: ReadonlySet<string> | null;
  accept(c: LoggedChange): boolean;
}

const fail = (field: string, message: string): { ok: false; problem: { field: string; message: string } } => ({ ok: false, problem: { field, message } });

/** Validate the arguments against the partner's entitlements; the problem names the field. */
export function checkValueSubscription(partner: Partner, args: ValueSubscriptionArgs): Checked<ValueChangeFilter> {
  const entitled = new Set<string>(partner.segments);
  let segments = new Set<UserSegment>(partner.segments);
  if (args.segment !== undefined && args.segment !== null) {
    if (args.segment.length === 0) return fail('segment', 'must not be empty (omit it for every segment you are entitled to)');
    for (const [i, s] of args.segment.entries()) {
      if (!entitled.has(s)) return fail(`segment[${i}]`, `not entitled to "${s}" (entitled: ${partner.segments.join(', ')})`);
    }
    segments = new Set(args.segment as readonly UserSegment[]);
  }
  const minDelta = args.minDelta ?? 0;
  if (!Number.isFinite(minDelta) || minDelta < 0) return fail('minDelta', `must be a finite number >= 0 (got ${minDelta})`);
  let userIds: Set<string> | null = null;
  if (args.userIds !== undefined && args.userIds !== null) {
    if (args.userIds.length === 0) return fail('userIds', 'must not be empty (omit it for every user)');
    if (args.userIds.length > MAX_SUBSCRIPTION_USER_IDS) return fail('userIds', `at most ${MAX_SUBSCRIPTION_USER_IDS} ids (got ${args.userIds.length})`);
    userIds = new Set();
    for (const [i, raw] of args.userIds.entries()) {
      const id = checkId(`userIds[${i}]`, raw);
      if (!id.ok) return id;
      userIds.add(id.value);
    }
  }
  const users = userIds;
  return {
    ok: true,
    value: {
      segments,
      minDelta,
      userIds: users,
      accept({ change }) {
        if (!segments.has(change.segment)) return false;
        if (users !== null && !users.has(change.userId)) return false;
        return change.previousSegment !== change.segment || Math.abs(change.delta) >= minDelta;
      },
    },
  };
}

/** The partner's view of a change: a previous segment it is not entitled to reads as null. */
export function previousSegmentFor(partner: Partner, previous: UserSegment | null): UserSegment | null {
  return previous !== null && partner.segments.includes(previous) ? previous : null;
}
