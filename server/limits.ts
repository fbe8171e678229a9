/**
 * What one HTTP request may cost, configured in one place: the JSON body bound (express), the
 * token bound (graphql-js parser), GraphQL Armor's aliases / depth / directives / static cost
 * rules and field-suggestion masking, and the feed cost plugin (feed-cost.ts). Every refusal
 * leaves as GraphQL-shaped JSON with a public code, before anything executes.
 *
 * Why the token bound is graphql-js's `maxLexicalTokens` and not Armor's maxTokens: Armor's
 * Apollo token plugin parses a second time inside `parsingDidStart` and throws there; Apollo 5
 * treats a throw from that hook as an unexpected error (HTTP 500, "Internal server error"
 * logged). The parser's own bound stops the one real parse at the first token past the limit
 * and answers GRAPHQL_PARSE_FAILED (400), which we re-code below.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { GraphQLError, type GraphQLFormattedError, type ParseOptions, type ValidationRule } from 'graphql';
import type { Config } from '../config/config';
import { ErrorCode } from '../errors/codes';
import { errorBody } from '../errors/errors';
import type { Strategy } from '../pipeline/strategy';
import { feedCostPlugin, type FeedCostOptions } from './feed-cost';

/** Which limit refused an operation (`extensions.limit`). */
export type LimitName = 'tokens' | 'depth' | 'aliases' | 'directives' | 'cost' | 'feedCost';

export interface RequestLimitOptions {
  /** Largest JSON body in bytes (MAX_BODY_BYTES, default 1 MiB). */
  readonly maxBodyBytes: number;
  /** Most lexical tokens per document (MAX_QUERY_TOKENS, default 2000). */
  readonly maxTokens: number;
  /** Deepest selection nesting, introspection excepted (MAX_QUERY_DEPTH, default 8). */
  readonly maxDepth: number;
  /** Most aliases per operation (MAX_QUERY_ALIASES, default 15). */
  readonly maxAliases: number;
  /** Most directives per operation (MAX_QUERY_DIRECTIVES, default 50). */
  readonly maxDirectives: number;
  /** Armor's static cost bound (MAX_QUERY_COST, default 5000). */
  readonly maxCost: number;
  /** The feed work bound and what it is computed from (MAX_FEED_COST, default 50000). */
  readonly feed: FeedCostOptions;
}

export interface RequestLimits {
  /** express.json with the body bound: mount before Apollo's middleware. */
  readonly jsonBody: RequestHandler;
  /** Turns body-parser failures (413, invalid JSON) into GraphQL-shaped JSON: mount after Apollo's middleware. */
  readonly bodyErrors: ErrorRequestHandler;
  /** Apollo's `parseOptions`. */
  readonly parseOptions: ParseOptions;
  /** Apollo's `validationRules` (Armor's). */
  readonly validationRules: ValidationRule[];
  /** Apollo plugins: Armor's suggestion masking and the feed cost check. */
  readonly plugins: ApolloServerPlugin[];
}

/**
 * Armor reports through the validation context; the limit's name rides along for the code.
 * Armor prefixes its messages with "Syntax Error: " although the document parsed: dropped.
 */
const report =
  (limit: LimitName): GraphQLArmorRejectCallback =>
  (ctx, err) =>
    ctx?.reportError(new GraphQLError(err.message.replace(/^Syntax Error: /, ''), { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit } }));

export function createRequestLimits(o: RequestLimitOptions): RequestLimits {
  const rejectWith = (limit: LimitName) => ({ propagateOnRejection: false, onReject: [report(limit)] });
  const armor = new ApolloArmor({
    maxAliases: { n: o.maxAliases, ...rejectWith('aliases') },
    maxDepth: { n: o.maxDepth, ignoreIntrospection: true, ...rejectWith('depth') },
    maxDirectives: { n: o.maxDirectives, ...rejectWith('directives') },
    costLimit: { maxCost: o.maxCost, ignoreIntrospection: true, ...rejectWith('cost') },
    blockFieldSuggestion: { enabled: true },
    maxTokens: { enabled: false },
  }).protect();
  return {
    jsonBody: express.json({ limit: o.maxBodyBytes }),
    bodyErrors: bodyErrorHandler(o.maxBodyBytes),
    parseOptions: { maxLexicalTokens: o.maxTokens },
    validationRules: armor.validationRules,
    plugins: [...armor.plugins, feedCostPlugin(o.feed)],
  };
}

interface BodyParserError {
  readonly type: string;
  readonly status?: number;
}
const isBodyParserError = (err: unknown): err is BodyParserError =>
  typeof err === 'object' && err !== null && typeof (err as { type?: unknown }).type === 'string' && typeof (err as { status?: unknown }).status === 'number';

function bodyErrorHandler(maxBodyBytes: number): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (!isBodyParserError(err)) return next(err);
    const tooLarge = err.type === 'entity.too.large';
    const status = tooLarge ? 413 : (err.status ?? 400);
    const code = tooLarge ? ErrorCode.PAYLOAD_TOO_LARGE : ErrorCode.MALFORMED_REQUEST;
    const message = tooLarge
      ? `The request body is larger than ${maxBodyBytes} bytes (MAX_BODY_BYTES)`
      : err.type === 'entity.parse.failed'
        ? 'The request body is not valid JSON'
        : `The request body could not be read (${err.type})`;
    res.status(status).json(errorBody(code, message));
  };
}

const TOKENS = /^Syntax Error: Document contains more (?:that|than) (\d+) tokens/;

/**
 * A parse or validation error that is a limit's refusal, ready to send (code QUERY_TOO_COMPLEX
 * and `extensions.limit`), or null. For paths that parse and validate themselves (graphql-ws).
 */
export function limitRefusal(err: GraphQLError): GraphQLError | null {
  if (typeof err.extensions?.limit === 'string') return err;
  if (TOKENS.test(err.message)) return new GraphQLError(err.message, { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit: 'tokens' } });
  return null;
}

/**
 * The limit behind a formatted error, or null. Apollo re-codes validation-rule errors as
 * GRAPHQL_VALIDATION_FAILED and the parser's token bound as GRAPHQL_PARSE_FAILED; this recovers
 * the refusal so the edge answers QUERY_TOO_COMPLEX with `extensions.limit`.
 */
export function limitOf(formatted: GraphQLFormattedError): LimitName | null {
  const limit = formatted.extensions?.limit;
  if (typeof limit === 'string') return limit as LimitName;
  if (formatted.extensions?.code === 'GRAPHQL_PARSE_FAILED' && TOKENS.test(formatted.message)) return 'tokens';
  return null;
}

/** The limits of a gateway: its config and the strategies it may serve (for the feed cost). */
export function requestLimitOptions(config: Config, strategies: Iterable<Strategy>): RequestLimitOptions {
  let candidatesPerFeed = 1;
  let defaultLimit = 1;
  for (const s of strategies) {
    candidatesPerFeed = Math.max(candidatesPerFeed, s.candidates.max);
    defaultLimit = Math.max(defaultLimit, s.limit);
  }
  return {
    maxBodyBytes: config.maxBodyBytes,
    maxTokens: config.maxQueryTokens,
    maxDepth: config.maxQueryDepth,
    maxAliases: config.maxQueryAliases,
    maxDirectives: config.maxQueryDirectives,
    maxCost: config.maxQueryCost,
    feed: { maxCost: config.maxFeedCost, candidatesPerFeed, defaultLimit, maxLimit: config.maxFeedLimit },
  };
}
