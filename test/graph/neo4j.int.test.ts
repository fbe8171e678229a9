/**
 * The GraphStore conformance suite against Neo4j, when NEO4J_URI is set (NEO4J_USER and
 * NEO4J_PASSWORD default to neo4j/neo4j; NEO4J_DATABASE to the server default).
 * WARNING: before every test this deletes all User, Item, Query, Category, Term and Event nodes
 * of that database. Point it at a throwaway database.
 */
import neo4j from 'neo4j-driver';
import { createNeo4jGraphStore } from '../../graph/neo4j';
import { describeGraphStoreConformance, reopenableHarness } from '../../graph/conformance';
import { ErrorCode } from '../../errors/codes';

const uri = process.env.NEO4J_URI;

test('an unreachable Neo4j is reported as STORE_UNAVAILABLE', async () => {
  // Port 1 on loopback: nothing listens there, the connection is refused at once.
  await expect(createNeo4jGraphStore({ uri: 'bolt://127.0.0.1:1', user: 'neo4j', password: 'x' })).rejects.toMatchObject({
    code: ErrorCode.STORE_UNAVAILABLE,
  });
});

if (uri === undefined || uri === '') {
  console.warn('neo4j conformance skipped: NEO4J_URI is not set (set NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD to run it)');
  test('neo4j conformance needs NEO4J_URI', () => {
    expect(process.env.NEO4J_URI ?? '').toBe('');
  });
} else {
  const user = process.env.NEO4J_USER ?? 'neo4j';
  const password = process.env.NEO4J_PASSWORD ?? 'neo4j';
  const database = process.env.NEO4J_DATABASE;
  const opts = { uri, user, password, statsHalfLifeMs: 3600 * 1000, ...(database ? { database } : {}) };

  const wipe = async (): Promise<void> => {
    const driver = neo4j.driver(uri, neo4j.auth.basic(user, password));
    const session = driver.session(database ? { database } : {});
    try {
      await session.run('MATCH (n) WHERE n:User OR n:Item OR n:Query OR n:Category OR n:Term OR n:Event DETACH DELETE n');
    } finally {
      await session.close();
      await driver.close();
    }
  };

  describeGraphStoreConformance('neo4j', async () => {
    await wipe();
    return reopenableHarness(async () => {
      const store = await createNeo4jGraphStore(opts);
      await store.migrate();
      return store;
    });
  });
}
