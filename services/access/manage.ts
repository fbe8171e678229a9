/**
 * Key management for an operator (the `keys` CLI): every change is written to the audit log with
 * the operator as the actor. Opens its own connection to the access database; gateways on the same
 * file see the change on their next request (`PRAGMA data_version`).
 */
import { readFileSync } from 'node:fs';
import { ErrorCode } from '../../errors/codes';
import { CodedError } from '../../errors/errors';
import { createAuditLog, type Actor, type AuditEntry } from './audit';
import { openAccessDb } from './db';
import { createKeyStore, type ApiKeyRecord, type IssuedKey } from './keys';

export interface KeyAdmin {
  create(opts: { name: string; role: string; segments?: readonly string[] }): IssuedKey;
  list(opts?: { includeRevoked?: boolean }): ApiKeyRecord[];
  rotate(id: string): IssuedKey;
  revoke(id: string): ApiKeyRecord;
  /** Move PARTNERS_FILE entries into the store (their hashes; the partners keep their keys). Skips hashes already stored. */
  importPartners(file: string): { imported: ApiKeyRecord[]; skipped: string[] };
  /** Audit entries after `after`, oldest first. */
  audit(first: number, after?: number): AuditEntry[];
  close(): void;
}

export function openKeyAdmin(dbPath: string, actor: Actor, clock: () => number = Date.now): KeyAdmin {
  const db = openAccessDb(dbPath);
  const keys = createKeyStore(db, clock);
  const log = createAuditLog(db, clock);
  const audited = <R>(action: string, detail: unknown, run: () => R): R => {
    try {
      const r = run();
      log.append(actor, action, detail, 'ok');
      return r;
    } catch (err) {
      log.append(actor, action, detail, err instanceof CodedError ? err.code : ErrorCode.INTERNAL_SERVER_ERROR);
      throw err;
    }
  };
  return {
    create(opts) {
      return audited('keys.create', opts, () => keys.create(opts));
    },
    list: (o) => keys.list(o),
    rotate(id) {
      return audited('keys.rotate', { id }, () => keys.rotate(id));
    },
    revoke(id) {
      return audited('keys.revoke', { id }, () => keys.revoke(id));
    },
    importPartners(file) {
      let doc: { partners?: Array<{ id?: unknown; keySha256?: unknown; segments?: unknown }> };
      try {
        doc = JSON.parse(readFileSync(file, 'utf8')) as typeof doc;
      } catch (err) {
        throw new CodedError(ErrorCode.BAD_USER_INPUT, `${file}: cannot read it as JSON: ${(err as Error).message}`, { field: 'file' });
      }
      if (!Array.isArray(doc.partners)) throw new CodedError(ErrorCode.BAD_USER_INPUT, `${file}: expected { "partners": [...] }`, { field: 'partners' });
      const stored = new Set(db.prepare('SELECT key_sha256 FROM api_keys').pluck().all() as string[]);
      const imported: ApiKeyRecord[] = [];
      const skipped: string[] = [];
      db.transaction(() => {
        for (const p of doc.partners!) {
          const hash = String(p.keySha256).toLowerCase();
          if (stored.has(hash)) {
            skipped.push(String(p.id));
            continue;
          }
          const segments = Array.isArray(p.segments) ? p.segments.map(String) : [];
          imported.push(audited('keys.import-partner', { name: p.id, segments }, () => keys.importHash({ name: String(p.id), role: 'partner', segments, keySha256: String(p.keySha256) })));
        }
      })();
      return { imported, skipped };
    },
    audit: (first, after) => log.page(first, after),
    close() {
      db.close();
    },
  };
}
