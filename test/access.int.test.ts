/**
 * Access control through the real gateway: 401 without or with an unknown/revoked key (before the
 * body is read), 403 naming the operation and its scope, every role × every root field over HTTP,
 * rotation and revocation by the `keys` CLI taking effect without a restart, /metrics and
 * /healthz, the audit log, graphql-ws keys, and the AUTH=off development opt-in.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGatewaySchema } from '../schema/build';
import { getNamedType, isLeafType, isNonNullType, type GraphQLField, type GraphQLObjectType } from 'graphql';
import { keysCommand } from '../cli/keys-command';
import { loadConfig } from '../config/config';
import { openAccess } from '../services/access/access';
import { sha256Hex } from '../services/access/keys';
import { openKeyAdmin } from '../services/access/manage';
import { ROLES, type Role } from '../services/access/scopes';
import { ROLE_SPEC } from './support/access-spec';
import { startTestGateway, type TestGateway } from './support/gateway';
import { subscribeValueChanges, type PartnerSubscription } from './support/partners';
import { sampleChange } from '../pubsub/conformance';

const post = (t: TestGateway, body: string, headers: Record<string, string>) => fetch(t.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
const json = async (res: Response) => (await res.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };

/** Run the `keys` CLI in-process against the gateway's access database (a separate connection, as from another process). */
async function cli(t: TestGateway, ...args: string[]): Promise<string> {
  let out = '';
  await keysCommand(
    () => join(t.dir, 'access.db'),
    (s) => (out += s),
  ).parseAsync(args, { from: 'user' });
  return out;
}
const secretIn = (out: string): string => /(rgk_[A-Za-z0-9_-]{43})/.exec(out)![1]!;
const idIn = (out: string): string => /^(k_[0-9a-f]{12})/m.exec(out)![1]!;

describe('API keys on HTTP', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('answers 401 UNAUTHENTICATED without a key, before reading the body', async () => {
    const res = await post(t, '{"query": "{ eventTypes }"', {});
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="recgate"');
    const body = await json(res);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.errors?.[0]?.message).toContain('Authorization: Bearer');
  });

  it('answers 401 for an unknown key and for a non-Bearer Authorization; accepts x-api-key', async () => {
    const attempts: Array<Record<string, string>> = [{ authorization: 'Bearer rgk_unknown' }, { authorization: `Basic ${t.adminKey}` }, { 'x-api-key': 'nope' }];
    for (const headers of attempts) {
      const res = await post(t, JSON.stringify({ query: '{ eventTypes }' }), headers);
      expect({ headers, status: res.status, code: (await json(res)).errors?.[0]?.extensions?.code }).toEqual({ headers, status: 401, code: 'UNAUTHENTICATED' });
    }
    const ok = await post(t, JSON.stringify({ query: '{ eventTypes }' }), { 'x-api-key': t.adminKey });
    expect(ok.status).toBe(200);
    expect(((await json(ok)).data as { eventTypes: string[] }).eventTypes).toContain('purchase');
  });

  it('answers 403 FORBIDDEN naming the operation and the scope it needs', async () => {
    const frontend = t.keyFor('frontend');
    const res = await post(t, JSON.stringify({ query: 'mutation { recordEvents(events: []) { accepted } }' }), { authorization: `Bearer ${frontend}` });
    expect(res.status).toBe(403);
    const err = (await json(res)).errors?.[0];
    expect(err?.extensions).toEqual({ code: 'FORBIDDEN', field: 'recordEvents', scope: 'events:write' });
    expect(err?.message).toBe("Mutation.recordEvents needs scope events:write (this key's role is frontend)");
    // One refused field refuses the whole operation: nothing runs.
    const mixed = await t.raw('{ feed(userId: "u1") { coldStart } experiments { id } }', undefined, { key: frontend });
    expect(mixed.data ?? null).toBeNull();
    expect(mixed.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'experiments', scope: 'experiments:read' });
  });

  it('shows the schema (introspection) to keys with schema:read only, whatever NODE_ENV says', async () => {
    const asKey = (key: string, query: string) => post(t, JSON.stringify({ query }), { authorization: `Bearer ${key}` });
    for (const role of ['frontend', 'analyst', 'ingest'] as const) {
      const res = await asKey(t.keyFor(role), 'query Q { ...S } fragment S on Query { __schema { queryType { name } } }');
      expect(res.status).toBe(403);
      expect((await json(res)).errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', field: '__schema', scope: 'schema:read' });
    }
    const typeProbe = await asKey(t.keyFor('frontend'), '{ __type(name: "Query") { name } }');
    expect(typeProbe.status).toBe(403);
    // __typename is not the schema: any key may ask for it.
    expect((await json(await asKey(t.keyFor('frontend'), '{ __typename }'))).data).toEqual({ __typename: 'Query' });
    const admin = await json(await asKey(t.adminKey, '{ __schema { queryType { name } } }'));
    expect(admin.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('enforces the spec for every role × every Query and Mutation field', async () => {
    const schema = await buildGatewaySchema();
    const roots: Array<[string, GraphQLObjectType]> = [
      ['query', schema.getQueryType()!],
      ['mutation', schema.getMutationType()!],
    ];
    const keys = new Map<Role, string>(ROLES.map((r) => [r, r === 'partner' ? t.keyFor(r, ['dormant']) : t.keyFor(r)]));
    const seen: string[] = [];
    for (const [op, type] of roots) {
      for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
        // Required arguments become variables that are never sent: authorization runs before
        // variables are coerced, so an allowed key gets BAD_USER_INPUT and nothing executes.
        const required = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
        const vars = required.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
        const args = required.map((a) => `${a.name}: $${a.name}`).join(', ');
        const leaf = isLeafType(getNamedType(field.type));
        const query = `${op}${vars ? `(${vars})` : ''} { ${field.name}${args ? `(${args})` : ''}${leaf ? '' : ' { __typename }'} }`;
        const name = `${type.name}.${field.name}`;
        seen.push(name);
        for (const role of ROLES) {
          const res = await post(t, JSON.stringify({ query }), { authorization: `Bearer ${keys.get(role)}` });
          const codes = ((await json(res)).errors ?? []).map((e) => e.extensions?.code);
          const allowed = ROLE_SPEC[role].includes(name);
          expect({ role, name, forbidden: codes.includes('FORBIDDEN'), status: res.status === 403 }).toEqual({ role, name, forbidden: !allowed, status: !allowed });
          expect({ role, name, codes: codes.filter((c) => c === 'UNAUTHENTICATED' || c === 'GRAPHQL_VALIDATION_FAILED') }).toEqual({ role, name, codes: [] });
        }
      }
    }
    expect(seen.length).toBeGreaterThanOrEqual(18);
  });

  it('applies `keys rotate` and `keys revoke` from another connection on the next request, without a restart', async () => {
    const created = await cli(t, 'create', '--role', 'frontend', '--name', 'web');
    const [id, first] = [idIn(created), secretIn(created)];
    expect((await t.raw('{ eventTypes }', undefined, { key: first })).data).toBeTruthy();
    expect(await cli(t, 'list')).toContain(id);
    expect(await cli(t, 'list')).not.toContain(first);
    const second = secretIn(await cli(t, 'rotate', id));
    expect((await t.raw('{ eventTypes }', undefined, { key: first })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await t.raw('{ eventTypes }', undefined, { key: second })).data).toBeTruthy();
    expect(await cli(t, 'revoke', id)).toContain('REVOKED');
    const res = await post(t, JSON.stringify({ query: '{ eventTypes }' }), { authorization: `Bearer ${second}` });
    expect(res.status).toBe(401);
    expect((await json(res)).errors?.[0]?.message).toBe('Unknown or revoked API key');
  });

  it('guards /metrics with metrics:read and keeps /healthz liveness open', async () => {
    expect((await t.get('/metrics', { key: null })).status).toBe(401);
    const forbidden = await t.get('/metrics', { key: t.keyFor('frontend') });
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { errors: Array<{ extensions: unknown }> }).errors[0]!.extensions).toEqual({ code: 'FORBIDDEN', scope: 'metrics:read' });
    const monitor = await t.get('/metrics', { key: t.keyFor('monitor') });
    expect(monitor.status).toBe(200);
    expect(await monitor.text()).toContain('recgate_events_total');
    const open = await t.get('/healthz', { key: null });
    expect(open.status).toBe(200);
    expect(await open.json()).toEqual({ status: 'ok' });
    expect(await (await t.get('/healthz', { key: t.keyFor('frontend') })).json()).toEqual({ status: 'ok' });
    const detail = (await (await t.get('/healthz', { key: t.keyFor('monitor') })).json()) as Record<string, unknown>;
    expect(detail).toMatchObject({ status: 'ok', store: 'embedded' });
    expect(detail.counts).toBeDefined();
  });

  it('writes every mutation to the audit log with its key; admins read it, others may not', async () => {
    const ingest = t.keyFor('ingest');
    const ingestId = t.gateway.access.keys.list().at(-1)!.id;
    const events = [1, 2, 3].map((i) => ({ eventId: `audit-${i}`, userId: 'au1', type: 'view', itemId: 'ai1', ts: new Date().toISOString() }));
    const rec = await t.raw('mutation($e: [EventInput!]!) { recordEvents(events: $e) { accepted } }', { e: events }, { key: ingest });
    expect(rec.errors).toBeUndefined();
    const bad = await t.raw('mutation { startExperiment(id: "nope") { id } }');
    expect(bad.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const q = '{ auditLog(first: 50) { entries { cursor keyId keyName role action detail outcome at } endCursor hasNextPage } }';
    expect((await t.raw(q, undefined, { key: t.keyFor('analyst') })).errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'auditLog', scope: 'audit:read' });
    const log = (await t.raw(q)).data as { auditLog: { entries: Array<Record<string, string>>; hasNextPage: boolean } };
    const mine = log.auditLog.entries.filter((e) => e.action === 'recordEvents' && e.keyId === ingestId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ role: 'ingest', outcome: 'ok', detail: '{"events":{"count":3}}' });
    expect(log.auditLog.entries.find((e) => e.action === 'startExperiment')).toMatchObject({ role: 'admin', keyName: 'test-admin', outcome: 'NOT_FOUND', detail: '{"id":"nope"}' });
    // CLI actions are in the same log, attributed to the operator.
    expect(log.auditLog.entries.some((e) => e.action === 'keys.revoke' && e.keyId === 'cli' && e.role === 'operator')).toBe(true);
    // Reads are not audited; paging reads on from endCursor.
    expect(log.auditLog.entries.some((e) => e.action === 'eventTypes')).toBe(false);
    const page = (await t.raw('{ auditLog(first: 1) { entries { cursor } endCursor hasNextPage } }')).data as { auditLog: { endCursor: string; hasNextPage: boolean } };
    expect(page.auditLog.hasNextPage).toBe(true);
    const next = (await t.raw(`{ auditLog(first: 1, after: "${page.auditLog.endCursor}") { entries { cursor } } }`)).data as { auditLog: { entries: Array<{ cursor: string }> } };
    expect(Number(next.auditLog.entries[0]!.cursor)).toBeGreaterThan(Number(page.auditLog.endCursor));
    // The largest page with every field fits the default query cost; one more is refused, naming `first`.
    expect((await t.raw(q.replace('first: 50', 'first: 100'))).errors).toBeUndefined();
    expect((await t.raw(q.replace('first: 50', 'first: 101'))).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    // `keys audit` exports the same rows as JSON lines.
    const exported = (await cli(t, 'audit'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { action: string; keyId: string });
    expect(exported.filter((e) => e.action === 'recordEvents' && e.keyId === ingestId)).toHaveLength(1);
  });
});

describe('API keys on graphql-ws', () => {
  let t: TestGateway;
  const open: PartnerSubscription[] = [];
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.dispose()));
  });
  afterAll(async () => {
    await t.stop();
  });
  const sub = (key: string | undefined, vars = {}): PartnerSubscription => {
    const s = subscribeValueChanges(t.gateway.url, key, vars);
    open.push(s);
    return s;
  };

  it('serves a store partner key its entitled segments only', async () => {
    const partner = t.keyFor('partner', ['dormant']);
    const after = (await t.gateway.valueChanges.append([sampleChange(0, { userId: 'base', segment: 'new' })]))[0]!;
    const s = sub(partner, { after });
    await t.gateway.valueChanges.append([sampleChange(1, { userId: 'w1', segment: 'high-value' }), sampleChange(2, { userId: 'w2', segment: 'dormant' })]);
    expect((await s.waitFor(1)).map((c) => c.userId)).toEqual(['w2']);
  });

  it('refuses a known key without values:subscribe with FORBIDDEN naming the field and scope', async () => {
    const s = sub(t.keyFor('frontend'));
    const end = await s.ended;
    expect(end.kind).toBe('error');
    const errors = (end as { error: Array<{ message: string; extensions?: Record<string, unknown> }> }).error;
    expect(errors[0]?.extensions).toEqual({ code: 'FORBIDDEN', field: 'userValueChanged', scope: 'values:subscribe' });
    expect(sub(t.adminKey) && (await open.at(-1)!.ended).kind).toBe('error');
  });

  it('closes with 4403 for a missing, unknown or revoked key', async () => {
    const partnerOut = await cli(t, 'create', '--role', 'partner', '--name', 'acme', '--segments', 'dormant');
    await cli(t, 'revoke', idIn(partnerOut));
    for (const key of [undefined, 'rgk_unknown', secretIn(partnerOut)]) {
      const s = sub(key);
      await s.ended;
      expect({ key, code: s.closeCode() }).toEqual({ key, code: 4403 });
    }
  });
});

describe('AUTH=off', () => {
  it('is refused outside NODE_ENV=development', () => {
    expect(() => loadConfig({ AUTH: 'off' })).toThrow(/AUTH=off is honoured only with NODE_ENV=development/);
    expect(() => loadConfig({ AUTH: 'off', NODE_ENV: 'production' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('serves every operation without a key in development', async () => {
    const t = await startTestGateway({ env: { AUTH: 'off', NODE_ENV: 'development' } });
    try {
      expect((await t.raw('{ eventTypes auditLog { entries { action } } }', undefined, { key: null })).errors).toBeUndefined();
      expect((await t.get('/metrics', { key: null })).status).toBe(200);
    } finally {
      await t.stop();
    }
  });
});

describe('keys CLI against a fresh file', () => {
  it('imports PARTNERS_FILE hashes as partner keys (the partners keep their keys)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keys-import-'));
    try {
      const file = join(dir, 'partners.json');
      writeFileSync(file, JSON.stringify({ partners: [{ id: 'acme', keySha256: sha256Hex('rgk_legacy'), segments: ['dormant'] }] }));
      const admin = openKeyAdmin(join(dir, 'access.db'), { keyId: 'cli', keyName: 'test', role: 'operator' });
      expect(admin.importPartners(file).imported.map((k) => [k.name, k.role, k.segments])).toEqual([['acme', 'partner', ['dormant']]]);
      expect(admin.importPartners(file)).toEqual({ imported: [], skipped: ['acme'] });
      admin.close();
      const access = openAccess({ dbPath: join(dir, 'access.db') });
      expect(access.authenticate('rgk_legacy')).toMatchObject({ role: 'partner', keyName: 'acme', partner: { segments: ['dormant'] } });
      access.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
