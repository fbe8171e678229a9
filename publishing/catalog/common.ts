/**
 * What both catalog adapters share: argument checks (bad input is a caller's bug, BAD_USER_INPUT),
 * the mapping of every storage failure to CATALOG_UNAVAILABLE, and content addressing.
 */
import { createHash } from 'node:crypto';
import { ErrorCode } from '../../errors/codes';
import { CodedError } from '../../errors/errors';
import type { CatalogChange, CatalogChangeRecord } from './port';

/** `changesSince` without a limit returns at most this many records. */
export const DEFAULT_CHANGES_LIMIT = 100;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Lower-case hex SHA-256 of `bytes`. */
export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function badArgument(field: string, message: string): CodedError {
  return new CodedError(ErrorCode.BAD_USER_INPUT, `catalog: ${field} ${message}`, { field });
}

/** A revision (`expected`, `after`): a non-negative safe integer. */
export function checkRevision(field: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw badArgument(field, `must be a non-negative integer (got ${String(value)})`);
  return value;
}

/** `changesSince`'s limit: a positive safe integer, DEFAULT_CHANGES_LIMIT when omitted. */
export function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_CHANGES_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1) throw badArgument('limit', `must be a positive integer (got ${String(limit)})`);
  return limit;
}

/** A blob key: 64 lower-case hex digits (what `putBlob` returns). */
export function checkSha256(sha256: string): string {
  if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) throw badArgument('sha256', 'must be 64 lower-case hex digits');
  return sha256;
}

/** Bytes to store: a Uint8Array (a Buffer is one). */
export function checkBytes(bytes: Uint8Array): Uint8Array {
  // The tag, not `instanceof`, so a Buffer from another realm (jest's sandbox, a worker) passes.
  if (Object.prototype.toString.call(bytes) !== '[object Uint8Array]') throw badArgument('bytes', 'must be a Uint8Array');
  return bytes;
}

/**
 * A copy of stored bytes in a fresh Uint8Array of exactly their length (drivers may hand back a
 * view into a larger pooled buffer), after checking they still hash to their key: a corrupted or
 * overwritten blob fails loudly instead of serving a different model.
 */
export function verifiedBlob(sha256: string, stored: Uint8Array): Uint8Array {
  const copy = new Uint8Array(stored);
  if (sha256Hex(copy) !== sha256) throw new CodedError(ErrorCode.CATALOG_UNAVAILABLE, `catalog getBlob: the blob stored under ${sha256} does not hash to it (corrupted)`, { operation: 'getBlob' });
  return copy;
}

/** The change-log record of an accepted write: the change as given, plus its revision. */
export const changeRecord = (change: CatalogChange, revision: number): CatalogChangeRecord => ({ ...change, revision });

/**
 * Run one catalog operation, turning any failure of the storage (connection, I/O, lock timeout,
 * unreadable stored JSON) into CATALOG_UNAVAILABLE naming the operation. CodedErrors pass as they are.
 */
export async function guard<T>(operation: string, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof CodedError) throw err;
    // Not `instanceof Error`: errors from Node core come from the host realm (jest's sandbox does not share it).
    const text = (err as { message?: unknown } | null)?.message;
    const message = typeof text === 'string' ? text : String(err);
    throw new CodedError(ErrorCode.CATALOG_UNAVAILABLE, `catalog ${operation} failed: ${message}`, { operation });
  }
}

/** `value` as JSON text; a value JSON cannot carry (a cycle, a BigInt, undefined) is bad input naming `field`. */
export function toJson(field: string, value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw badArgument(field, `is not JSON-serialisable: ${String((err as { message?: unknown } | null)?.message ?? err)}`);
  }
  if (typeof text !== 'string' || typeof value !== 'object' || value === null) throw badArgument(field, 'must be a JSON object');
  return text;
}
