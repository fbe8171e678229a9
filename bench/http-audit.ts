/**
 * GraphQL-over-HTTP conformance (a script, not a test): graphql-http's `auditServer` against a
 * real gateway's /graphql (child process, keys and limits on, loopback only), every audit request
 * carrying an admin key. Prints each audit's status and reason, counts errors / warnings /
 * notices, and writes JSON to bench/results/. Exits 1 when an audit errors (a MUST failed) on the
 * production configuration.
 *
 * Two passes: the production configuration (NODE_ENV unset, so introspection is off), and
 * NODE_ENV=development (keys still on), where Apollo allows introspection: some audits send
 * `__type` queries, so the second pass tells an introspection refusal from an HTTP fault.
 *
 *   npm run bench:http-audit
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditServer } from 'graphql-http';
import { BENCH_RATE_LIMITS, createKey, gatewayEnv, startChild, type ChildGateway } from './child-gateway';
import { writeBenchResult } from './stats';

interface Pass {
  summary: Record<string, number>;
  rows: unknown[];
}

/** One audit pass on a fresh gateway; `all` prints every audit, else only those not ok. */
async function audit(label: string, extraEnv: Record<string, string>, all: boolean): Promise<Pass> {
  const dir = mkdtempSync(join(tmpdir(), 'recgate-http-audit-'));
  let gw: ChildGateway | undefined;
  try {
    const env = gatewayEnv(dir, extraEnv);
    const key = createKey(env, 'admin');
    gw = await startChild(env);
    const fetchFn = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${key}`);
      return fetch(input, { ...init, headers, signal: AbortSignal.timeout(30_000) });
    };
    const results = await auditServer({ url: gw.url, fetchFn });
    const rows = await Promise.all(
      results.map(async (r) => ({
        id: r.id,
        name: r.name,
        status: r.status,
        reason: r.status === 'ok' ? '' : r.reason,
        response: r.status === 'ok' ? undefined : { status: r.response.status, contentType: r.response.headers.get('content-type'), body: (await r.response.text().catch(() => '')).slice(0, 300) },
      })),
    );
    console.log(`\n${label}\n\nRATE_LIMITS=${env.RATE_LIMITS ?? ''} (on, above the audit's burst from one admin key)\n`);
    console.log('| status | audit | reason |\n|---|---|---|');
    for (const r of rows.filter((x) => all || x.status !== 'ok'))
      console.log(
        `| ${r.status} | ${r.name} | ${r.reason.replace(/\|/g, '\\|')}${r.response ? ` (got ${r.response.status} ${r.response.contentType ?? ''}: ${r.response.body.replace(/\|/g, '\\|').replace(/\n/g, ' ').slice(0, 160)})` : ''} |`,
      );
    const count = (s: string) => rows.filter((r) => r.status === s).length;
    const summary = { audits: rows.length, ok: count('ok'), notices: count('notice'), warnings: count('warn'), errors: count('error') };
    console.log(`\n${label}: ${summary.audits} audits: ${summary.ok} ok, ${summary.errors} errors, ${summary.warnings} warnings, ${summary.notices} notices`);
    return { summary, rows };
  } finally {
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const production = await audit('production configuration (admin key: introspection allowed by schema:read)', {}, true);
  const development = await audit('NODE_ENV=development (introspection on, keys on)', { NODE_ENV: 'development' }, false);
  const file = writeBenchResult('http-audit', { startedAt: new Date().toISOString(), node: process.version, rateLimits: BENCH_RATE_LIMITS, production, development });
  console.log(`written ${file}`);
  if ((production.summary.errors ?? 0) > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
