/**
 * Scorer swaps under load (issue 11, step 7): publish and promote a new version of a published
 * scorer `--swaps` times while autocannon sends feed queries, against the same load without
 * swaps. A script, not a test: prints figures and writes JSON to bench/results/.
 *
 *   npm run bench:swap -- [--file ../shared/data/taobao-userbehavior-head/UserBehavior_head.csv]
 *                         [--duration 60] [--connections 10] [--swaps 20] [--rounds 1] [--scorer-timeout-ms 50]
 *
 * 1. Import the Taobao head into a fresh embedded store; start the gateway in a child process
 *    (keys and rate limits on, bench limits); make an admin and a frontend key.
 * 2. Publish `bench/linear@1.0.0` (a linear ONNX model over item statistics, publishing/scaffold.ts),
 *    promote it, and publish the default strategy with it added (weight 0.3 next to the defaults),
 *    so every feed runs it. Its manifest's timeoutMs is `--scorer-timeout-ms` (default 50, what
 *    `scorer init` writes): admission refuses a version whose probe batch takes longer, and feeds
 *    drop it from the blend when a request's scoring does.
 * 3. Per round, run A (no swaps) and B (swaps spread evenly over the run): `--duration` s of feed
 *    queries for the log's users (seeded) at `--connections`. Every answer is read: dropped
 *    (non-2xx, transport errors, GraphQL errors), degraded (feed.degraded not empty), missing the
 *    published scorer; and when each version first appeared in a feed. Round 1 runs A then B,
 *    round 2 B then A, and so on, so drift hits both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createGraphStore } from '../graph/factory';
import { importTaobao } from '../ingest/import/presets';
import { DEFAULT_STRATEGY } from '../pipeline/strategy';
import { DEFAULT_MANIFEST_TIMEOUT_MS } from '../publishing/manifest';
import { seededRandom } from '../plugins/sdk/fixtures';
import { bearer, createKey, gatewayEnv, post, startChild, type ChildGateway } from './child-gateway';
import { rssMiB, summarise, writeBenchResult } from './stats';
import { driveSwaps, publishAndPromote, publishStrategy, SWAP_COLUMNS, type AdminApi, type SwapRecord } from './swap-driver';
import { checkedLoad, classifyFeedAnswer, type CheckedLoadResult } from './swap-load';

interface Args {
  file: string;
  duration: number;
  connections: number;
  swaps: number;
  rounds: number;
  scorerTimeoutMs: number;
}

function parseArgs(argv: string[]): Args {
  const get = (flag: string, dflt: string): string => {
    const i = argv.indexOf(flag);
    return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
  };
  const int = (flag: string, dflt: string, min: number): number => {
    const n = Number(get(flag, dflt));
    if (!Number.isInteger(n) || n < min) throw new Error(`${flag}: an integer >= ${min} (got ${get(flag, dflt)})`);
    return n;
  };
  return {
    file: resolve(get('--file', '../shared/data/taobao-userbehavior-head/UserBehavior_head.csv')),
    duration: int('--duration', '60', 1),
    connections: int('--connections', '10', 1),
    swaps: int('--swaps', '20', 1),
    rounds: int('--rounds', '1', 1),
    scorerTimeoutMs: int('--scorer-timeout-ms', String(DEFAULT_MANIFEST_TIMEOUT_MS), 1),
  };
}

const SCORER = 'bench/linear';
const WEIGHT = 0.3;
const FEED = 'query($u:String!){feed(userId:$u,limit:10){strategy{id} candidateCount items{itemId contributions{scorerId version value}} degraded{scorerId version code}}}';

interface Run {
  round: number;
  name: 'A' | 'B';
  swaps: number;
  result: CheckedLoadResult;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  loadAverage1m: number;
  swapRecords?: SwapRecord[];
  /** Per swap: ms from promoteScorer's answer to the first feed carrying the version (null: never seen). */
  feedVisibleMs?: Array<number | null>;
}

function printRun(r: Run): void {
  const x = r.result;
  console.log(
    `   round ${r.round + 1} ${r.name} (${r.swaps} swaps): ${x.requests} requests, ${x.reqPerSec} req/s, p50/p95/p99 ${x.latencyMs.p50}/${x.latencyMs.p95}/${x.latencyMs.p99} ms, max ${x.latencyMs.max} ms; ` +
      `dropped ${x.dropped} (non-2xx ${x.non2xx}, transport ${x.transportErrors} incl. ${x.timeouts} timeouts, GraphQL errors ${x.graphqlErrors}); degraded ${x.degraded} ${JSON.stringify(x.degradedByCode)}; ` +
      `without ${SCORER} ${x.missingScorer}; RSS ${r.rssBeforeMiB} -> ${r.rssAfterMiB} MiB; load average ${r.loadAverage1m.toFixed(2)}`,
  );
  if (!r.swapRecords) return;
  const ok = r.swapRecords.filter((s) => s.error === null);
  const failed = r.swapRecords.filter((s) => s.error !== null);
  const vis = (r.feedVisibleMs ?? []).filter((v): v is number => v !== null);
  console.log(
    `      swaps ${ok.length}/${r.swapRecords.length} ok; upload+publish+promote p50 ${summarise(ok.map((s) => s.totalMs)).p50} ms, max ${summarise(ok.map((s) => s.totalMs)).max} ms ` +
      `(promote p50 ${summarise(ok.map((s) => s.promoteMs)).p50} ms); /healthz lists it after promote p50 ${summarise(ok.map((s) => s.healthzDelayMs)).p50} ms, max ${summarise(ok.map((s) => s.healthzDelayMs)).max} ms (${ok.filter((s) => s.healthzPolls === 1).length} at the first poll); ` +
      `first feed with it after promote p50 ${summarise(vis).p50} ms, max ${summarise(vis).max} ms (${vis.length} of ${r.swapRecords.length} versions seen)`,
  );
  for (const f of failed) console.log(`      swap to ${f.version} FAILED: ${f.error}`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'recgate-bench-swap-'));
  const out: Record<string, unknown> = { startedAt: new Date().toISOString(), node: process.version, args, loadAverageAtStart: loadavg() };
  let gw: ChildGateway | null = null;
  try {
    console.log(`1/3 import ${args.file}; start the gateway`);
    const env = gatewayEnv(dir);
    const store = await createGraphStore({ kind: 'embedded', path: env.DB_PATH! });
    const imported = await importTaobao(store, args.file, { progress: false, log: () => {} });
    const users = new Set<string>();
    for await (const page of store.scanInteractions(10_000)) for (const r of page) users.add(r.userId);
    await store.close();
    const adminKey = createKey(env, 'admin');
    const frontendKey = createKey(env, 'frontend');
    gw = await startChild(env);
    out.data = { events: imported.inserted, users: users.size };
    console.log(`   ${imported.inserted} events, ${users.size} users; gateway at ${gw.base}`);

    console.log(`2/3 publish ${SCORER}@1.0.0 over ${SWAP_COLUMNS.join(', ')}; serve it in the default strategy (weight ${WEIGHT})`);
    const api: AdminApi = { base: gw.base, key: adminKey };
    const first = await publishAndPromote(api, SCORER, 1, args.scorerTimeoutMs);
    await publishStrategy(api, { ...DEFAULT_STRATEGY, scorers: [...DEFAULT_STRATEGY.scorers, { id: SCORER, weight: WEIGHT }] });
    const ids = [...users].sort();
    const rnd = seededRandom(11);
    const body = (): string => JSON.stringify({ query: FEED, variables: { u: ids[Math.floor(rnd() * ids.length)] } });
    const probe = await post(gw.url, body(), bearer(frontendKey));
    const answer = classifyFeedAnswer(probe.status, probe.text, SCORER);
    const strategyId = (probe.json as { data?: { feed?: { strategy?: { id?: string } } } } | null)?.data?.feed?.strategy?.id;
    if (answer.kind !== 'ok' || answer.missingScorer || !answer.versions.includes('1.0.0') || strategyId !== DEFAULT_STRATEGY.id) {
      throw new Error(`probe feed does not serve ${SCORER}@1.0.0 in strategy ${DEFAULT_STRATEGY.id}: ${probe.text.slice(0, 800)}`);
    }
    console.log(`   ${SCORER}@1.0.0 live (upload ${first.uploadMs} ms, publish ${first.publishMs} ms, promote ${first.promoteMs} ms); probe feed from strategy ${strategyId} carries it`);

    console.log(`3/3 load: ${args.duration} s per run at ${args.connections} connections, ${args.rounds} round(s); B swaps ${args.swaps} times`);
    const headers = bearer(frontendKey);
    await checkedLoad({ url: gw.url, connections: args.connections, duration: Math.min(5, args.duration), body, headers, scorerId: SCORER }); // warm-up, not recorded
    const runs: Run[] = [];
    let nextK = 2;
    for (let round = 0; round < args.rounds; round++) {
      const order: Array<'A' | 'B'> = round % 2 === 0 ? ['A', 'B'] : ['B', 'A'];
      for (const name of order) {
        const pid = gw.child.pid!;
        const rssBeforeMiB = rssMiB(pid);
        const load = checkedLoad({ url: gw.url, connections: args.connections, duration: args.duration, body, headers, scorerId: SCORER });
        let swapRecords: SwapRecord[] | undefined;
        let result: CheckedLoadResult;
        if (name === 'B') {
          [result, swapRecords] = await Promise.all([load, driveSwaps({ api, scorerId: SCORER, swaps: args.swaps, duration: args.duration, firstK: nextK, timeoutMs: args.scorerTimeoutMs })]);
          nextK += args.swaps;
        } else {
          result = await load;
        }
        const run: Run = { round, name, swaps: name === 'B' ? args.swaps : 0, result, rssBeforeMiB, rssAfterMiB: rssMiB(pid), loadAverage1m: loadavg()[0]! };
        if (swapRecords) {
          run.swapRecords = swapRecords;
          run.feedVisibleMs = swapRecords.map((s) => {
            const seen = result.firstSeenAt[s.version];
            return seen === undefined || s.error !== null ? null : seen - s.promotedAt;
          });
        }
        runs.push(run);
        printRun(run);
      }
    }

    const perRound = Array.from({ length: args.rounds }, (_, round) => {
      const a = runs.find((r) => r.round === round && r.name === 'A')!.result;
      const b = runs.find((r) => r.round === round && r.name === 'B')!.result;
      return { round: round + 1, p99A: a.latencyMs.p99, p99B: b.latencyMs.p99, p99Ratio: Math.round((b.latencyMs.p99 / a.latencyMs.p99) * 100) / 100 };
    });
    const allSwaps = runs.flatMap((r) => r.swapRecords ?? []);
    const okSwaps = allSwaps.filter((s) => s.error === null);
    const visible = runs.flatMap((r) => r.feedVisibleMs ?? []).filter((v): v is number => v !== null);
    const sum = (name: 'A' | 'B', f: (x: CheckedLoadResult) => number): number => runs.filter((r) => r.name === name).reduce((s, r) => s + f(r.result), 0);
    const summary = {
      p99RatioPerRound: perRound,
      droppedA: sum('A', (x) => x.dropped),
      droppedB: sum('B', (x) => x.dropped),
      degradedA: sum('A', (x) => x.degraded),
      degradedB: sum('B', (x) => x.degraded),
      missingScorerA: sum('A', (x) => x.missingScorer),
      missingScorerB: sum('B', (x) => x.missingScorer),
      swaps: allSwaps.length,
      swapsFailed: allSwaps.length - okSwaps.length,
      swapTotalMs: { p50: summarise(okSwaps.map((s) => s.totalMs)).p50, max: summarise(okSwaps.map((s) => s.totalMs)).max },
      healthzDelayMs: {
        p50: summarise(okSwaps.map((s) => s.healthzDelayMs)).p50,
        max: summarise(okSwaps.map((s) => s.healthzDelayMs)).max,
        atFirstPoll: okSwaps.filter((s) => s.healthzPolls === 1).length,
      },
      feedVisibleMs: { p50: summarise(visible).p50, max: summarise(visible).max, seen: visible.length },
      gatewayRssMiB: { first: runs[0]?.rssBeforeMiB, last: runs[runs.length - 1]?.rssAfterMiB },
    };
    console.log(
      `   p99 B/A per round: ${perRound.map((p) => `${p.p99B}/${p.p99A} = ${p.p99Ratio}`).join('; ')}; dropped A ${summary.droppedA}, B ${summary.droppedB}; degraded A ${summary.degradedA}, B ${summary.degradedB}; ` +
        `without ${SCORER} A ${summary.missingScorerA}, B ${summary.missingScorerB}; swaps ${okSwaps.length}/${allSwaps.length} ok; gateway RSS ${summary.gatewayRssMiB.first} -> ${summary.gatewayRssMiB.last} MiB`,
    );
    out.runs = runs;
    out.summary = summary;
    out.loadAverageAtEnd = loadavg();
    console.log(`written ${writeBenchResult('scorer-swap', out)}`);
  } finally {
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
