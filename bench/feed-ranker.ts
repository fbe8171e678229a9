/**
 * Feed latency with the learned ranker against the default strategy, in the same run (a script,
 * not a test). Prints figures and writes JSON to bench/results/.
 *
 *   npm run bench:ranker -- [--file ../shared/data/taobao-userbehavior-head/UserBehavior_head.csv]
 *                           [--duration 20] [--connections 10] [--rounds 2]
 *
 * 1. Import the Taobao head into a fresh embedded store; train the ranker on it (`train ranker`'s
 *    code, default settings) into a temp model folder; write the learned strategy file.
 * 2. Start two gateways (child processes, keys and limits on) on copies of that store: A serves
 *    the default strategy, B the learned one (ltr/lambdamart over the bundled scorers).
 * 3. Load: autocannon POSTs feed(userId, limit 10) for the log's users (seeded) at each
 *    connection count, alternating A and B for `rounds` rounds so both see the same machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createGraphStore } from '../graph/factory';
import { importTaobao } from '../ingest/import/presets';
import { trainRankerFromStore } from '../ml/ltr/from-store';
import { seededRandom } from '../plugins/sdk/fixtures';
import { bundledScorers } from '../server/bundled';
import { CLI, createKey } from './child-gateway';
import { alternatingLoad } from './ab-load';
import { freePort, waitHealthy } from './http';
import { rssMiB, writeBenchResult } from './stats';

interface Args {
  file: string;
  duration: number;
  connections: number[];
  rounds: number;
}

function parseArgs(argv: string[]): Args {
  const get = (flag: string, dflt: string): string => {
    const i = argv.indexOf(flag);
    return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
  };
  return {
    file: resolve(get('--file', '../shared/data/taobao-userbehavior-head/UserBehavior_head.csv')),
    duration: Number(get('--duration', '20')),
    connections: get('--connections', '10').split(',').map(Number),
    rounds: Number(get('--rounds', '2')),
  };
}

const FEED = 'query($u:String!){feed(userId:$u,limit:10){candidateCount items{rank itemId score contributions{scorerId value}} degraded{scorerId code}}}';
async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'recgate-bench-ranker-'));
  const out: Record<string, unknown> = { startedAt: new Date().toISOString(), node: process.version, args };
  const children: ChildProcess[] = [];
  try {
    console.log(`1/3 import ${args.file} and train the ranker`);
    const dbPath = join(dir, 'store.db');
    const store = await createGraphStore({ kind: 'embedded', path: dbPath });
    const imported = await importTaobao(store, args.file, { progress: false, log: () => {} });
    const users = new Set<string>();
    for await (const page of store.scanInteractions(10_000)) for (const r of page) users.add(r.userId);
    const modelDir = join(dir, 'models', 'ltr');
    const trained = await trainRankerFromStore(store, { modelDir, plugins: bundledScorers(), log: (l) => console.log(`   ${l}`) });
    await store.close();
    const strategyFile = join(dir, 'learned.json');
    writeFileSync(strategyFile, JSON.stringify(trained.strategy));
    out.data = { events: imported.inserted, users: users.size, rankerVersion: trained.version, trees: trained.fit.bestIteration, trainMs: Math.round(trained.fit.trainMs) };
    console.log(`   ${imported.inserted} events, ${users.size} users; ranker v${trained.version}, ${trained.fit.bestIteration} trees`);

    console.log('2/3 start gateway A (default strategy) and B (learned) on copies of the store');
    const start = async (name: string, extra: Record<string, string>): Promise<{ url: string; key: string; child: ChildProcess }> => {
      const sub = join(dir, name);
      mkdirSync(sub);
      copyFileSync(dbPath, join(sub, 'store.db'));
      const port = await freePort();
      const env = {
        ...process.env,
        DB_PATH: join(sub, 'store.db'),
        EXPERIMENTS_DB_PATH: join(sub, 'experiments.db'),
        PUBLISHED_DB_PATH: join(sub, 'published.db'),
        ACCESS_DB_PATH: join(sub, 'access.db'),
        DUVE_MODEL_DIR: join(sub, 'duve'),
        STRATEGIES_DIR: join(sub, 'strategies'),
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        ...extra,
      };
      const key = createKey(env, 'frontend', 'bench');
      const child = spawn(process.execPath, [CLI, 'serve'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
      children.push(child);
      await waitHealthy(`http://127.0.0.1:${port}`, child, 120_000);
      return { url: `http://127.0.0.1:${port}/graphql`, key, child };
    };
    const a = await start('a', {});
    const b = await start('b', { LTR_MODEL_DIR: modelDir, STRATEGY_FILE: strategyFile });
    const ids = [...users].sort();
    const rnd = seededRandom(11);
    const body = (): string => JSON.stringify({ query: FEED, variables: { u: ids[Math.floor(rnd() * ids.length)] } });
    for (const g of [a, b]) {
      const probe = (await (await fetch(g.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${g.key}` }, body: body() })).json()) as {
        data?: { feed: { items: unknown[]; degraded: unknown[]; candidateCount: number } };
        errors?: unknown;
      };
      if (!probe.data) throw new Error(`probe failed: ${JSON.stringify(probe.errors)}`);
      console.log(`   probe ${g === a ? 'A' : 'B'}: ${probe.data.feed.items.length} items from ${probe.data.feed.candidateCount} candidates, degraded ${JSON.stringify(probe.data.feed.degraded)}`);
    }

    console.log(`3/3 load: ${args.duration} s per run, ${args.rounds} rounds, A and B alternating`);
    const { runs, pooled } = await alternatingLoad(a, b, { names: ['default', 'learned'], connections: args.connections, rounds: args.rounds, duration: args.duration, body });
    out.loadAverage = loadavg();
    out.runs = runs;
    out.pooled = pooled;
    out.serverRssMiB = { default: rssMiB(a.child.pid!), learned: rssMiB(b.child.pid!) };
    const file = writeBenchResult('feed-ranker', out);
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
