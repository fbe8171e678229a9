import { GraphQLError } from 'graphql';
import { ErrorCode } from './codes';

/** An error that carries a public code. Internal: callers match on `code`, not class. */
export class CodedError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'CodedError';
  }
}

/** Bad input naming the offending field (a dotted/indexed path such as `events[3].type`). */
export function badInput(field: string, message: string): GraphQLError {
  return new GraphQLError(`${field}: ${message}`, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, field },
  });
}

/** Turn a CodedError into a GraphQL error with the same code and details. */
export function toGraphQLError(err: CodedError): GraphQLError {
  return new GraphQLError(err.message, { extensions: { code: err.code, ...err.details } });
}

/** The GraphQL-shaped JSON body of an error answered outside GraphQL execution (401, 403, 413, 429, a refused upload). */
export function errorBody(code: ErrorCode, message: string, extra: Readonly<Record<string, unknown>> = {}): { errors: Array<{ message: string; extensions: Record<string, unknown> }> } {
  return { errors: [{ message, extensions: { code, ...extra } }] };
}
