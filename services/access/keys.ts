/**
 * API keys: `rgk_` + 32 random bytes (base64url), shown once and stored only as SHA-256.
 *
 * Why SHA-256 and not a slow KDF (scrypt, argon2): slow KDFs exist to make guessing low-entropy
 * passwords expensive. A key here is 256 bits from the OS CSPRNG: no dictionary exists, and even
 * at 10^12 hashes/s a brute force takes ~10^57 years, so a fast hash loses nothing and keeps
 * checking a key at about a microsecond per request. A leaked key file gives hashes, not keys.
 */
import { randomBytes } from 'node:crypto';
import { USER_SEGMENTS, type UserSegment } from '../../domain/user-value';
import { ErrorCode } from '../../errors/codes';
import { CodedError } from '../../errors/errors';
import { sha256Hex } from '../partners';

/** The stored form of a key: the partners file's SHA-256, one definition for both. */
export { sha256Hex };
import type { AccessDb } from './db';
import { isRole, type Role } from './scopes';

export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** Segment entitlements of a partner key; null for other roles. */
  readonly segments: readonly UserSegment[] | null;
  readonly createdAt: string;
  readonly rotatedAt: string | null;
  readonly revokedAt: string | null;
}

/** A record plus its secret: returned once by create and rotate, never stored. */
export interface IssuedKey {
  readonly key: ApiKeyRecord;
  readonly secret: string;
}

export function newSecret(): string {
  return `rgk_${randomBytes(32).toString('base64url')}`;
}

const NAME = /^[A-Za-z0-9._:-]{1,64}$/;

interface Row {
  id: string;
  name: string;
  role: string;
  segments: string | null;
  key_sha256: string;
  created_at: string;
  rotated_at: string | null;
  revoked_at: string | null;
}

export function toRecord(r: Row): ApiKeyRecord {
  if (!isRole(r.role)) throw new CodedError(ErrorCode.CONFIG_INVALID, `access database: key ${r.id} has unknown role "${r.role}"`, { field: 'role' });
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    segments: r.segments === null ? null : (JSON.parse(r.segments) as UserSegment[]),
    createdAt: r.created_at,
    rotatedAt: r.rotated_at,
    revokedAt: r.revoked_at,
  };
}

const bad = (field: string, message: string): CodedError => new CodedError(ErrorCode.BAD_USER_INPUT, `${field}: ${message}`, { field });

/** Check a role and its segments: a partner key needs at least one segment, other roles take none. */
export function checkRoleSegments(role: unknown, segments: readonly string[] | undefined): { role: Role; segments: UserSegment[] | null } {
  if (!isRole(role)) throw bad('role', `must be one of frontend, ingest, analyst, admin, partner, monitor (got ${JSON.stringify(role)})`);
  if (role !== 'partner') {
    if (segments !== undefined && segments.length > 0) throw bad('segments', 'only partner keys have segments');
    return { role, segments: null };
  }
  if (segments === undefined || segments.length === 0) throw bad('segments', `a partner key needs at least one of ${USER_SEGMENTS.join(', ')}`);
  for (const [i, s] of segments.entries()) {
    if (!(USER_SEGMENTS as readonly string[]).includes(s)) throw bad(`segments[${i}]`, `must be one of ${USER_SEGMENTS.join(', ')} (got ${JSON.stringify(s)})`);
  }
  return { role, segments: [...new Set(segments as UserSegment[])] };
}

export interface KeyStore {
  create(opts: { name: string; role: string; segments?: readonly string[] }): IssuedKey;
  /** Store a key whose secret is held elsewhere (a PARTNERS_FILE entry): the hash only. */
  importHash(opts: { name: string; role: string; segments?: readonly string[]; keySha256: string }): ApiKeyRecord;
  list(opts?: { includeRevoked?: boolean }): ApiKeyRecord[];
  /** A new secret for the same id, name and role; the old secret stops working at once. */
  rotate(id: string): IssuedKey;
  revoke(id: string): ApiKeyRecord;
  count(): number;
}

export function createKeyStore(db: AccessDb, clock: () => number = Date.now): KeyStore {
  const insert = db.prepare('INSERT INTO api_keys (id, name, role, segments, key_sha256, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  const byId = db.prepare('SELECT * FROM api_keys WHERE id = ?');
  const now = (): string => new Date(clock()).toISOString();
  const live = (id: string): Row => {
    const row = byId.get(id) as Row | undefined;
    if (row === undefined) throw new CodedError(ErrorCode.NOT_FOUND, `no API key with id "${id}"`, { field: 'id' });
    if (row.revoked_at !== null) throw new CodedError(ErrorCode.BAD_USER_INPUT, `API key ${id} was revoked at ${row.revoked_at}`, { field: 'id' });
    return row;
  };
  const add = (name: string, role: string, segments: readonly string[] | undefined, hash: string): ApiKeyRecord => {
    if (!NAME.test(name)) throw bad('name', 'must be 1-64 characters of A-Z a-z 0-9 . _ : -');
    const checked = checkRoleSegments(role, segments);
    const id = `k_${randomBytes(6).toString('hex')}`;
    try {
      insert.run(id, name, checked.role, checked.segments === null ? null : JSON.stringify(checked.segments), hash, now());
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw bad('keySha256', 'this key is already stored');
      throw err;
    }
    return toRecord(byId.get(id) as Row);
  };
  return {
    create({ name, role, segments }) {
      const secret = newSecret();
      return { key: add(name, role, segments, sha256Hex(secret)), secret };
    },
    importHash({ name, role, segments, keySha256 }) {
      if (!/^[0-9a-fA-F]{64}$/.test(keySha256)) throw bad('keySha256', 'must be 64 hex characters');
      return add(name, role, segments, keySha256.toLowerCase());
    },
    list(opts = {}) {
      const rows = db.prepare(`SELECT * FROM api_keys ${opts.includeRevoked ? '' : 'WHERE revoked_at IS NULL'} ORDER BY created_at, id`).all() as Row[];
      return rows.map(toRecord);
    },
    rotate(id) {
      live(id);
      const secret = newSecret();
      db.prepare('UPDATE api_keys SET key_sha256 = ?, rotated_at = ? WHERE id = ?').run(sha256Hex(secret), now(), id);
      return { key: toRecord(byId.get(id) as Row), secret };
    },
    revoke(id) {
      live(id);
      db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ?').run(now(), id);
      return toRecord(byId.get(id) as Row);
    },
    count() {
      return db.prepare('SELECT count(*) FROM api_keys').pluck().get() as number;
    },
  };
}

/** Every live key's hash and record, for the gateway's in-memory index. */
export function loadLiveKeys(db: AccessDb): Array<{ hash: string; key: ApiKeyRecord }> {
  const rows = db.prepare('SELECT * FROM api_keys WHERE revoked_at IS NULL').all() as Row[];
  return rows.map((r) => ({ hash: r.key_sha256, key: toRecord(r) }));
}
