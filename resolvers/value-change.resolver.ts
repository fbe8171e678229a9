/**
 * `subscription userValueChanged`: partners only, over graphql-ws (server/subscriptions.ts puts
 * the authenticated partner in the context). The subscribe function validates the arguments
 * against the partner's entitlements and opens the log stream; the field resolver maps each
 * change to the partner's view.
 */
import { GraphQLError } from 'graphql';
import { Arg, Ctx, Float, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { ErrorCode } from '../errors/codes';
import { badInput, CodedError, toGraphQLError } from '../errors/errors';
import type { LoggedChange } from '../pubsub/port';
import { openChangeStream } from '../pubsub/stream';
import type { PartnerContext } from '../services/context';
import type { Partner } from '../services/partners';
import { checkValueSubscription, MAX_SUBSCRIPTION_USER_IDS, previousSegmentFor } from '../services/value-subscription';
import { UserValueChange, ValueChangeReason } from '../schema/value-change';
import { UserSegment } from '../schema/user-value';

interface RawArgs {
  readonly segment?: string[] | null;
  readonly minDelta?: number | null;
  readonly userIds?: string[] | null;
  readonly after?: string | null;
}

async function subscribeUserValueChanged({ args, context }: SubscribeResolverData<unknown, RawArgs, Partial<PartnerContext>>): Promise<AsyncIterable<LoggedChange>> {
  const { partner, valueChanges, maxPending } = context;
  if (!partner || !valueChanges) {
    throw new GraphQLError('userValueChanged is served over graphql-ws (same URL, ws://) with a partner API key in connectionParams.apiKey', {
      extensions: { code: ErrorCode.BAD_USER_INPUT },
    });
  }
  const checked = checkValueSubscription(partner, args);
  if (!checked.ok) throw badInput(checked.problem.field, checked.problem.message);
  try {
    return await openChangeStream(valueChanges, args.after ?? undefined, { accept: checked.value.accept, ...(maxPending ? { maxPending } : {}) });
  } catch (err) {
    if (err instanceof CodedError) throw toGraphQLError(err);
    throw err;
  }
}

export function toUserValueChange(c: LoggedChange, partner: Partner): UserValueChange {
  const v = c.change;
  return {
    cursor: c.cursor,
    userId: v.userId,
    segment: v.segment as UserSegment,
    previousSegment: previousSegmentFor(partner, v.previousSegment) as UserSegment | null,
    value: v.value,
    previousValue: v.previousValue,
    delta: v.delta,
    purchaseProbability: v.purchaseProbability,
    modelVersion: v.modelVersion,
    reason: v.reason as ValueChangeReason,
    asOf: new Date(v.asOf),
    loggedAt: new Date(c.loggedAt),
  };
}

@Resolver()
export class ValueChangeResolver {
  @Subscription(() => UserValueChange, {
    subscribe: subscribeUserValueChanged,
    description:
      'Partners (graphql-ws, `connectionParams: { apiKey }`): changes of user values in the segments you are entitled to, in log order. ' +
      'Pass the last `cursor` received as `after` to resume without gaps within the retention window (VALUE_CHANGE_RETENTION_HOURS); ' +
      'an older cursor fails with CURSOR_EXPIRED.',
  })
  userValueChanged(
    @Root() change: LoggedChange,
    @Ctx() ctx: PartnerContext,
    @Arg('segment', () => [UserSegment], { nullable: true, description: 'Only these segments (each must be entitled). Default: every entitled segment.' }) _segment: UserSegment[] | undefined,
    @Arg('minDelta', () => Float, { nullable: true, description: 'Only changes with |delta| >= minDelta (>= 0); a segment change is always delivered. Default 0.' }) _minDelta: number | undefined,
    @Arg('userIds', () => [String], { nullable: true, description: `Only these users (1-${MAX_SUBSCRIPTION_USER_IDS} ids).` }) _userIds: string[] | undefined,
    @Arg('after', () => String, { nullable: true, description: 'Resume after this cursor (exclusive). Default: only changes from now on.' }) _after: string | undefined,
  ): UserValueChange {
    return toUserValueChange(change, ctx.partner);
  }
}
