import { createAuditLog, summarise } from './audit';
import { openAccess } from './access';
import { bootstrapKeys } from './bootstrap';
import { openAccessDb } from './db';
import { createKeyStore, sha256Hex } from './keys';

describe('key store (in-memory SQLite)', () => {
  const db = openAccessDb(':memory:');
  afterAll(() => db.close());
  const store = createKeyStore(db, () => Date.parse('2026-12-01T00:00:00Z'));

  it('issues a 256-bit secret once and stores only its SHA-256', () => {
    const { key, secret } = store.create({ name: 'web', role: 'frontend' });
    expect(secret).toMatch(/^rgk_[A-Za-z0-9_-]{43}$/);
    expect(key).toMatchObject({ name: 'web', role: 'frontend', segments: null, revokedAt: null, createdAt: '2026-12-01T00:00:00.000Z' });
    const row = db.prepare('SELECT * FROM api_keys WHERE id = ?').get(key.id) as Record<string, unknown>;
    expect(row.key_sha256).toBe(sha256Hex(secret));
    expect(JSON.stringify(row)).not.toContain(secret.slice(4));
  });

  it('refuses bad roles, names and partner segments, naming the field', () => {
    expect(() => store.create({ name: 'x', role: 'root' })).toThrow(/role: must be one of/);
    expect(() => store.create({ name: 'bad name', role: 'frontend' })).toThrow(/name:/);
    expect(() => store.create({ name: 'p', role: 'partner' })).toThrow(/segments: a partner key needs/);
    expect(() => store.create({ name: 'p', role: 'partner', segments: ['vip'] })).toThrow(/segments\[0\]/);
    expect(() => store.create({ name: 'w', role: 'frontend', segments: ['dormant'] })).toThrow(/only partner keys/);
    expect(store.create({ name: 'acme', role: 'partner', segments: ['dormant', 'dormant', 'at-risk'] }).key.segments).toEqual(['dormant', 'at-risk']);
  });

  it('rotates (same id, new secret) and revokes; a revoked key cannot be rotated', () => {
    const first = store.create({ name: 'job', role: 'ingest' });
    const rotated = store.rotate(first.key.id);
    expect(rotated.key.id).toBe(first.key.id);
    expect(rotated.secret).not.toBe(first.secret);
    expect(rotated.key.rotatedAt).not.toBeNull();
    expect(store.revoke(first.key.id).revokedAt).not.toBeNull();
    expect(store.list().map((k) => k.id)).not.toContain(first.key.id);
    expect(store.list({ includeRevoked: true }).map((k) => k.id)).toContain(first.key.id);
    expect(() => store.rotate(first.key.id)).toThrow(/revoked/);
    expect(() => store.revoke('k_nope')).toThrow(/no API key/);
  });
});

describe('authenticate on one connection', () => {
  it('sees its own create/rotate/revoke at once, and folds PARTNERS_FILE keys in as partners', () => {
    const access = openAccess({ dbPath: ':memory:', partners: { size: 1, authenticate: (k) => (k === 'legacy-key' ? { id: 'acme', segments: ['dormant'] } : null) } });
    try {
      const { key, secret } = access.keys.create({ name: 'web', role: 'frontend' });
      expect(access.authenticate(secret)).toMatchObject({ keyId: key.id, role: 'frontend', partner: null });
      expect([...access.authenticate(secret)!.scopes].sort()).toEqual(['catalog:read', 'feed:read']);
      const next = access.keys.rotate(key.id).secret;
      expect(access.authenticate(secret)).toBeNull();
      expect(access.authenticate(next)?.keyId).toBe(key.id);
      access.keys.revoke(key.id);
      expect(access.authenticate(next)).toBeNull();
      expect(access.authenticate(undefined)).toBeNull();
      expect(access.authenticate('x'.repeat(10_000))).toBeNull();
      expect(access.authenticate('legacy-key')).toMatchObject({ keyId: 'partner:acme', role: 'partner', partner: { id: 'acme', segments: ['dormant'] } });
    } finally {
      access.close();
    }
  });

  it('AUTH=off acts as a development principal with every scope, for any or no key', () => {
    const access = openAccess({ dbPath: ':memory:', disabled: true });
    expect(access.authenticate(undefined)).toMatchObject({ role: 'development' });
    expect(access.authenticate(undefined)!.scopes.has('experiments:write')).toBe(true);
    access.close();
  });
});

describe('bootstrap and audit', () => {
  it('creates an admin and a frontend key on first start only, and audits both', () => {
    const access = openAccess({ dbPath: ':memory:' });
    const first = bootstrapKeys(access.keys, access.audit);
    expect(first?.admin.key.role).toBe('admin');
    expect(first?.frontend.key.role).toBe('frontend');
    expect(access.authenticate(first!.admin.secret)?.role).toBe('admin');
    access.keys.revoke(first!.admin.key.id);
    access.keys.revoke(first!.frontend.key.id);
    expect(bootstrapKeys(access.keys, access.audit)).toBeNull();
    expect(access.audit.page(10).map((e) => [e.keyId, e.action])).toEqual([
      ['bootstrap', 'keys.create'],
      ['bootstrap', 'keys.create'],
    ]);
    access.close();
  });

  it('summarises arguments: lists by count, long strings cut, nesting bounded', () => {
    expect(summarise({ events: [1, 2, 3], id: 'e1', input: { name: 'x'.repeat(300), variants: [{}, {}], deep: { deeper: { a: 1 } } } })).toEqual({
      events: { count: 3 },
      id: 'e1',
      input: { name: `${'x'.repeat(200)}…`, variants: { count: 2 }, deep: { deeper: '{…}' } },
    });
  });

  it('pages oldest first after a cursor', () => {
    const db = openAccessDb(':memory:');
    const log = createAuditLog(db);
    for (let i = 0; i < 5; i++) log.append({ keyId: 'k', keyName: 'n', role: 'admin' }, `a${i}`, {}, 'ok');
    expect(log.page(2).map((e) => e.action)).toEqual(['a0', 'a1']);
    expect(log.page(10, log.page(2)[1]!.seq).map((e) => e.action)).toEqual(['a2', 'a3', 'a4']);
    db.close();
  });
});
