/**
 * Feed benchmark (a script, not a test). Prints figures and writes JSON to bench/results/.
 *
 *   npm run bench -- [--gowalla ../shared/data/gowalla/train.txt] [--duration 10] [--connections 1,10,50]
 *
 * 1. Ingest: Gowalla train (810k events) into a fresh embedded store; events/s and RSS.
 * 2. Serve: the real gateway in a child process on that store (cold open time, RSS), keys and
 *    limits on as in production: the load sends a frontend key (default rate limits).
 * 3. Load: autocannon over real HTTP on loopback, POST feed(userId) for random Gowalla users
 *    (seeded), 200 candidates per request, at each connection count; p50/p95/p99 and req/s.
 *    In the same run, at the same connection count, a trivial `{ __typename }` through the same
 *    server is the HTTP floor, and a bare graphql-js execution of a trivial query in-process is
 *    the execution floor.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSchema, graphql } from 'graphql';
import { importGowalla } from '../ingest/import/gowalla';
import { createGraphStore } from '../graph/factory';
import { seededRandom } from '../plugins/sdk/fixtures';
import { createKey } from './child-gateway';
import { freePort, load, waitHealthy, type LoadResult } from './http';
import { rssMiB, summarise, type LatencySummary, writeBenchResult } from './stats';

interface Args {
  gowalla: string;
  duration: number;
  connections: number[];
  users: number;
}

function parseArgs(argv: string[]): Args {
  const get = (flag: string, dflt: string): string => {
    const i = argv.indexOf(flag);
    return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
  };
  return {
    gowalla: resolve(get('--gowalla', '../shared/data/gowalla/train.txt')),
    duration: Number(get('--duration', '10')),
    connections: get('--connections', '1,10,50').split(',').map(Number),
    users: 29858,
  };
}

const FEED = 'query($u:String!){feed(userId:$u,limit:10){candidateCount items{rank itemId score contributions{scorerId value}}}}';

async function bareGraphqlFloor(iterations: number): Promise<LatencySummary & { opsPerSec: number }> {
  const schema = buildSchema('type Query { hello: String }');
  const rootValue = { hello: () => 'world' };
  for (let i = 0; i < 2000; i++) await graphql({ schema, source: '{ hello }', rootValue });
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await graphql({ schema, source: '{ hello }', rootValue });
    times.push(performance.now() - t0);
  }
  const secs = (performance.now() - started) / 1000;
  return { ...summarise(times), opsPerSec: Math.round(iterations / secs) };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'recgate-bench-'));
  const dbPath = join(dir, 'bench.db');
  const out: Record<string, unknown> = { startedAt: new Date().toISOString(), node: process.version, args };
  let child: ChildProcess | undefined;
  try {
    console.log(`1/3 ingest ${args.gowalla} into ${dbPath}`);
    const rssBefore = rssMiB();
    const store = await createGraphStore({ kind: 'embedded', path: dbPath });
    const summary = await importGowalla(store, args.gowalla, { split: 'train', progress: process.stderr.isTTY });
    const counts = await store.counts();
    out.ingest = { events: summary.inserted, ms: summary.ms, eventsPerSec: summary.eventsPerSec, rssBeforeMiB: rssBefore, rssAfterMiB: rssMiB(), counts };
    console.log(`   ${summary.inserted} events in ${(summary.ms / 1000).toFixed(1)} s = ${summary.eventsPerSec} events/s; RSS ${rssMiB()} MiB`);
    await store.close();

    console.log('2/3 start the gateway (child process) on that store');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // Keys and limits on, as in production: a frontend key, default rate limits (frontend 500/s burst 1000).
    const gatewayFeedEnv: NodeJS.ProcessEnv = {
      ...process.env,
      DB_PATH: dbPath,
      EXPERIMENTS_DB_PATH: `${dbPath}.experiments`,
      PUBLISHED_DB_PATH: `${dbPath}.published`,
      ACCESS_DB_PATH: `${dbPath}.access`,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    };
    const headers = { authorization: `Bearer ${createKey(gatewayFeedEnv, 'frontend', 'bench')}` };
    const t0 = performance.now();
    child = spawn(process.execPath, [join(__dirname, '..', 'cli', 'main.js'), 'serve'], {
      env: gatewayFeedEnv,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitHealthy(base, child, 120_000);
    out.server = { coldOpenMs: Math.round(performance.now() - t0), rssMiB: rssMiB(child.pid!) };
    console.log(`   healthy after ${Math.round(performance.now() - t0)} ms; server RSS ${rssMiB(child.pid!)} MiB`);

    const rnd = seededRandom(7);
    const feedBody = (): string => JSON.stringify({ query: FEED, variables: { u: `gowalla:${Math.floor(rnd() * args.users)}` } });
    const probe = (await (await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: feedBody() })).json()) as {
      data?: { feed: { candidateCount: number; items: unknown[] } };
      errors?: unknown;
    };
    if (!probe.data) throw new Error(`probe failed: ${JSON.stringify(probe.errors)}`);
    console.log(`   probe: ${probe.data?.feed.items.length} items from ${probe.data?.feed.candidateCount} candidates`);
    const trivial = JSON.stringify({ query: '{ __typename }' });

    console.log(`3/3 load: ${args.duration} s per run`);
    const runs: Array<{ connections: number; feed: LoadResult; httpFloor: LoadResult }> = [];
    await load(`${base}/graphql`, 10, 3, feedBody, headers); // warm-up
    for (const c of args.connections) {
      const feed = await load(`${base}/graphql`, c, args.duration, feedBody, headers);
      const httpFloor = await load(`${base}/graphql`, c, Math.max(3, Math.round(args.duration / 2)), () => trivial, headers);
      runs.push({ connections: c, feed, httpFloor });
      console.log(
        `   c=${String(c).padStart(2)}  feed p50/p95/p99 ${feed.latencyMs.p50}/${feed.latencyMs.p95}/${feed.latencyMs.p99} ms, ${feed.reqPerSec} req/s, errors ${feed.errors}, non-2xx ${feed.non2xx}` +
          `  | floor {__typename} p50/p99 ${httpFloor.latencyMs.p50}/${httpFloor.latencyMs.p99} ms, ${httpFloor.reqPerSec} req/s`,
      );
    }
    const bare = await bareGraphqlFloor(20_000);
    console.log(`   bare graphql-js execution of { hello }: p50 ${bare.p50} ms, p99 ${bare.p99} ms, ${bare.opsPerSec} ops/s`);
    out.load = runs;
    out.bareGraphqlFloor = bare;
    out.server = { ...(out.server as object), rssAfterLoadMiB: rssMiB(child.pid!) };
    out.candidatesPerRequest = probe.data?.feed.candidateCount;
    const file = writeBenchResult('feed', out);
    console.log(`written ${file}`);
  } finally {
    child?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
