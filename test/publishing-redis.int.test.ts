/**
 * Two gateways on one Redis share the published catalog: a scorer published and promoted on A is
 * served by B (which reads the model from Redis, not from A's disk), a rollback made on B is
 * served by A, each within a few change-log polls, and a request in flight during swaps always
 * sees one whole version.
 */
import { RecordEventsDocument } from './generated/graphql';
import { scaffoldLinearScorer } from '../publishing/scaffold';
import { startTestGateway, type TestGateway } from './support/gateway';

// Answers are checked field by field below: loosely typed on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
const gq = (
  t: TestGateway,
  query: string,
  variables?: Record<string, unknown>,
  opts?: { key?: string | null },
): Promise<{ data?: Loose; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }> => t.raw(query, variables, opts);
import { startRedis, type RunningRedis } from './support/redis';

const COLUMNS = ['log1p(item.stats.purchase.decayed)', 'log1p(item.stats.view)'];
const FEED = `query($u: String!) { feed(userId: $u) { items { contributions { scorerId version } } degraded { scorerId code } } }`;

async function seed(t: TestGateway): Promise<void> {
  const base = Date.now() - 3_600_000;
  const events = Array.from({ length: 120 }, (_, k) => ({
    eventId: `r${k}`,
    userId: `u${k % 6}`,
    itemId: `i${(k * 5) % 23}`,
    type: k % 4 === 0 ? 'purchase' : 'view',
    ts: new Date(base + k * 1000).toISOString(),
    value: k % 4 === 0 ? 5 : 0,
  }));
  expect((await t.gql(RecordEventsDocument, { events })).data?.recordEvents.accepted).toBe(120);
}

async function publish(t: TestGateway, version: string, weights: number[]): Promise<void> {
  const { manifest, modelBytes } = scaffoldLinearScorer({ id: 'acme/shared', columns: COLUMNS, weights, version });
  const res = await fetch(t.gateway.url.replace('/graphql', '/blobs'), { method: 'POST', headers: { ...t.headers(), 'content-type': 'application/octet-stream' }, body: modelBytes });
  const { sha256 } = (await res.json()) as { sha256: string };
  const r = await gq(t, `mutation($m: JSONObject!, $b: String!) { publishScorer(manifest: $m, model: $b, shadow: false) { id } }`, { m: manifest, b: sha256 });
  expect(r.errors).toBeUndefined();
}

/** The versions of acme/shared in one feed of `t`. */
async function served(t: TestGateway): Promise<string[]> {
  const r = await gq(t, FEED, { u: 'u1' });
  expect(r.errors).toBeUndefined();
  const items = r.data!.feed.items as Array<{ contributions: Array<{ scorerId: string; version: string }> }>;
  return [...new Set(items.flatMap((i) => i.contributions.filter((c) => c.scorerId === 'acme/shared').map((c) => c.version)))];
}

/** Poll until `t` serves exactly `want` (at most 10 s); returns how long it took (ms). */
async function until(t: TestGateway, want: string[]): Promise<number> {
  const started = Date.now();
  let got: string[] = [];
  while (Date.now() - started < 10_000) {
    got = await served(t);
    if (JSON.stringify(got) === JSON.stringify(want)) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`still serving ${JSON.stringify(got)} after 10 s, wanted ${JSON.stringify(want)}`);
}

describe('two gateways on one Redis share the published catalog', () => {
  let redis: RunningRedis;
  let a: TestGateway;
  let b: TestGateway;

  beforeAll(async () => {
    redis = await startRedis();
    const env = { REDIS_URL: redis.url, PUBLISHED_SYNC_MS: '200' };
    a = await startTestGateway({ env });
    b = await startTestGateway({ env });
    await seed(a);
    await seed(b);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await redis?.stop();
  });

  it('publishes on A and serves on B; rolls back on B and A follows', async () => {
    await publish(a, '1.0.0', [1, 0]);
    expect((await gq(a, `mutation { promoteScorer(id: "acme/shared") { live } }`)).data?.promoteScorer.live).toBe('1.0.0');
    const strategy = await gq(a, `mutation($s: JSONObject!) { publishStrategy(strategy: $s) { live } }`, {
      s: {
        id: 'default',
        scorers: [
          { id: 'baseline/commercial', weight: 0.5 },
          { id: 'acme/shared', weight: 0.5 },
        ],
      },
    });
    expect(strategy.data?.publishStrategy.live).toBe(1);
    expect(await served(a)).toEqual(['1.0.0']);
    const toB = await until(b, ['1.0.0']);
    expect(toB).toBeLessThan(5000);
    expect((await gq(b, `{ publishedScorers { id live versions { version loadedHere publishedBy } } }`)).data?.publishedScorers).toEqual([
      { id: 'acme/shared', live: '1.0.0', versions: [{ version: '1.0.0', loadedHere: true, publishedBy: 'test-admin' }] },
    ]);

    await publish(a, '1.1.0', [0, 1]);
    await gq(a, `mutation { promoteScorer(id: "acme/shared", version: "1.1.0") { live } }`);
    await until(b, ['1.1.0']);

    // A request in flight during swaps sees one whole version: every feed names exactly one.
    const inFlight = Array.from({ length: 40 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * 15));
      return served(i % 2 === 0 ? a : b);
    });
    const rollback = await gq(b, `mutation { rollbackScorer(id: "acme/shared") { live liveHistory } }`);
    expect(rollback.data?.rollbackScorer).toEqual({ live: '1.0.0', liveHistory: [] });
    for (const versions of await Promise.all(inFlight)) expect(versions.length).toBe(1);
    expect(await served(b)).toEqual(['1.0.0']);
    const toA = await until(a, ['1.0.0']);
    expect(toA).toBeLessThan(5000);
    const changes = (await gq(a, `{ catalogChanges { action version } }`)).data!.catalogChanges as Array<{ action: string; version: string }>;
    expect(changes.map((c) => `${c.action}@${c.version}`)).toEqual(['publish@1.0.0', 'promote@1.0.0', 'publish@1', 'publish@1.1.0', 'promote@1.1.0', 'rollback@1.0.0']);
  });
});
