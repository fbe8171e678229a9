/**
 * First start: with no key in the access database yet, create an admin key and a frontend key so
 * that `npm start` stays one command. The secrets are returned once (the caller prints them) and
 * only their hashes are stored. Never runs again once any key exists, revoked ones included.
 */
import type { AuditLog } from './audit';
import type { IssuedKey, KeyStore } from './keys';

export function bootstrapKeys(keys: KeyStore, audit: AuditLog): { admin: IssuedKey; frontend: IssuedKey } | null {
  if (keys.count() > 0) return null;
  const admin = keys.create({ name: 'bootstrap-admin', role: 'admin' });
  const frontend = keys.create({ name: 'bootstrap-frontend', role: 'frontend' });
  const actor = { keyId: 'bootstrap', keyName: 'first start', role: 'operator' };
  for (const k of [admin, frontend]) audit.append(actor, 'keys.create', { id: k.key.id, name: k.key.name, role: k.key.role }, 'ok');
  return { admin, frontend };
}
