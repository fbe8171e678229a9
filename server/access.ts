/**
 * Access control on HTTP and in Apollo (the policy lives in services/access/):
 * - `requireKey`: Express middleware before body parsing; a missing, unknown or revoked key is
 *   answered 401 UNAUTHENTICATED without reading the body; with a scope, a key without it gets
 *   403 FORBIDDEN naming the scope. With a rate-limit gate, an authenticated key over its role's
 *   limit gets 429 RATE_LIMITED (server/rate-limit.ts) before the scope check and the body.
 * - `accessPlugin`: after the operation resolves, every root field is checked against the rule
 *   table (403 FORBIDDEN naming the field and the scope), and every root mutation field is
 *   written to the audit log with the key that ran it and its outcome.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { NextFunction, Request, Response } from 'express';
import { GraphQLError, OperationTypeNode } from 'graphql';
import type { Logger } from 'pino';
import { ErrorCode } from '../errors/codes';
import { CodedError, errorBody } from '../errors/errors';
import type { Access, Principal } from '../services/access/access';
import { firstForbidden, rootFields, type RootType, type Scope } from '../services/access/scopes';
import type { GatewayContext } from '../services/context';
import type { RateLimitGate } from './rate-limit';

/** The key of a request: `Authorization: Bearer <key>`, else `x-api-key`. */
export function apiKeyOf(headers: { authorization?: string | undefined; [h: string]: string | string[] | undefined }): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return m?.[1] ?? '';
  }
  const x = headers['x-api-key'];
  return typeof x === 'string' ? x : undefined;
}

/** Authenticate (then take a rate-limit token, then optionally require a scope) before anything else reads the request. Sets `res.locals.principal`. */
export function requireKey(access: Access, scope?: Scope, rate?: Pick<RateLimitGate, 'admit'> | null) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const key = apiKeyOf(req.headers);
    const principal = access.authenticate(key);
    if (principal === null) {
      const message = key === undefined ? 'An API key is required: send `Authorization: Bearer <key>` (or `x-api-key`)' : 'Unknown or revoked API key';
      res.status(401).set('WWW-Authenticate', 'Bearer realm="recgate"').json(errorBody(ErrorCode.UNAUTHENTICATED, message));
      return;
    }
    if (rate && !rate.admit(principal, res)) return;
    if (scope !== undefined && !principal.scopes.has(scope)) {
      res.status(403).json(errorBody(ErrorCode.FORBIDDEN, `${req.path} needs scope ${scope} (this key's role is ${principal.role})`, { scope }));
      return;
    }
    res.locals.principal = principal;
    next();
  };
}

/** The principal `requireKey` put on the response. */
export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (p === undefined) throw new CodedError(ErrorCode.INTERNAL_SERVER_ERROR, 'requireKey did not run before this handler');
  return p;
}

/** FORBIDDEN naming the refused root field and the scope it needs. */
export function forbidden(principal: Principal, type: RootType, refused: { field: string; scope: Scope | null }, httpStatus = false): GraphQLError {
  const needs = refused.scope === null ? 'has no access rule and is refused for every key' : `needs scope ${refused.scope}`;
  return new GraphQLError(`${type}.${refused.field} ${needs} (this key's role is ${principal.role})`, {
    extensions: { code: ErrorCode.FORBIDDEN, field: refused.field, ...(refused.scope ? { scope: refused.scope } : {}), ...(httpStatus ? { http: { status: 403 } } : {}) },
  });
}

export function accessPlugin(access: Access, logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, contextValue }) {
          if (!operation) return;
          const { type, fields, schema } = rootFields(document, operation);
          const refused = firstForbidden(contextValue.principal.scopes, type, fields);
          if (refused !== null) throw forbidden(contextValue.principal, type, refused, true);
          // The schema is for tools (GraphiQL, codegen, audits) holding an admin key, not for every caller.
          if (schema && !contextValue.principal.scopes.has('schema:read')) {
            throw forbidden(contextValue.principal, type, { field: '__schema', scope: 'schema:read' }, true);
          }
        },
        async executionDidStart({ operation, contextValue }) {
          if (operation.operation !== OperationTypeNode.MUTATION) return;
          const p = contextValue.principal;
          const actor = { keyId: p.keyId, keyName: p.keyName, role: p.role };
          return {
            willResolveField({ info, args }) {
              if (info.path.prev !== undefined) return;
              return (error) => {
                const outcome =
                  error === null
                    ? 'ok'
                    : error instanceof GraphQLError && typeof error.extensions.code === 'string'
                      ? error.extensions.code
                      : error instanceof CodedError
                        ? error.code
                        : ErrorCode.INTERNAL_SERVER_ERROR;
                try {
                  access.audit.append(actor, info.fieldName, args, outcome);
                } catch (err) {
                  logger.error({ err: (err as Error).message, key: p.keyId, action: info.fieldName }, 'audit log write failed');
                }
              };
            },
          };
        },
      };
    },
  };
}

/** `/healthz`: liveness (`{ status: 'ok' }`) for anyone; a key with health:read passes on to the detailed view (under its rate limit). */
export function healthGate(access: Access, rate?: Pick<RateLimitGate, 'admit'> | null) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const principal = access.authenticate(apiKeyOf(req.headers));
    if (principal !== null && principal.scopes.has('health:read')) {
      if (rate && !rate.admit(principal, res)) return;
      next();
      return;
    }
    res.json({ status: 'ok' });
  };
}
