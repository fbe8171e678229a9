/**
 * Error formatting at the edge: every error leaves with a public code; BAD_USER_INPUT names the
 * offending field; unexpected errors are masked outside development.
 */
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode, ERROR_CODES } from '../errors/codes';
import { CodedError } from '../errors/errors';
import { limitOf } from './limits';

const PUBLIC = new Set<string>(ERROR_CODES);

/** graphql-js's field/argument/type suggestions, which would leak schema names. */
const SUGGESTION = /Did you mean [^?]*\?/g;

/** Codes whose messages may carry internals (driver errors, paths): masked outside development. */
const MASKED = new Set<string>([ErrorCode.INTERNAL_SERVER_ERROR, ErrorCode.STORE_UNAVAILABLE]);

/** Field path from graphql-js coercion messages: `Variable "$x" got invalid value ... at "x[0].ts"`. */
function fieldFromMessage(message: string): string | undefined {
  const at = /at "([^"]+)"/.exec(message);
  const missing = /Field "([^"]+)" of required type/.exec(message);
  if (at?.[1] && missing?.[1]) return `${at[1]}.${missing[1]}`;
  if (at) return at[1];
  const variable = /Variable "\$([^"]+)"/.exec(message);
  if (variable) return variable[1];
  const arg = /[Aa]rgument "([^"]+)"/.exec(message);
  return arg?.[1];
}

export function formatGatewayError(development: boolean) {
  return (formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError => {
    const ext = { ...(formatted.extensions ?? {}) } as Record<string, unknown>;
    const original = error === undefined ? undefined : unwrapResolverError(error);
    let code = original instanceof CodedError ? original.code : typeof ext.code === 'string' ? ext.code : ErrorCode.INTERNAL_SERVER_ERROR;
    // Apollo's own input/validation codes map onto ours.
    if (code === 'GRAPHQL_VALIDATION_FAILED' || code === 'GRAPHQL_PARSE_FAILED' || code === 'BAD_REQUEST') code = ErrorCode.BAD_USER_INPUT;
    // A request limit's refusal (re-coded by Apollo as a validation or parse failure).
    const limit = limitOf(formatted);
    if (limit !== null) {
      code = ErrorCode.QUERY_TOO_COMPLEX;
      ext.limit = limit;
    }
    if (!PUBLIC.has(code)) code = ErrorCode.INTERNAL_SERVER_ERROR;
    ext.code = code;
    if (code === ErrorCode.BAD_USER_INPUT && typeof ext.field !== 'string') {
      const field = fieldFromMessage(formatted.message);
      if (field) ext.field = field;
    }
    if (MASKED.has(code) && !development) {
      const message = code === ErrorCode.STORE_UNAVAILABLE ? 'The graph store is unavailable; nothing was acknowledged' : 'Internal server error';
      return { message, ...(formatted.path ? { path: formatted.path } : {}), extensions: { code } };
    }
    if (!development) delete ext.stacktrace;
    // GraphQL Armor hides "Did you mean" on HTTP; graphql-ws validates outside Apollo, so hide it here too.
    const message = formatted.message.replace(SUGGESTION, '[Suggestion hidden]');
    return { ...formatted, message, extensions: ext };
  };
}
