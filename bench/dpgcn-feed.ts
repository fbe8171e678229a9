/**
 * Feed latency with dpgcn/graph (scorer + embedding retriever, strategies/dpgcn.json) against the
 * default strategy, in the same run (a script, not a test). Prints figures and writes JSON to
 * bench/results/.
 *
 *   npm run bench:dpgcn -- [--file ../shared/data/taobao-userbehavior-head/UserBehavior_head.csv]
 *                          [--duration 20] [--connections 10] [--rounds 3] [--epochs <n>]
 *                          [--strategy <B's strategy file, default strategies/dpgcn.json>] [--warm]
 *
 * 1. Import the Taobao head into a fresh embedded store; train DP-GCN on it with
 *    trainDpgcnFromStore (`train dpgcn`'s code: graph, holdout selection, fusion network) into a
 *    temp DPGCN_MODELS_DIR.
 * 2. Start two gateways (child processes, keys and limits on) on copies of that store: A serves
 *    the default strategy (DPGCN_MODELS_DIR empty: no dpgcn/graph), B strategies/dpgcn.json (the
 *    default blend plus dpgcn/graph and its embedding retriever).
 * 3. Load: autocannon POSTs feed(userId, limit 10) for the log's users (seeded) at each
 *    connection count, alternating A and B for `rounds` rounds so both see the same machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createGraphStore } from '../graph/factory';
import { importTaobao } from '../ingest/import/presets';
import { trainDpgcnFromStore } from '../ml/gcn/from-store';
import { seededRandom } from '../plugins/sdk/fixtures';
import { CLI, createKey } from './child-gateway';
import { alternatingLoad } from './ab-load';
import { freePort, waitHealthy } from './http';
import { rssMiB, writeBenchResult } from './stats';

interface Args {
  file: string;
  duration: number;
  connections: number[];
  rounds: number;
  epochs: number | undefined;
  /** B's strategy file. */
  strategy: string;
  /** Feed every log user once on A and on B before the measured rounds (per-user caches warm). */
  warm: boolean;
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
    rounds: Number(get('--rounds', '3')),
    epochs: argv.includes('--epochs') ? Number(get('--epochs', '')) : undefined,
    strategy: resolve(get('--strategy', resolve(__dirname, '..', '..', 'strategies', 'dpgcn.json'))),
    warm: argv.includes('--warm'),
  };
}

const FEED = 'query($u:String!){feed(userId:$u,limit:10){candidateCount items{rank itemId score sources contributions{scorerId value}} degraded{scorerId code}}}';
async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'recgate-bench-dpgcn-'));
  const out: Record<string, unknown> = { startedAt: new Date().toISOString(), node: process.version, args, loadAverageBefore: loadavg() };
  const children: ChildProcess[] = [];
  try {
    console.log(`1/3 import ${args.file} and train DP-GCN (with the fusion network)`);
    const dbPath = join(dir, 'store.db');
    const store = await createGraphStore({ kind: 'embedded', path: dbPath });
    const imported = await importTaobao(store, args.file, { progress: false, log: () => {} });
    const users = new Set<string>();
    for await (const page of store.scanInteractions(10_000)) for (const r of page) users.add(r.userId);
    const modelsDir = join(dir, 'models');
    const trained = await trainDpgcnFromStore(store, {
      modelsDir,
      createdBy: 'bench dpgcn-feed',
      seed: 42,
      ...(args.epochs !== undefined ? { epochs: args.epochs } : {}),
      log: (l) => console.log(`   ${l}`),
    });
    await store.close();
    const dpgcnRoot = resolve(trained.dir, '..');
    out.data = {
      events: imported.inserted,
      users: users.size,
      artifact: {
        version: trained.version,
        users: trained.manifest.userIds.length,
        items: trained.manifest.itemIds.length,
        dims: trained.manifest.dims,
        trainMs: Math.round(trained.trainMs),
        fusion: trained.fusion ?? null,
      },
    };
    console.log(
      `   ${imported.inserted} events, ${users.size} users; dpgcn v${trained.version}: ${trained.manifest.itemIds.length} items x ${trained.manifest.dims} dims, ${Math.round(trained.trainMs / 1000)} s`,
    );

    console.log(`2/3 start gateway A (default strategy) and B (${args.strategy}) on copies of the store`);
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
        DPGCN_POLICY_DB_PATH: join(sub, 'dpgcn-policy.db'),
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
    const a = await start('a', { DPGCN_MODELS_DIR: '' });
    const b = await start('b', { DPGCN_MODELS_DIR: dpgcnRoot, STRATEGY_FILE: args.strategy });
    const ids = [...users].sort();
    const rnd = seededRandom(11);
    const body = (): string => JSON.stringify({ query: FEED, variables: { u: ids[Math.floor(rnd() * ids.length)] } });
    // Probes: B's feeds must be served by dpgcn/graph (a contribution) and carry embedding-retrieved candidates.
    const probes: Record<string, unknown> = {};
    for (const [name, g] of [
      ['default', a],
      ['dpgcn', b],
    ] as const) {
      let items = 0;
      let fromEmbedding = 0;
      let withDpgcn = 0;
      const degraded: unknown[] = [];
      for (let k = 0; k < 20; k++) {
        const probe = (await (await fetch(g.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${g.key}` }, body: body() })).json()) as {
          data?: { feed: { items: Array<{ sources: string[]; contributions: Array<{ scorerId: string }> }>; degraded: unknown[]; candidateCount: number } };
          errors?: unknown;
        };
        if (!probe.data) throw new Error(`probe failed: ${JSON.stringify(probe.errors)}`);
        items += probe.data.feed.items.length;
        fromEmbedding += probe.data.feed.items.filter((i) => i.sources.includes('embedding')).length;
        withDpgcn += probe.data.feed.items.filter((i) => i.contributions.some((c) => c.scorerId === 'dpgcn/graph')).length;
        degraded.push(...probe.data.feed.degraded);
      }
      probes[name] = { items, fromEmbedding, withDpgcn, degraded };
      console.log(`   probe ${name}: 20 feeds, ${items} items, ${fromEmbedding} proposed by the embedding retriever, ${withDpgcn} scored by dpgcn/graph, degraded ${JSON.stringify(degraded)}`);
    }
    out.probes = probes;
    if (args.warm) {
      // One feed per user on each gateway: the measured rounds then see warm per-user caches (the embedding retriever's top lists).
      for (const g of [a, b])
        for (const u of ids)
          await fetch(g.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${g.key}` }, body: JSON.stringify({ query: FEED, variables: { u } }) });
      console.log(`   warmed: ${ids.length} users fed once on A and on B`);
    }

    console.log(`3/3 load: ${args.duration} s per run, ${args.rounds} rounds, A and B alternating`);
    const { runs, pooled } = await alternatingLoad(a, b, { names: ['default', 'dpgcn'], connections: args.connections, rounds: args.rounds, duration: args.duration, body });
    out.loadAverage = loadavg();
    out.runs = runs;
    out.pooled = pooled;
    out.serverRssMiB = { default: rssMiB(a.child.pid!), dpgcn: rssMiB(b.child.pid!) };
    const file = writeBenchResult('dpgcn-feed', out);
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
