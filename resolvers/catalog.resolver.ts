import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { checkId } from '../domain/validate';
import { badInput } from '../errors/errors';
import { toItemRecords, toQueryRecords, toUserRecords } from '../ingest/catalog';
import { Item, ItemInput, QueryInput, SearchQuery, UpsertResult, User, UserInput } from '../schema/catalog';
import type { GatewayContext } from '../services/context';
import { toItem, toUser } from './mappers';

function requireId(field: string, v: string): string {
  const c = checkId(field, v);
  if (!c.ok) throw badInput(field, c.problem.message);
  return c.value;
}

@Resolver()
export class CatalogResolver {
  @Query(() => Item, { nullable: true })
  async item(@Arg('id') id: string, @Ctx() ctx: GatewayContext): Promise<Item | null> {
    const r = await ctx.loaders.item.load(requireId('id', id));
    return r ? toItem(r) : null;
  }

  @Query(() => User, { nullable: true })
  async user(@Arg('id') id: string, @Ctx() ctx: GatewayContext): Promise<User | null> {
    const key = requireId('id', id);
    const r = (await ctx.store.getUsers([key])).get(key);
    return r ? toUser(r) : null;
  }

  @Mutation(() => UpsertResult, { description: 'Insert or replace users by id (at most 1000 per call).' })
  async upsertUsers(@Arg('users', () => [UserInput]) users: UserInput[], @Ctx() ctx: GatewayContext): Promise<UpsertResult> {
    return { written: await ctx.store.upsertUsers(toUserRecords(users)) };
  }

  @Mutation(() => UpsertResult, { description: 'Insert or replace items by id (at most 1000 per call).' })
  async upsertItems(@Arg('items', () => [ItemInput]) items: ItemInput[], @Ctx() ctx: GatewayContext): Promise<UpsertResult> {
    return { written: await ctx.store.upsertItems(toItemRecords(items, ctx.clock())) };
  }

  @Mutation(() => [SearchQuery], { description: 'Insert search queries (normalised; terms extracted).' })
  async upsertQueries(@Arg('queries', () => [QueryInput]) queries: QueryInput[], @Ctx() ctx: GatewayContext): Promise<SearchQuery[]> {
    const records = toQueryRecords(queries);
    await ctx.store.upsertQueries(records);
    return records.map((r) => ({ text: r.text, terms: [...r.terms] }));
  }
}
