/**
 * Crash durability (a script, not a test): for each round, start the gateway (child process, keys
 * on), let writers send recordEvents batches of unique eventIds as fast as they can with an ingest
 * key, note every eventId the gateway ACKNOWLEDGED (HTTP 200, accepted, not rejected), and
 * `kill -9` the gateway mid-stream at a seeded random moment. Then restart it on the same files
 * (it must come up healthy), stop it, open the store directly and re-ingest the acknowledged
 * events: the store's own idempotency says which were already there (found) and which it had to
 * insert (lost). Prints acknowledged / found / lost per round and writes JSON to bench/results/.
 *
 *   npm run bench:durability -- [--rounds 3] [--writers 4] [--batch 100] [--min-ms 3000] [--max-ms 6000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InteractionEvent } from '../domain/events';
import { createGraphStore } from '../graph/factory';
import { seededRandom } from '../plugins/sdk/fixtures';
import { BENCH_RATE_LIMITS, bearer, createKey, gatewayEnv, post, startChild } from './child-gateway';
import { writeBenchResult } from './stats';

interface Args {
  rounds: number;
  writers: number;
  batch: number;
  minMs: number;
  maxMs: number;
}

function parseArgs(argv: string[]): Args {
  const get = (flag: string, dflt: string): number => {
    const i = argv.indexOf(flag);
    return Number(i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt);
  };
  return { rounds: get('--rounds', '3'), writers: get('--writers', '4'), batch: get('--batch', '100'), minMs: get('--min-ms', '3000'), maxMs: get('--max-ms', '6000') };
}

const RECORD = 'mutation($e:[EventInput!]!){recordEvents(events:$e){accepted duplicates rejected{index}}}';
/** Hard bound on one round's writing, whatever happens to the kill. */
const MAX_WRITE_MS = 30_000;

interface RoundResult {
  round: number;
  killAfterMs: number;
  sent: number;
  acknowledged: number;
  found: number;
  lost: number;
  storedEvents: number;
  restartMs: number;
  requestsFailedAtKill: number;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'recgate-durability-'));
  const rnd = seededRandom(2026);
  const results: RoundResult[] = [];
  try {
    const env = gatewayEnv(dir);
    const key = createKey(env, 'ingest');
    console.log(`keys on (ingest key), RATE_LIMITS=${BENCH_RATE_LIMITS} (on, above the writers' load: a 429 would stop the run)`);
    for (let round = 1; round <= args.rounds; round++) {
      const gw = await startChild(env);
      const acked: InteractionEvent[] = [];
      let sent = 0;
      let failed = 0;
      let stopped = false;
      const killAfterMs = Math.round(args.minMs + rnd() * (args.maxMs - args.minMs));
      const started = Date.now();
      const writer = async (w: number): Promise<void> => {
        for (let b = 0; !stopped && Date.now() - started < MAX_WRITE_MS; b++) {
          const ts = Date.now();
          const events = Array.from({ length: args.batch }, (_, i) => ({
            eventId: `r${round}-w${w}-b${b}-${i}`,
            userId: `dur-u-${(b * args.batch + i) % 997}`,
            itemId: `dur-i-${i % 211}`,
            type: 'view',
            ts: new Date(ts).toISOString(),
          }));
          sent += events.length;
          try {
            const r = await post(gw.url, JSON.stringify({ query: RECORD, variables: { e: events } }), bearer(key), 10_000);
            const d = (r.json as { data?: { recordEvents: { accepted: number; duplicates: string[]; rejected: Array<{ index: number }> } } } | null)?.data?.recordEvents;
            if (r.status !== 200 || !d) throw new Error(`status ${r.status}: ${r.text.slice(0, 200)}`);
            if (d.rejected.length > 0 || d.duplicates.length > 0) throw new Error(`unexpected rejections/duplicates: ${r.text.slice(0, 200)}`);
            for (const e of events) acked.push({ eventId: e.eventId, userId: e.userId, itemId: e.itemId, type: 'view', ts, value: 0, dwellMs: null, session: null, referrer: null, query: null });
          } catch (err) {
            if (gw.child.exitCode === null && gw.child.signalCode === null && !stopped) throw err;
            failed++;
            return; // the gateway is gone: this writer stops
          }
        }
      };
      const writing = Promise.all(Array.from({ length: args.writers }, (_, w) => writer(w)));
      await new Promise((r) => setTimeout(r, killAfterMs));
      gw.child.kill('SIGKILL');
      stopped = true;
      await gw.stop('SIGKILL');
      await writing;

      // Restart on the same files: the gateway must recover the store and answer.
      const t0 = performance.now();
      const again = await startChild(env);
      const restartMs = Math.round(performance.now() - t0);
      await again.stop('SIGTERM');

      // Verify with the store's idempotency: re-ingesting an acknowledged event that is there inserts nothing.
      const store = await createGraphStore({ kind: 'embedded', path: String(env.DB_PATH) });
      const storedEvents = (await store.counts()).events;
      let lost = 0;
      for (let i = 0; i < acked.length; i += 1000) lost += (await store.ingestEvents(acked.slice(i, i + 1000))).inserted;
      await store.close();
      const r: RoundResult = { round, killAfterMs, sent, acknowledged: acked.length, found: acked.length - lost, lost, storedEvents, restartMs, requestsFailedAtKill: failed };
      results.push(r);
      console.log(
        `round ${round}: kill -9 after ${killAfterMs} ms; sent ${sent}, acknowledged ${r.acknowledged}, found ${r.found}, lost ${r.lost}; store holds ${storedEvents} events; restart healthy in ${restartMs} ms`,
      );
    }
    console.log('\n| round | kill -9 after (ms) | sent | acknowledged | found | lost | events in store (all rounds) | restart to healthy (ms) |\n|---|---|---|---|---|---|---|---|');
    for (const r of results) console.log(`| ${r.round} | ${r.killAfterMs} | ${r.sent} | ${r.acknowledged} | ${r.found} | ${r.lost} | ${r.storedEvents} | ${r.restartMs} |`);
    const file = writeBenchResult('durability', { startedAt: new Date().toISOString(), node: process.version, args, rateLimits: BENCH_RATE_LIMITS, rounds: results });
    console.log(`written ${file}`);
    if (results.some((r) => r.lost > 0 || r.acknowledged === 0)) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
