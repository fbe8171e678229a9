/**
 * strategies/ltv.json, the LTV-aware feed: score = 0.5 · commercial + 0.4 · purchase probability
 * + 0.1 · diversity, top 10. The file parses, and the pipeline's own blend + MMR rank exactly by
 * that formula (checked against an independent greedy implementation of it). Reads only the file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ItemRecord } from '../domain/catalog';
import { mulberry32 } from '../ml/random';
import { blend } from './blend';
import { rerank } from './rerank';
import { effectiveWeights, parseStrategy, type Strategy } from './strategy';

const FILE = join(__dirname, '..', 'strategies', 'ltv.json');
const ltv = (): Strategy => parseStrategy(JSON.parse(readFileSync(FILE, 'utf8')));

/** The formula, written out on its own: own min-max, own category overlap, greedy top `limit`. */
function literalLtvOrder(c: Float32Array, p: Float32Array, cats: readonly string[], limit: number, wc: number, wp: number, wd: number): number[] {
  const norm = (x: Float32Array): number[] => {
    const lo = Math.min(...x);
    const hi = Math.max(...x);
    return Array.from(x, (v) => (hi > lo ? (v - lo) / (hi - lo) : 0));
  };
  const cn = norm(c);
  const pn = norm(p);
  const picked: number[] = [];
  while (picked.length < Math.min(limit, c.length)) {
    let best = -1;
    let bestVal = -Infinity;
    for (let i = 0; i < c.length; i++) {
      if (picked.includes(i)) continue;
      // one category per item, no brand: Jaccard of two singletons is 1 (same) or 0
      const maxSim = picked.some((j) => cats[j] === cats[i]) ? 1 : 0;
      const v = wc * cn[i]! + wp * pn[i]! + wd * (1 - maxSim);
      if (v > bestVal) {
        bestVal = v;
        best = i;
      }
    }
    picked.push(best);
  }
  return picked;
}

function randomCase(seed: number, n: number): { c: Float32Array; p: Float32Array; cats: string[]; meta: ItemRecord[] } {
  const rng = mulberry32(seed);
  // different scales: the blend must normalise before weighting
  const c = Float32Array.from({ length: n }, () => 3 * rng());
  const p = Float32Array.from({ length: n }, () => 0.02 * rng());
  const cats = Array.from({ length: n }, () => `cat-${Math.floor(rng() * 4)}`);
  const meta = cats.map((cat, i): ItemRecord => ({ id: `i${i}`, title: `i${i}`, categories: [cat], brand: null, price: null, available: true, createdAt: 0 }));
  return { c, p, cats, meta };
}

describe('strategies/ltv.json', () => {
  it('is a valid strategy: commercial 0.5 + duve/purchase 0.4, MMR λ = 0.9, no category cap, top 10', () => {
    const s = ltv();
    expect(s.id).toBe('ltv');
    expect(s.limit).toBe(10);
    expect(s.scorers).toEqual([
      { id: 'baseline/commercial', weight: 0.5 },
      { id: 'duve/purchase', weight: 0.4 },
    ]);
    expect(s.diversity).toEqual({ method: 'mmr', lambda: 0.9, maxPerCategory: 0 });
  });

  it('gives the objective the effective weights 0.5 / 0.4 / 0.1', () => {
    const w = effectiveWeights(ltv());
    expect(Object.keys(w.scorers).sort()).toEqual(['baseline/commercial', 'duve/purchase']);
    expect(w.scorers['baseline/commercial']).toBeCloseTo(0.5, 12);
    expect(w.scorers['duve/purchase']).toBeCloseTo(0.4, 12);
    expect(w.diversity).toBeCloseTo(0.1, 12);
  });

  it('falls back to commercial 0.9 + diversity 0.1 when duve/purchase does not answer', () => {
    const w = effectiveWeights(ltv(), new Set(['baseline/commercial']));
    expect(w.scorers).toEqual({ 'baseline/commercial': expect.closeTo(0.9, 12) });
    expect(w.diversity).toBeCloseTo(0.1, 12);
  });

  it('ranks through blend + rerank exactly as the literal formula does', () => {
    const s = ltv();
    let sensitive = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const { c, p, cats, meta } = randomCase(seed, 40);
      const weight = (id: string): number => s.scorers.find((x) => x.id === id)!.weight;
      const { scores } = blend(
        [
          { scorerId: 'baseline/commercial', version: '1.0.0', weight: weight('baseline/commercial'), raw: c },
          { scorerId: 'duve/purchase', version: '1.0.0', weight: weight('duve/purchase'), raw: p },
        ],
        c.length,
      );
      const order = rerank(scores, meta, { ...s.diversity, limit: s.limit });
      expect(order).toEqual(literalLtvOrder(c, p, cats, 10, 0.5, 0.4, 0.1));
      // The diversity term matters on these cases: without it, or with it doubled, the order differs.
      const noDiversity = literalLtvOrder(c, p, cats, 10, 0.5, 0.4, 0);
      const moreDiversity = literalLtvOrder(c, p, cats, 10, 0.5, 0.4, 0.2);
      if (JSON.stringify(noDiversity) !== JSON.stringify(order) && JSON.stringify(moreDiversity) !== JSON.stringify(order)) sensitive += 1;
    }
    expect(sensitive).toBeGreaterThan(10);
  });
});
