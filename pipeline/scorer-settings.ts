/**
 * Settings a strategy hands one of its scorers (`scorers[i].settings`): plain JSON, bounded, and
 * frozen once at parse time, so the request path passes the same object on every request.
 */
import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';
import type { ScorerSettings } from '../plugins/sdk/contract';

/** Largest settings object of one scorer entry, as compact JSON (bytes of UTF-8). */
export const MAX_SETTINGS_BYTES = 16 * 1024;
/** Deepest nesting of objects and arrays inside one settings object. */
export const MAX_SETTINGS_DEPTH = 8;

function bad(field: string, message: string): CodedError {
  return new CodedError(ErrorCode.INVALID_STRATEGY, `${field}: ${message}`, { field });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A deep, frozen copy of `v` if it is plain JSON; throws naming the first offending path. */
function copyJson(v: unknown, field: string, depth: number): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw bad(field, 'must be a finite number');
    return v;
  }
  if (depth >= MAX_SETTINGS_DEPTH) throw bad(field, `nests deeper than ${MAX_SETTINGS_DEPTH} levels`);
  if (Array.isArray(v)) return Object.freeze(v.map((x, i) => copyJson(x, `${field}[${i}]`, depth + 1)));
  if (!isPlainObject(v)) throw bad(field, 'must be JSON: null, a boolean, a finite number, a string, an array or a plain object');
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = copyJson(x, `${field}.${k}`, depth + 1);
  return Object.freeze(out);
}

/**
 * Parse `scorers[i].settings` of a strategy: undefined stays undefined (the scorer gets `{}`);
 * anything else must be a plain JSON object of at most MAX_SETTINGS_BYTES. `field` names the
 * entry in errors (INVALID_STRATEGY), e.g. `strategy.scorers[2].settings`.
 */
export function parseScorerSettings(value: unknown, field: string): ScorerSettings | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) throw bad(field, 'must be an object');
  const copy = copyJson(value, field, 0) as ScorerSettings;
  const bytes = Buffer.byteLength(JSON.stringify(copy), 'utf8');
  if (bytes > MAX_SETTINGS_BYTES) throw bad(field, `is ${bytes} bytes as JSON; at most ${MAX_SETTINGS_BYTES}`);
  return copy;
}
