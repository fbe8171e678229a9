/** Small helpers for benchmark figures. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** Nearest-rank percentiles of latencies in ms. */
export function summarise(samples: readonly number[]): LatencySummary {
  const s = Float64Array.from(samples).sort();
  const pct = (p: number): number => (s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!);
  const mean = s.length === 0 ? Number.NaN : s.reduce((a, b) => a + b, 0) / s.length;
  const r = (x: number): number => Math.round(x * 1000) / 1000;
  return { count: s.length, p50: r(pct(50)), p95: r(pct(95)), p99: r(pct(99)), max: r(pct(100)), mean: r(mean) };
}

/** Resident set size of a process in MiB, from /proc (Linux). */
export function rssMiB(pid: number = process.pid): number {
  if (pid === process.pid) return Math.round((process.memoryUsage().rss / 2 ** 20) * 10) / 10;
  const { readFileSync } = require('node:fs') as typeof import('node:fs');
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : Number.NaN;
}

/** Write a benchmark's figures to bench/results/<name>-<ISO time>.json; returns the file's path. */
export function writeBenchResult(name: string, data: unknown): string {
  const dir = join(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}
