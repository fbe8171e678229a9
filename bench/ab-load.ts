/**
 * Load two gateways in alternation, in one run: a baseline (A) and a candidate (B) strategy, each
 * connection count, `rounds` rounds of A then B, so both see the same machine. Prints each run and
 * the pooled p99 ratio (B / A: worst round of each, and per round with its median).
 */
import { loadavg } from 'node:os';
import { load, type LoadResult } from './http';
import { summarise } from './stats';

export interface AbGateway {
  readonly url: string;
  readonly key: string;
}

export interface AbLoadOptions {
  /** Report names of A (the baseline) and B (the candidate). */
  readonly names: readonly [string, string];
  readonly connections: readonly number[];
  readonly rounds: number;
  /** Seconds per run. */
  readonly duration: number;
  readonly body: () => string;
}

export interface AbRun {
  readonly connections: number;
  readonly round: number;
  readonly strategy: string;
  readonly result: LoadResult;
}

export interface AbPooled {
  readonly connections: number;
  readonly baselineP50: number;
  readonly candidateP50: number;
  readonly baselineP99: number;
  readonly candidateP99: number;
  readonly p99Ratio: number;
  readonly p99RatioPerRound: readonly number[];
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

export async function alternatingLoad(a: AbGateway, b: AbGateway, o: AbLoadOptions): Promise<{ runs: AbRun[]; pooled: AbPooled[] }> {
  const [nameA, nameB] = o.names;
  const auth = (g: AbGateway) => ({ authorization: `Bearer ${g.key}` });
  await load(a.url, 10, 3, o.body, auth(a));
  await load(b.url, 10, 3, o.body, auth(b));
  const runs: AbRun[] = [];
  for (const c of o.connections) {
    for (let round = 0; round < o.rounds; round++) {
      for (const [name, g] of [
        [nameA, a],
        [nameB, b],
      ] as const) {
        const result = await load(g.url, c, o.duration, o.body, auth(g));
        runs.push({ connections: c, round, strategy: name, result });
        console.log(
          `   c=${c} round ${round + 1} ${name.padEnd(8)} p50/p95/p99 ${result.latencyMs.p50}/${result.latencyMs.p95}/${result.latencyMs.p99} ms, ${result.reqPerSec} req/s, errors ${result.errors}, non-2xx ${result.non2xx}, load average ${loadavg()[0]!.toFixed(1)}`,
        );
      }
    }
  }
  const pooled = o.connections.map((c): AbPooled => {
    const of = (s: string) => runs.filter((r) => r.connections === c && r.strategy === s);
    const p99 = (s: string) => Math.max(...of(s).map((r) => r.result.latencyMs.p99));
    const p50 = (s: string) => summarise(of(s).map((r) => r.result.latencyMs.p50)).p50;
    return {
      connections: c,
      baselineP50: p50(nameA),
      candidateP50: p50(nameB),
      baselineP99: p99(nameA),
      candidateP99: p99(nameB),
      p99Ratio: round2(p99(nameB) / p99(nameA)),
      // Each round compares runs seconds apart on the same machine; the median round is the figure least moved by other processes' load.
      p99RatioPerRound: of(nameB).map((r) => round2(r.result.latencyMs.p99 / of(nameA).find((x) => x.round === r.round)!.result.latencyMs.p99)),
    };
  });
  for (const p of pooled) {
    const median = [...p.p99RatioPerRound].sort((x, y) => x - y)[Math.floor((p.p99RatioPerRound.length - 1) / 2)];
    console.log(
      `   c=${p.connections}: p99 ${nameA} ${p.baselineP99} ms, ${nameB} ${p.candidateP99} ms (worst round each): ratio ${p.p99Ratio}; per round ${p.p99RatioPerRound.join(', ')} (median ${median})`,
    );
  }
  return { runs, pooled };
}
