/** The feed cost of a document (pure): literals, variables, defaults, fragments, merged keys. */
import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { feedCost } from './feed-cost';

const opts = { candidatesPerFeed: 200, defaultLimit: 10, maxLimit: 100 };
const cost = (doc: string, variables: Record<string, unknown> = {}): number => {
  const d = parse(doc);
  const op = d.definitions.find((x): x is OperationDefinitionNode => x.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(d.definitions.filter((x): x is FragmentDefinitionNode => x.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  return feedCost(op, fragments, variables, opts);
};

describe('feedCost', () => {
  it('is limit × candidates per feed field', () => {
    expect(cost('{ feed(userId: "u", limit: 100) { userId } }')).toBe(20_000);
    expect(cost('{ a: feed(userId: "u", limit: 7) { userId } b: feed(userId: "v", limit: 3) { userId } }')).toBe(2_000);
  });

  it('takes the limit from variables, else the default', () => {
    expect(cost('query($n: Int) { feed(userId: "u", limit: $n) { userId } }', { n: 50 })).toBe(10_000);
    expect(cost('query($n: Int) { feed(userId: "u", limit: $n) { userId } }')).toBe(2_000);
    expect(cost('{ feed(userId: "u") { userId } }')).toBe(2_000);
  });

  it('caps the limit at FEED_MAX_LIMIT (the resolver refuses more) and floors it at 1', () => {
    expect(cost('{ feed(userId: "u", limit: 100000) { userId } }')).toBe(20_000);
    expect(cost('{ feed(userId: "u", limit: -5) { userId } }')).toBe(200);
  });

  it('counts feeds inside fragments and inline fragments, once per response key', () => {
    expect(cost('{ ...F ... on Query { b: feed(userId: "v", limit: 100) { userId } } } fragment F on Query { a: feed(userId: "u", limit: 100) { userId } }')).toBe(40_000);
    expect(cost('{ feed(userId: "u", limit: 100) { userId } feed(userId: "u", limit: 100) { coldStart } }')).toBe(20_000);
    expect(cost('{ ...F ...F } fragment F on Query { feed(userId: "u", limit: 100) { userId } }')).toBe(20_000);
  });

  it('costs nothing outside queries and for other fields', () => {
    expect(cost('{ eventTypes }')).toBe(0);
    expect(cost('mutation { recordEvents(events: []) { accepted } }')).toBe(0);
  });
});
