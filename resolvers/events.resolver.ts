import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { EVENT_TYPES } from '../domain/events';
import { badInput, CodedError, toGraphQLError } from '../errors/errors';
import { recordEvents } from '../ingest/events';
import { EventInput, RecordEventsResult } from '../schema/events';
import type { GatewayContext } from '../services/context';

@Resolver()
export class EventsResolver {
  @Mutation(() => RecordEventsResult, {
    description: 'Store interactions. Valid events are stored atomically; invalid ones are reported by index and not stored.',
  })
  async recordEvents(@Arg('events', () => [EventInput]) events: EventInput[], @Ctx() ctx: GatewayContext): Promise<RecordEventsResult> {
    if (events.length === 0) throw badInput('events', 'must not be empty');
    if (events.length > ctx.limits.maxEventsPerBatch) {
      throw badInput('events', `at most ${ctx.limits.maxEventsPerBatch} events per call (got ${events.length})`);
    }
    try {
      const out = await recordEvents(ctx.store, events, ctx.clock(), { bounds: ctx.limits.event });
      ctx.metrics.observeEvents(out.accepted, out.duplicates.length, out.rejected.length);
      for (const r of out.rejected) if (r.full !== undefined) ctx.metrics.observeStoreFull(r.full, 1);
      // The events are acknowledged by the store: DUVE folds them and publishes value changes
      // before the mutation answers (read-your-writes for userValue); it logs, never throws.
      if (ctx.userValues !== null && out.stored.length > 0) await ctx.userValues.onStored(out.stored);
      // The DDPG fusion policy credits feedback and enqueues learning (job queue); it logs, never throws.
      if (ctx.dpgcnPolicy && out.stored.length > 0) await ctx.dpgcnPolicy.onStored(out.stored);
      // IRA closes decisions whose attribution window ended and enqueues learning (job queue); it logs, never throws.
      if (ctx.iraPolicy && out.stored.length > 0) await ctx.iraPolicy.onEvents(out.stored);
      // The ads service counts selling-point clicks for its global keyword rates (sync, in memory).
      if (ctx.ads && out.stored.length > 0) ctx.ads.onStored(out.stored);
      return { accepted: out.accepted, unknownItems: out.unknownItems, duplicates: [...out.duplicates], rejected: out.rejected.map((r) => ({ ...r })) };
    } catch (err) {
      if (err instanceof CodedError) throw toGraphQLError(err);
      throw err;
    }
  }

  @Query(() => [String], { description: 'Every accepted event type.' })
  eventTypes(): string[] {
    return [...EVENT_TYPES];
  }
}
