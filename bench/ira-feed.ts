/**
 * Feed latency with the IRA policy (`ira/policy` in the strategy with the policy hook on) against
 * the same strategy without it, in the same run (a script, not a test), against the study's
 * 100 ms cap. Prints figures and writes JSON to bench/results/.
 *
 *   npm run bench:ira -- [--file ../shared/data/taobao-userbehavior-head/UserBehavior_head.csv]
 *                        [--duration 20] [--connections 10] [--rounds 3] [--ira-db <an IRA SQLite file with trained versions>]
 *                        [--line <name>] [--pool 30] [--temperature 0.1] [--duve2 <DUVE2_MODEL_DIR with an artifact>] [--warm]
 *
 * 1. Import the event log into a fresh embedded store.
 * 2. Start two gateways (child processes, keys and limits on, each with its own copy of the store
 *    and of the IRA file: `--ira-db`'s, or a fresh one whose lines serve version 0, the heuristic):
 *    A serves the baseline strategy (the default retrievers and blend), B the same plus `ira/policy`
 *    (weight 0) named as the strategy's policy, so B's feeds are IRA's Boltzmann slates over the top
 *    `pool` candidates by Q, with a decision recorded per feed. With `--duve2` both run DUVE v2 and
 *    IRA reads it as its value source; without, IRA's user features are flagged missing.
 * 3. Probes: B's feeds carry the ira/policy contribution, degrade nothing, and B's decision log grows.
 * 4. Load: autocannon POSTs feed(userId, limit 10) for the log's users (seeded) at each connection
 *    count, alternating A and B for `rounds` rounds so both see the same machine (bench/ab-load.ts).
 *
 * Needs the gateway to register `ira/policy` when IRA_DB_PATH is set (server/gateway.ts); B's
 * probes fail with a message saying so otherwise.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createGraphStore } from '../graph/factory';
import { importTaobao } from '../ingest/import/presets';
import { DEFAULT_STRATEGY } from '../pipeline/strategy';
import { openIraDecisionLog } from '../plugins/ira/decision-log';
import { IRA_SCORER_ID } from '../plugins/ira/scorer';
import { seededRandom } from '../plugins/sdk/fixtures';
import { alternatingLoad } from './ab-load';
import { BENCH_RATE_LIMITS, CLI, createKey } from './child-gateway';
import { freePort, waitHealthy } from './http';
import { rssMiB, writeBenchResult } from './stats';

interface Args {
  file: string;
  duration: number;
  connections: number[];
  rounds: number;
  iraDb: string | undefined;
  line: string | undefined;
  pool: number;
  temperature: number;
  duve2: string | undefined;
  warm: boolean;
}

/** The study's latency cap (ms). */
const CAP_MS = 100;

function parseArgs(argv: string[]): Args {
  const get = (flag: string, dflt: string): string => {
    const i = argv.indexOf(flag);
    return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
  };
  const opt = (flag: string): string | undefined => (argv.includes(flag) ? resolve(get(flag, '')) : undefined);
  return {
    file: resolve(get('--file', '../shared/data/taobao-userbehavior-head/UserBehavior_head.csv')),
    duration: Number(get('--duration', '20')),
    connections: get('--connections', '10').split(',').map(Number),
    rounds: Number(get('--rounds', '3')),
    iraDb: opt('--ira-db'),
    line: argv.includes('--line') ? get('--line', '') : undefined,
    pool: Number(get('--pool', '30')),
    temperature: Number(get('--temperature', '0.1')),
    duve2: opt('--duve2'),
    warm: argv.includes('--warm'),
  };
}

const FEED = 'query($u:String!){feed(userId:$u,limit:10){candidateCount items{rank itemId score contributions{scorerId value}} degraded{scorerId code message}}}';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'recgate-bench-ira-'));
  const out: Record<string, unknown> = { startedAt: new Date().toISOString(), node: process.version, args, capMs: CAP_MS, loadAverageBefore: loadavg() };
  const children: ChildProcess[] = [];
  try {
    console.log(`1/4 import ${args.file}`);
    const dbPath = join(dir, 'store.db');
    const store = await createGraphStore({ kind: 'embedded', path: dbPath });
    const imported = await importTaobao(store, args.file, { progress: false, log: () => {} });
    const users = new Set<string>();
    for await (const page of store.scanInteractions(10_000)) for (const r of page) users.add(r.userId);
    await store.close();
    out.data = { events: imported.inserted, users: users.size };
    console.log(`   ${imported.inserted} events, ${users.size} users`);

    // Two strategies that differ only in the policy: B adds ira/policy at weight 0 and names it the policy.
    const settings = { explore: 'boltzmann', temperature: args.temperature, pool: args.pool, ...(args.line !== undefined ? { line: args.line } : {}) };
    const base = { ...DEFAULT_STRATEGY, id: 'baseline' };
    const withIra = { ...DEFAULT_STRATEGY, id: 'ira', scorers: [...DEFAULT_STRATEGY.scorers, { id: IRA_SCORER_ID, weight: 0, settings }], policy: { scorer: IRA_SCORER_ID } };
    const strategyFile = (name: string, s: unknown): string => {
      const f = join(dir, `${name}.json`);
      writeFileSync(f, JSON.stringify(s, null, 2));
      return f;
    };
    out.strategies = { baseline: base, ira: withIra };

    console.log('2/4 start gateway A (baseline strategy) and B (the same with ira/policy as its policy) on copies of the store');
    const start = async (name: string, strategy: string): Promise<{ url: string; key: string; child: ChildProcess; iraDb: string }> => {
      const sub = join(dir, name);
      mkdirSync(sub);
      copyFileSync(dbPath, join(sub, 'store.db'));
      const iraDb = join(sub, 'ira.db');
      if (args.iraDb !== undefined) {
        if (!existsSync(args.iraDb)) throw new Error(`--ira-db ${args.iraDb} does not exist`);
        copyFileSync(args.iraDb, iraDb);
      }
      const port = await freePort();
      const env = {
        ...process.env,
        DB_PATH: join(sub, 'store.db'),
        EXPERIMENTS_DB_PATH: join(sub, 'experiments.db'),
        PUBLISHED_DB_PATH: join(sub, 'published.db'),
        ACCESS_DB_PATH: join(sub, 'access.db'),
        DUVE_MODEL_DIR: join(sub, 'duve'),
        DPGCN_POLICY_DB_PATH: join(sub, 'dpgcn-policy.db'),
        DPGCN_MODELS_DIR: '',
        STRATEGIES_DIR: join(sub, 'strategies'),
        STRATEGY_FILE: strategy,
        IRA_DB_PATH: iraDb,
        ...(args.duve2 !== undefined ? { DUVE_VERSION: 'v2', DUVE2_MODEL_DIR: args.duve2 } : {}),
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        // Limits on, far above one key's load: the defaults (frontend 500/s) answered the faster baseline with 429s.
        RATE_LIMITS: BENCH_RATE_LIMITS,
      };
      const key = createKey(env, 'frontend', 'bench');
      const child = spawn(process.execPath, [CLI, 'serve'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
      children.push(child);
      await waitHealthy(`http://127.0.0.1:${port}`, child, 120_000);
      return { url: `http://127.0.0.1:${port}/graphql`, key, child, iraDb };
    };
    const a = await start('a', strategyFile('baseline', base));
    const b = await start('b', strategyFile('ira', withIra));
    const ids = [...users].sort();
    const rnd = seededRandom(11);
    const body = (): string => JSON.stringify({ query: FEED, variables: { u: ids[Math.floor(rnd() * ids.length)] } });

    console.log('3/4 probes');
    const probes: Record<string, unknown> = {};
    for (const [name, g] of [
      ['baseline', a],
      ['ira', b],
    ] as const) {
      let items = 0;
      let withIra = 0;
      const degraded: unknown[] = [];
      for (let k = 0; k < 20; k++) {
        const probe = (await (await fetch(g.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${g.key}` }, body: body() })).json()) as {
          data?: { feed: { items: Array<{ contributions: Array<{ scorerId: string }> }>; degraded: unknown[] } };
          errors?: unknown;
        };
        if (!probe.data) throw new Error(`probe ${name} failed: ${JSON.stringify(probe.errors)}`);
        items += probe.data.feed.items.length;
        withIra += probe.data.feed.items.filter((i) => i.contributions.some((c) => c.scorerId === IRA_SCORER_ID)).length;
        degraded.push(...probe.data.feed.degraded);
      }
      // Decisions are recorded after the answer; give the last ones a moment.
      await new Promise((r) => setTimeout(r, 200));
      const log = openIraDecisionLog(g.iraDb);
      const decisions = log.count();
      log.close();
      probes[name] = { items, withIra, degraded, decisions };
      console.log(`   probe ${name}: 20 feeds, ${items} items, ${withIra} with an ${IRA_SCORER_ID} contribution, ${decisions} IRA decisions logged, degraded ${JSON.stringify(degraded)}`);
      if (name === 'ira' && withIra === 0) throw new Error(`gateway B served no ${IRA_SCORER_ID} contribution: is the scorer registered when IRA_DB_PATH is set (server/gateway.ts)?`);
      if (name === 'ira' && decisions === 0) throw new Error('gateway B logged no IRA decision: the policy hook did not serve IRA slates');
    }
    out.probes = probes;
    if (args.warm) {
      for (const g of [a, b])
        for (const u of ids)
          await fetch(g.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${g.key}` }, body: JSON.stringify({ query: FEED, variables: { u } }) });
      console.log(`   warmed: ${ids.length} users fed once on A and on B`);
    }

    console.log(`4/4 load: ${args.duration} s per run, ${args.rounds} rounds, A and B alternating`);
    const { runs, pooled } = await alternatingLoad(a, b, { names: ['baseline', 'ira'], connections: args.connections, rounds: args.rounds, duration: args.duration, body });
    out.loadAverage = loadavg();
    out.runs = runs;
    out.pooled = pooled;
    out.underCap = pooled.map((p) => ({ connections: p.connections, candidateP99: p.candidateP99, underCap: p.candidateP99 < CAP_MS }));
    for (const p of pooled) console.log(`   c=${p.connections}: ira p99 ${p.candidateP99} ms ${p.candidateP99 < CAP_MS ? 'under' : 'OVER'} the ${CAP_MS} ms cap (baseline ${p.baselineP99} ms)`);
    const log = openIraDecisionLog(b.iraDb);
    out.decisionsLogged = log.count();
    log.close();
    out.serverRssMiB = { baseline: rssMiB(a.child.pid!), ira: rssMiB(b.child.pid!) };
    const file = writeBenchResult('ira-feed', out);
    console.log(`written ${file}`);
  } finally {
    for (const c of children) c.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
