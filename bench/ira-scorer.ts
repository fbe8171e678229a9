/**
 * In-process latency of one `ira/policy` score() call (features for every candidate, the ONNX
 * forward pass, the slate draw, the decision built and handed off), without HTTP or retrieval: the
 * scorer's own share of a feed. A script, not a test; JSON to bench/results/.
 *
 *   npm run build --silent && node dist/bench/ira-scorer.js [--candidates 200] [--calls 2000] [--pool 30]
 *
 * Version 0 (the heuristic, a linear ONNX graph) by default; `--hidden 32,32` serves a random
 * tanh MLP of that shape instead (the size a trained version has, ml/dqn/agent.ts).
 */
import { loadavg } from 'node:os';
import { createMlp } from '../ml/ddpg/mlp';
import { qnetOnnx } from '../ml/dqn/onnx';
import { loadOnnxModelBytes } from '../ml/onnx/session';
import { mulberry32 } from '../ml/random';
import { IRA_DIM } from '../plugins/ira/features';
import { heuristicOnnx } from '../plugins/ira/heuristic';
import { createIraScorer } from '../plugins/ira/scorer';
import type { ScorerSettings } from '../plugins/sdk/contract';
import { makeFeatureFixture } from '../plugins/sdk/fixtures';
import { writeBenchResult } from './stats';

function arg(argv: string[], flag: string, dflt: string): string {
  const i = argv.indexOf(flag);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const candidates = Number(arg(argv, '--candidates', '200'));
  const calls = Number(arg(argv, '--calls', '2000'));
  const pool = Number(arg(argv, '--pool', '30'));
  const hidden = argv.includes('--hidden') ? arg(argv, '--hidden', '32,32').split(',').map(Number) : null;
  const bytes = hidden ? qnetOnnx(createMlp([IRA_DIM, ...hidden, 1], mulberry32(1))) : heuristicOnnx();
  const session = await loadOnnxModelBytes(bytes);
  let recorded = 0;
  const service = { current: () => ({ version: hidden ? 1 : 0, session }), frozen: () => false, recordDecision: () => void recorded++ };
  const source = {
    id: 'v2',
    stateDim: 16,
    read: () => ({ purchaseProb: 0.2, value: 50, horizonDays: 30, state: new Float32Array(16).fill(0.1), version: 'bench' }),
    observe() {},
  };
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const scorer = await createIraScorer({ service, valueSources: { v2: source } }).setup({ logger: silent, loadModel: () => Promise.reject(new Error('unused')), settings: {} });
  const f = makeFeatureFixture({ n: candidates, seed: 3, history: 40 });
  const settings: ScorerSettings = Object.freeze({ pool });
  const warm = Math.min(200, Math.floor(calls / 5));
  const ms: number[] = [];
  for (let i = 0; i < calls + warm; i++) {
    const t = performance.now();
    await scorer.score({
      userId: f.userId,
      itemIds: f.itemIds,
      features: f.features,
      now: f.now,
      signal: new AbortController().signal,
      settings,
      context: { surface: 'home', limit: 10, requestId: `r${i}` },
    });
    if (i >= warm) ms.push(performance.now() - t);
    // Let the recorded decision hand-off run, as between requests.
    await new Promise((r) => setImmediate(r));
  }
  ms.sort((a, b) => a - b);
  const q = (p: number): number => Math.round(ms[Math.floor(p * (ms.length - 1))]! * 1000) / 1000;
  const out = {
    startedAt: new Date().toISOString(),
    node: process.version,
    candidates,
    calls,
    pool,
    model: hidden ? `mlp ${IRA_DIM}-${hidden.join('-')}-1` : 'version 0 (linear)',
    p50: q(0.5),
    p95: q(0.95),
    p99: q(0.99),
    max: q(1),
    recorded,
    loadAverage: loadavg(),
  };
  console.log(
    `ira/policy score(): ${candidates} candidates, ${out.model}, pool ${pool}: p50 ${out.p50} ms, p95 ${out.p95} ms, p99 ${out.p99} ms over ${calls} calls (load average ${loadavg()[0]!.toFixed(1)})`,
  );
  console.log(`written ${writeBenchResult('ira-scorer', out)}`);
  await session.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
