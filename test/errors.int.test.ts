/** Failures of the store surface as coded errors, masked outside development. */
import { FeedDocument, RecordEventsDocument } from './generated/graphql';
import { startTestGateway, type TestGateway } from './support/gateway';

describe('store failures at the edge', () => {
  let t: TestGateway;
  afterEach(() => t?.stop());

  it('a closed store gives STORE_UNAVAILABLE with a masked message, and acknowledges nothing', async () => {
    t = await startTestGateway();
    await t.store.close();
    const res = await t.gql(RecordEventsDocument, { events: [{ eventId: 'x1', userId: 'u', type: 'view', itemId: 'i', ts: new Date(Date.now() - 1000).toISOString() }] });
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]).toMatchObject({ message: 'The graph store is unavailable; nothing was acknowledged', extensions: { code: 'STORE_UNAVAILABLE' } });
    const feed = await t.gql(FeedDocument, { userId: 'u' });
    expect(feed.errors?.[0]?.extensions?.code).toBe('STORE_UNAVAILABLE');
    expect(JSON.stringify(feed.errors)).not.toMatch(/sqlite|stack|\.ts:/i);
  });

  it('in development the underlying message is shown', async () => {
    t = await startTestGateway({ env: { NODE_ENV: 'development' } });
    await t.store.close();
    const feed = await t.gql(FeedDocument, { userId: 'u' });
    expect(feed.errors?.[0]?.extensions?.code).toBe('STORE_UNAVAILABLE');
    expect(feed.errors?.[0]?.message).not.toBe('The graph store is unavailable; nothing was acknowledged');
  });
});
