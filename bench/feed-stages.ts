/**
 * Where a feed request spends its time, per stage, in one process (a script, not a test): for each
 * strategy file given, every sampled user's feed is run once to warm up and then `--repeat` times,
 * sequentially, on one embedded store. Prints mean and p50/p99 ms per stage and the CPU time per
 * request (process.cpuUsage), and writes JSON to bench/results/. Use it to see what the learned
 * ranker adds over the default strategy before spending a load run on it.
 *
 *   npm run bench:stages -- --db <store.db> [--ltr <models/ltr>] [--users 300] [--repeat 2] [default|<strategy.json> ...]
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { createGraphStore } from '../graph/factory';
import { loadOnnxModel } from '../ml/onnx/session';
import { strategyMembers } from '../pipeline/stages';
import { createFeedService } from '../pipeline/feed';
import { DEFAULT_STRATEGY, loadStrategyFile, type Strategy } from '../pipeline/strategy';
import { seededRandom } from '../plugins/sdk/fixtures';
import type { ScorerPlugin } from '../plugins/sdk/contract';
import { createScorerRegistry } from '../plugins/sdk/registry';
import { bundledScorers, loadLtrPlugin } from '../server/bundled';
import { summarise, writeBenchResult } from './stats';

interface Args {
  db: string;
  ltr: string | undefined;
  users: number;
  repeat: number;
  strategies: string[];
}

function parseArgs(argv: string[]): Args {
  const a: Args = { db: '', ltr: undefined, users: 300, repeat: 2, strategies: [] };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i]!;
    const next = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new RangeError(`${v} needs a value`);
      return x;
    };
    if (v === '--db') a.db = resolve(next());
    else if (v === '--ltr') a.ltr = resolve(next());
    else if (v === '--users') a.users = Number(next());
    else if (v === '--repeat') a.repeat = Number(next());
    else a.strategies.push(v);
  }
  if (!a.db) throw new RangeError('--db <store.db> is required');
  if (a.strategies.length === 0) a.strategies.push('default');
  return a;
}

const STAGES = ['profile', 'candidates', 'features', 'firstStage', 'secondStage', 'blendRerank', 'total'] as const;
type Stage = (typeof STAGES)[number];

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'recgate-stages-'));
  const logger = pino({ level: 'warn' });
  try {
    copyFileSync(args.db, join(dir, 'store.db'));
    const store = await createGraphStore({ kind: 'embedded', path: join(dir, 'store.db') });
    const plugins: ScorerPlugin[] = [...bundledScorers()];
    if (args.ltr) {
      const ranker = await loadLtrPlugin(args.ltr, logger, 3_600_000);
      if (ranker) plugins.push(ranker as unknown as ScorerPlugin);
    }
    const registry = await createScorerRegistry(plugins, { logger, defaultTimeoutMs: 10_000, loadModel: loadOnnxModel });
    const users = new Set<string>();
    for await (const page of store.scanInteractions(10_000)) for (const r of page) users.add(r.userId);
    const rnd = seededRandom(7);
    const all = [...users].sort();
    const sample = Array.from({ length: Math.min(args.users, all.length) }, () => all[Math.floor(rnd() * all.length)]!);
    const out: Record<string, unknown> = { startedAt: new Date().toISOString(), node: process.version, args, results: [] as unknown[] };
    for (const name of args.strategies) {
      const strategy: Strategy = name === 'default' ? DEFAULT_STRATEGY : loadStrategyFile(resolve(name));
      // The gateway's own feed service: the stage times are the ones it reports (FeedResult.stageMs).
      const service = createFeedService({ store, registry, strategy });
      const secondIds = new Set<string>(
        strategyMembers(strategy, registry)
          .filter((m) => m.stage === 2)
          .map((m) => m.reg.id),
      );
      const ms: Record<Stage, number[]> = Object.fromEntries(STAGES.map((s) => [s, [] as number[]])) as Record<Stage, number[]>;
      const scorerMs = new Map<string, number[]>();
      let candidates = 0;
      let cpu = 0;
      let requests = 0;
      for (let pass = 0; pass <= args.repeat; pass++) {
        const cpu0 = process.cpuUsage();
        for (const userId of sample) {
          const t0 = performance.now();
          const r = await service.feed({ userId });
          const total = performance.now() - t0;
          if (pass === 0) continue;
          requests++;
          candidates += r.candidateCount;
          const secondMs = r.timings.filter((x) => secondIds.has(x.scorerId)).reduce((sum, x) => sum + x.ms, 0);
          ms.profile.push(r.stageMs.profile);
          ms.candidates.push(r.stageMs.candidates);
          ms.features.push(r.stageMs.features);
          ms.secondStage.push(secondMs);
          ms.firstStage.push(r.stageMs.scoring - secondMs);
          ms.blendRerank.push(r.stageMs.rerank);
          ms.total.push(total);
          for (const x of r.timings) scorerMs.set(x.scorerId, [...(scorerMs.get(x.scorerId) ?? []), x.ms]);
        }
        const d = process.cpuUsage(cpu0);
        if (pass > 0) cpu += (d.user + d.system) / 1000;
      }
      const row = {
        strategy: strategy.id,
        file: name,
        requests,
        meanCandidates: Math.round(candidates / requests),
        cpuMsPerRequest: Math.round((cpu / requests) * 100) / 100,
        stages: Object.fromEntries(STAGES.map((s) => [s, summarise(ms[s])])),
        scorers: Object.fromEntries([...scorerMs].map(([id, v]) => [id, round(mean(v))])),
      };
      (out.results as unknown[]).push(row);
      console.log(`${strategy.id.padEnd(14)} ${row.meanCandidates} candidates, CPU ${row.cpuMsPerRequest} ms/request; mean ms: ${STAGES.map((s) => `${s} ${round(mean(ms[s]))}`).join(', ')}`);
      console.log(`${''.padEnd(14)} scorers (mean ms, concurrent within a stage): ${[...scorerMs].map(([id, v]) => `${id} ${round(mean(v))}`).join(', ')}`);
    }
    await registry.close();
    await store.close();
    const file = writeBenchResult('feed-stages', out);
    console.log(`written ${file}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mean = (v: number[]): number => (v.length === 0 ? 0 : v.reduce((s, x) => s + x, 0) / v.length);
const round = (x: number): number => Math.round(x * 100) / 100;

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
