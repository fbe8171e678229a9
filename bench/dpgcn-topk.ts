/**
 * Latency of dpgcn/graph's exact top-K retrieval (plugins/dpgcn/topk.ts) by catalogue size: one
 * user vector against n × dims row-normalised random items, K results, 50 excluded rows (as the
 * retriever skips a user's purchased items; topKExcept, as the scorer's retrieve() runs it). A script, not a test; JSON to bench/results/.
 *
 *   npm run build --silent && node dist/bench/dpgcn-topk.js [--sizes 10000,100000,1000000] [--dims 64] [--k 100] [--queries 200]
 */
import { loadavg } from 'node:os';
import { randomDpgcnTables } from '../plugins/dpgcn/publish';
import { topKByDot, topKExcept } from '../plugins/dpgcn/topk';
import { mulberry32 } from '../ml/random';
import { rssMiB, summarise, writeBenchResult } from './stats';

function arg(flag: string, dflt: string): string {
  const i = process.argv.indexOf(flag);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}

function main(): void {
  const sizes = arg('--sizes', '10000,100000,1000000').split(',').map(Number);
  const dims = Number(arg('--dims', '64'));
  const k = Number(arg('--k', '100'));
  const queries = Number(arg('--queries', '200'));
  const out: Record<string, unknown> = { startedAt: new Date().toISOString(), node: process.version, dims, k, queries, loadAverageBefore: loadavg() };
  const results: unknown[] = [];
  for (const n of sizes) {
    const users = 64;
    const t = randomDpgcnTables(
      Array.from({ length: users }, (_, i) => `u${i}`),
      Array.from({ length: n }, (_, i) => `i${i}`),
      dims,
      n,
    );
    const rng = mulberry32(n + 1);
    // Warm-up (JIT), then timed queries.
    for (let q = 0; q < 5; q++) topKByDot(t.users.subarray(0, dims), t.items, dims, k);
    const ms: number[] = [];
    // CPU time of this thread too: on a loaded machine wall time mostly measures waiting for a core.
    const cpu: number[] = [];
    for (let q = 0; q < Math.max(5, Math.round((queries * 100_000) / Math.max(n, 100_000))); q++) {
      const u = q % users;
      const skip = new Set(Array.from({ length: 50 }, () => Math.floor(rng() * n)));
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      topKExcept(t.users.subarray(u * dims, (u + 1) * dims), t.items, dims, k, skip);
      ms.push(performance.now() - t0);
      const c1 = process.cpuUsage(c0);
      cpu.push((c1.user + c1.system) / 1000);
    }
    const s = summarise(ms);
    const c = summarise(cpu);
    results.push({ items: n, dims, tableMiB: Math.round((n * dims * 4) / 2 ** 20), latencyMs: s, cpuMs: c, loadAverage: loadavg() });
    console.log(
      `n=${n} x ${dims}: wall p50/p95/p99 ${s.p50}/${s.p95}/${s.p99} ms, cpu p50/p95/p99 ${c.p50}/${c.p95}/${c.p99} ms over ${s.count} queries (k=${k}), rss ${rssMiB()} MiB, load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
  }
  out.results = results;
  out.loadAverageAfter = loadavg();
  console.log(`written ${writeBenchResult('dpgcn-topk', out)}`);
}

main();
