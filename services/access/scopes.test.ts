import 'reflect-metadata';
import { getOperationAST, parse, type GraphQLObjectType } from 'graphql';
import { buildGatewaySchema } from '../../schema/build';
import { ROLE_SPEC as SPEC } from '../../test/support/access-spec';
import { firstForbidden, OPERATION_RULES, requiredScope, ROLE_SCOPES, ROLES, rootFields, type RootType } from './scopes';

const ROOTS: readonly RootType[] = ['Query', 'Mutation', 'Subscription'];

async function schemaRootFields(): Promise<string[]> {
  const schema = await buildGatewaySchema();
  const byName: Record<RootType, GraphQLObjectType | null | undefined> = { Query: schema.getQueryType(), Mutation: schema.getMutationType(), Subscription: schema.getSubscriptionType() };
  return ROOTS.flatMap((t) => Object.keys(byName[t]?.getFields() ?? {}).map((f) => `${t}.${f}`));
}

describe('operation rules', () => {
  it('has a rule for every root field of the generated schema, and none for a field that does not exist', async () => {
    const fields = await schemaRootFields();
    expect(fields.length).toBeGreaterThan(15);
    const missing = fields.filter((f) => requiredScope(f.split('.')[0] as RootType, f.split('.')[1]!) === undefined);
    expect(missing).toEqual([]);
    const ruled = ROOTS.flatMap((t) => Object.keys(OPERATION_RULES[t]).map((f) => `${t}.${f}`));
    expect(ruled.filter((f) => !fields.includes(f))).toEqual([]);
  });

  it('gives every role exactly the operations the spec lists, for every root field × every role', async () => {
    const fields = await schemaRootFields();
    for (const role of ROLES) {
      const allowed = fields.filter((f) => {
        const [type, field] = f.split('.') as [RootType, string];
        return firstForbidden(ROLE_SCOPES[role], type, [field]) === null;
      });
      expect({ role, allowed: allowed.sort() }).toEqual({ role, allowed: [...SPEC[role]].sort() });
    }
  });

  it('refuses a field with no rule, naming it', () => {
    expect(firstForbidden(ROLE_SCOPES.admin, 'Query', ['feed', 'somethingNew'])).toEqual({ field: 'somethingNew', scope: null });
    expect(firstForbidden(ROLE_SCOPES.frontend, 'Mutation', ['recordEvents'])).toEqual({ field: 'recordEvents', scope: 'events:write' });
  });
});

describe('rootFields', () => {
  const of = (source: string, name?: string) => {
    const doc = parse(source);
    return rootFields(doc, getOperationAST(doc, name)!);
  };
  it('finds root fields through aliases, fragments and inline fragments, skipping introspection', () => {
    expect(of('query { a: feed(userId: "u") { rank } ...F ... on Query { users { total } } __typename __schema { types { name } } } fragment F on Query { experiments { id } }')).toEqual({
      type: 'Query',
      fields: ['feed', 'experiments', 'users'],
      schema: true,
    });
  });
  it('reads the chosen operation of a multi-operation document', () => {
    expect(of('query Q { feed(userId: "u") { rank } } mutation M { startExperiment(id: "e") { id } }', 'M')).toEqual({ type: 'Mutation', fields: ['startExperiment'], schema: false });
  });
  it('terminates on a fragment cycle (validation rejects it later)', () => {
    expect(of('query { ...A } fragment A on Query { feed { rank } ...B } fragment B on Query { ...A }')).toEqual({ type: 'Query', fields: ['feed'], schema: false });
  });
});
