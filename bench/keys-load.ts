/**
 * Feed load with API keys and request limits on, against the same load with both off, in the
 * same run (a script, not a test). Prints figures and writes JSON to bench/results/.
 *
 *   npm run bench:keys-load -- [--duration 30] [--connections 10,50] [--rounds 2] [--off both|auth|limits]
 *
 * Two gateways (child processes, `serve --demo`, each on its own copy of the generated demo
 * catalogue; the second reuses the first's DUVE model): ON has keys and the default limits and is
 * called with a frontend key, and per-key rate limits on at BENCH_RATE_LIMITS (printed; above this
 * load); OFF runs with AUTH=off NODE_ENV=development and every MAX_* and RATE_LIMITS raised to its
 * largest accepted value (the limit code still runs, nothing binds). autocannon POSTs
 * feed(userId, limit 10) for seeded random demo users; at each connection count the runs
 * alternate ON, OFF, ON, OFF… so both see the same machine. `--off auth` or `--off limits` turns
 * only one of the two off on the OFF gateway, to tell their costs apart (default both).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../plugins/sdk/fixtures';
import { BENCH_RATE_LIMITS, bearer, createKey, gatewayEnv, post, startChild, type ChildGateway } from './child-gateway';
import { load, type LoadResult } from './http';
import { rssMiB, writeBenchResult } from './stats';

interface Args {
  duration: number;
  connections: number[];
  rounds: number;
  off: 'both' | 'auth' | 'limits';
}

function parseArgs(argv: string[]): Args {
  const get = (flag: string, dflt: string): string => {
    const i = argv.indexOf(flag);
    return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
  };
  const off = get('--off', 'both');
  if (off !== 'both' && off !== 'auth' && off !== 'limits') throw new Error(`--off must be both, auth or limits (got ${off})`);
  return { duration: Number(get('--duration', '30')), connections: get('--connections', '10,50').split(',').map(Number), rounds: Number(get('--rounds', '2')), off };
}

const FEED = 'query($u:String!){feed(userId:$u,limit:10){candidateCount items{rank itemId score contributions{scorerId value}} degraded{scorerId code}}}';
const DEMO_USERS = 2000;
/** The largest value config/config.ts accepts for each bound: present but never binding. */
const LIMITS_OFF = {
  MAX_BODY_BYTES: String(100 * 1024 * 1024),
  MAX_QUERY_TOKENS: '1000000',
  MAX_QUERY_DEPTH: '100',
  MAX_QUERY_ALIASES: '10000',
  MAX_QUERY_DIRECTIVES: '10000',
  MAX_QUERY_COST: '100000000',
  MAX_FEED_COST: '1000000000',
  RATE_LIMITS: ['frontend', 'ingest', 'analyst', 'admin', 'partner', 'monitor'].map((r) => `${r}=1000000/s:1000000`).join(','),
};

const pct = (on: number, off: number): string => `${on >= off ? '+' : ''}${Math.round(((on - off) / off) * 1000) / 10} %`;
const mean = (xs: number[]): number => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'recgate-keys-load-'));
  const gws: ChildGateway[] = [];
  const out: Record<string, unknown> = { startedAt: new Date().toISOString(), node: process.version, args, rateLimitsOn: BENCH_RATE_LIMITS, loadavgStart: loadavg() };
  try {
    console.log(`starting ON (keys + default limits + RATE_LIMITS=${BENCH_RATE_LIMITS}, --demo; trains DUVE once)`);
    const onEnv = gatewayEnv(join(dir, 'on'));
    const key = createKey(onEnv, 'frontend');
    const on = await startChild(onEnv, ['--demo']);
    gws.push(on);
    const authOff = args.off !== 'limits';
    const limitsOff = args.off !== 'auth';
    console.log(`starting OFF (${authOff ? 'AUTH=off NODE_ENV=development' : 'keys on'}, ${limitsOff ? 'MAX_* at their largest' : 'default limits'}, --demo, same DUVE model)`);
    const offEnv = gatewayEnv(join(dir, 'off'), { DUVE_MODEL_DIR: String(onEnv.DUVE_MODEL_DIR), ...(authOff ? { AUTH: 'off', NODE_ENV: 'development' } : {}), ...(limitsOff ? LIMITS_OFF : {}) });
    const offKey = authOff ? undefined : createKey(offEnv, 'frontend');
    const off = await startChild(offEnv, ['--demo']);
    gws.push(off);
    const rnd = seededRandom(10);
    const body = (): string => JSON.stringify({ query: FEED, variables: { u: `demo-u-${String(1 + Math.floor(rnd() * DEMO_USERS)).padStart(4, '0')}` } });
    const modes = [
      { mode: 'on', gw: on, headers: bearer(key) },
      { mode: 'off', gw: off, headers: offKey === undefined ? {} : bearer(offKey) },
    ] as const;
    for (const m of modes) {
      const probe = await post(m.gw.url, body(), m.headers);
      const feed = (probe.json as { data?: { feed: { items: unknown[]; candidateCount: number } } } | null)?.data?.feed;
      if (probe.status !== 200 || !feed) throw new Error(`probe ${m.mode} failed: ${probe.status} ${probe.text.slice(0, 300)}`);
      console.log(`   probe ${m.mode}: ${feed.items.length} items from ${feed.candidateCount} candidates`);
      await load(m.gw.url, 10, 3, body, m.headers); // warm-up
    }
    const runs: Array<{ connections: number; round: number; mode: string; loadavg1: number; result: LoadResult }> = [];
    for (const c of args.connections) {
      for (let round = 1; round <= args.rounds; round++) {
        for (const m of modes) {
          const result = await load(m.gw.url, c, args.duration, body, m.headers);
          const loadavg1 = Math.round(loadavg()[0]! * 10) / 10;
          runs.push({ connections: c, round, mode: m.mode, loadavg1, result });
          console.log(
            `   c=${c} round ${round} ${m.mode.padEnd(3)} p50/p95/p99 ${result.latencyMs.p50}/${result.latencyMs.p95}/${result.latencyMs.p99} ms, ${result.reqPerSec} req/s, errors ${result.errors}, non-2xx ${result.non2xx}, load avg ${loadavg1}`,
          );
        }
      }
    }
    console.log('\n| connections | round | keys + limits | p50 (ms) | p95 (ms) | p99 (ms) | req/s | errors | non-2xx | load avg (1 min) |\n|---|---|---|---|---|---|---|---|---|---|');
    for (const r of runs)
      console.log(
        `| ${r.connections} | ${r.round} | ${r.mode} | ${r.result.latencyMs.p50} | ${r.result.latencyMs.p95} | ${r.result.latencyMs.p99} | ${r.result.reqPerSec} | ${r.result.errors} | ${r.result.non2xx} | ${r.loadavg1} |`,
      );
    const pooled = args.connections.map((c) => {
      const of = (mode: string) => runs.filter((r) => r.connections === c && r.mode === mode).map((r) => r.result);
      const p50 = (mode: string) => mean(of(mode).map((r) => r.latencyMs.p50));
      const p99 = (mode: string) => mean(of(mode).map((r) => r.latencyMs.p99));
      const rps = (mode: string) => mean(of(mode).map((r) => r.reqPerSec));
      return { connections: c, onP50: p50('on'), offP50: p50('off'), onP99: p99('on'), offP99: p99('off'), onReqPerSec: rps('on'), offReqPerSec: rps('off') };
    });
    console.log(`\n| connections | p50 on / off (ms) | Δ p50 | p99 on / off (ms) | Δ p99 | req/s on / off |\n|---|---|---|---|---|---|`);
    for (const p of pooled)
      console.log(`| ${p.connections} | ${p.onP50} / ${p.offP50} | ${pct(p.onP50, p.offP50)} | ${p.onP99} / ${p.offP99} | ${pct(p.onP99, p.offP99)} | ${p.onReqPerSec} / ${p.offReqPerSec} |`);
    console.log(
      `(means over ${args.rounds} alternating rounds of ${args.duration} s; load average at the end ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')})`,
    );
    out.runs = runs;
    out.pooled = pooled;
    out.serverRssMiB = { on: rssMiB(on.child.pid!), off: rssMiB(off.child.pid!) };
    out.loadavgEnd = loadavg();
    const file = writeBenchResult('keys-load', out);
    console.log(`written ${file}`);
  } finally {
    for (const g of gws) await g.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
