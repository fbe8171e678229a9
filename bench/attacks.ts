/**
 * Attack run (a script, not a test): the requests of issue 10 against a real gateway (child
 * process, demo data, keys and limits on, the production RATE_LIMITS defaults, loopback only). Prints one row per attack (expected
 * refusal, HTTP status + code, time, server RSS before/after) and writes JSON to bench/results/.
 *
 *   npm run bench:attacks
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearer, createKey, gatewayEnv, post, startChild, type ChildGateway } from './child-gateway';
import { DEFAULT_RATE_LIMITS, formatRateLimits } from '../services/access/rate-limit-config';
import { rssMiB, writeBenchResult } from './stats';

interface GqlError {
  message?: string;
  extensions?: { code?: string; limit?: string };
}
interface Reply {
  status: number;
  json: unknown;
  ms: number;
  text: string;
}
interface Attack {
  readonly request: string;
  readonly expected: string;
  readonly send: () => Promise<Reply>;
  /** What the reply shows (code, counts) and whether it is the expected outcome. */
  readonly judge: (r: Reply) => { observed: string; pass: boolean };
}

const errorsOf = (r: Reply): GqlError[] => (r.json as { errors?: GqlError[] } | null)?.errors ?? [];
const firstCode = (r: Reply): string => {
  const e = errorsOf(r)[0];
  return e ? `${e.extensions?.code ?? '?'}${e.extensions?.limit ? `/${e.extensions.limit}` : ''}` : 'no error';
};
const refused =
  (status: number, ...codes: string[]) =>
  (r: Reply) => ({ observed: `${r.status} ${firstCode(r)}`, pass: r.status === status && codes.some((c) => firstCode(r).startsWith(c)) });
const dataOf = <T>(r: Reply): T | undefined => (r.json as { data?: T } | null)?.data;

const FEED_SEL = '{ items { itemId score } }';
const aliases = (n: number): string => `{ ${Array.from({ length: n }, (_, i) => `a${i}: feed(userId: "demo-u-0001", limit: 100) ${FEED_SEL}`).join(' ')} }`;
const RECORD = 'mutation($e:[EventInput!]!){recordEvents(events:$e){accepted duplicates unknownItems rejected{index field code eventId}}}';
interface Recorded {
  recordEvents: { accepted: number; rejected: Array<{ index: number; field: string; code: string }> };
}
const now = (): string => new Date().toISOString();
const ev = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ eventId: id, userId: 'demo-u-0001', itemId: 'demo-i-0001', type: 'view', ts: now(), ...extra });

const FLOOD = 100;
interface Flood {
  served: number;
  refused: number;
  codes: string[];
  retryAfter: string[];
  otherStatus: number;
}
/** `FLOOD` concurrent requests from one key, then one from `other`; the reply's json is the tally. */
async function flood(url: string, key: string, other: string): Promise<Reply> {
  const t0 = performance.now();
  const body = JSON.stringify({ query: '{ eventTypes }' });
  const send = (k: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(k) }, body, signal: AbortSignal.timeout(30_000) });
  const replies = await Promise.all(Array.from({ length: FLOOD }, () => send(key)));
  const refused = replies.filter((r) => r.status === 429);
  const codes = await Promise.all(refused.map(async (r) => ((await r.json()) as { errors?: GqlError[] }).errors?.[0]?.extensions?.code ?? '?'));
  const tally: Flood = {
    served: replies.filter((r) => r.status === 200).length,
    refused: refused.length,
    codes: [...new Set(codes)],
    retryAfter: [...new Set(refused.map((r) => r.headers.get('retry-after') ?? 'none'))],
    otherStatus: (await send(other)).status,
  };
  return { status: refused[0]?.status ?? 200, json: tally, ms: Math.round((performance.now() - t0) * 10) / 10, text: '' };
}

function attacks(url: string, keys: Record<'admin' | 'frontend' | 'ingest' | 'analyst' | 'flood', string>): Attack[] {
  const q = (query: string, variables?: unknown) => JSON.stringify({ query, variables });
  const recorded = (acceptedWanted: number, rejectedWanted: number) => (r: Reply) => {
    const d = dataOf<Recorded>(r)?.recordEvents;
    const observed = d ? `${r.status} accepted ${d.accepted}, rejected ${d.rejected.map((x) => `${x.field}:${x.code}`).join(' ') || 0}` : `${r.status} ${firstCode(r)}`;
    return { observed, pass: d !== undefined && d.accepted === acceptedWanted && d.rejected.length === rejectedWanted };
  };
  const run = Date.now();
  return [
    { request: 'anonymous recordEvents', expected: '401 UNAUTHENTICATED', send: () => post(url, q(RECORD, { e: [ev(`anon-${run}`)] })), judge: refused(401, 'UNAUTHENTICATED') },
    {
      request: 'frontend key: createExperiment',
      expected: '403 FORBIDDEN',
      send: () => post(url, q('mutation{createExperiment(input:{name:"x",primaryMetrics:[CTR],variants:[{key:"a",strategyId:"default",weight:1}]}){id}}'), bearer(keys.frontend)),
      judge: refused(403, 'FORBIDDEN'),
    },
    { request: 'anonymous startExperiment', expected: '401 UNAUTHENTICATED', send: () => post(url, q('mutation{startExperiment(id:"exp-1"){id}}')), judge: refused(401, 'UNAUTHENTICATED') },
    {
      request: 'frontend key: users(first: 20) paging',
      expected: '403 FORBIDDEN',
      send: () => post(url, q('{users(first:20){edges{node{userId value}} pageInfo{endCursor}}}'), bearer(keys.frontend)),
      judge: refused(403, 'FORBIDDEN'),
    },
    {
      request: 'frontend key: users(first: 500) paging',
      expected: '403 FORBIDDEN or 400 (cost, checked first)',
      send: () => post(url, q('{users(first:500){edges{node{userId value}} pageInfo{endCursor}}}'), bearer(keys.frontend)),
      judge: (r) => ({ observed: `${r.status} ${firstCode(r)}`, pass: (r.status === 403 && firstCode(r) === 'FORBIDDEN') || (r.status === 400 && firstCode(r).startsWith('QUERY_TOO_COMPLEX')) }),
    },
    { request: '500 aliases of feed(limit: 100)', expected: '400 QUERY_TOO_COMPLEX', send: () => post(url, q(aliases(500)), bearer(keys.frontend)), judge: refused(400, 'QUERY_TOO_COMPLEX') },
    {
      request: '2,000 aliases of feed(limit: 100)',
      expected: '400 QUERY_TOO_COMPLEX or 413',
      send: () => post(url, q(aliases(2000)), bearer(keys.frontend)),
      judge: (r) => ({
        observed: `${r.status} ${firstCode(r)}`,
        pass: (r.status === 400 && firstCode(r).startsWith('QUERY_TOO_COMPLEX')) || (r.status === 413 && firstCode(r) === 'PAYLOAD_TOO_LARGE'),
      }),
    },
    {
      request: '12,000 aliases of feed(limit: 100)',
      expected: '413 PAYLOAD_TOO_LARGE or 400',
      send: () => post(url, q(aliases(12_000)), bearer(keys.frontend)),
      judge: (r) => ({
        observed: `${r.status} ${firstCode(r)}`,
        pass: (r.status === 400 && firstCode(r).startsWith('QUERY_TOO_COMPLEX')) || (r.status === 413 && firstCode(r) === 'PAYLOAD_TOO_LARGE'),
      }),
    },
    {
      request: '3 aliases of feed(limit: 100)',
      expected: '400 QUERY_TOO_COMPLEX/feedCost',
      send: () => post(url, q(aliases(3)), bearer(keys.frontend)),
      judge: refused(400, 'QUERY_TOO_COMPLEX/feedCost'),
    },
    {
      request: '15 aliases of feed(limit: 100) (alias bound)',
      expected: '400 QUERY_TOO_COMPLEX/feedCost',
      send: () => post(url, q(aliases(15)), bearer(keys.frontend)),
      judge: refused(400, 'QUERY_TOO_COMPLEX/feedCost'),
    },
    {
      request: '2 aliases of feed(limit: 100) (control)',
      expected: '200, answered',
      send: () => post(url, q(aliases(2)), bearer(keys.frontend)),
      judge: (r) => ({ observed: `${r.status} ${firstCode(r)}`, pass: r.status === 200 && errorsOf(r).length === 0 }),
    },
    {
      request: '2.2 MB body',
      expected: '413 PAYLOAD_TOO_LARGE',
      send: () => post(url, q(`{ __typename }`, { pad: 'x'.repeat(2_200_000) }), bearer(keys.frontend)),
      judge: refused(413, 'PAYLOAD_TOO_LARGE'),
    },
    { request: 'invalid JSON', expected: '400 MALFORMED_REQUEST', send: () => post(url, '{"query": "{ __typename }"', bearer(keys.frontend)), judge: refused(400, 'MALFORMED_REQUEST') },
    {
      request: 'purchase value 1e308 + 2 good events',
      expected: '200, 2 stored, events[1].value rejected',
      send: () =>
        post(
          url,
          `{"query":${JSON.stringify(RECORD)},"variables":{"e":[${JSON.stringify(ev(`v1-${run}`))},${JSON.stringify(ev(`v2-${run}`, { type: 'purchase' })).replace(/}$/, ',"value":1e308}')},${JSON.stringify(ev(`v3-${run}`, { type: 'click' }))}]}}`,
          bearer(keys.ingest),
        ),
      judge: recorded(2, 1),
    },
    {
      request: 'then userValue(demo-u-0001)',
      expected: '200, finite value',
      send: () => post(url, q('{userValue(userId:"demo-u-0001"){value expectedSpend segment}}'), bearer(keys.analyst)),
      judge: (r) => {
        const v = dataOf<{ userValue: { value: number } | null }>(r)?.userValue;
        return { observed: `${r.status} ${v ? `value ${v.value.toFixed(2)}` : firstCode(r)}`, pass: r.status === 200 && v !== undefined && v !== null && Number.isFinite(v.value) };
      },
    },
    {
      request: 'then users(first: 50)',
      expected: '200, finite values',
      send: () => post(url, q('{users(first:50){totalCount edges{node{userId value}}}}'), bearer(keys.analyst)),
      judge: (r) => {
        const c = dataOf<{ users: { totalCount: number; edges: Array<{ node: { value: number } }> } }>(r)?.users;
        return {
          observed: `${r.status} ${c ? `${c.edges.length} of ${c.totalCount}, all finite: ${c.edges.every((e) => Number.isFinite(e.node.value))}` : firstCode(r)}`,
          pass: r.status === 200 && c !== undefined && c.edges.length > 0 && c.edges.every((e) => Number.isFinite(e.node.value)),
        };
      },
    },
    {
      request: 'ids with NUL / bidi override / zero-width + 1 good',
      expected: '200, 1 stored, 3 rejected',
      send: () =>
        post(url, q(RECORD, { e: [ev(`nul\u0000-${run}`), ev(`bidi-${run}`, { userId: 'u\u202Eevil' }), ev(`zw-${run}`, { itemId: 'demo-i-\u200B0001' }), ev(`ok-${run}`)] }), bearer(keys.ingest)),
      judge: recorded(1, 3),
    },
    {
      request: 'batch: 1 bad ts + 4 good',
      expected: '200, 4 stored, events[2].ts rejected',
      send: () => post(url, q(RECORD, { e: [ev(`t1-${run}`), ev(`t2-${run}`), ev(`t3-${run}`, { ts: 'yesterday-ish' }), ev(`t4-${run}`), ev(`t5-${run}`)] }), bearer(keys.ingest)),
      judge: recorded(4, 1),
    },
    {
      request: 'depth 40 nesting (fragment-free)',
      expected: '400 QUERY_TOO_COMPLEX/depth',
      send: () => post(url, q(`{ feed(userId: "demo-u-0001") ${'{ items '.repeat(20)}{ itemId }${' }'.repeat(20)} }`), bearer(keys.frontend)),
      judge: (r) => ({
        observed: `${r.status} ${errorsOf(r)
          .map((e) => `${e.extensions?.code}${e.extensions?.limit ? `/${e.extensions.limit}` : ''}`)
          .join(',')}`,
        pass: r.status === 400 && errorsOf(r).some((e) => e.extensions?.limit === 'depth'),
      }),
    },
    { request: 'anonymous introspection', expected: '401 UNAUTHENTICATED', send: () => post(url, q('{ __schema { types { name } } }')), judge: refused(401, 'UNAUTHENTICATED') },
    {
      request: 'typo field: suggestion leak',
      expected: '400, no "Did you mean"',
      send: () => post(url, q('{ fee(userId: "x") { items { itemId } } }'), bearer(keys.frontend)),
      judge: (r) => ({ observed: `${r.status} ${firstCode(r)} "${errorsOf(r)[0]?.message ?? ''}"`, pass: r.status === 400 && !r.text.includes('Did you mean') }),
    },
    {
      request: 'frontend key: introspection',
      expected: '403 FORBIDDEN (schema:read is admin only)',
      send: () => post(url, q('{ __schema { types { name } } }'), bearer(keys.frontend)),
      judge: (r) => {
        const types = dataOf<{ __schema: { types: unknown[] } | null }>(r)?.__schema?.types.length;
        return {
          observed: `${r.status} ${types !== undefined ? `schema answered (${types} types)` : `${firstCode(r)} "${errorsOf(r)[0]?.message ?? ''}"`}`,
          pass: types === undefined && r.status >= 400,
        };
      },
    },
    {
      request: `flood: ${FLOOD} concurrent requests from one analyst key (default ${DEFAULT_RATE_LIMITS.analyst.ratePerSec}/s burst ${DEFAULT_RATE_LIMITS.analyst.burst}), then another analyst key`,
      expected: '429 RATE_LIMITED + Retry-After past the burst; the other key 200',
      send: () => flood(url, keys.flood, keys.analyst),
      judge: (r) => {
        const f = r.json as Flood;
        return {
          observed: `${f.served}× 200, ${f.refused}× 429 ${f.codes.join(',')} (Retry-After ${f.retryAfter.join(',')} s); other key ${f.otherStatus}`,
          pass:
            f.served >= DEFAULT_RATE_LIMITS.analyst.burst &&
            f.refused > 0 &&
            f.served + f.refused === FLOOD &&
            f.codes.join() === 'RATE_LIMITED' &&
            f.retryAfter.every((s) => Number(s) >= 1) &&
            f.otherStatus === 200,
        };
      },
    },
  ];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'recgate-attacks-'));
  let gw: ChildGateway | undefined;
  try {
    // The production defaults (empty RATE_LIMITS), not the benches' high limits: the flood row meets the analyst default.
    const env = gatewayEnv(dir, { RATE_LIMITS: '' });
    const keys = {
      admin: createKey(env, 'admin'),
      frontend: createKey(env, 'frontend'),
      ingest: createKey(env, 'ingest'),
      analyst: createKey(env, 'analyst'),
      flood: createKey(env, 'analyst', 'bench-flood'),
    };
    console.log(`RATE_LIMITS defaults: ${formatRateLimits(DEFAULT_RATE_LIMITS)}`);
    console.log('starting the gateway with --demo (trains DUVE on first start)');
    gw = await startChild(env, ['--demo']);
    const pid = gw.child.pid!;
    const rows: Array<{ request: string; expected: string; observed: string; pass: boolean; ms: number; rssBeforeMiB: number; rssAfterMiB: number }> = [];
    for (const a of attacks(gw.url, keys)) {
      const rssBefore = rssMiB(pid);
      let reply: Reply;
      try {
        reply = await a.send();
      } catch (err) {
        reply = { status: 0, json: null, ms: Number.NaN, text: String(err) };
      }
      const rssAfter = rssMiB(pid);
      const { observed, pass } = reply.status === 0 ? { observed: `no reply: ${reply.text}`, pass: false } : a.judge(reply);
      rows.push({ request: a.request, expected: a.expected, observed, pass, ms: reply.ms, rssBeforeMiB: rssBefore, rssAfterMiB: rssAfter });
    }
    const alive = (await fetch(`${gw.base}/healthz`)).ok;
    console.log('\n| request | expected | HTTP status + code | ok | time (ms) | server RSS before → after (MiB) |\n|---|---|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.request} | ${r.expected} | ${r.observed.replace(/\|/g, '\\|')} | ${r.pass ? 'yes' : 'NO'} | ${r.ms} | ${r.rssBeforeMiB} → ${r.rssAfterMiB} |`);
    console.log(`\nserver healthy after the run: ${alive}; ${rows.filter((r) => r.pass).length}/${rows.length} as expected`);
    const file = writeBenchResult('attacks', { startedAt: new Date().toISOString(), node: process.version, rows, aliveAfter: alive });
    console.log(`written ${file}`);
    if (rows.some((r) => !r.pass) || !alive) process.exitCode = 1;
  } finally {
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
