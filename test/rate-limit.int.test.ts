/**
 * Per-key rate limits against a real gateway with tiny limits: 429 + Retry-After + RATE_LIMITED
 * past the burst, before the body is read; another key of the same role unaffected; served again
 * after the wait; /metrics, detailed /healthz and graphql-ws connects limited too; the refusals
 * counted by role.
 */
import { startTestGateway, type TestGateway } from './support/gateway';
import { subscribeValueChanges, type PartnerSubscription } from './support/partners';

const TINY = 'frontend=1/s:3,monitor=1/s:2,partner=1/s:1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('per-key rate limits', () => {
  let t: TestGateway;
  const open: PartnerSubscription[] = [];
  beforeAll(async () => {
    t = await startTestGateway({ env: { RATE_LIMITS: TINY } });
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.dispose()));
  });
  afterAll(async () => {
    await t.stop();
  });
  const post = (key: string, body = JSON.stringify({ query: '{ __typename }' })) => fetch(t.gateway.url, { method: 'POST', headers: t.headers({ key }), body });

  it('refuses requests past the burst with 429, Retry-After and RATE_LIMITED, before reading the body; serves again after the wait', async () => {
    const a = t.keyFor('frontend');
    const b = t.keyFor('frontend');
    for (let i = 0; i < 3; i++) expect((await post(a)).status).toBe(200);
    // An unreadable body: a 400 would mean the body was parsed; the limit answers first.
    const refused = await post(a, '{"query": ');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    const body = (await refused.json()) as { errors: Array<{ message: string; extensions: { code: string; retryAfterMs: number; limit: string; role: string } }> };
    expect(body.errors).toHaveLength(1);
    const ext = body.errors[0]!.extensions;
    expect(ext).toEqual({ code: 'RATE_LIMITED', retryAfterMs: expect.any(Number), limit: '1/s burst 3', role: 'frontend' });
    expect(ext.retryAfterMs).toBeGreaterThan(0);
    expect(ext.retryAfterMs).toBeLessThanOrEqual(1000);
    expect(body.errors[0]!.message).toMatch(/over its rate limit \(role frontend: 1\/s burst 3\); retry after 1 s/);
    // Another key of the same role has its own bucket.
    for (let i = 0; i < 3; i++) expect((await post(b)).status).toBe(200);
    // The admin key (its own role and bucket) still reads the refusal count.
    await sleep(ext.retryAfterMs + 20);
    expect((await post(a)).status).toBe(200);
    expect((await post(a)).status).toBe(429);
    const metrics = await (await t.get('/metrics')).text();
    expect(metrics).toMatch(/^recgate_access_rate_limited_total\{role="frontend"\} 2$/m);
  });

  it('limits /metrics and the detailed /healthz per key; liveness without a key is never limited', async () => {
    const monitor = t.keyFor('monitor');
    expect((await t.get('/metrics', { key: monitor })).status).toBe(200);
    expect((await t.get('/healthz', { key: monitor })).status).toBe(200);
    const metrics = await t.get('/metrics', { key: monitor });
    expect(metrics.status).toBe(429);
    expect(((await metrics.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('RATE_LIMITED');
    const health = await t.get('/healthz', { key: monitor });
    expect(health.status).toBe(429);
    expect(health.headers.get('retry-after')).toBe('1');
    for (let i = 0; i < 10; i++) expect(await (await t.get('/healthz', { key: null })).json()).toEqual({ status: 'ok' });
  });

  it('closes a graphql-ws connect past the limit with 1013 and a RATE_LIMITED reason', async () => {
    const partner = t.keyFor('partner', ['dormant']);
    const first = subscribeValueChanges(t.gateway.url, partner);
    open.push(first);
    await sleep(300); // connected and acknowledged before the second connect
    const second = subscribeValueChanges(t.gateway.url, partner);
    open.push(second);
    const end = await second.ended;
    expect(end.kind).toBe('error');
    expect(second.closeCode()).toBe(1013);
    expect((end as { error: { reason?: string } }).error.reason).toMatch(/^RATE_LIMITED: retry after 1 s \(1\/s burst 1\)$/);
    // The first connection was served: it is still open (no end yet).
    const raced = await Promise.race([first.ended.then(() => 'ended'), sleep(200).then(() => 'open')]);
    expect(raced).toBe('open');
  });
});
