/**
 * Per-key rate limits at the edge (the buckets live in services/access/rate-limit.ts): one token
 * per HTTP request, taken right after the key is authenticated and before the body is read, and
 * one per WebSocket connect. A refusal is HTTP 429 with `Retry-After` and GraphQL-shaped JSON
 * (RATE_LIMITED), counted in recgate_access_rate_limited_total{role}, and logged at warn at most
 * once per `logEveryMs` (the first refusal at once, later ones summed into the next line).
 */
import type { Response } from 'express';
import type { Logger } from 'pino';
import { ErrorCode } from '../errors/codes';
import { errorBody } from '../errors/errors';
import type { Principal } from '../services/access/access';
import { describeRateLimit } from '../services/access/rate-limit-config';
import type { RateLimiter } from '../services/access/rate-limit';
import { isRole } from '../services/access/scopes';
import type { GatewayMetrics } from '../services/metrics';

export interface RateLimitGateOptions {
  readonly limiter: RateLimiter;
  readonly metrics: Pick<GatewayMetrics, 'observeRateLimited'>;
  readonly logger: Logger;
  /** Least time between two warn lines about refusals, ms. Default 60,000. */
  readonly logEveryMs?: number;
  /** Clock of the log interval, ms. Default Date.now. */
  readonly clock?: () => number;
  /** Most keys named in one warn line (the rest are counted). Default 20. */
  readonly logMaxKeys?: number;
}

/** What a refusal reports. */
export interface RateRefusal {
  readonly role: string;
  readonly retryAfterMs: number;
  /** `Retry-After`: whole seconds, rounded up, at least 1. */
  readonly retryAfterSeconds: number;
  /** `<rate>/s burst <n>`. */
  readonly limit: string;
  readonly message: string;
}

export interface RateLimitGate {
  /** Take a token for the principal: null when served, else the refusal (counted and logged). AUTH=off's development principal is never limited. */
  check(principal: Principal): RateRefusal | null;
  /** `check`, answering 429 on `res` when refused; true when the request may go on. */
  admit(principal: Principal, res: Response): boolean;
}

export function createRateLimitGate(opts: RateLimitGateOptions): RateLimitGate {
  const clock = opts.clock ?? Date.now;
  const everyMs = opts.logEveryMs ?? 60_000;
  const maxKeys = opts.logMaxKeys ?? 20;
  let loggedAt = Number.NEGATIVE_INFINITY;
  let pending = 0;
  const keys = new Map<string, { keyName: string; role: string; refused: number }>();

  const logRefusal = (p: Principal): void => {
    pending++;
    const k = keys.get(p.keyId);
    if (k !== undefined) k.refused++;
    else if (keys.size < maxKeys) keys.set(p.keyId, { keyName: p.keyName, role: p.role, refused: 1 });
    const now = clock();
    if (now - loggedAt < everyMs) return;
    const named = [...keys].map(([keyId, v]) => ({ keyId, ...v }));
    const sinceMs = Number.isFinite(loggedAt) ? now - loggedAt : 0;
    opts.logger.warn({ refused: pending, sinceMs, keys: named, otherKeys: pending - named.reduce((n, k) => n + k.refused, 0) }, 'API keys over their rate limit: requests refused with RATE_LIMITED');
    loggedAt = now;
    pending = 0;
    keys.clear();
  };

  const check = (p: Principal): RateRefusal | null => {
    if (!isRole(p.role)) return null;
    const d = opts.limiter.take(p.keyId, p.role);
    if (d.allowed) return null;
    opts.metrics.observeRateLimited(p.role);
    logRefusal(p);
    const retryAfterSeconds = Math.max(1, Math.ceil(d.retryAfterMs / 1000));
    const limit = describeRateLimit(d.limit);
    return {
      role: p.role,
      retryAfterMs: d.retryAfterMs,
      retryAfterSeconds,
      limit,
      message: `This API key is over its rate limit (role ${p.role}: ${limit}); retry after ${retryAfterSeconds} s`,
    };
  };

  return {
    check,
    admit(principal, res) {
      const r = check(principal);
      if (r === null) return true;
      res
        .status(429)
        .set('Retry-After', String(r.retryAfterSeconds))
        .json(errorBody(ErrorCode.RATE_LIMITED, r.message, { retryAfterMs: r.retryAfterMs, limit: r.limit, role: r.role }));
      return false;
    },
  };
}
