/**
 * Value-change fan-out benchmark (a script, not a test). Prints figures and writes JSON to
 * bench/results/fanout-<adapter>-<time>.json.
 *
 *   npm run bench:fanout -- [--subscribers 1,1000] [--changes 100] [--rate 5] [--burst 200] [--batch 20] [--redis]
 *
 * This process runs the real gateway (embedded store in a temp dir, a partner entitled to every
 * segment) and appends to `gateway.valueChanges`. A child process (bench/fanout-clients.ts) opens
 * the subscribers: one graphql-ws socket and one `userValueChanged` subscription each, over
 * loopback. The machine has 2 cores: the gateway and the clients get roughly one each (with
 * --redis, redis-server shares them too), so the clients' parsing cost is not charged to the server.
 *
 * Per scenario (subscriber count; 1 is the baseline, measured in the same run):
 * 1. Paced: `--changes` appends of one change at `--rate`/s. Latency = append call -> the change's
 *    `next` message parsed by a subscriber, over every delivery (p50/p95/p99), and per change the
 *    time until the last subscriber had it.
 * 2. Burst: `--burst` changes appended in batches of `--batch`, back to back: deliveries/s =
 *    deliveries / (first append -> last receive).
 * Server RSS idle, with the subscribers connected, and at its peak; event-loop delay p99.
 * --redis: the log is a Redis stream (REDIS_URL, or a private redis-server started here like the
 * tests do); every change then makes the round trip append -> Redis -> XREAD -> fan-out.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import { loadConfig } from '../config/config';
import { USER_SEGMENTS, type ValueChange } from '../domain/user-value';
import { createGraphStore } from '../graph/factory';
import { createValueChangeLog } from '../pubsub/factory';
import { startGateway, type Gateway } from '../server/gateway';
import { newPartnerKey } from '../services/partners';
import { startRedis, type RunningRedis } from '../test/support/redis';
import type { FanoutClientResult } from './fanout-clients';
import { BENCH_RATE_LIMITS } from './child-gateway';
import { rssMiB, writeBenchResult } from './stats';

interface Args {
  subscribers: number[];
  changes: number;
  rate: number;
  burst: number;
  batch: number;
  redis: boolean;
}

function parseArgs(argv: string[]): Args {
  const get = (flag: string, dflt: string): string => {
    const i = argv.indexOf(flag);
    return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
  };
  return {
    subscribers: get('--subscribers', '1,1000').split(',').map(Number),
    changes: Number(get('--changes', '100')),
    rate: Number(get('--rate', '5')),
    burst: Number(get('--burst', '200')),
    batch: Number(get('--batch', '20')),
    redis: argv.includes('--redis'),
  };
}

const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function change(userId: string, i: number): ValueChange {
  const previous = 100 + (i % 50);
  return {
    userId,
    segment: USER_SEGMENTS[i % USER_SEGMENTS.length]!,
    previousSegment: USER_SEGMENTS[(i + 1) % USER_SEGMENTS.length]!,
    value: previous + 7.25,
    previousValue: previous,
    delta: 7.25,
    purchaseProbability: 0.42,
    modelVersion: 'duve/value@1',
    reason: 'event',
    asOf: Date.now(),
  };
}

interface BenchGateway {
  gateway: Gateway;
  apiKey: string;
  stop(): Promise<void>;
}

async function startBenchGateway(redisUrl: string | undefined): Promise<BenchGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'recgate-fanout-'));
  const key = newPartnerKey();
  const partnersFile = join(dir, 'partners.json');
  writeFileSync(partnersFile, JSON.stringify({ partners: [{ id: 'bench', keySha256: key.keySha256, segments: USER_SEGMENTS }] }));
  // Only the value-change log uses Redis here (REDIS_URL unset: jobs stay in-process, DUVE is off).
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DB_PATH: join(dir, 'store.db'),
    DUVE_MODEL_DIR: join(dir, 'models'),
    PARTNERS_FILE: partnersFile,
    ACCESS_DB_PATH: join(dir, 'access.db'),
    LOG_LEVEL: 'silent',
    // Rate limits on, above the bench: every client connects with the one partner key (one token per connect).
    RATE_LIMITS: BENCH_RATE_LIMITS,
  });
  const store = await createGraphStore({ kind: 'embedded', path: config.dbPath });
  const valueChanges = createValueChangeLog({ redisUrl, key: `recgate-bench:${randomUUID()}`, retentionMs: 3_600_000 });
  const gateway = await startGateway({ config, store, logger: pino({ level: 'silent' }), valueChanges });
  return {
    gateway,
    apiKey: key.apiKey,
    async stop() {
      await gateway.stop();
      await valueChanges.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function nextMessage<T extends { type: string }>(child: ChildProcess, type: T['type'], timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${type}' from the clients within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: T): void => {
      if (m.type !== type) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`the clients exited (${code}) before '${type}'`)));
  });
}

interface PhaseResult extends Omit<FanoutClientResult, 'type'> {
  changes: number;
  deliveriesPerSec: number;
  eventLoopDelayP99Ms: number;
}

async function phase(g: Gateway, child: ChildProcess, ids: string[], batch: number, pace: ((k: number) => Promise<void>) | null, sample: () => void): Promise<PhaseResult> {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const sent: { id: string; at: number }[] = [];
  for (let k = 0; k < ids.length; k += batch) {
    const slice = ids.slice(k, k + batch);
    const at = now();
    await g.valueChanges.append(slice.map((id, j) => change(id, k + j)));
    for (const id of slice) sent.push({ id, at });
    sample();
    if (pace) await pace(k / batch + 1);
  }
  child.send({ type: 'sent', sent });
  const r = await nextMessage<FanoutClientResult>(child, 'result', 180_000);
  loop.disable();
  const { type: _type, ...rest } = r;
  return { ...rest, changes: ids.length, deliveriesPerSec: Math.round(r.deliveries / (r.spanMs / 1000)), eventLoopDelayP99Ms: Math.round(loop.percentile(99) / 1e4) / 100 };
}

async function scenario(args: Args, subscribers: number, redisUrl: string | undefined) {
  const b = await startBenchGateway(redisUrl);
  let peak = rssMiB();
  const sample = (): void => void (peak = Math.max(peak, rssMiB()));
  const sampler = setInterval(sample, 50);
  const child = fork(join(__dirname, 'fanout-clients.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const rssIdle = rssMiB();
    const t0 = Date.now();
    const connected = nextMessage<{ type: 'connected' }>(child, 'connected', 120_000);
    child.send({ type: 'start', url: b.gateway.url, apiKey: b.apiKey, subscribers });
    await connected;
    const connectMs = Date.now() - t0;
    // Live subscriptions (no cursor): warm-up changes until every subscriber has had one.
    const ready = nextMessage<{ type: 'ready' }>(child, 'ready', 120_000);
    let isReady = false;
    void ready.then(
      () => (isReady = true),
      () => undefined,
    );
    while (!isReady) {
      await b.gateway.valueChanges.append([change(`warmup-${Date.now()}`, 0)]);
      await Promise.race([ready, sleep(100)]);
    }
    const liveMs = Date.now() - t0;
    await sleep(500); // let the last warm-up deliveries drain
    const rssSubscribed = rssMiB();
    const start = now();
    const pacedIds = Array.from({ length: args.changes }, (_, i) => `paced-${i}`);
    const paced = await phase(b.gateway, child, pacedIds, 1, async (k) => sleep(Math.max(0, start + (k * 1000) / args.rate - now())), sample);
    const burstIds = Array.from({ length: args.burst }, (_, i) => `burst-${i}`);
    const burst = await phase(b.gateway, child, burstIds, args.batch, null, sample);
    child.send({ type: 'stop' });
    return { subscribers, connectMs, liveMs, rssMiB: { idle: rssIdle, subscribed: rssSubscribed, peak }, paced, burst };
  } finally {
    clearInterval(sampler);
    if (child.exitCode === null) {
      await Promise.race([new Promise((r) => child.once('exit', r)), sleep(5_000)]);
      child.kill();
    }
    await b.stop();
  }
}

type ScenarioResult = Awaited<ReturnType<typeof scenario>>;

function print(adapter: string, results: ScenarioResult[]): void {
  const row = (cells: (string | number)[]): string => cells.map((c, i) => String(c).padStart(i === 0 ? 22 : 12)).join('');
  process.stdout.write(`\nvalue-change fan-out (${adapter} log), latency in ms from append to a subscriber's parsed message\n`);
  process.stdout.write(`${row(['', ...results.map((r) => `${r.subscribers} sub`)])}\n`);
  const line = (label: string, f: (r: ScenarioResult) => string | number): void => void process.stdout.write(`${row([label, ...results.map(f)])}\n`);
  line('paced changes', (r) => `${r.paced.changes}`);
  line('paced p50', (r) => r.paced.latencyMs.p50);
  line('paced p95', (r) => r.paced.latencyMs.p95);
  line('paced p99', (r) => r.paced.latencyMs.p99);
  line('paced to-last p50', (r) => r.paced.timeToLastMs.p50);
  line('paced to-last p99', (r) => r.paced.timeToLastMs.p99);
  line('burst changes', (r) => `${r.burst.changes}`);
  line('burst deliveries/s', (r) => r.burst.deliveriesPerSec);
  line('burst p50', (r) => r.burst.latencyMs.p50);
  line('burst p99', (r) => r.burst.latencyMs.p99);
  line('burst to-last p99', (r) => r.burst.timeToLastMs.p99);
  line('missing deliveries', (r) => r.paced.missing + r.burst.missing);
  line('out of order', (r) => r.burst.outOfOrder);
  line('loop delay p99', (r) => Math.max(r.paced.eventLoopDelayP99Ms, r.burst.eventLoopDelayP99Ms));
  line('server RSS idle MiB', (r) => r.rssMiB.idle);
  line('RSS subscribed MiB', (r) => r.rssMiB.subscribed);
  line('RSS peak MiB', (r) => r.rssMiB.peak);
  line('connect all (ms)', (r) => r.connectMs);
  line('all live (ms)', (r) => r.liveMs);
  line('client RSS MiB', (r) => r.burst.clientRssMiB);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let redis: RunningRedis | undefined;
  let redisUrl: string | undefined;
  if (args.redis) {
    redisUrl = process.env.REDIS_URL || undefined;
    if (!redisUrl) {
      redis = await startRedis();
      redisUrl = redis.url;
    }
  }
  const adapter = redisUrl ? 'redis' : 'in-process';
  try {
    const startedAt = new Date().toISOString();
    // Other work on the machine skews every figure: the load average is recorded with them.
    const loadBefore = loadavg().map((x) => Math.round(x * 100) / 100);
    const results: ScenarioResult[] = [];
    for (const n of args.subscribers) results.push(await scenario(args, n, redisUrl));
    const loadAfter = loadavg().map((x) => Math.round(x * 100) / 100);
    print(adapter, results);
    process.stdout.write(`load average (1/5/15 min) before ${loadBefore.join(' ')}, after ${loadAfter.join(' ')} on ${cpus().length} cores\n`);
    const out = { benchmark: 'fanout', adapter, startedAt, node: process.version, cpus: cpus().length, loadAverage: { before: loadBefore, after: loadAfter }, args, scenarios: results };
    const file = writeBenchResult(`fanout-${adapter}`, out);
    process.stdout.write(`\nwritten ${file}\n`);
  } finally {
    await redis?.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
