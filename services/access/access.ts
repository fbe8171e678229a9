/**
 * Access control of one gateway: who holds a request's key (authenticate), what it may do
 * (scopes), and where writes are recorded (audit). Keys live hashed in the access database
 * (services/access/db.ts); PARTNERS_FILE keys are folded in as role `partner` with their segments.
 *
 * Lookup: the presented key is hashed once and looked up by hash, then the stored and computed
 * hashes are compared with `timingSafeEqual`. Timing can only reveal something about the hash of
 * the attacker's own guess, which says nothing about any stored key (SHA-256 preimage resistance).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { USER_SEGMENTS } from '../../domain/user-value';
import type { Partner, PartnerDirectory } from '../partners';
import { createAuditLog, type AuditLog } from './audit';
import { dataVersionReader, openAccessDb, type AccessDb } from './db';
import { createKeyStore, loadLiveKeys, type KeyStore } from './keys';
import { ROLE_SCOPES, SCOPES, type Role, type Scope } from './scopes';

/** The holder of a request's key. */
export interface Principal {
  readonly keyId: string;
  readonly keyName: string;
  readonly role: Role | 'development';
  readonly scopes: ReadonlySet<Scope>;
  /** Set for partner keys: the segments it is entitled to. */
  readonly partner: Partner | null;
}

export interface AccessOptions {
  /** The access database file (ACCESS_DB_PATH). */
  readonly dbPath: string;
  /** PARTNERS_FILE keys, accepted as role `partner`. Default: none. */
  readonly partners?: PartnerDirectory;
  /** AUTH=off (honoured only with NODE_ENV=development): every request acts as a development principal with every scope. Default false. */
  readonly disabled?: boolean;
  /** Clock for audit timestamps. Default Date.now. */
  readonly clock?: () => number;
}

export interface Access {
  readonly disabled: boolean;
  /** The principal holding `secret`, or null (missing, malformed, unknown or revoked). */
  authenticate(secret: unknown): Principal | null;
  /** Key management on this process's connection (changes are seen at once). */
  readonly keys: KeyStore;
  readonly audit: AuditLog;
  close(): void;
}

/** Longest key accepted for hashing (a generated key is 47 characters). */
const MAX_KEY_LENGTH = 512;

const DEVELOPMENT: Principal = Object.freeze({
  keyId: 'development',
  keyName: 'AUTH=off',
  role: 'development',
  scopes: new Set<Scope>(SCOPES),
  partner: Object.freeze({ id: 'development', segments: USER_SEGMENTS }),
});

function principalOf(key: { id: string; name: string; role: Role; segments: Partner['segments'] | null }): Principal {
  return Object.freeze({
    keyId: key.id,
    keyName: key.name,
    role: key.role,
    scopes: ROLE_SCOPES[key.role],
    partner: key.role === 'partner' && key.segments !== null ? Object.freeze({ id: key.id, segments: key.segments }) : null,
  });
}

export function openAccess(opts: AccessOptions): Access {
  const db: AccessDb = openAccessDb(opts.dbPath);
  const store = createKeyStore(db, opts.clock);
  const dataVersion = dataVersionReader(db);
  let index = new Map<string, { hash: Buffer; principal: Principal }>();
  let version = -1;
  let dirty = true;
  const reload = (): void => {
    const next = new Map<string, { hash: Buffer; principal: Principal }>();
    for (const { hash, key } of loadLiveKeys(db)) next.set(hash, { hash: Buffer.from(hash, 'hex'), principal: principalOf(key) });
    index = next;
  };
  const fresh = (): void => {
    const v = dataVersion();
    if (v !== version || dirty) {
      version = v;
      dirty = false;
      reload();
    }
  };
  // Writes on this connection do not move data_version: mark the index stale instead.
  const written = <R>(r: R): R => {
    dirty = true;
    return r;
  };
  const keys: KeyStore = {
    create: (o) => written(store.create(o)),
    importHash: (o) => written(store.importHash(o)),
    rotate: (id) => written(store.rotate(id)),
    revoke: (id) => written(store.revoke(id)),
    list: (o) => store.list(o),
    count: () => store.count(),
  };
  fresh();
  return {
    disabled: opts.disabled ?? false,
    authenticate(secret) {
      if (opts.disabled) return DEVELOPMENT;
      if (typeof secret !== 'string' || secret.length === 0 || secret.length > MAX_KEY_LENGTH) return null;
      fresh();
      const digest = createHash('sha256').update(secret, 'utf8').digest();
      const hit = index.get(digest.toString('hex'));
      if (hit !== undefined && timingSafeEqual(hit.hash, digest)) return hit.principal;
      const partner = opts.partners?.authenticate(secret) ?? null;
      if (partner === null) return null;
      return Object.freeze({ keyId: `partner:${partner.id}`, keyName: partner.id, role: 'partner', scopes: ROLE_SCOPES.partner, partner });
    },
    keys,
    audit: createAuditLog(db, opts.clock),
    close() {
      db.close();
    },
  };
}
