/**
 * `ads` latency against the feed's, in the same run (issue 14, acceptance 4; a script, not a test).
 * Prints figures and writes JSON to bench/results/.
 *
 *   npm run bench:ads -- [--file ../shared/data/taobao-userbehavior-head/UserBehavior_head.csv]
 *                        [--max-lines <n>] [--duration 20] [--connections 10] [--rounds 3]
 *                        [--limit 50] [--epochs 3]
 *
 * 1. Load the Taobao log into a fresh embedded store; give every item 6 selling points (seeded
 *    draws from the simulator's vocabulary, as explicit `sellingPoints`).
 * 2. Train an MTDL model (trainMtlAds, alternating) on a generated exposure log over the store's
 *    users and items (random titles' keywords, clicks at random: the model's size is what matters
 *    here, not its accuracy) and publish it into the gateway's MTL_ADS_MODELS_DIR.
 * 3. Start one gateway (child process, keys and limits on). Probe that `ads` answers `limit` slots
 *    scored by the model (modelVersion set, nothing degraded).
 * 4. Load: autocannon POSTs, per run, either `feed(userId, limit 10)` (the default strategy) or
 *    `ads(userId, query, limit)` (query: the category of a random log item) for random log users,
 *    at each connection count, alternating feed and ads for `rounds` rounds on the same gateway
 *    so both see the same machine. An `ads` request of limit L scores max(L, 100) candidates.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadTaobao } from '../eval/datasets/taobao';
import { createGraphStore } from '../graph/factory';
import { createEventSink } from '../ingest/import/sink';
import { trainMtlAds, writeMtlAdsArtifact, type AdsExample } from '../ml/mtl/ads';
import { seededRandom } from '../plugins/sdk/fixtures';
import { AD_KEYWORDS } from '../sim/ads-world';
import { CLI, createKey, gatewayEnv } from './child-gateway';
import { freePort, load, waitHealthy, type LoadResult } from './http';
import { rssMiB, summarise, writeBenchResult } from './stats';

interface Args {
  file: string;
  maxLines: number | undefined;
  duration: number;
  connections: number[];
  rounds: number;
  limit: number;
  epochs: number;
}

function parseArgs(argv: string[]): Args {
  const get = (flag: string, dflt: string): string => {
    const i = argv.indexOf(flag);
    return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
  };
  return {
    file: resolve(get('--file', '../shared/data/taobao-userbehavior-head/UserBehavior_head.csv')),
    maxLines: argv.includes('--max-lines') ? Number(get('--max-lines', '')) : undefined,
    duration: Number(get('--duration', '20')),
    connections: get('--connections', '10').split(',').map(Number),
    rounds: Number(get('--rounds', '3')),
    limit: Number(get('--limit', '50')),
    epochs: Number(get('--epochs', '3')),
  };
}

const FEED = 'query($u:String!){feed(userId:$u,limit:10){candidateCount items{rank itemId score} degraded{scorerId code}}}';
const ADS =
  'query($u:String!,$q:String!,$l:Int){ads(userId:$u,query:$q,limit:$l){modelVersion candidateCount slots{rank itemId title highlights{start end keyword} predictedCtr sellingPoints{keyword score}} degraded{scorerId code}}}';

interface Run {
  readonly connections: number;
  readonly round: number;
  readonly query: 'feed' | 'ads';
  readonly result: LoadResult;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'recgate-bench-ads-'));
  const out: Record<string, unknown> = { startedAt: new Date().toISOString(), node: process.version, args, loadAverageBefore: loadavg() };
  let child: ChildProcess | null = null;
  try {
    console.log(`1/4 load ${args.file}${args.maxLines ? ` (first ${args.maxLines} lines)` : ''} with selling points`);
    const env = gatewayEnv(join(dir, 'gw'), { MTL_ADS_MODELS_DIR: join(dir, 'models', 'mtl-ads'), MTL_ADS_MODEL_KIND: 'mtdl', DPGCN_MODELS_DIR: '', DPGCN_POLICY_DB_PATH: '' });
    const store = await createGraphStore({ kind: 'embedded', path: env.DB_PATH! });
    const log = await loadTaobao(args.file, args.maxLines !== undefined ? { maxLines: args.maxLines } : {});
    const sink = createEventSink(store, 5000);
    for (const r of log.rows) await sink.add(r.event, r.item);
    await sink.flush();
    const rnd = seededRandom(7);
    const itemCategory = new Map<string, string>();
    for (const r of log.rows) if (r.event.itemId !== null) itemCategory.set(r.event.itemId, r.item?.categories[0] ?? '');
    const pick = (n: number): string[] => [...AD_KEYWORDS].sort(() => rnd() - 0.5).slice(0, n);
    const items = [...itemCategory].map(([id, c]) => ({ id, title: `No. ${id}`, categories: c ? [c] : [], brand: null, price: null, available: true, createdAt: 0, sellingPoints: pick(6) }));
    for (let i = 0; i < items.length; i += 1000) await store.upsertItems(items.slice(i, i + 1000));
    const users = new Set<string>();
    for await (const page of store.scanInteractions(10_000)) for (const r of page) users.add(r.userId);
    await store.close();
    const ids = [...users].sort();
    const itemIds = [...itemCategory.keys()];
    out.data = { events: log.rows.length, users: ids.length, items: itemIds.length };

    console.log(`2/4 train MTDL on a generated exposure log over ${ids.length} users and ${itemIds.length} items`);
    const examples: AdsExample[] = [];
    for (let n = 0; n < Math.max(20_000, 4 * ids.length); n++) {
      const shown = pick(1 + Math.floor(rnd() * 3));
      const clickedKeywords = shown.filter(() => rnd() < 0.02);
      examples.push({
        userId: ids[Math.floor(rnd() * ids.length)]!,
        query: '',
        itemId: itemIds[Math.floor(rnd() * itemIds.length)]!,
        keywords: shown,
        clickedAd: clickedKeywords.length > 0 || rnd() < 0.03,
        clickedKeywords,
        ts: n,
      });
    }
    const trained = trainMtlAds(examples, { kind: 'mtdl', schedule: 'alternating', seed: 42, epochs: args.epochs, minItemCount: 1 });
    const artifact = await writeMtlAdsArtifact(trained, join(dir, 'models'));
    out.model = { version: artifact.version, examples: examples.length, trainMs: Math.round(trained.trainMs), vocab: { users: trained.vocab.users.length, items: trained.vocab.items.length } };

    console.log('3/4 start the gateway and probe ads');
    const port = await freePort();
    const key = createKey(env, 'frontend', 'bench-ads');
    child = spawn(process.execPath, [CLI, 'serve'], { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
    await waitHealthy(`http://127.0.0.1:${port}`, child, 120_000);
    const url = `http://127.0.0.1:${port}/graphql`;
    const bodyRnd = seededRandom(11);
    const feedBody = (): string => JSON.stringify({ query: FEED, variables: { u: ids[Math.floor(bodyRnd() * ids.length)] } });
    const adsBody = (): string =>
      JSON.stringify({ query: ADS, variables: { u: ids[Math.floor(bodyRnd() * ids.length)], q: itemCategory.get(itemIds[Math.floor(bodyRnd() * itemIds.length)]!) ?? '', l: args.limit } });
    const emptyBody = (): string => JSON.stringify({ query: ADS, variables: { u: ids[0], q: '', l: args.limit } });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
    const probes: unknown[] = [];
    for (const body of [emptyBody, adsBody, adsBody]) {
      const p = (await (await fetch(url, { method: 'POST', headers, body: body() })).json()) as {
        data?: { ads: { modelVersion: string | null; candidateCount: number; slots: unknown[]; degraded: unknown[] } };
        errors?: unknown;
      };
      if (!p.data) throw new Error(`probe failed: ${JSON.stringify(p.errors)}`);
      probes.push({ modelVersion: p.data.ads.modelVersion, candidates: p.data.ads.candidateCount, slots: p.data.ads.slots.length, degraded: p.data.ads.degraded });
    }
    out.probes = probes;
    console.log(`   probes: ${JSON.stringify(probes)}`);

    console.log(`4/4 load: ${args.duration} s per run, ${args.rounds} rounds, feed and ads alternating`);
    const auth = { authorization: `Bearer ${key}` };
    await load(url, 10, 3, feedBody, auth);
    await load(url, 10, 3, adsBody, auth);
    const runs: Run[] = [];
    for (const c of args.connections) {
      for (let round = 0; round < args.rounds; round++) {
        for (const [query, body] of [
          ['feed', feedBody],
          ['ads', adsBody],
        ] as const) {
          const result = await load(url, c, args.duration, body, auth);
          runs.push({ connections: c, round, query, result });
          console.log(
            `   c=${c} round ${round + 1} ${query.padEnd(4)} p50/p95/p99 ${result.latencyMs.p50}/${result.latencyMs.p95}/${result.latencyMs.p99} ms, ${result.reqPerSec} req/s, errors ${result.errors}, non-2xx ${result.non2xx}, load average ${loadavg()[0]!.toFixed(1)}`,
          );
        }
      }
    }
    const pooled = args.connections.map((c) => {
      const of = (q: 'feed' | 'ads') => runs.filter((r) => r.connections === c && r.query === q);
      const p99 = (q: 'feed' | 'ads') => Math.max(...of(q).map((r) => r.result.latencyMs.p99));
      const p50 = (q: 'feed' | 'ads') => summarise(of(q).map((r) => r.result.latencyMs.p50)).p50;
      const rps = (q: 'feed' | 'ads') => summarise(of(q).map((r) => r.result.reqPerSec)).p50;
      const perRound = of('ads').map((r) => Math.round((100 * r.result.latencyMs.p99) / of('feed').find((x) => x.round === r.round)!.result.latencyMs.p99) / 100);
      return {
        connections: c,
        feedP50: p50('feed'),
        adsP50: p50('ads'),
        feedP99: p99('feed'),
        adsP99: p99('ads'),
        feedReqPerSec: rps('feed'),
        adsReqPerSec: rps('ads'),
        p99Ratio: Math.round((100 * p99('ads')) / p99('feed')) / 100,
        p99RatioPerRound: perRound,
      };
    });
    for (const p of pooled)
      console.log(
        `   c=${p.connections}: p99 feed ${p.feedP99} ms, ads ${p.adsP99} ms (ratio ${p.p99Ratio}, per round ${p.p99RatioPerRound.join(', ')}); median req/s feed ${p.feedReqPerSec}, ads ${p.adsReqPerSec}`,
      );
    out.loadAverage = loadavg();
    out.runs = runs;
    out.pooled = pooled;
    out.serverRssMiB = rssMiB(child.pid!);
    const file = writeBenchResult('ads-latency', out);
    console.log(`written ${file}`);
  } finally {
    if (child !== null && child.exitCode === null) {
      const c = child;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
