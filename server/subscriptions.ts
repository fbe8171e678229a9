/**
 * graphql-ws on the gateway's HTTP server, same port and path as HTTP (`/graphql`, ws://).
 * Keys go in `connectionParams: { apiKey }`: a missing, unknown or revoked key is closed with 4403
 * Forbidden before any operation, and a key over its rate limit (one token per connect) with 1013
 * Try Again Later and a RATE_LIMITED reason; a known key whose role lacks the subscription's scope gets
 * FORBIDDEN naming the field and the scope (services/access/scopes.ts). Only subscriptions are served here (queries and
 * mutations go over HTTP). Errors leave formatted as on HTTP: a public code, masked internals.
 */
import type { Server } from 'node:http';
import { getOperationAST, GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema, type ParseOptions, type ValidationRule } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { ErrorCode } from '../errors/codes';
import { CodedError, toGraphQLError } from '../errors/errors';
import type { ValueChangeLog } from '../pubsub/port';
import type { PartnerContext } from '../services/context';
import { forbidden } from './access';
import { formatGatewayError } from './errors';
import { limitRefusal } from './limits';
import type { Access, Principal } from '../services/access/access';
import { firstForbidden, rootFields } from '../services/access/scopes';
import { createSharedSubscribe } from './shared-execution';
import type { RateLimitGate } from './rate-limit';

export interface SubscriptionServerOptions {
  readonly httpServer: Server;
  readonly schema: GraphQLSchema;
  /** Authenticates `connectionParams.apiKey` (API keys and PARTNERS_FILE keys). */
  readonly access: Pick<Access, 'authenticate'>;
  readonly valueChanges: ValueChangeLog;
  readonly logger: Logger;
  /** Show internal error messages (NODE_ENV=development). */
  readonly development: boolean;
  /** Accepted changes queued per subscriber before it is ended with SUBSCRIBER_TOO_SLOW. Default 10,000. */
  readonly maxPending?: number;
  /** Path of the WebSocket endpoint. Default '/graphql'. */
  readonly path?: string;
  /** The HTTP request limits' parse options and validation rules (server/limits.ts). Default: none. */
  readonly limits?: { readonly parseOptions: ParseOptions; readonly validationRules: readonly ValidationRule[] };
  /** Per-key rate limit: one token per connect; over it the socket is closed with 1013 (Try Again Later). Default: none. */
  readonly rateLimit?: Pick<RateLimitGate, 'check'> | null;
}

export interface SubscriptionServer {
  /** Open WebSocket connections. */
  readonly connections: number;
  /** Close every connection (1001 Going away) and stop accepting new ones. */
  dispose(): Promise<void>;
}

/** Largest incoming WebSocket message: a subscribe message with 1,000 user ids fits easily. */
const MAX_MESSAGE_BYTES = 256 * 1024;

const badRequest = (message: string): GraphQLError => new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT } });

export function attachSubscriptionServer(opts: SubscriptionServerOptions): SubscriptionServer {
  const wss = new WebSocketServer({ server: opts.httpServer, path: opts.path ?? '/graphql', maxPayload: MAX_MESSAGE_BYTES });
  const principalOf = new WeakMap<object, Principal>();
  // What a subscription's results depend on besides the event: one execution per event and shape.
  const shapeOf = new WeakMap<object, string>();
  const subscribe = createSharedSubscribe({ shapeKey: (args) => shapeOf.get(args.contextValue as object) });
  const format = formatGatewayError(opts.development);
  const log = opts.logger.child({ component: 'subscriptions' });

  const formatOne = (err: GraphQLError): GraphQLFormattedError => {
    // Errors thrown by a stream (SUBSCRIBER_TOO_SLOW, CURSOR_EXPIRED) arrive wrapped by graphql-ws.
    const source = err.originalError instanceof CodedError ? toGraphQLError(err.originalError) : err;
    return format(source.toJSON(), source);
  };

  const cleanup = useServer<Record<string, unknown>>(
    {
      schema: opts.schema,
      subscribe,
      isProd: !opts.development,
      onConnect(ctx) {
        const principal = opts.access.authenticate(ctx.connectionParams?.apiKey);
        if (!principal) {
          log.info({ remote: ctx.extra.request.socket.remoteAddress }, 'connection refused: missing, unknown or revoked API key');
          return false;
        }
        const limited = opts.rateLimit?.check(principal) ?? null;
        if (limited !== null) {
          // 1013 Try Again Later: graphql-ws clients retry it with backoff (4403 would read as a bad key). Returning false then closes nothing more.
          ctx.extra.socket.close(1013, `RATE_LIMITED: retry after ${limited.retryAfterSeconds} s (${limited.limit})`);
          return false;
        }
        principalOf.set(ctx, principal);
        log.debug({ key: principal.keyId, role: principal.role }, 'subscriber connected');
        return true;
      },
      onSubscribe(ctx, _id, payload) {
        let document: DocumentNode;
        try {
          document = parse(payload.query, opts.limits?.parseOptions);
        } catch (err) {
          return [limitRefusal(err as GraphQLError) ?? badRequest((err as Error).message)];
        }
        const invalid = validate(opts.schema, document, [...specifiedRules, ...(opts.limits?.validationRules ?? [])]);
        if (invalid.length > 0) return invalid.map((e) => limitRefusal(e) ?? badRequest(e.message));
        const op = getOperationAST(document, payload.operationName);
        if (!op) return [badRequest('Unable to identify the operation (give operationName)')];
        if (op.operation !== 'subscription') return [badRequest(`Only subscriptions are served over WebSocket; send this ${op.operation} over HTTP`)];
        const principal = principalOf.get(ctx)!;
        const { type, fields } = rootFields(document, op);
        const refused = firstForbidden(principal.scopes, type, fields);
        if (refused !== null) return [forbidden(principal, type, refused)];
        const partner = principal.partner;
        if (partner === null) return [forbidden(principal, type, { field: fields[0] ?? 'userValueChanged', scope: 'values:subscribe' })];
        const contextValue: PartnerContext = { partner, valueChanges: opts.valueChanges, maxPending: opts.maxPending ?? 10_000 };
        shapeOf.set(contextValue, JSON.stringify([partner.id, payload.operationName ?? null, payload.variables ?? null, payload.query]));
        return { schema: opts.schema, document, operationName: payload.operationName ?? null, variableValues: payload.variables ?? null, contextValue };
      },
      onNext(_ctx, _id, _payload, _args, result) {
        if (!result.errors) return undefined;
        return { ...result, errors: result.errors.map(formatOne) };
      },
      onError(_ctx, _id, _payload, errors) {
        return errors.map(formatOne);
      },
    },
    wss,
  );

  return {
    get connections() {
      return wss.clients.size;
    },
    async dispose() {
      await cleanup.dispose();
    },
  };
}
