/**
 * Partner subscriptions through the real gateway: graphql-ws on the HTTP port (same /graphql
 * path), partner API keys from PARTNERS_FILE, entitlements, filters, argument errors, resume
 * from a cursor across a disconnect, expiry, and shutdown. Changes are appended straight to the
 * gateway's value-change log (the in-process adapter here; Redis in value-changes-redis.int).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { ValueChange } from '../domain/user-value';
import { sampleChange } from '../pubsub/conformance';
import { startTestGateway, type TestGateway } from './support/gateway';
import { subscribeValueChanges, writePartnersFile, type PartnerSubscription } from './support/partners';

const change = (userId: string, over: Partial<ValueChange>): ValueChange => sampleChange(0, { userId, ...over });

describe('userValueChanged over graphql-ws', () => {
  let dir: string;
  let t: TestGateway;
  let keys: Record<string, string>;
  const open: PartnerSubscription[] = [];
  const sub = (...args: Parameters<typeof subscribeValueChanges>): PartnerSubscription => {
    const s = subscribeValueChanges(...args);
    open.push(s);
    return s;
  };
  /** A cursor to subscribe after: every change appended later is then delivered, no race. */
  const baseline = async (): Promise<string> => (await t.gateway.valueChanges.append([change('baseline', { segment: 'new' })]))[0]!;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'partners-'));
    const p = writePartnersFile(dir, { acme: ['high-value'], globex: ['dormant', 'at-risk'], wide: ['new', 'latent-high-intent', 'high-value', 'at-risk', 'dormant'] });
    keys = p.keys;
    t = await startTestGateway({ env: { PARTNERS_FILE: p.file } });
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.dispose()));
  });
  afterAll(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('closes a connection without an API key with 4403', async () => {
    const s = sub(t.gateway.url, undefined);
    const end = await s.ended;
    expect(end.kind).toBe('error');
    expect(s.closeCode()).toBe(4403);
  });

  it('closes a connection with an unknown API key with 4403', async () => {
    const s = sub(t.gateway.url, `${keys.acme}x`);
    expect((await s.ended).kind).toBe('error');
    expect(s.closeCode()).toBe(4403);
  });

  it('serves HTTP on the same port and path while WebSocket subscriptions run', async () => {
    const after = await baseline();
    const s = sub(t.gateway.url, keys.acme, { after });
    const res = await t.raw('{ eventTypes }');
    expect(res.data?.eventTypes).toContain('purchase');
    await t.gateway.valueChanges.append([change('u-http', { segment: 'high-value' })]);
    expect((await s.waitFor(1)).map((c) => c.userId)).toEqual(['u-http']);
  });

  it('refuses queries and mutations over WebSocket (they go over HTTP)', async () => {
    const client = createClient({ url: t.gateway.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { apiKey: keys.acme }, retryAttempts: 0 });
    try {
      const errors = await new Promise<unknown>((resolve, reject) => {
        client.subscribe({ query: '{ eventTypes }' }, { next: () => reject(new Error('a query ran over WebSocket')), error: resolve, complete: () => reject(new Error('completed without an error')) });
      });
      expect(errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/send this query over HTTP/), extensions: { code: 'BAD_USER_INPUT' } })]);
    } finally {
      await client.dispose();
    }
  });

  it('delivers each partner only its entitled segments: a high-value partner never sees dormant', async () => {
    const after = await baseline();
    const acme = sub(t.gateway.url, keys.acme, { after });
    const globex = sub(t.gateway.url, keys.globex, { after });
    const cursors = await t.gateway.valueChanges.append([
      change('u1', { segment: 'high-value', previousSegment: 'dormant' }),
      change('u2', { segment: 'dormant', previousSegment: 'high-value' }),
      change('u3', { segment: 'high-value', previousSegment: 'high-value' }),
      change('u4', { segment: 'at-risk', previousSegment: 'dormant' }),
      change('u5', { segment: 'new', previousSegment: null }),
    ]);
    // The last change for either partner is the end marker: everything before it has been delivered.
    await t.gateway.valueChanges.append([change('end', { segment: 'high-value' }), change('end', { segment: 'dormant' })]);
    const a = await acme.waitFor(3);
    const g = await globex.waitFor(3);
    expect(a.map((c) => [c.userId, c.segment, c.previousSegment ?? null])).toEqual([
      ['u1', 'HIGH_VALUE', null], // was dormant: acme is not entitled to see that
      ['u3', 'HIGH_VALUE', 'HIGH_VALUE'],
      ['end', 'HIGH_VALUE', null],
    ]);
    expect(g.map((c) => [c.userId, c.segment, c.previousSegment ?? null])).toEqual([
      ['u2', 'DORMANT', null],
      ['u4', 'AT_RISK', 'DORMANT'],
      ['end', 'DORMANT', null],
    ]);
    expect(a.map((c) => c.cursor).slice(0, 2)).toEqual([cursors[0], cursors[2]]);
    const u1 = a[0]!;
    expect(u1).toMatchObject({ value: 10.125, previousValue: null, modelVersion: 'duve/value@1', reason: 'EVENT' });
    expect(new Date(u1.asOf).getTime()).toBe(Date.UTC(2026, 10, 22));
  });

  it('refuses a segment the partner is not entitled to with BAD_USER_INPUT naming it', async () => {
    const s = sub(t.gateway.url, keys.acme, { segment: ['HIGH_VALUE', 'DORMANT'] as never });
    expect((await s.ended).kind).toBe('complete');
    expect(s.resultErrors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'segment[1]' }) })]);
    expect(s.resultErrors[0]!.message).toMatch(/not entitled to "dormant"/);
  });

  it('narrows by segment, by minDelta (segment changes always pass) and by userIds', async () => {
    const after = await baseline();
    const bySegment = sub(t.gateway.url, keys.wide, { after, segment: ['AT_RISK'] as never });
    const byDelta = sub(t.gateway.url, keys.wide, { after, minDelta: 2 });
    const byUser = sub(t.gateway.url, keys.wide, { after, userIds: ['u-b', 'u-d'] });
    await t.gateway.valueChanges.append([
      change('u-a', { segment: 'high-value', previousSegment: 'high-value', delta: 1.5 }),
      change('u-b', { segment: 'high-value', previousSegment: 'high-value', delta: -2.5 }),
      change('u-c', { segment: 'at-risk', previousSegment: 'high-value', delta: 0.01 }),
      change('u-d', { segment: 'dormant', previousSegment: 'dormant', delta: 2 }),
      change('u-e', { segment: 'at-risk', previousSegment: 'at-risk', delta: 0 }),
    ]);
    await t.gateway.valueChanges.append([change('end', { segment: 'at-risk', previousSegment: 'new' })]);
    const ids = async (s: PartnerSubscription, n: number): Promise<string[]> => (await s.waitFor(n)).map((c) => c.userId);
    expect(await ids(bySegment, 3)).toEqual(['u-c', 'u-e', 'end']);
    expect(await ids(byDelta, 4)).toEqual(['u-b', 'u-c', 'u-d', 'end']);
    expect(await ids(byUser, 2)).toEqual(['u-b', 'u-d']);
  });

  it.each([
    ['a negative minDelta', 'minDelta', { minDelta: -1 }],
    ['empty userIds', 'userIds', { userIds: [] }],
    ['a blank user id', 'userIds[1]', { userIds: ['u-1', ' '] }],
    ['a malformed cursor', 'after', { after: 'yesterday' }],
  ])('rejects %s with BAD_USER_INPUT naming %s', async (_label, field, variables) => {
    const s = sub(t.gateway.url, keys.wide, variables);
    expect((await s.ended).kind).toBe('complete');
    expect(s.changes).toEqual([]);
    expect(s.resultErrors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) })]);
  });

  it('resumes from the last cursor after a disconnect with exactly the changes missed', async () => {
    const after = await baseline();
    const first = sub(t.gateway.url, keys.acme, { after });
    const before = await t.gateway.valueChanges.append([change('r1', { segment: 'high-value' }), change('r2', { segment: 'high-value' })]);
    const got = await first.waitFor(2);
    expect(got.map((c) => c.cursor)).toEqual(before);
    await first.dispose();
    const missed = await t.gateway.valueChanges.append([change('r3', { segment: 'high-value' }), change('r4', { segment: 'dormant' }), change('r5', { segment: 'high-value' })]);
    const second = sub(t.gateway.url, keys.acme, { after: got[1]!.cursor });
    const [live] = await t.gateway.valueChanges.append([change('r6', { segment: 'high-value' })]);
    const resumed = await second.waitFor(3);
    await new Promise((r) => setTimeout(r, 50));
    expect(resumed.map((c) => c.cursor)).toEqual([missed[0], missed[2], live]);
    expect(resumed.map((c) => c.userId)).toEqual(['r3', 'r5', 'r6']);
  });

  it('delivers to a subscription without a cursor every change appended once it is live', async () => {
    const s = sub(t.gateway.url, keys.acme);
    // No cursor: probe until the subscription is live, then everything after is delivered.
    for (let i = 0; s.changes.length === 0; i++) {
      if (i > 200) throw new Error('the subscription never went live');
      await t.gateway.valueChanges.append([change('probe', { segment: 'high-value' })]);
      await new Promise((r) => setTimeout(r, 10));
    }
    const cursors = await t.gateway.valueChanges.append([change('live-1', { segment: 'high-value' }), change('live-2', { segment: 'high-value' })]);
    const n = s.changes.length;
    await s.waitFor(n + 2);
    const tail = s.changes.filter((c) => c.userId !== 'probe');
    expect(tail.map((c) => c.cursor)).toEqual(cursors);
  });
});

describe('userValueChanged: retention and shutdown', () => {
  it('fails an expired cursor with CURSOR_EXPIRED, and closes partner sockets on stop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'partners-'));
    const { file, keys } = writePartnersFile(dir, { acme: ['high-value'] });
    // 0.0002 h = 720 ms of retention.
    const t = await startTestGateway({ env: { PARTNERS_FILE: file, VALUE_CHANGE_RETENTION_HOURS: '0.0002' } });
    const subs: PartnerSubscription[] = [];
    try {
      const [old] = await t.gateway.valueChanges.append([change('old', { segment: 'high-value' })]);
      await new Promise((r) => setTimeout(r, 800));
      const [recent] = await t.gateway.valueChanges.append([change('recent', { segment: 'high-value' })]);
      const expired = subscribeValueChanges(t.gateway.url, keys.acme, { after: old });
      subs.push(expired);
      expect((await expired.ended).kind).toBe('complete');
      expect(expired.resultErrors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'CURSOR_EXPIRED', field: 'after' }) })]);

      const live = subscribeValueChanges(t.gateway.url, keys.acme, { after: recent });
      subs.push(live);
      await t.gateway.valueChanges.append([change('next', { segment: 'high-value' })]);
      expect((await live.waitFor(1)).map((c) => c.userId)).toEqual(['next']);
      await t.stop();
      await live.ended;
      expect(live.closeCode()).toBe(1001);
    } finally {
      await Promise.all(subs.map((s) => s.dispose()));
      await t.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
