import { GraphQLObjectType, GraphQLSchema, GraphQLString, parse, type ExecutionResult } from 'graphql';
import { createSharedSubscribe } from './shared-execution';

/** A schema whose subscription yields the same event objects to every subscriber, and counts resolver calls. */
function fixture() {
  const events = [{ id: 'e1' }, { id: 'e2' }];
  let resolved = 0;
  const closed: string[] = [];
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        tick: {
          type: GraphQLString,
          subscribe: (_root, _args, ctx: { who: string }) =>
            (async function* () {
              try {
                yield* events;
                await new Promise(() => undefined); // stays open until return()
              } finally {
                closed.push(ctx.who);
              }
            })(),
          resolve: (event: { id: string }, _args, ctx: { who: string }) => {
            resolved++;
            return `${event.id}:${ctx.who}`;
          },
        },
      },
    }),
  });
  return { schema, closed, resolved: () => resolved };
}

async function take(it: AsyncIterator<ExecutionResult>, n: number): Promise<ExecutionResult[]> {
  const out: ExecutionResult[] = [];
  for (let i = 0; i < n; i++) out.push((await it.next()).value as ExecutionResult);
  return out;
}

describe('createSharedSubscribe', () => {
  it('executes each event once per shape and hands every subscriber of that shape the same result', async () => {
    const f = fixture();
    const subscribe = createSharedSubscribe({ shapeKey: (args) => (args.contextValue as { who: string }).who });
    const document = parse('subscription { tick }');
    const open = (who: string) => subscribe({ schema: f.schema, document, contextValue: { who } }) as Promise<AsyncIterableIterator<ExecutionResult>>;
    const [a1, a2, b] = await Promise.all([open('acme'), open('acme'), open('globex')]);
    const ra1 = await take(a1!, 2);
    const ra2 = await take(a2!, 2);
    const rb = await take(b!, 2);
    expect(ra1.map((r) => r.data?.tick)).toEqual(['e1:acme', 'e2:acme']);
    expect(rb.map((r) => r.data?.tick)).toEqual(['e1:globex', 'e2:globex']);
    expect(ra2[0]).toBe(ra1[0]);
    expect(rb[0]).not.toBe(ra1[0]);
    expect(f.resolved()).toBe(4); // 2 events x 2 shapes, not x 3 subscribers
    await Promise.all([a1!.return!(), a2!.return!(), b!.return!()]);
    expect(f.closed.sort()).toEqual(['acme', 'acme', 'globex']);
  });

  it('does not share when the shape key is undefined, and passes on errors of the source stream setup', async () => {
    const f = fixture();
    const subscribe = createSharedSubscribe({ shapeKey: () => undefined });
    const document = parse('subscription { tick }');
    const x = (await subscribe({ schema: f.schema, document, contextValue: { who: 'x' } })) as AsyncIterableIterator<ExecutionResult>;
    const y = (await subscribe({ schema: f.schema, document, contextValue: { who: 'x' } })) as AsyncIterableIterator<ExecutionResult>;
    expect((await take(x, 1))[0]).not.toBe((await take(y, 1))[0]);
    expect(f.resolved()).toBe(2);
    await Promise.all([x.return!(), y.return!()]);
    const bad = await subscribe({ schema: f.schema, document: parse('subscription { nope }') });
    expect((bad as ExecutionResult).errors?.[0]?.message).toMatch(/nope/);
  });
});
