/**
 * RATE_LIMITS: the per-role token-bucket limits, their defaults and their grammar.
 *
 *   RATE_LIMITS = off | <entry>[,<entry>...]     entry = <role>=<rate>/s:<burst>
 *
 * `rate` is tokens (requests) per second (a decimal > 0, e.g. `0.5/s`), `burst` the bucket size (a
 * whole number ≥ 1). Entries are merged over the defaults, so `partner=50/s:100` changes only
 * partners. `off` turns limits off (honoured only with NODE_ENV=development, checked in
 * config/config.ts).
 *
 * Defaults: limits are per key and per gateway process. A `frontend` key is typically one web or
 * app backend shared by every shopper of a site, so its limit is the site's traffic: 500/s (burst
 * 1000) is above what one 2-core gateway serves (~250–350 feeds/s measured), so it binds only on a
 * runaway client, never on a real shop first. `ingest` sends batches of up to MAX_EVENTS_PER_BATCH
 * events per request: 100/s is 100,000 events/s. People and scripts (`analyst`, `admin`) get
 * 20/s burst 40, a dashboard's page of queries at once; `monitor` (Prometheus, probes) 10/s
 * burst 20; `partner` only opens WebSocket connections (one token per connect): 5/s burst 10.
 */
import { ROLES, isRole, type Role } from './scopes';
import type { RateLimit, RoleRateLimits } from './rate-limit';

export const DEFAULT_RATE_LIMITS: RoleRateLimits = Object.freeze({
  frontend: { ratePerSec: 500, burst: 1000 },
  ingest: { ratePerSec: 100, burst: 200 },
  analyst: { ratePerSec: 20, burst: 40 },
  admin: { ratePerSec: 20, burst: 40 },
  partner: { ratePerSec: 5, burst: 10 },
  monitor: { ratePerSec: 10, burst: 20 },
});

/** Largest rate (per second) and burst RATE_LIMITS accepts. */
export const MAX_RATE_PER_SEC = 1_000_000;
export const MAX_BURST = 1_000_000;

/** RATE_LIMITS parsed: every role's limit, or off. */
export type RateLimitSetting = RoleRateLimits | 'off';

const ENTRY = /^([a-z]+)=([0-9]+(?:\.[0-9]+)?)\/s:([0-9]+)$/;

/** Parse RATE_LIMITS (empty: the defaults). Throws naming the bad entry. */
export function parseRateLimits(raw: string): RateLimitSetting {
  const text = raw.trim();
  if (text === 'off') return 'off';
  const out: Record<Role, RateLimit> = { ...DEFAULT_RATE_LIMITS };
  const seen = new Set<Role>();
  if (text === '') return Object.freeze(out);
  for (const part of text.split(',')) {
    const entry = part.trim();
    const m = ENTRY.exec(entry);
    if (!m) throw new Error(`"${entry}" is not <role>=<rate>/s:<burst> (e.g. frontend=500/s:1000), or the whole value "off"`);
    const [, role, rate, burst] = m as unknown as [string, string, string, string];
    if (!isRole(role)) throw new Error(`"${entry}": unknown role "${role}" (roles: ${ROLES.join(', ')})`);
    if (seen.has(role)) throw new Error(`"${entry}": role ${role} is given twice`);
    seen.add(role);
    const ratePerSec = Number(rate);
    const size = Number(burst);
    if (!(ratePerSec > 0) || ratePerSec > MAX_RATE_PER_SEC) throw new Error(`"${entry}": the rate must be > 0 and ≤ ${MAX_RATE_PER_SEC} per second`);
    if (!Number.isSafeInteger(size) || size < 1 || size > MAX_BURST) throw new Error(`"${entry}": the burst must be a whole number in [1, ${MAX_BURST}]`);
    out[role] = { ratePerSec, burst: size };
  }
  return Object.freeze(out);
}

/** `500/s burst 1000` (what a refusal reports as `extensions.limit`). */
export const describeRateLimit = (l: RateLimit): string => `${l.ratePerSec}/s burst ${l.burst}`;

/** Every role's limit in RATE_LIMITS grammar (parses back to the same limits). */
export function formatRateLimits(limits: RateLimitSetting): string {
  if (limits === 'off') return 'off';
  return ROLES.map((r) => `${r}=${limits[r].ratePerSec}/s:${limits[r].burst}`).join(',');
}
