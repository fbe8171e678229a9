/** A throwing, hanging or invalid scorer degrades the feed over HTTP; it never breaks it. */
import { parseStrategy } from '../pipeline/strategy';
import { createCommercialScorer } from '../plugins/baseline';
import { defineScorer, type ScorerPlugin } from '../plugins/sdk/contract';
import { FeedDocument, RecordEventsDocument } from './generated/graphql';
import { startTestGateway, type TestGateway } from './support/gateway';

const bad = (id: string, score: (n: number) => Promise<Float32Array>): ScorerPlugin =>
  defineScorer({
    id: id as `${string}/${string}`,
    version: '0.1.0',
    features: ['item.stats'] as const,
    timeoutMs: 40,
    async setup() {
      return { score: ({ itemIds }) => score(itemIds.length) };
    },
  }) as ScorerPlugin;

const throws = bad('faulty/throws', async () => {
  throw new Error('model exploded');
});
const hangs = bad('faulty/hangs', () => new Promise(() => {}));
const wrongLength = bad('faulty/short', async (n) => new Float32Array(Math.max(0, n - 1)));
const nan = bad('faulty/nan', async (n) => new Float32Array(n).fill(Number.NaN));

async function seed(t: TestGateway): Promise<void> {
  const ts = new Date(Date.now() - 60_000).toISOString();
  const events = Array.from({ length: 30 }, (_, k) => ({ eventId: `d${k}`, userId: `u${k % 4}`, type: k % 5 === 0 ? 'purchase' : 'view', itemId: `i${k % 9}`, ts, value: k % 5 === 0 ? 20 : 0 }));
  const res = await t.gql(RecordEventsDocument, { events });
  expect(res.data?.recordEvents.accepted).toBe(30);
}

describe('failure isolation through the gateway', () => {
  let t: TestGateway;
  afterEach(() => t?.stop());

  it('drops a throwing, a hanging, a short and a NaN scorer, and still ranks with the good one', async () => {
    t = await startTestGateway({
      plugins: [createCommercialScorer() as ScorerPlugin, throws, hangs, wrongLength, nan],
      strategy: parseStrategy({
        id: 'chaos',
        scorers: [
          { id: 'baseline/commercial', weight: 1 },
          { id: 'faulty/throws', weight: 1 },
          { id: 'faulty/hangs', weight: 1 },
          { id: 'faulty/short', weight: 1 },
          { id: 'faulty/nan', weight: 1 },
        ],
      }),
    });
    await seed(t);
    const started = Date.now();
    const { data, errors } = await t.gql(FeedDocument, { userId: 'u1' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(errors).toBeUndefined();
    const feed = data!.feed;
    expect(feed.items.length).toBeGreaterThan(0);
    expect(Object.fromEntries(feed.degraded.map((d) => [d.scorerId, d.code]))).toEqual({
      'faulty/throws': 'SCORER_FAILED',
      'faulty/hangs': 'SCORER_TIMEOUT',
      'faulty/short': 'SCORER_BAD_OUTPUT',
      'faulty/nan': 'SCORER_BAD_OUTPUT',
    });
    for (const item of feed.items) {
      expect(item.contributions).toHaveLength(1);
      expect(item.contributions[0]).toMatchObject({ scorerId: 'baseline/commercial', weight: 1 });
    }
    const metrics = await (await t.get('/metrics')).text();
    expect(metrics).toMatch(/recgate_scorer_degraded_total\{scorer="faulty\/hangs",version="0.1.0",code="SCORER_TIMEOUT"\} 1/);
  });

  it('when every scorer fails the feed falls back to retrieval order, never empty', async () => {
    t = await startTestGateway({
      plugins: [throws, hangs],
      strategy: parseStrategy({
        id: 'doomed',
        scorers: [
          { id: 'faulty/throws', weight: 1 },
          { id: 'faulty/hangs', weight: 1 },
        ],
      }),
    });
    await seed(t);
    const { data, errors } = await t.gql(FeedDocument, { userId: 'u2', limit: 5 });
    expect(errors).toBeUndefined();
    expect(data!.feed.items).toHaveLength(5);
    expect(data!.feed.degraded).toHaveLength(2);
    expect(data!.feed.items.every((i) => i.sources.includes('fallback'))).toBe(true);
  });

  it('refuses to start when the strategy names an unregistered scorer', async () => {
    await expect(startTestGateway({ plugins: [throws], strategy: parseStrategy({ scorers: [{ id: 'nobody/home', weight: 1 }] }) })).rejects.toMatchObject({ code: 'INVALID_STRATEGY' });
  });
});
