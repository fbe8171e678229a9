/**
 * Micro-bench of query suggestion on the request path (`npm run bench:queries`): rankQueries over
 * synthetic indexes of 10k and 100k queries (texts of 1-3 random words, Zipf-like counts, 64-dim
 * vectors for every query, a user vector and 20 recent queries), at prefixes of 0, 1 and 2
 * characters (a prefix drawn from a random known text), limit 10. Rounds of the sizes are
 * interleaved; the load average is recorded beside the figures.
 */
import { loadavg } from 'node:os';
import { mulberry32 } from '../ml/random';
import { buildQueryIndex, type QueryIndex } from '../plugins/dpgcn/queries/query-index';
import { rankQueries, type UserIntent } from '../plugins/dpgcn/queries/rank';
import { summarise, writeBenchResult } from './stats';

const DIMS = 64;
const SIZES = [10_000, 100_000];
const PREFIX_LENGTHS = [0, 1, 2];
const REQUESTS_PER_ROUND = 200;
const ROUNDS = 5;

function syllable(rnd: () => number): string {
  const c = 'bcdfghklmnprstvz';
  const v = 'aeiou';
  return c[Math.floor(rnd() * c.length)]! + v[Math.floor(rnd() * v.length)]!;
}

function makeIndex(n: number, rnd: () => number): QueryIndex {
  const texts = new Set<string>();
  while (texts.size < n) {
    const words = 1 + Math.floor(rnd() * 3);
    const w: string[] = [];
    for (let i = 0; i < words; i++) w.push(syllable(rnd) + syllable(rnd) + (rnd() < 0.5 ? syllable(rnd) : ''));
    texts.add(w.join(' '));
  }
  const ids = [...texts];
  const vectors = Float32Array.from({ length: n * DIMS }, () => rnd() - 0.5);
  return buildQueryIndex(
    ids.map((text, i) => ({ text, count: Math.floor(1000 / (1 + (i % 997))) })),
    { dims: DIMS, own: { ids, vectors } },
  );
}

function main(): void {
  const rnd = mulberry32(42);
  const indexes = SIZES.map((n) => ({ n, ix: makeIndex(n, rnd) }));
  const user = Float32Array.from({ length: DIMS }, () => rnd() - 0.5);
  const samples = new Map<string, number[]>();
  const range = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const { n, ix } of round % 2 === 0 ? indexes : [...indexes].reverse()) {
      const recent = new Map<number, number>(Array.from({ length: 20 }, () => [Math.floor(rnd() * n), rnd()] as [number, number]));
      const intent: UserIntent = { vector: user, recent };
      for (const len of PREFIX_LENGTHS) {
        const key = `${n}/${len}`;
        const out = samples.get(key) ?? [];
        const sizes = range.get(key) ?? [];
        for (let r = 0; r < REQUESTS_PER_ROUND; r++) {
          const prefix = ix.texts[Math.floor(rnd() * n)]!.slice(0, len);
          const t0 = performance.now();
          rankQueries(ix, intent, prefix, 10);
          out.push(performance.now() - t0);
          const [lo, hi] = ix.prefixRange(prefix);
          sizes.push(hi - lo);
        }
        samples.set(key, out);
        range.set(key, sizes);
      }
    }
  }
  const rows = [...samples].map(([key, s]) => {
    const [n, len] = key.split('/').map(Number) as [number, number];
    const sizes = range.get(key)!;
    return { queries: n, prefixChars: len, meanMatching: Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length), ...summarise(s.slice(REQUESTS_PER_ROUND)) };
  });
  const result = { dims: DIMS, limit: 10, loadavg: loadavg(), rows };
  for (const r of rows) console.log(`${r.queries} queries, prefix ${r.prefixChars} chars (≈${r.meanMatching} match): p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms`);
  console.log(
    `load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  console.log(writeBenchResult('queries-suggest', result));
}

main();
