/**
 * STORE_FULL through the real server: with STORE_MAX_USERS=2, recordEvents stores what fits and
 * rejects per event the one naming a third user; /metrics counts the refusal and shows rows vs
 * ceiling; a gateway restarted on the full store boots and serves feeds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FeedDocument, RecordEventsDocument, type EventInput } from './generated/graphql';
import { startTestGateway } from './support/gateway';

const ts = (): string => new Date(Date.now() - 60_000).toISOString();
const ev = (eventId: string, userId: string, itemId: string): EventInput => ({ eventId, userId, itemId, type: 'click', ts: ts() });

describe('a full embedded store', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'recgate-full-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses growth per event with STORE_FULL, counts it in /metrics, and serves after a restart', async () => {
    const env = { DB_PATH: join(dir, 'store.db'), STORE_MAX_USERS: '2' };
    const first = await startTestGateway({ env });
    try {
      const res = await first.gql(RecordEventsDocument, { events: [ev('e1', 'u1', 'i1'), ev('e2', 'u1', 'i2'), ev('e3', 'u2', 'i1'), ev('e4', 'u3', 'i2'), ev('e5', 'u2', 'i3')] });
      expect(res.errors).toBeUndefined();
      expect(res.data?.recordEvents.accepted).toBe(4);
      expect(res.data?.recordEvents.rejected).toEqual([expect.objectContaining({ index: 3, eventId: 'e4', field: 'events[3].userId', code: 'STORE_FULL' })]);
      const metrics = await (await first.get('/metrics')).text();
      expect(metrics).toContain('recgate_store_refusals_total{full="users"} 1');
      expect(metrics).toContain('recgate_store_rows{kind="users"} 2');
      expect(metrics).toContain('recgate_store_ceiling_rows{kind="users"} 2');
    } finally {
      await first.stop();
    }
    const again = await startTestGateway({ env });
    try {
      const health = (await (await again.get('/healthz')).json()) as { counts: { users: number; events: number } };
      expect(health.counts).toMatchObject({ users: 2, events: 4 });
      const feed = await again.gql(FeedDocument, { userId: 'u2', limit: 5 });
      expect(feed.errors).toBeUndefined();
      expect(feed.data?.feed.coldStart).toBe(false);
      expect(feed.data?.feed.items.map((i) => i.itemId)).toContain('i2');
      const more = await again.gql(RecordEventsDocument, { events: [ev('e6', 'u9', 'i1'), ev('e7', 'u1', 'i3')] });
      expect(more.data?.recordEvents).toMatchObject({ accepted: 1, rejected: [expect.objectContaining({ eventId: 'e6', code: 'STORE_FULL' })] });
    } finally {
      await again.stop();
    }
  });
});
