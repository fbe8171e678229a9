/**
 * Partners of `userValueChanged`: who may subscribe (an API key, stored as its SHA-256) and which
 * segments each may see. Loaded once at boot from PARTNERS_FILE and checked before the server
 * listens (CONFIG_INVALID naming the offending field). Format:
 *
 *   { "partners": [ { "id": "acme", "keySha256": "<64 hex>", "segments": ["high-value", "at-risk"] } ] }
 *
 * `node dist/cli/main.js partner-key` prints a fresh key and its hash. Keys are compared by hash
 * in constant time against every partner (no early exit), so timing says nothing about keys.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { USER_SEGMENTS, type UserSegment } from '../domain/user-value';
import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';

export interface Partner {
  /** Stable partner id (1-64 of A-Z a-z 0-9 . _ -); appears in logs, never the key. */
  readonly id: string;
  /** Segments this partner may see; never empty. */
  readonly segments: readonly UserSegment[];
}

export interface PartnerDirectory {
  readonly size: number;
  /** The partner holding `apiKey`, or null (missing, not a string, or unknown). */
  authenticate(apiKey: unknown): Partner | null;
}

const ID = /^[A-Za-z0-9._-]{1,64}$/;
const HEX64 = /^[0-9a-fA-F]{64}$/;
/** Longest key accepted for hashing (a generated key is 47 characters). */
const MAX_KEY_LENGTH = 512;

export function sha256Hex(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

/** A new random API key (`rgk_` + 32 random bytes, base64url) and the hash to put in PARTNERS_FILE. */
export function newPartnerKey(): { apiKey: string; keySha256: string } {
  const apiKey = `rgk_${randomBytes(32).toString('base64url')}`;
  return { apiKey, keySha256: sha256Hex(apiKey) };
}

function invalid(source: string, field: string, message: string): CodedError {
  return new CodedError(ErrorCode.CONFIG_INVALID, `PARTNERS_FILE ${source}: ${field}: ${message}`, { field });
}

/** Validate a parsed partners document. Throws CONFIG_INVALID naming the field (e.g. `partners[1].keySha256`). */
export function parsePartners(doc: unknown, source = '(inline)'): PartnerDirectory {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalid(source, '(root)', 'must be an object { "partners": [...] }');
  for (const k of Object.keys(doc)) if (k !== 'partners') throw invalid(source, k, 'unknown key (expected only "partners")');
  const list = (doc as { partners?: unknown }).partners;
  if (!Array.isArray(list)) throw invalid(source, 'partners', 'must be an array');
  const ids = new Set<string>();
  const hashes = new Set<string>();
  const entries: { partner: Partner; hash: Buffer }[] = [];
  list.forEach((raw: unknown, i) => {
    const at = `partners[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid(source, at, 'must be an object');
    for (const k of Object.keys(raw)) if (!['id', 'keySha256', 'segments'].includes(k)) throw invalid(source, `${at}.${k}`, 'unknown key (expected id, keySha256, segments)');
    const { id, keySha256, segments } = raw as Record<string, unknown>;
    if (typeof id !== 'string' || !ID.test(id)) throw invalid(source, `${at}.id`, 'must be 1-64 characters of A-Z a-z 0-9 . _ -');
    if (ids.has(id)) throw invalid(source, `${at}.id`, `duplicate partner id "${id}"`);
    if (typeof keySha256 !== 'string' || !HEX64.test(keySha256)) throw invalid(source, `${at}.keySha256`, 'must be the SHA-256 of the key as 64 hex characters (see `partner-key`)');
    const hash = keySha256.toLowerCase();
    if (hashes.has(hash)) throw invalid(source, `${at}.keySha256`, 'the same key is given to two partners');
    if (!Array.isArray(segments) || segments.length === 0) throw invalid(source, `${at}.segments`, `must be a non-empty array of ${USER_SEGMENTS.join(', ')}`);
    const seen = new Set<UserSegment>();
    segments.forEach((s: unknown, j) => {
      if (typeof s !== 'string' || !(USER_SEGMENTS as readonly string[]).includes(s)) {
        throw invalid(source, `${at}.segments[${j}]`, `must be one of ${USER_SEGMENTS.join(', ')} (got ${JSON.stringify(s)})`);
      }
      seen.add(s as UserSegment);
    });
    ids.add(id);
    hashes.add(hash);
    entries.push({ partner: Object.freeze({ id, segments: Object.freeze([...seen]) }), hash: Buffer.from(hash, 'hex') });
  });

  return {
    size: entries.length,
    authenticate(apiKey) {
      if (typeof apiKey !== 'string' || apiKey.length === 0 || apiKey.length > MAX_KEY_LENGTH) return null;
      const digest = createHash('sha256').update(apiKey, 'utf8').digest();
      let found: Partner | null = null;
      for (const e of entries) if (timingSafeEqual(digest, e.hash)) found = e.partner;
      return found;
    },
  };
}

/** Load PARTNERS_FILE; undefined (not configured) gives a directory that refuses every key. */
export function loadPartnersFile(path: string | undefined): PartnerDirectory {
  if (path === undefined) return parsePartners({ partners: [] });
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CodedError(ErrorCode.CONFIG_INVALID, `PARTNERS_FILE ${path}: cannot read it as JSON: ${(err as Error).message}`, { field: 'PARTNERS_FILE' });
  }
  return parsePartners(doc, path);
}
