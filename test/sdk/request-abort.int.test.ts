/** A client that goes away aborts the scorers still working for it (ScoreRequest.signal), long before their deadline. */
import { print } from 'graphql';
import { parseStrategy } from '../../pipeline/strategy';
import { defineScorer } from '../../plugins/sdk';
import { FeedDocument, RecordEventsDocument } from '../generated/graphql';
import { startTestGateway, type TestGateway } from '../support/gateway';

describe('the request signal reaches the scorer', () => {
  let t: TestGateway;
  afterEach(() => t?.stop());

  it('aborts a slow scorer when the client disconnects', async () => {
    let started!: () => void;
    const scoring = new Promise<void>((resolve) => (started = resolve));
    const seen: { aborted: boolean; reason: string; afterMs: number }[] = [];
    const slow = defineScorer({
      id: 'test/slow',
      version: '1.0.0',
      features: [] as const,
      timeoutMs: 20_000,
      async setup() {
        return {
          score: ({ itemIds, signal }) =>
            new Promise<Float32Array>((resolve) => {
              const t0 = performance.now();
              started();
              signal.addEventListener('abort', () => {
                seen.push({ aborted: signal.aborted, reason: (signal.reason as Error).message, afterMs: performance.now() - t0 });
                resolve(new Float32Array(itemIds.length));
              });
            }),
        };
      },
    });
    t = await startTestGateway({ plugins: [slow], strategy: parseStrategy({ id: 'slow', scorers: [{ id: 'test/slow', weight: 1 }] }) });
    const ts = new Date(Date.now() - 60_000).toISOString();
    const events = Array.from({ length: 6 }, (_, k) => ({ eventId: `a${k}`, userId: `u${k % 2}`, type: 'view', itemId: `i${k % 3}`, ts }));
    expect((await t.gql(RecordEventsDocument, { events })).data?.recordEvents.accepted).toBe(6);

    const client = new AbortController();
    const request = fetch(t.gateway.url, { method: 'POST', headers: t.headers(), body: JSON.stringify({ query: print(FeedDocument), variables: { userId: 'u0' } }), signal: client.signal });
    await scoring;
    client.abort();
    await expect(request).rejects.toThrow();
    for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ aborted: true, reason: 'the client went away before the answer' });
    expect(seen[0]!.afterMs).toBeLessThan(5_000);
  });
});
