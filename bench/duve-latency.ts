/**
 * Event-to-updated-value benchmark (a script, not a test). Prints figures and writes JSON to
 * bench/results/.
 *
 *   npm run bench:duve-latency -- [--taobao <file>] [--events 500]
 *
 * 1. Import the Taobao head into a fresh embedded store; train DUVE on it (seeded, short: the
 *    figures here are latencies, not accuracy) and publish it to a temp model folder.
 * 2. Start the real gateway in this process (boot rebuilds the online state from the store).
 * 3. Send `--events` single-event recordEvents mutations over loopback HTTP, one at a time, each
 *    for a random Taobao user (seeded), with a timestamp after the data's end. Per event:
 *    - mutation latency (the state update and the change publication happen before it answers);
 *    - event -> the change on the value-change log (a subscriber on the gateway's log);
 *    - event -> `userValue` showing the event (mutation + one query).
 * 4. Baseline in the same run: the same store, a gateway with DUVE off, the same number of
 *    single-event mutations: what recordEvents costs without the value update.
 * 5. The refresh job's body (every user recomputed and compared) timed in-process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { importTaobao } from '../ingest/import/presets';
import { trainDuveFromStore } from '../ml/duve/from-store';
import { loadConfig } from '../config/config';
import { createGraphStore } from '../graph/factory';
import type { GraphStore } from '../graph/port';
import { mulberry32 } from '../ml/random';
import { startGateway, type Gateway } from '../server/gateway';
import { BENCH_RATE_LIMITS } from './child-gateway';
import { rssMiB, summarise, writeBenchResult } from './stats';

interface Args {
  taobao: string;
  events: number;
}

function parseArgs(argv: string[]): Args {
  const get = (flag: string, dflt: string): string => {
    const i = argv.indexOf(flag);
    return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
  };
  return { taobao: resolve(get('--taobao', '../shared/data/taobao-userbehavior-head/UserBehavior_head.csv')), events: Number(get('--events', '500')) };
}

const RECORD = 'mutation($e: [EventInput!]!) { recordEvents(events: $e) { accepted } }';
const VALUE = 'query($u: String!) { userValue(userId: $u) { lastEventAt purchaseProbability } }';

/** An admin key per gateway (each has its own access database). */
const keyOf = new Map<string, string>();

async function post(url: string, query: string, variables: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${keyOf.get(url)}` }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

async function start(store: GraphStore, dir: string, modelDir: string): Promise<Gateway> {
  const config = loadConfig({
    PORT: '0',
    DB_PATH: join(dir, 'store.db'),
    DUVE_MODEL_DIR: modelDir,
    EXPERIMENTS_DB_PATH: join(dir, 'experiments.db'),
    PUBLISHED_DB_PATH: join(dir, 'published.db'),
    ACCESS_DB_PATH: join(dir, 'access.db'),
    LOG_LEVEL: 'silent',
    DUVE_REFRESH_MINUTES: '1440',
    VALUE_CHANGE_MIN_DELTA: '0',
    // Rate limits on, above the bench: one admin key sends every request back to back.
    RATE_LIMITS: BENCH_RATE_LIMITS,
  });
  const gateway = await startGateway({ config, store, logger: pino({ level: 'silent' }) });
  keyOf.set(gateway.url, gateway.access.keys.create({ name: 'bench', role: 'admin' }).secret);
  return gateway;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'bench-duve-latency-'));
  const out: Record<string, unknown> = { args, node: process.version, startedAt: new Date().toISOString() };
  try {
    const store = await createGraphStore({ kind: 'embedded', path: join(dir, 'store.db') });
    let t = performance.now();
    const imported = await importTaobao(store, args.taobao, { progress: false });
    out.import = { ...imported, ms: Math.round(performance.now() - t) };
    const modelDir = join(dir, 'models', 'duve');
    t = performance.now();
    const trained = await trainDuveFromStore(store, { modelDir, horizonDays: 1, stepDays: 0.5, iterations: 60, seed: 42 });
    out.training = { version: trained.version, users: trained.users, events: trained.events, examples: trained.examples, ms: Math.round(performance.now() - t) };
    console.log(`store: ${trained.events} interactions, ${trained.users} users; DUVE trained in ${(trained.trainMs / 1000).toFixed(1)} s`);

    const users = [...new Set(await collectUsers(store))].sort();
    const latest = await store.latestEventTs();
    const rnd = mulberry32(42);
    let seq = 0;
    const nextEvent = () => {
      const userId = users[Math.floor(rnd() * users.length)]!;
      seq++;
      return { eventId: `bench-${seq}`, userId, type: rnd() < 0.8 ? 'view' : 'add_to_cart', itemId: `taobao:bench-item-${seq % 97}`, ts: new Date(latest + seq * 1000).toISOString() };
    };

    t = performance.now();
    const gw = await start(store, dir, modelDir);
    const bootMs = performance.now() - t;
    const uv = gw.userValues!;
    console.log(`gateway up in ${(bootMs / 1000).toFixed(2)} s (state rebuilt for ${uv.engine().userCount} users); RSS ${rssMiB()} MiB`);
    const arrived = new Map<string, number>();
    const unsubscribe = await gw.valueChanges.subscribe(undefined, (c) => arrived.set(c.change.userId, performance.now()));
    const mutation: number[] = [];
    const toLog: number[] = [];
    const toQuery: number[] = [];
    for (let i = 0; i < args.events; i++) {
      const e = nextEvent();
      arrived.delete(e.userId);
      const t0 = performance.now();
      await post(gw.url, RECORD, { e: [e] });
      const t1 = performance.now();
      const v = (await post(gw.url, VALUE, { u: e.userId })) as { userValue: { lastEventAt: string } };
      const t2 = performance.now();
      if (v.userValue.lastEventAt !== e.ts) throw new Error(`userValue(${e.userId}) does not show event ${e.eventId}`);
      mutation.push(t1 - t0);
      toQuery.push(t2 - t0);
      const got = arrived.get(e.userId);
      if (got === undefined) throw new Error(`no value change on the log for ${e.userId}`);
      toLog.push(got - t0);
    }
    unsubscribe();
    t = performance.now();
    const refresh = await uv.refresh();
    const refreshMs = performance.now() - t;
    out.duve = {
      bootMs: Math.round(bootMs),
      users: uv.engine().userCount,
      rssMiB: rssMiB(),
      mutationMs: summarise(mutation),
      eventToLogMs: summarise(toLog),
      eventToQueryMs: summarise(toQuery),
      refresh: { ...refresh, ms: Math.round(refreshMs) },
    };
    await gw.stop();

    const base = await start(store, dir, join(dir, 'no-models', 'duve'));
    const baseline: number[] = [];
    for (let i = 0; i < args.events; i++) {
      const t0 = performance.now();
      await post(base.url, RECORD, { e: [nextEvent()] });
      baseline.push(performance.now() - t0);
    }
    out.baselineDuveOff = { mutationMs: summarise(baseline) };
    await base.stop();
    await store.close();

    const d = out.duve as { mutationMs: ReturnType<typeof summarise>; eventToLogMs: ReturnType<typeof summarise>; eventToQueryMs: ReturnType<typeof summarise> };
    const b = summarise(baseline);
    const row = (name: string, s: ReturnType<typeof summarise>) => `${name.padEnd(42)} p50 ${s.p50.toFixed(2)}  p95 ${s.p95.toFixed(2)}  p99 ${s.p99.toFixed(2)} ms`;
    console.log(`\n${args.events} single-event mutations, one at a time, loopback HTTP:`);
    console.log(row('recordEvents, DUVE off (baseline)', b));
    console.log(row('recordEvents, DUVE on (state + publish)', d.mutationMs));
    console.log(row('event -> change on the value-change log', d.eventToLogMs));
    console.log(row('event -> userValue shows it (2 requests)', d.eventToQueryMs));
    console.log(`refresh of ${refresh.users} users: ${Math.round(refreshMs)} ms, ${refresh.changes} changes published`);
    const file = writeBenchResult('duve-latency', out);
    console.log(`\nJSON: ${file}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function collectUsers(store: GraphStore): Promise<string[]> {
  const ids = new Set<string>();
  for await (const page of store.scanInteractions(50_000)) for (const e of page) ids.add(e.userId);
  return [...ids];
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
